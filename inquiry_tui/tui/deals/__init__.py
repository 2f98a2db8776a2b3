"""Deals (`3`): all orders, letters of intent and contract templates, with their editors."""

from pathlib import Path

DEALS_CSS = Path(__file__).parent / "deals.tcss"  # the stylesheet of the deals' screens and dialogs
