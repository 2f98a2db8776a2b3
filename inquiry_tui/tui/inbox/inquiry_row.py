"""One list line for an inquiry or an allocation record, as segments cut to an exact cell width.

Buyer text goes through safe_line and into plain Segments: nothing here is ever markup, and
cell widths (CJK subjects, emoji) are measured, not assumed from character counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style

from inquiry_tui.domain.text import safe_line
from inquiry_tui.services.inbox.listing import AllocationRow, InquiryRow, ListItem
from inquiry_tui.tui.common import clock

UNREAD_MARK = "●"
NOTE_MARK = "✎"  # in the cell after the unread mark: an admin note not seen yet
BADGES = (("verified", "✓"), ("auto", "↺"), ("overdue", "!"), ("tagged", "⚑"))
BADGE_HELP = "● unread  ✎ admin note  ✓ verified buyer  ↺ auto-replied  ! overdue  ⚑ tagged"


@dataclass(frozen=True)
class RowStyles:
    """Rich styles resolved from the list's component classes (they follow the theme).

    `base` is the whole row's style (the cursor row's includes the cursor colours); the others
    are partial styles laid over it.
    """

    base: Style
    unread: Style
    dim: Style
    verified: Style
    auto: Style
    overdue: Style
    tagged: Style
    junk: Style


def fit(value: str, width: int) -> str:
    """VALUE padded or cut to exactly WIDTH cells, ending in '…' when cut."""
    if width <= 0:
        return ""
    if cell_len(value) <= width:
        return set_cell_size(value, width)
    return set_cell_size(value, width - 1) + "…"


def short_time(moment: datetime, now: datetime, zone: tzinfo) -> str:
    """Six cells: the time today, the day this year, else the month and year ("Jan'30": %Y-%m needs seven)."""
    local, today = clock.local(moment, zone), clock.local(now, zone)
    if local.date() == today.date():
        return local.strftime("%H:%M").rjust(6)
    if local.year == today.year:
        return local.strftime("%b %d").rjust(6)
    return local.strftime("%b'%y")


def _badges(row: InquiryRow, s: RowStyles) -> list[Segment]:
    on = {"verified": row.verified, "auto": row.auto_replies > 0, "overdue": row.overdue, "tagged": row.tagged}
    styles = {"verified": s.verified, "auto": s.auto, "overdue": s.overdue, "tagged": s.tagged}
    return [Segment(mark if on[name] else " ", s.base + styles[name]) for name, mark in BADGES]


def inquiry_segments(
    row: InquiryRow, width: int, s: RowStyles, now: datetime, zone: tzinfo, show_folder: bool = False
) -> list[Segment]:
    """`● ✓↺!⚑ subject ··· buyer  date` in WIDTH cells; SHOW_FOLDER marks junk (search results)."""
    b = s.base
    text_style = b + s.unread if row.unread else b
    name_w = max(0, min(22, width // 4))
    fixed = 2 + len(BADGES) + 1 + 1 + name_w + 1 + 6
    subject_w = max(0, width - fixed)
    subject = safe_line(row.subject) or "(no subject)"
    if show_folder and row.folder != "inbox":
        subject = f"[{row.folder}] {subject}"
    segments = [
        Segment(UNREAD_MARK if row.unread else " ", b + s.unread),
        Segment(NOTE_MARK if row.note else " ", b + s.tagged),
    ]
    segments += _badges(row, s)
    segments.append(Segment(" ", b))
    segments.append(
        Segment(fit(subject, subject_w), text_style + s.junk if show_folder and row.folder != "inbox" else text_style)
    )
    segments.append(Segment(" ", b))
    segments.append(Segment(fit(safe_line(row.buyer_name) or safe_line(row.buyer_company), name_w), text_style))
    segments.append(Segment(" ", b))
    segments.append(Segment(short_time(row.received_at, now, zone), b + s.dim))
    return segments


def allocation_segments(row: AllocationRow, width: int, s: RowStyles, now: datetime, zone: tzinfo) -> list[Segment]:
    """`11-22 14:05 #123 subject ··· from → to  rule` in WIDTH cells."""
    when = clock.short(row.at, zone)
    move = f"{row.from_login or 'new'} → {row.to_login}"
    move_w = max(0, min(20, width // 4))
    rule_w = 9 if width >= 50 else 0
    ident = f"#{row.inquiry.id}"
    subject_w = max(0, width - len(when) - 1 - len(ident) - 1 - 1 - move_w - (rule_w + 1 if rule_w else 0))
    b = s.base
    style = b + s.unread if row.inquiry.unread else b
    segments = [
        Segment(when, b + s.dim),
        Segment(" ", b),
        Segment(ident, b + s.dim),
        Segment(" ", b),
        Segment(fit(safe_line(row.inquiry.subject) or "(no subject)", subject_w), style),
        Segment(" ", b),
        Segment(fit(move, move_w), b),
    ]
    if rule_w:
        segments += [Segment(" ", b), Segment(fit(row.rule, rule_w), b + s.dim)]
    return segments


def item_segments(
    item: ListItem, width: int, s: RowStyles, now: datetime, zone: tzinfo, show_folder: bool = False
) -> list[Segment]:
    if isinstance(item, AllocationRow):
        return allocation_segments(item, width, s, now, zone)
    return inquiry_segments(item, width, s, now, zone, show_folder)
