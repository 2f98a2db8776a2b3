"""The chat manager (`5`): chats (TM) as conversations per buyer, search, sending lines, choosing customers."""

from pathlib import Path

CHATS_CSS = Path(__file__).parent / "chats.tcss"  # the stylesheet of the chat manager and its dialogs
