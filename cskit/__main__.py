"""``python -m cskit``: the same command line as ``cskit`` (:mod:`cskit.cli`)."""
from cskit.cli import main

main()
