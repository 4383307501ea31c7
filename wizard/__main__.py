"""``python -m wizard``: the same as the ``pharo-plugin-wizard`` command."""

from wizard.commands.cli import main

main()
