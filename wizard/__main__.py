"""``python -m wizard``: the same as the ``pharo-plugin-wizard`` command."""

from wizard.cli import main

main()
