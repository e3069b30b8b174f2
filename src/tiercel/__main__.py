"""``python -m tiercel``: the same as the ``tiercel`` command."""

from tiercel.cli.main import main

main()
