"""Class decks: the slides for notebook 01's class, one for the trainer and one for the participants.

A deck is cut from an **outline**, ``cskit/content/slides.{ja,en}.yml`` (read by
:func:`load_outline`): about fifteen slides, each with a title, a few bullets, a block
and trainer notes. The block (a table, a chart, cards or questions) is built by
:mod:`cskit.report.slide_blocks` from the role knowledge base, the KPI registry, the
facilitator guide and the team's data, so a deck repeats nothing that is written
elsewhere. Nothing is executed: no notebook, no kernel; a deck takes a few seconds.

Two audiences (:data:`cskit.options.DECK_AUDIENCES`):

``participant`` (the default)
    The slides and the exercise questions. No speaker notes, no answers: the file can
    be handed out.
``trainer``
    The same slides, each with its notes as reveal.js speaker notes
    (``<aside class="notes">``, shown in the speaker view: press ``S``), and after each
    exercise a slide with its answer key, taken from :func:`cskit.guide.answer_keys`
    (the one source of answers).

The slide is 1280 x 720 (16:9) and reveal.js scales it to the screen; the style sheet
(``templates/cskit_slides/slides.css``) keeps table text at 20 px or more and sizes
charts to the room left on their slide, so no slide overflows
(``tests/test_slides.py`` checks both in Chromium). ``<html lang>`` is the deck's language.

reveal.js is not fetched from a CDN: its files come from the ``sphinx-revealjs``
package (which ships reveal.js's ``dist`` and ``plugin`` folders) and are inlined into
the one HTML file with every style sheet; charts are ``data:`` URIs. The deck opens
from a USB stick or an e-mail attachment with no network, and its
Content-Security-Policy forbids any request.

Examples
--------
>>> [slide["id"] for slide in load_outline("en")["slides"]][:3]
['title', 'model', 'cs_vs_sales']
"""
from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

from .._yaml import read_language_content
from ..errors import CskitError
from ..files import atomic_write
from ..options import DECK_AUDIENCES, check_choice, check_lang, check_month
from .slide_blocks import DeckData, build_answers, build_block

__all__ = ["load_outline", "deck_slides", "render_slides", "build_slides", "reveal_dir", "reveal_assets"]

#: The package that ships reveal.js, and where its files are inside it.
REVEAL_PACKAGE = "sphinx_revealjs"
REVEAL_SUBDIR = ("_static", "revealjs")

TEMPLATE_DIR = Path(__file__).resolve().parents[1] / "templates" / "cskit_slides"

#: Scripts and styles are inline; nothing may be fetched (images are data: URIs).
CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
       "img-src data:; font-src data:; base-uri 'none'; form-action 'none'")

#: The trainer deck's speaker view shows the current and the next slide in frames of the
#: deck's own file; frames of any other origin stay forbidden.
TRAINER_CSP = CSP + "; frame-src 'self'"

#: reveal.js options (https://revealjs.com/config/): a 16:9 slide of 1280 x 720, scaled to the screen.
REVEAL_CONFIG = {
    "controls": True,
    "progress": True,
    "history": True,
    "hash": True,
    "center": False,
    "slideNumber": "c/t",
    "transition": "fade",
    "width": 1280,
    "height": 720,
    "margin": 0.02,
    "display": "flex",  # how reveal.js shows the current slide: a column of title, bullets and block
}

_IMPORT = re.compile(r"@import\s+url\([^)]*\)\s*;?")


def reveal_dir() -> Path:
    """Folder of reveal.js's files (``dist/``, ``plugin/``) inside the installed ``sphinx-revealjs``.

    Found without importing the package (which would import Sphinx).

    Raises
    ------
    CskitError
        If ``sphinx-revealjs`` is not installed or does not ship reveal.js.

    Examples
    --------
    >>> (reveal_dir() / "dist" / "reveal.js").is_file()
    True
    """
    spec = importlib.util.find_spec(REVEAL_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        folder = Path(location).joinpath(*REVEAL_SUBDIR)
        if (folder / "dist" / "reveal.js").is_file():
            return folder
    raise CskitError("roles.slides.no_reveal", package=REVEAL_PACKAGE.replace("_", "-"))


def _script(path: Path) -> str:
    """A script file's text, with ``</script`` escaped so that it can sit inside a ``<script>`` element."""
    return re.sub(r"</(script)", r"<\\/\1", path.read_text(encoding="utf-8"), flags=re.IGNORECASE)


def reveal_assets(theme: str = "white") -> dict[str, str]:
    """reveal.js's script, its speaker-notes plugin, core CSS and theme CSS as text, ready to inline.

    The theme's ``@import`` of a web font is removed (the deck uses system fonts, see
    ``slides.css``).

    Raises
    ------
    CskitError
        ``cli.bad_option`` for a theme reveal.js does not ship (the message lists them).

    Examples
    --------
    >>> assets = reveal_assets("white")
    >>> "@import" in assets["theme_css"], "</script" in assets["reveal_js"].lower()
    (False, False)
    """
    folder = reveal_dir()
    theme_file = folder / "dist" / "theme" / f"{theme}.css"
    if not theme_file.is_file():
        known = sorted(p.stem for p in (folder / "dist" / "theme").glob("*.css"))
        raise CskitError("cli.bad_option", option="theme", value=theme, reason=", ".join(known))
    return {
        "reveal_js": _script(folder / "dist" / "reveal.js"),
        "notes_js": _script(folder / "plugin" / "notes" / "notes.js"),
        "reveal_css": (folder / "dist" / "reveal.css").read_text(encoding="utf-8"),
        "theme_css": _IMPORT.sub("", theme_file.read_text(encoding="utf-8")),
    }


def load_outline(lang: str | None = None) -> dict:
    """The class deck's outline in one language (``cskit/content/slides.<lang>.yml``).

    Parameters
    ----------
    lang : {"ja", "en"} or None
        ``None`` means ``$CSKIT_LANG``, else ``ja``.

    Returns
    -------
    dict
        ``meta`` (title, subtitle, data window), ``labels`` and ``slides``: each with an
        ``id``, and a ``title`` (``title_all`` when the deck is for the whole company),
        ``bullets``, ``block`` (``{"kind": ..., options}``), ``answers`` (a key of
        :func:`cskit.guide.answer_keys`) and ``notes`` where it has them.

    Examples
    --------
    >>> outline = load_outline("ja")
    >>> outline["slides"][1]["block"]
    {'kind': 'model_flow'}
    """
    return read_language_content("slides", check_lang(lang))


def _title_slide(outline: dict, deck: DeckData, audience: str) -> dict:
    meta, months = outline["meta"], deck.dataset.months
    window = meta["data_window"].format(first=months[0], last=deck.as_of or months[-1])
    return {"kind": "title", "title": meta["title"], "subtitle": meta["subtitle"].format(team=deck.name(deck.team)),
            "window": window, "badge": outline["labels"]["trainer_deck"] if audience == "trainer" else None}


def deck_slides(outline: dict, deck: DeckData, audience: str) -> list[dict]:
    """The slides of one deck, in order, ready for the template.

    Every outline slide gives one slide, with its block built for ``deck``. For the
    trainer, a slide keeps its notes (and the lines its block reads from the data) and
    an exercise is followed by its answer key; for a participant, neither.

    Returns
    -------
    list of dict
        ``id``, ``kind`` (``title``, ``content`` or ``answers``), ``title``, ``bullets``,
        ``block`` and ``notes`` (empty for a participant).
    """
    trainer = check_choice("audience", audience, DECK_AUDIENCES) == "trainer"
    slides = []
    for item in outline["slides"]:
        if item.get("kind") == "title":
            slide = _title_slide(outline, deck, audience)
        else:
            block = build_block(item["block"], deck) if item.get("block") else None
            title = item["title_all"] if deck.team == "all" and "title_all" in item else item["title"]
            slide = {"kind": "content", "title": title.format(team=deck.name(deck.team)),
                     "bullets": item.get("bullets", []), "block": block, "badge": None}
        notes = list(item.get("notes", [])) + list((slide.get("block") or {}).get("notes", []))
        slides.append({"id": item["id"], **slide, "notes": notes if trainer else []})
        if trainer and item.get("answers"):
            slides.append({"id": f"{item['id']}-answers", "kind": "answers", "bullets": [], "notes": [],
                           "title": outline["labels"]["answer_key"].format(title=item["title"]),
                           "badge": outline["labels"]["trainer_only"], "block": build_answers(item["answers"], deck)})
    return slides


def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True)


def _load(data):
    from ..dataset import Dataset
    from ..io import load_dataset

    return data if isinstance(data, Dataset) else load_dataset(data)


def render_slides(data, *, team: str = "all", lang: str | None = None, audience: str = "participant",
                  as_of: str | None = None, theme: str = "white") -> str:
    """The class deck as one self-contained reveal.js HTML page (see the module's description).

    Parameters are those of :func:`build_slides`; ``data`` may also be a loaded
    :class:`~cskit.dataset.Dataset`.

    Examples
    --------
    >>> from cskit.datasets import load_sample
    >>> page = render_slides(load_sample(), team="cs_smb", lang="ja", audience="participant")
    >>> '<html lang="ja">' in page, 'class="notes"' in page
    (True, False)
    """
    lang = check_lang(lang)
    check_choice("audience", audience, DECK_AUDIENCES)
    dataset = _load(data)
    if team != "all":
        dataset.role_of(team)
    as_of = check_month("--as-of", as_of, within=dataset.months)
    assets = reveal_assets(theme)
    outline = load_outline(lang)
    deck = DeckData(dataset, team, lang, None if as_of is None else str(as_of), labels=outline["labels"])
    slides = deck_slides(outline, deck, audience)
    title = f"{outline['meta']['title']} ({deck.name(team)})"
    return _environment().get_template("deck.html.j2").render(
        lang=lang, audience=audience, title=title, slides=slides, csp=TRAINER_CSP if audience == "trainer" else CSP,
        config=json.dumps(REVEAL_CONFIG),
        reveal_js=assets["reveal_js"], notes_js=assets["notes_js"] if audience == "trainer" else "",
        reveal_css=assets["reveal_css"], theme_css=assets["theme_css"],
        slides_css=(TEMPLATE_DIR / "slides.css").read_text(encoding="utf-8"),
    )


def build_slides(data, out_html: str | Path, *, team: str = "all", lang: str | None = None,
                 audience: str = "participant", as_of: str | None = None, theme: str = "white") -> Path:
    """Write the class deck for ``team`` as one offline reveal.js HTML file.

    Parameters
    ----------
    data : str, Path or Dataset
        Dataset folder (or database URL) whose funnel and KPIs the deck shows.
    out_html : str or Path
        HTML file to write (its folder is created). Written atomically: a failed run
        leaves an older deck as it was.
    team : str
        Team id whose funnel and KPIs are shown beside the company's, or ``"all"``.
    lang : {"ja", "en"} or None
        Language of the deck (``None``: ``$CSKIT_LANG`` or ``ja``).
    audience : {"participant", "trainer"}
        ``participant``: no speaker notes, no answers. ``trainer``: speaker notes and
        the answer key after each exercise.
    as_of : str or None
        Last month (``YYYY-MM``) of the funnel and the KPIs; ``None`` for the data's last month.
    theme : str
        reveal.js theme (``white``, ``simple``, ``black`` ...).

    Returns
    -------
    Path
        ``out_html``.

    Raises
    ------
    CskitError
        Unknown team, language, audience or theme, a bad ``as_of``, an invalid dataset,
        or reveal.js missing; nothing is written then.

    Examples
    --------
    >>> import tempfile
    >>> from cskit.datasets import load_sample
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = build_slides(load_sample(), Path(folder) / "deck.html", team="cs_smb", lang="en", audience="trainer")
    ...     page = path.read_text(encoding="utf-8")
    >>> '<html lang="en">' in page, page.count('<aside class="notes">') > 10
    (True, True)
    """
    return atomic_write(Path(out_html), render_slides(data, team=team, lang=lang, audience=audience,
                                                      as_of=as_of, theme=theme))
