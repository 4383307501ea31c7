"""The Textual face of pharo-plugin-wizard: screens that edit the profile and run the steps."""
