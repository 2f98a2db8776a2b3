"""Customers (`2`): the customer list, profiles, forms and recommendations."""

from pathlib import Path

CUSTOMERS_CSS = Path(__file__).parent / "customers.tcss"  # the stylesheet of the customers' screens and dialogs
