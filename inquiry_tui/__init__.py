"""inquiry-tui: a keyboard-first terminal back office for B2B export sales teams."""

__version__ = "0.1.0"
