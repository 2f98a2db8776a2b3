"""Calls (`7`): the call log, appointment requests to confirm or decline, the 30-day answer rate."""

from pathlib import Path

CALLS_CSS = Path(__file__).parent / "calls.tcss"  # the stylesheet of the calls screen
