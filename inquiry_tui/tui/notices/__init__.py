"""Notices (`8`): the account's feed, and the app's background work that keeps the header's unread count and the outbox moving."""

from pathlib import Path

NOTICES_CSS = Path(__file__).parent / "notices.tcss"  # the stylesheet of the notices screen
