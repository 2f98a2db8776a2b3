"""InquiryFinder: the inbox's palette provider that opens an inquiry found by id (`#123`) or by buyer.

Hits show buyer text (subjects, names), so they are built as literal Content: the palette's
`help` and the fuzzy matcher's highlighter would read it as markup. The lookup reads the
store, off the event loop. It reaches the inbox through `OpensInquiries`, not by importing it.
"""

from __future__ import annotations

import asyncio
from typing import Protocol, cast

from textual.command import Hit, Hits, Provider
from textual.content import Content

from inquiry_tui.domain.errors import InquiryError
from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.services.context import Ctx, store_errors
from inquiry_tui.services.inbox import listing as inbox


class OpensInquiries(Protocol):
    ctx: Ctx

    def open_inquiry(self, inquiry_id: int, key: tuple[str, int], folder_state: str) -> None: ...


class InquiryFinder(Provider):
    """Inquiries found by id or by buyer name, e-mail or company (the first page of hits)."""

    async def search(self, query: str) -> Hits:
        if len(query.strip()) < 2 and not query.strip().lstrip("#").isdigit():
            return
        screen = cast(OpensInquiries, self.screen)  # this provider is registered by the inbox screen only
        try:
            hits = await asyncio.to_thread(inbox.find_inquiries, screen.ctx, query)
        except store_errors(InquiryError):  # a lookup that fails (busy store, bad query) finds nothing
            return  # a busy store finds nothing this time; the keys are still listed
        for rank, hit in enumerate(hits):
            label = Content.assemble(
                ("Open: ", "bold"),
                f"#{hit.id} ",
                truncate(safe_line(hit.subject), 50),
                (
                    " — "
                    + truncate(safe_line(hit.buyer_name), 30)
                    + " <"
                    + truncate(safe_line(hit.buyer_email), 40)
                    + ">",
                    "dim",
                ),
            )
            yield Hit(
                0.9 - rank * 0.01,
                label,
                (lambda h=hit: screen.open_inquiry(h.id, h.key, h.folder)),
                text=f"Open #{hit.id}",
                help=f"inquiry in {hit.folder}",
            )
