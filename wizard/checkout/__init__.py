"""The pharo-vm checkout: git (the one layer that asks and changes it), its classes, and
the files of it the wizard writes, never through a link and never half a file."""
