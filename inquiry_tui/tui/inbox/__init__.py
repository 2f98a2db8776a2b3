"""The inbox (`1`): folders, the virtual inquiry list, the thread, search, reply and triage."""

from pathlib import Path

INBOX_CSS = Path(__file__).parent / "inbox.tcss"  # the stylesheet of the inbox's screens and dialogs
