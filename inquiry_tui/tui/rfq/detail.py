"""RfqDetailPane: the highlighted RFQ in full beside the market list, with its buyer's profile and our quote.

Attributes down: the screen loads an `RfqPaneData` in a worker and sets `data`; the pane only
renders. Everything the buyer wrote is literal Text through safe_text / safe_line, never markup.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Group, RenderableType
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from inquiry_tui.domain.countries import country_name
from inquiry_tui.domain.text import safe_line, safe_text, truncate
from inquiry_tui.domain.vocabulary import RfqStatus
from inquiry_tui.services.customers.profile import BuyerProfile
from inquiry_tui.services.rfq.quotes import QuoteRow
from inquiry_tui.services.rfq.rows import RfqDetail
from inquiry_tui.tui.common import clock
from inquiry_tui.tui.customers.profile_pane import pane_lines
from inquiry_tui.tui.customers.profile_text import heading
from inquiry_tui.tui.rfq.columns import quantity

DESCRIPTION_CHARS = 4_000  # the pane shows the start of a long description
STATUS_STYLE = {RfqStatus.OPEN: "bold green", RfqStatus.EXPIRED: "bold red", RfqStatus.JUNK: "bold yellow"}


@dataclass(frozen=True)
class RfqPaneData:
    detail: RfqDetail
    profile: BuyerProfile | None  # None when the buyer is another salesperson's
    quote: QuoteRow | None  # our quote, when the actor may see it


def _pair(out: Text, label: str, value: str, style: str = "") -> None:
    if out.cell_len:
        out.append("  ")
    out.append(label + " ", style="dim")
    out.append(value, style=style)


def pane_text(data: RfqPaneData, width: int) -> list[RenderableType]:
    d = data.detail
    r = d.row
    out: list[RenderableType] = [Text(safe_line(r.title), style="bold")]
    state = Text()
    state.append(str(r.status), style=STATUS_STYLE[r.status])
    state.append(f"  {r.time_left} left" if r.status is RfqStatus.OPEN else "")
    state.append("  " + safe_line(r.external_id), style="dim")
    out.append(state)
    facts = Text()
    _pair(facts, "Quantity", quantity(r), "bold")
    _pair(facts, "To", (r.destination or "-") + (f" {country_name(r.destination)}" if r.destination else ""))
    out.append(facts)
    more = Text()
    _pair(more, "Category", safe_line(r.category) or "-")
    if r.target_price:
        _pair(more, "Target", f"{safe_line(r.target_price)} {r.currency or ''}".strip(), "bold")
    out.append(more)
    out.append(Text(f"Posted {clock.stamp(r.posted_at)} · expires {clock.stamp(r.expires_at)}", style="dim"))
    if r.reason:
        out += [Text(""), heading("Why recommended"), Text(safe_line(r.reason), style="green")]
    if r.junk_reasons:
        out += [Text(""), heading(f"Junk (score {d.junk_score})")]
        out += [Text("• " + safe_line(why), style="yellow") for why in r.junk_reasons]
    if data.quote is not None:
        q = data.quote
        out += [Text(""), heading("Our quote")]
        line = Text()
        line.append(q.terms_text, style="bold")
        line.append(f" · MOQ {q.moq:,} · {q.lead_days} days")
        out.append(line)
        status = Text()
        status.append(str(q.status), style="bold")
        status.append(f" · sent {clock.day(q.sent_at)} by {safe_line(q.by)} · thread #{q.inquiry_id}")
        status.append(" · edited once" if q.edits else " · one edit left" if q.editable else "")
        out.append(status)
        if q.order_ref:
            out.append(Text(f"won by order {safe_line(q.order_ref)}", style="green"))
    elif r.quoted_by:
        out += [Text(""), Text(f"Quoted by {safe_line(r.quoted_by)}", style="italic")]
    out += [Text(""), heading("Buyer")]
    if data.profile is not None:
        out += pane_lines(data.profile, width)
    else:
        who = Text(truncate(safe_line(r.buyer_name) or safe_line(d.buyer_email), width), style="bold")
        out.append(who)
        if r.buyer_company:
            out.append(Text(truncate(safe_line(r.buyer_company), width)))
        out.append(Text(f"{r.buyer_country or '??'}  {'verified' if r.verified else 'not verified'} {r.tier or ''}"))
    out += [Text(""), heading("Request")]
    body = d.description[:DESCRIPTION_CHARS] + ("…" if len(d.description) > DESCRIPTION_CHARS else "")
    out.append(Text(safe_text(body) or "(no description)"))
    return out


class RfqDetailPane(Widget):
    """The highlighted RFQ: what is asked, by whom, why it fits or is junk, our quote."""

    DEFAULT_CSS = """
    RfqDetailPane {
        width: 56;
        height: 1fr;
        padding: 0 1;
        overflow-y: auto;
        border-left: vkey $foreground 20%;
    }
    RfqDetailPane.-empty { color: $text-muted; }
    """

    data: reactive[RfqPaneData | None] = reactive(None, layout=True)

    def watch_data(self, data: RfqPaneData | None) -> None:
        self.set_class(data is None, "-empty")

    def render(self) -> RenderableType:
        if self.data is None:
            return Text("No RFQ selected")
        return Group(*pane_text(self.data, max(10, self.content_size.width or 54)))
