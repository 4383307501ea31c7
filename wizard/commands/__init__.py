"""The command line's verbs: ``--replay`` (and ``--watch``), ``--new``, ``--import``,
``--lint``, ``--emit-ci``, ``--doctor``; ``cli`` parses the line and dispatches."""
