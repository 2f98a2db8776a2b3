"""RFQ market (`4`): the market list with filters, recommendation, junk and my quotes; the quote form;
keyword subscriptions."""

from pathlib import Path

RFQ_CSS = Path(__file__).parent / "rfq.tcss"  # the stylesheet of the market screen and its dialogs
