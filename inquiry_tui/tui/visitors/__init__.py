"""Visitors (`9`): every visitor of the store, customer or not, with what they looked at."""

from pathlib import Path

VISITORS_CSS = Path(__file__).parent / "visitors.tcss"  # the stylesheet of the Visitors screen
