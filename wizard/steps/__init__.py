"""The thirteen steps, one class each, one module per step or phase: ``setup`` (clone,
checkout, branch), ``develop`` (plugin-source, plugin-list, commit), ``configure``
(configure, reconfigure), ``generate``, ``declare`` (plugins-cmake), ``compile``, ``verify``
and ``trying`` (try); ``cmake`` and ``build_logs`` hold what the build steps share. A
step's id, phase and title are its class's own; :mod:`wizard.engine.plan` puts the classes
in order."""
