"""The build folder and what it makes: downloads and their hosts, the VMMaker image cache,
the wizard's record of the folder, the built library and its linkage, the try table."""
