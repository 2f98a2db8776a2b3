"""The Textual user interface: app, screens, widgets, command-palette providers."""
