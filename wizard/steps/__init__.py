"""The thirteen steps, one class each, by phase: ``setup`` (clone, checkout, branch),
``develop`` (plugin-source, plugin-list, commit), ``build`` (configure, generate,
plugins-cmake, reconfigure, compile, verify) and ``trying`` (try). A step's id, phase and
title are its class's own; :mod:`wizard.engine.plan` puts the classes in order."""
