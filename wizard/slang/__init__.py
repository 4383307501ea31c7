"""The plugin's Smalltalk: parsing and linting Slang methods, example values, exports,
the Slang loop's regeneration, and mapping its errors back to methods."""
