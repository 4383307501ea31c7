"""The profile: one YAML file per plugin, and everything that reads or writes it."""
