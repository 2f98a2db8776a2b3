"""Lines of the thread's header built from its data: the buyer's stated terms, and the admin's notes.

Terms come from buyer text (parsed): every value goes through safe_line and into a Text, never
markup. Kept apart from the thread view so that the view's layout can change without them.
"""

from __future__ import annotations

from datetime import tzinfo
from typing import TYPE_CHECKING

from rich.text import Text

from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.domain.vocabulary import Ask
from inquiry_tui.tui.common import clock

if TYPE_CHECKING:
    from inquiry_tui.services.inbox.thread import ThreadDetail

ASK_LABELS = {
    Ask.PRODUCT: "product",
    Ask.QUANTITY: "quantity",
    Ask.DESTINATION: "destination",
    Ask.TARGET_PRICE: "target price",
    Ask.DELIVERY_DATE: "delivery date",
    Ask.INCOTERM: "incoterm",
    Ask.PAYMENT: "payment",
    Ask.SAMPLE: "sample",
}
_STATED = {
    Ask.PRODUCT: ("product",),
    Ask.QUANTITY: ("quantity",),
    Ask.DESTINATION: ("destination",),
    Ask.TARGET_PRICE: ("target_price",),
    Ask.DELIVERY_DATE: ("delivery_date",),
    Ask.INCOTERM: ("incoterm",),
    Ask.PAYMENT: ("payment_terms",),
    Ask.SAMPLE: ("sample_requested",),
}


def terms_line(d: ThreadDetail) -> Text | None:
    """`Terms: Quantity 3000 pcs · Destination DE · ... · awaiting: delivery date` (None when nothing to say)."""
    t = d.terms
    parts: list[str] = []
    if t.product and t.product != d.product_sku:
        parts.append(f"Product {t.product}")
    if t.quantity is not None:
        qty = format(t.quantity.normalize(), "f")
        parts.append(f"Quantity {qty} {t.unit or ''}".rstrip())
    if t.target_price is not None:
        price = format(t.target_price.normalize(), "f")
        parts.append(f"Target {price} {t.currency or ''}".rstrip())
    for label, value in (
        ("Incoterm", t.incoterm),
        ("Destination", t.destination),
        ("Delivery by", t.delivery_date.isoformat() if t.delivery_date else None),
        ("Payment", t.payment_terms),
    ):
        if value:
            parts.append(f"{label} {value}")
    if t.sample_requested is not None:
        parts.append("Sample wanted" if t.sample_requested else "No sample")
    awaiting = [ASK_LABELS[a] for a in Ask if a in d.asked and all(getattr(t, f) is None for f in _STATED[a])]
    if not parts and not awaiting:
        return None
    line = Text()
    line.append("Terms ", style="dim")
    line.append(truncate(safe_line(" · ".join(parts)), 400) if parts else "—", style="cyan")
    if awaiting:
        line.append(f"  · asked, no answer yet: {', '.join(awaiting)}", style="dim")
    line.append("\n")
    return line


def notes_lines(d: ThreadDetail, zone: tzinfo) -> Text | None:
    """The admin's notes, each `✎ boss → ana 11-23 09:30: text` (unseen ones bold)."""
    if not d.notes:
        return None
    out = Text()
    for note in d.notes:
        out.append("✎ ", style="bold yellow")
        out.append(f"{note.author} → {note.to} {clock.short(note.created_at, zone)}: ", style="dim")
        out.append(safe_line(note.text), style="" if note.seen else "bold")
        if not note.seen:
            out.append("  (new)", style="yellow")
        out.append("\n")
    return out
