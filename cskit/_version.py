"""The installed cskit version, read once (a module of its own so that any module can import it without a cycle)."""
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("cskit")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+local"
