"""The ``cskit`` command: a thin layer over the Python API.

Each subcommand parses options, calls one library function and prints the result.
Every :class:`~cskit.errors.CskitError` becomes a message in the user's language and
exit code 2; nothing else reaches the user as a traceback.
"""
from __future__ import annotations

import os
import sys
from functools import wraps
from pathlib import Path
from typing import Callable, Optional

import typer

from ._version import __version__
from .errors import EXIT_BAD_INPUT, CskitError
from .i18n import t
from .options import check_choice, check_lang

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="cskit: Customer Success / Sales KPI, cohort, target and report kit (ja/en).",
    pretty_exceptions_enable=False,
)

LangOption = typer.Option(None, "--lang", help="Message language: ja or en (default: $CSKIT_LANG, else ja).")
DataOption = typer.Option(..., "--data", help="Dataset folder (one file per table), or a database URL (sqlite:///crm.db, postgresql://user@host/db).")
ConfigOption = typer.Option(None, "--config",
                            help="dataset.yml to use: your headers, values and files mapped onto the contract "
                                 "(for a database URL, or instead of the folder's own).")
AudienceOption = typer.Option("trainer", "--audience", help="trainer (answer key and teaching notes) | new_hire")


def _echo_err(message: str) -> None:
    typer.echo(message, err=True)


def handles_errors(command: Callable) -> Callable:
    """Turn cskit errors into a translated message and exit code 2 (never a traceback)."""

    @wraps(command)
    def wrapper(*args, **kwargs):
        try:
            lang = check_lang(kwargs.get("lang"))
        except CskitError as exc:  # the language itself is unknown: say so in English
            _echo_err(exc.render("en"))
            raise typer.Exit(EXIT_BAD_INPUT)
        kwargs["lang"] = lang
        try:
            return command(*args, **kwargs)
        except CskitError as exc:
            _echo_err(exc.render(lang))
            raise typer.Exit(exc.exit_code)
        except KeyboardInterrupt:
            _echo_err(t("cli.interrupted", lang))
            raise typer.Exit(130)
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except BrokenPipeError:  # the reader stopped early (`cskit validate | head`): stop quietly, as Unix tools do
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error when Python flushes
            raise typer.Exit(1)
        except Exception as exc:  # a bug: say so briefly; the traceback only on request
            if os.environ.get("CSKIT_DEBUG"):
                raise
            _echo_err(t("cli.internal_error", lang, error=f"{type(exc).__name__}: {exc}"))
            raise typer.Exit(1)

    return wrapper


def _echo_warnings(warnings, lang: str) -> None:
    """Print a dataset's warnings (normalised values, headers that are not read) once, on stderr."""
    if warnings:
        _echo_err(t("validate.warnings", lang, count=len(warnings)))
        for problem in warnings:
            _echo_err("  - " + problem.render(lang))


def _load(data, config, lang: str):
    """Load and validate a dataset for a command, its warnings printed on stderr."""
    from .io import load_dataset

    dataset = load_dataset(data, config=config)
    _echo_warnings(dataset.warnings, lang)
    return dataset


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"cskit {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Optional[bool] = typer.Option(None, "--version", callback=_version_callback, is_eager=True, help="Show the version and exit."),
) -> None:
    """cskit command line."""


@app.command()
@handles_errors
def sample(
    out: Path = typer.Option(Path("data/sample"), "--out", help="Folder to write the dataset into."),
    accounts: int = typer.Option(2000, "--accounts", min=1, help="Number of accounts."),
    months: int = typer.Option(36, "--months", min=13, help="Number of months (at least 13, for 12-month KPIs)."),
    seed: int = typer.Option(42, "--seed", help="Random seed; the same seed gives byte-identical files."),
    history_months: Optional[int] = typer.Option(
        None, "--history-months", min=0,
        help="Months the company existed before the data starts (default: about four years, so the first "
             "month has hundreds of customers signed earlier); 0: the company launches in the first month."),
    lang: Optional[str] = LangOption,
) -> None:
    """Write a realistic, deterministic synthetic dataset covering every table."""
    from .sample import write_sample
    from .sample.params import DEFAULT_HISTORY_MONTHS

    history = DEFAULT_HISTORY_MONTHS if history_months is None else history_months
    written = write_sample(out, accounts=accounts, months=months, seed=seed, history_months=history)
    if history:
        typer.echo(t("sample.done_history", lang, path=out, accounts=accounts, months=months, history=history,
                     files=len(written)))
    else:
        typer.echo(t("sample.done", lang, path=out, accounts=accounts, months=months, files=len(written)))


@app.command()
@handles_errors
def validate(
    data: str = DataOption,
    config: Optional[Path] = ConfigOption,
    lang: Optional[str] = LangOption,
) -> None:
    """Check a dataset against the data contract; exit 0 if valid, 2 if not."""
    from .contract import TABLES
    from .io import inspect_dataset
    from .io.sources import shown_location

    dataset, problems = inspect_dataset(data, config=config)
    warnings = [p for p in problems if p.severity == "warning"]
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        _echo_err(t("validate.failed", lang, path=shown_location(data), count=len(errors)))
        for problem in errors:
            _echo_err("  - " + problem.render(lang))
    if warnings:
        typer.echo(t("validate.warnings", lang, count=len(warnings)), err=bool(errors))
        for problem in warnings:
            typer.echo("  - " + problem.render(lang), err=bool(errors))
    if errors:
        raise typer.Exit(EXIT_BAD_INPUT)
    rows = sum(len(frame) for frame in dataset.tables.values())
    typer.echo(t("validate.ok", lang, path=dataset.path, tables=len(dataset.tables), rows=rows))
    for name in TABLES:
        if name == "mrr" and dataset.has("subscriptions"):  # derived, not read: say from what and over which months
            typer.echo(t("validate.table_derived", lang, table=name, rows=len(dataset[name]), source=dataset.sources[name],
                         first=str(dataset.months[0]), last=str(dataset.months[-1])))
        elif dataset.has(name):
            typer.echo(t("validate.table_line", lang, table=name, rows=len(dataset[name]), source=dataset.sources[name]))
        else:
            typer.echo(t("validate.table_absent", lang, table=name))


@app.command("map")
@handles_errors
def map_columns(
    data: Path = typer.Option(..., "--data", help="Folder of your CRM exports (.csv, .xlsx, .parquet)."),
    write: bool = typer.Option(False, "--write", help="Save the proposal as DATA/dataset.yml (only when it is complete)."),
    force: bool = typer.Option(False, "--force", help="With --write: replace an existing dataset.yml."),
    lang: Optional[str] = LangOption,
) -> None:
    """Propose a dataset.yml mapping your files, headers and values to the data contract; exit 0 if complete, 2 if not."""
    from .io.proposal_text import render_proposal, render_unmatched
    from .io.scan import propose_dataset, write_proposal

    proposal, problems = propose_dataset(data)
    for problem in problems:
        _echo_err(problem.render(lang))
    text = render_proposal(proposal, lang, data)
    typer.echo(text + render_unmatched(proposal, lang), nl=False)
    if write and not proposal.complete:
        _echo_err(t("map.incomplete", lang))
    elif write:
        _echo_err(t("map.written", lang, path=write_proposal(data, text, force=force)))
    if not proposal.complete:
        raise typer.Exit(EXIT_BAD_INPUT)


@app.command()
@handles_errors
def kpi(
    data: str = DataOption,
    team: Optional[str] = typer.Option(None, "--team", help="One team id, or 'all' for the company (default: the company and every team)."),
    start: Optional[str] = typer.Option(None, "--from", help="First month, YYYY-MM (default: the data's first)."),
    end: Optional[str] = typer.Option(None, "--to", help="Last month, YYYY-MM (default: the data's last)."),
    gross_margin: float = typer.Option(0.8, "--gross-margin", help="Gross margin 0-1 for LTV and CAC payback."),
    fmt: str = typer.Option("table", "--format", help="csv | json | table"),
    engine: str = typer.Option("auto", "--engine",
                               help="auto | pandas | duckdb: duckdb checks and aggregates a large mrr file inside DuckDB "
                                    "(revenue KPIs only); auto picks it from 1 GB."),
    by: Optional[str] = typer.Option(None, "--by",
                                     help="Split the accounts (of the company, or of --team) by an accounts column: "
                                          "segment | touch_model | industry | region | sales_team | owner | team. "
                                          "The group is in the team column, the column's name in a by column."),
    config: Optional[Path] = ConfigOption,
    lang: Optional[str] = LangOption,
) -> None:
    """Compute every registry KPI per team and month (tidy: team, month, kpi, value)."""
    from .kpi.engine import run_kpis
    from .kpi.export import render_summary, to_csv, to_json
    from .kpi.route import ENGINES

    check_choice("--format", fmt, ("csv", "json", "table"))
    check_choice("--engine", engine, ENGINES)
    run = run_kpis(data, teams=team, start=start, end=end, gross_margin=gross_margin, engine=engine,
                   config=config, by=by)
    _echo_warnings(run.dataset.warnings, lang)
    if by is not None:
        from .kpi.groups import group_names

        typer.echo(t("account.by.not_computed", lang, kpis=", ".join(run.not_computed)), err=True)
        if run.kpis.attrs.get("ungrouped"):
            typer.echo(t("account.by.ungrouped", lang, column=by, count=run.kpis.attrs["ungrouped"]), err=True)
    elif run.not_computed:
        typer.echo(t("pushdown.not_computed", lang, kpis=", ".join(run.not_computed)), err=True)
    kpis, dataset = run.kpis, run.dataset
    if fmt == "csv":
        sys.stdout.write(to_csv(kpis))
    elif fmt == "json":
        sys.stdout.write(to_json(kpis))
    else:
        names = ({name: dataset.team_name(name, lang) for name in ["all", *dataset.teams["team"]]} if by is None
                 else group_names(dataset, by, kpis["team"].unique(), lang))
        sys.stdout.write(render_summary(kpis, names, lang, dataset.currency))


@app.command()
@handles_errors
def accounts(
    data: str = DataOption,
    team: str = typer.Option("all", "--team", help="A team id (a sales team: the accounts it won), or 'all' for the company."),
    start: Optional[str] = typer.Option(None, "--from", help="First month, YYYY-MM (default: the data's first)."),
    end: Optional[str] = typer.Option(None, "--to", help="Last month, YYYY-MM (default: the data's last)."),
    fmt: str = typer.Option("table", "--format", help="csv | json | table"),
    config: Optional[Path] = ConfigOption,
    lang: Optional[str] = LangOption,
) -> None:
    """The per-account movement log: account_id, team, month, movement, mrr_before, mrr_after, change.

    One row per account and month with a movement (new, reactivation, expansion, contraction,
    churn); summed per team and month it gives the movement KPIs of `cskit kpi`.
    """
    from .kpi.movement_log import log_to_csv, log_to_json, movement_log
    from .kpi.movement_tables import render_log

    check_choice("--format", fmt, ("csv", "json", "table"))
    dataset = _load(data, config, lang)
    log = movement_log(dataset, team=team, start=start, end=end)
    if fmt == "csv":
        sys.stdout.write(log_to_csv(log))
    elif fmt == "json":
        sys.stdout.write(log_to_json(log))
    else:
        sys.stdout.write(render_log(log, dataset, team, lang))


@app.command()
@handles_errors
def cohort(
    data: str = DataOption,
    team: str = typer.Option("all", "--team", help="A team id, or 'all' for the company."),
    metric: str = typer.Option("logo", "--metric", help="logo (share of accounts) | revenue (net MRR retention)"),
    period: str = typer.Option("month", "--period", help="Cohort period: month | quarter"),
    fmt: str = typer.Option("csv", "--format", help="csv | json"),
    config: Optional[Path] = ConfigOption,
    lang: Optional[str] = LangOption,
) -> None:
    """Cohort retention per cohort and age (cohort, age, cohort_size, value); censored cells are left out.

    An account signed before the data is in the cohort of its contract_start, blank at the ages
    before the data (late entry); one paying in the data's first month without a contract_start
    cannot be aged and is in no cohort; a sentence on standard error says how many.
    """
    from .cohorts import FORMATS, METRICS, PERIODS, already_paying_text, cohort_records, format_records

    check_choice("--metric", metric, METRICS)
    check_choice("--period", period, tuple(PERIODS))
    check_choice("--format", fmt, FORMATS)
    dataset = _load(data, config, lang)
    records = cohort_records(dataset, team=team, metric=metric, period=period)
    sys.stdout.write(format_records(records, fmt))
    note = already_paying_text(records, lang)
    if note:
        typer.echo(note, err=True)


@app.command()
@handles_errors
def health(
    data: str = DataOption,
    team: str = typer.Option("all", "--team", help="A team id, or 'all' for the company."),
    month: Optional[str] = typer.Option(None, "--month", help="Month of the per-account view, YYYY-MM (default: the data's last)."),
    health_file: Optional[Path] = typer.Option(None, "--health", help="health.yml with the profiles (default: the dataset's own, else today's weights)."),
    backtest: bool = typer.Option(False, "--backtest", help="Judge past scores against churn within --horizon months instead."),
    horizon: int = typer.Option(3, "--horizon", help="With --backtest: months ahead an outcome is looked for (>= 1)."),
    contraction: float = typer.Option(0.3, "--contraction", help="With --backtest: an MRR fall of more than this share (0-1] counts like a churn."),
    fmt: str = typer.Option("table", "--format", help="csv | json | table"),
    config: Optional[Path] = ConfigOption,
    lang: Optional[str] = LangOption,
) -> None:
    """Health score of each account (score, band, each signal's share, change), or its backtest against churn."""
    from .health import backtest as run_backtest
    from .health import health_view, resolve_health
    from .health import present
    from .options import check_count, check_fraction, check_month, check_teams

    check_choice("--format", fmt, ("csv", "json", "table"))
    if backtest:
        check_count("--horizon", horizon)
        check_fraction("--contraction", contraction)
    dataset = _load(data, config, lang)
    check_teams("--team", team, list(dataset.teams["team"]))
    profiles = resolve_health(health_file, data)
    name = dataset.team_name(team, lang)
    if backtest:
        result = run_backtest(dataset, team=team, horizon=horizon, contraction=contraction, health=profiles)
        text = {"csv": lambda: present.backtest_long(result).to_csv(index=False, lineterminator="\n"),
                "json": lambda: present.backtest_json(result),
                "table": lambda: present.render_backtest(result, lang, t("health.backtest_title", lang, team=name,
                                                                             horizon=horizon))}[fmt]()
    else:
        chosen = check_month("--month", month, within=dataset.months) if month else dataset.months[-1]
        view = health_view(dataset, team=team, month=chosen, health=profiles)
        text = {"csv": lambda: present.view_csv(view), "json": lambda: present.view_json(view),
                "table": lambda: present.render_view(view, lang, t("health.view_title", lang, team=name,
                                                                   month=str(chosen)))}[fmt]()
    sys.stdout.write(text)


@app.command()
@handles_errors
def survival(
    data: str = DataOption,
    team: str = typer.Option("all", "--team", help="A team id, or 'all' for the company."),
    split: Optional[str] = typer.Option(None, "--split", help="Any accounts column: team, segment, touch_model, sales_team, ..."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Last month to use, YYYY-MM (default: the data's last)."),
    fmt: str = typer.Option("table", "--format", help="csv | json | table"),
    test: bool = typer.Option(False, "--test", help="Log-rank test across the split's groups and pairwise (Holm)."),
    rmst: Optional[str] = typer.Option(None, "--rmst", help="Restricted mean survival time at these months, e.g. 12,24."),
    config: Optional[Path] = ConfigOption,
    lang: Optional[str] = LangOption,
) -> None:
    """Kaplan-Meier curve of the time to first churn, with late entry (split, age, at_risk, events, censored,
    entered, survival, lower, upper); --test and --rmst compare the split's groups."""
    from .cohorts import (already_paying_text, check_rmst_months, comparison_reading, format_survival, lifetimes,
                          survival_comparison, survival_curve)
    from .cohorts.tables import rmst_table, survival_table

    check_choice("--format", fmt, ("csv", "json", "table"))
    months = check_rmst_months(rmst) if rmst is not None else None
    dataset = _load(data, config, lang)
    curve = survival_curve(dataset, team=team, split=split, as_of=as_of)
    comparison = None
    if test or months:
        comparison = survival_comparison(lifetimes(dataset, team=team, split=split, as_of=as_of), test=test, months=months)
    if fmt in ("csv", "json"):
        sys.stdout.write(format_survival(curve, comparison, fmt))
    else:
        parts = [survival_table(curve, lang).data.to_string(index=False)]
        if comparison is not None and comparison.rmst is not None:
            parts.append(rmst_table(comparison, lang).data.to_string(index=False))
        if comparison is not None and comparison.test is not None:
            parts.append(comparison_reading(comparison, lang))
        sys.stdout.write("\n\n".join(parts) + "\n")
    note = already_paying_text(curve, lang)
    if note:
        typer.echo(note, err=True)


@app.command()
@handles_errors
def targets(
    data: str = DataOption,
    targets_file: Optional[Path] = typer.Option(None, "--targets", help="Targets file (.yml or .csv); default: targets.yml in the dataset."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Month of evaluation, YYYY-MM (default: the data's last)."),
    fmt: str = typer.Option("table", "--format", help="json | table"),
    config: Optional[Path] = ConfigOption,
    lang: Optional[str] = LangOption,
) -> None:
    """Check targets against SMART (R = Related: KPI -> KGI) and show progress. Failing checks still exit 0."""
    import json

    from .targets import default_targets_path, evaluate_targets, evaluation_month, read_targets, render_results, to_records

    check_choice("--format", fmt, ("json", "table"))
    dataset = _load(data, config, lang)
    month = evaluation_month(dataset, as_of, option="--as-of")
    path = targets_file or default_targets_path(dataset)
    if path is None:
        from .io.sources import is_database_url, shown_location

        beside = f"{data}/targets.yml" if is_database_url(data) else Path(data) / "targets.yml"
        raise CskitError("targets.file_missing", path=shown_location(beside))
    results = evaluate_targets(dataset, read_targets(path), as_of=str(month), lang=lang)
    if fmt == "json":
        sys.stdout.write(json.dumps(to_records(results), ensure_ascii=False, indent=1) + "\n")
    else:
        sys.stdout.write(render_results(results, lang))


@app.command()
@handles_errors
def report(
    data: str = DataOption,
    teams: str = typer.Option("all", "--teams", help="'all' or team ids separated by commas (T1,T2)."),
    notebooks: str = typer.Option("all", "--notebooks", help="'all' or notebook numbers separated by commas (01,02)."),
    lang: Optional[str] = LangOption,
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Last month, YYYY-MM (default: the data's last)."),
    out: Path = typer.Option(Path("reports"), "--out", help="Output folder."),
    jobs: Optional[int] = typer.Option(None, "--jobs", min=1, help="Notebooks run at once (default: CPU count)."),
    show_code: bool = typer.Option(False, "--show-code", help="Show the code cells (hidden by default)."),
    notebooks_dir: Optional[Path] = typer.Option(None, "--notebooks-dir", help="Notebook folder (default: the notebooks installed with cskit, else the repository's notebooks/)."),
    audience: str = AudienceOption,
    fresh_kernels: bool = typer.Option(False, "--fresh-kernels",
                                       help="Start a new kernel for every notebook (slower; by default each worker reuses one, reset in between)."),
    force: bool = typer.Option(False, "--force", help="Render every page, even those up to date (same data, notebook, parameters and versions as their last rendering)."),
    keep_runs: int = typer.Option(52, "--keep-runs", help="Run manifests kept under <out>/runs/ (the oldest removed first)."),
    param: Optional[list[str]] = typer.Option(None, "--param", help="A notebook parameter, NB.name=value (02.gross_margin=0.7); repeatable; checked against the notebook's parameters cell."),
    params_file: Optional[Path] = typer.Option(None, "--params-file", help="YAML file of notebook parameters, per notebook and per team (see cskit.report.params)."),
    timeout: int = typer.Option(600, "--timeout", help="Seconds one cell may run; a cell that runs longer fails its page."),
    pdf: bool = typer.Option(False, "--pdf", help="Also print each page to a PDF beside it (headless Chromium; make browser installs it)."),
) -> None:
    """Render each team's notebooks to self-contained HTML reports (exit 1 if any notebook failed)."""
    from .report import build_reports

    result = build_reports(
        data, out, teams=teams, notebooks=notebooks, lang=lang, as_of=as_of, jobs=jobs,
        show_code=show_code, notebooks_dir=notebooks_dir, progress=True, warm_kernels=not fresh_kernels,
        audience=audience, force=force, keep_runs=keep_runs, params=param or (), params_file=params_file,
        timeout=timeout, pdf=pdf,
    )
    typer.echo(t("report.done", lang, ok=len(result.rendered), fresh=len(result.up_to_date), failed=len(result.failed),
                 seconds=result.seconds, index=result.index))
    raise typer.Exit(result.exit_code)


@app.command()
@handles_errors
def slides(
    data: str = DataOption,
    team: str = typer.Option("all", "--team", help="Team id whose funnel and KPIs are shown beside the company's, or 'all'."),
    out: Path = typer.Option(Path("reports/slides.html"), "--out", help="HTML file to write: one self-contained reveal.js deck that opens offline."),
    audience: str = typer.Option("participant", "--audience",
                                 help="participant (no notes, no answers; safe to hand out) | trainer (speaker notes and answer keys)"),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Last month of the funnel and KPIs, YYYY-MM (default: the data's last)."),
    theme: str = typer.Option("white", "--theme", help="reveal.js theme: white, simple, black ..."),
    config: Optional[Path] = ConfigOption,
    lang: Optional[str] = LangOption,
) -> None:
    """Build the class deck of notebook 01 (roles, The Model funnel, NRR, exercises) for one team, as offline HTML."""
    from .report import build_slides

    path = build_slides(_load(data, config, lang), out, team=team, lang=lang, audience=audience, as_of=as_of, theme=theme)
    typer.echo(t("roles.slides.done", lang, path=path))


@app.command()
@handles_errors
def notebooks(
    out: Path = typer.Option(Path("lab"), "--out", help="Folder to write the notebooks into."),
    data: Path = typer.Option(Path("data/sample"), "--data", help="Dataset folder the notebooks read."),
    team: Optional[str] = typer.Option(None, "--team", help="Team id set in the notebooks (default: each notebook's own)."),
    which: str = typer.Option("all", "--notebooks", help="'all' or notebook numbers separated by commas (01,02)."),
    audience: str = typer.Option("new_hire", "--audience", help="new_hire (answers hidden until asked) | trainer"),
    lang: Optional[str] = LangOption,
) -> None:
    """Write the notebooks in one language with their parameters set, ready to open in JupyterLab."""
    from .report.classroom import write_class_notebooks

    written = write_class_notebooks(out, data_dir=data, lang=lang, audience=audience, team=team, notebooks=which)
    typer.echo(t("classroom.done", lang, count=len(written), path=out))


@app.command()
@handles_errors
def guide(
    out: Path = typer.Option(Path("reports/guide.html"), "--out", help="HTML file to write: the facilitator guide, self-contained and printable (A4)."),
    minutes: str = typer.Option("60", "--minutes", help="Class length the agenda is planned for: 60 | 90 | 180."),
    lang: Optional[str] = LangOption,
) -> None:
    """Write the facilitator guide: objectives, agenda, prompts, answer keys and a knowledge check for notebooks 01-04."""
    from .guide import build_guide, check_minutes

    length = check_minutes(minutes, option="--minutes")
    path = build_guide(out, lang=lang, minutes=length)
    typer.echo(t("guide.done", lang, path=path, minutes=length))


@app.command()
@handles_errors
def worksheet(
    out: Path = typer.Option(Path("reports/worksheet.html"), "--out", help="HTML file to write: the exercises for print, the answer key on its own page."),
    notebooks: str = typer.Option("all", "--notebooks", help="Notebooks whose exercises to include: all, or numbers such as 01,03."),
    lang: Optional[str] = LangOption,
) -> None:
    """Write the printable exercise worksheet of notebooks 01-04, with its answer key on a separate page."""
    from .worksheet import build_worksheet

    path = build_worksheet(out, lang=lang, notebooks=notebooks)
    typer.echo(t("exercise.worksheet.done", lang, path=path))


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``cskit`` console script."""
    app(args=argv, prog_name="cskit")


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
