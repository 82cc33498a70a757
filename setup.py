"""Build hook: ship the repository's ``notebooks/*.ipynb`` inside the wheel as ``cskit/notebooks/``.

``notebooks/`` stays the only copy in git; the build copies it into the package
(``build_py``), so an installed ``cskit report`` and ``cskit notebooks`` find the
notebooks next to the code. An editable install copies nothing: there
:mod:`cskit.report.plan` finds the repository's ``notebooks/`` itself. Everything
else about the build is in ``pyproject.toml``.
"""
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class build_py_with_notebooks(build_py):  # noqa: N801 - setuptools command naming
    """``build_py`` that also copies ``notebooks/*.ipynb`` to ``<build>/cskit/notebooks/``."""

    def _notebooks(self) -> list[tuple[Path, Path]]:
        target = Path(self.build_lib) / "cskit" / "notebooks"
        return [(source, target / source.name) for source in sorted((ROOT / "notebooks").glob("*.ipynb"))]

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        pairs = self._notebooks()
        if not pairs:
            raise SystemExit(f"no notebook to ship in {ROOT / 'notebooks'}")
        for source, target in pairs:
            self.mkpath(str(target.parent))
            self.copy_file(str(source), str(target))

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = super().get_outputs(include_bytecode)
        if getattr(self, "editable_mode", False):
            return outputs
        return outputs + [str(target) for _, target in self._notebooks()]


setup(cmdclass={"build_py": build_py_with_notebooks})
