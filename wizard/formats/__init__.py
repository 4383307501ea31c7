"""Text formats the wizard reads and writes, each one module, none of them running
anything: Tonel class files, VMMaker's plugin list, pharo-vm's cmake files and layout,
``CMakeCache.txt``, ELF symbols, the try protocol, the CI workflow."""
