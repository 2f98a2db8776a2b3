"""Rich Text pieces of a buyer profile, shared by the inbox's profile pane and the profile screen.

Everything a buyer wrote (name, company, search terms, messages) goes through safe_line /
safe_text and is appended to a Text as a literal string: nothing here is ever markup.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text

from inquiry_tui.domain.activity import Behaviour
from inquiry_tui.domain.authenticity import Reason
from inquiry_tui.domain.text import safe_line, truncate

if TYPE_CHECKING:
    from inquiry_tui.services.customers.profile import BuyerProfile

BLOCKS = " ▁▂▃▄▅▆▇█"
VERDICT_STYLE = {"Likely genuine": "bold green", "Unclear": "bold yellow", "Doubtful": "bold red"}
SIGN_MARK = {1: ("+ ", "green"), -1: ("− ", "red"), 0: ("· ", "dim")}  # a reason's sign, as the domain gives it
LEVEL_STYLE = {"Very high": "bold green", "High": "green", "Medium": "yellow", "Low": "dim"}


def sparkline(daily: Sequence[int], width: int) -> str:
    """Daily counts (oldest first) as unicode blocks, summed into at most WIDTH buckets.

    Buckets are aligned to the end, so the last character is always the most recent days.
    """
    if not daily or width <= 0:
        return ""
    size = max(1, math.ceil(len(daily) / width))
    sums: list[int] = []
    end = len(daily)
    while end > 0:
        sums.append(sum(daily[max(0, end - size) : end]))
        end -= size
    sums.reverse()
    top = max(sums)
    if top <= 0:
        return BLOCKS[1] * len(sums)
    # Any activity shows at least the lowest visible block; none stays at the baseline.
    return "".join(BLOCKS[1] if n <= 0 else BLOCKS[max(2, math.ceil(n / top * (len(BLOCKS) - 1)))] for n in sums)


def stars(count: int) -> str:
    count = max(0, min(5, count))
    return "★" * count + "☆" * (5 - count)


def verified_label(profile: BuyerProfile) -> Text:
    text = Text()
    if profile.verified:
        text.append(" ✔ Verified ", style="bold white on blue")
    else:
        text.append("not verified", style="dim")
    if profile.tier:
        text.append(" ")
        text.append(safe_line(profile.tier), style="bold")
    return text


def heading(title: str) -> Text:
    """A section heading (our own constant text)."""
    return Text(title, style="bold underline")


def line(label: str, value: str | int | None, *, width: int = 0) -> Text:
    """`label value` with the value (possibly untrusted) made safe and literal."""
    shown = safe_line("" if value is None else str(value)) or "—"
    if width:
        shown = truncate(shown, max(1, width - len(label) - 1))
    text = Text()
    text.append(label, style="dim")
    text.append(" ")
    text.append(shown)
    return text


def behaviour_lines(box: Behaviour) -> list[Text]:
    pairs = (
        ("Product views", box.product_views),
        ("Valid inquiries", box.valid_inquiries),
        ("Replied", box.replies),
        ("Valid RFQs", box.valid_rfqs),
        ("Login days", box.login_days),
        ("Junk inquiries", box.junk_inquiries),
        ("Blacklisted", box.times_blacklisted),
    )
    out = []
    for label, n in pairs:
        text = Text()
        text.append(f"{label:<16}", style="dim")
        bad = label in ("Junk inquiries", "Blacklisted") and n > 0
        text.append(str(n), style="bold red" if bad else "bold")
        out.append(text)
    return out


def authenticity_lines(profile: BuyerProfile, *, limit: int | None = None, width: int = 0) -> list[Text]:
    auth = profile.authenticity
    head = Text()
    head.append(auth.verdict, style=VERDICT_STYLE.get(auth.verdict, "bold"))
    head.append(f" ({auth.score}/100)")
    out = [head]
    if limit is None:
        reasons = list(auth.reasons)
    elif auth.verdict == "Likely genuine":
        reasons = list(auth.reasons[:limit])
    else:
        reasons = _top_reasons(auth.reasons, limit)
    for reason in reasons:
        # Reasons are our sentences but may quote the buyer's e-mail domain: kept literal.
        text = Text()
        text.append(*SIGN_MARK[max(-1, min(1, reason.sign))])
        text.append(truncate(safe_line(reason.text), width - 2) if width > 2 else safe_line(reason.text))
        out.append(text)
    return out


def _top_reasons(reasons: Sequence[Reason], limit: int) -> list[Reason]:
    """Up to LIMIT reasons: for a doubtful or unclear buyer the lowering ones come first."""
    negatives = [r for r in reasons if r.sign < 0]
    others = [r for r in reasons if r.sign >= 0]
    return (negatives + others)[:limit]


def trading_note(profile: BuyerProfile) -> Text | None:
    if not profile.trading_company_note:
        return None
    # The note quotes the buyer's search terms (made safe by the domain); still literal here.
    return Text("⚑ " + safe_line(profile.trading_company_note), style="italic yellow")
