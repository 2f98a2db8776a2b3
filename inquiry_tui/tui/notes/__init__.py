"""Admin notes in the TUI: the dialog the main account writes a note in (Inbox `N`, Customers `N`)."""

from pathlib import Path

NOTES_CSS = Path(__file__).parent / "notes.tcss"
