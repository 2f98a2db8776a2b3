"""ProfilePane: the compact buyer profile shown beside an inquiry thread (about 40 columns).

Attributes down: the owning screen loads a BuyerProfile in a worker (services.profile) and
sets `profile`; the pane only renders. Buyer text is literal (Text), never markup.

It draws through the Line API from strips laid out once per profile and width (kept for the
last few profiles: moving back to an inquiry draws its buyer from memory). Showing another
profile repaints only the lines of this pane that differ (StripView): its size never depends
on the profile, so no layout runs (a profile taller than the pane is cut at its foot, as
before: no scrollbar).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.console import Console
from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.strip import Strip

from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.tui.common.strip_view import StripView
from inquiry_tui.tui.common.text_strips import text_strips
from inquiry_tui.tui.customers.profile_text import (
    LEVEL_STYLE,
    authenticity_lines,
    heading,
    sparkline,
    stars,
    trading_note,
    verified_label,
)

if TYPE_CHECKING:
    from inquiry_tui.services.customers.profile import BuyerProfile

PANE_REASONS = 3
KEPT = 32  # profiles whose strips are kept (per width)


@dataclass(frozen=True)
class PaneLayout:
    """What laying a profile out for the pane needs, read from the pane on the event loop (`ProfilePane.worker_layout`)."""

    width: int
    style: Style
    console: Console


def lay_out_profile(profile: BuyerProfile, layout: PaneLayout) -> list[Strip]:
    """PROFILE's strips for a pane of LAYOUT: pure, so a worker thread can build them off the frame's path."""
    text = Text("\n").join(pane_lines(profile, max(10, layout.width)))
    return text_strips(text, layout.console, layout.width, layout.style)


class ProfilePane(StripView):
    """The buyer of the open thread: who, how active, how genuine."""

    DEFAULT_CSS = """
    ProfilePane {
        width: 40;
        height: 1fr;
        padding: 0 1;
        overflow-x: hidden;
        overflow-y: hidden;
        border-left: vkey $foreground 20%;
    }
    ProfilePane.-empty {
        color: $text-muted;
    }
    """

    # Not a layout reactive: a new profile repaints the pane, nothing else (see the module docstring).
    profile: reactive[BuyerProfile | None] = reactive(None, layout=False, repaint=False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        # (id of the profile, width, style) -> (the profile, its strips); the profile is kept so the id stays its own
        self._kept: OrderedDict[tuple[int, int, object], tuple[BuyerProfile, list[Strip]]] = OrderedDict()

    def watch_profile(self, profile: BuyerProfile | None) -> None:
        self.set_class(profile is None, "-empty")
        self._lay_out()

    def _strips_for(self, profile: BuyerProfile | None, width: int) -> list[Strip]:
        style = self.base_style
        if profile is None:
            return text_strips(Text("No buyer selected"), self.app.console, width, style)
        key = (id(profile), width, style)
        kept = self._kept.get(key)
        if kept is not None and kept[0] is profile:
            self._kept.move_to_end(key)
            return kept[1]
        layout = PaneLayout(width, style, self.app.console)
        strips = lay_out_profile(profile, layout)
        self.keep(profile, layout, strips)
        return strips

    def worker_layout(self) -> PaneLayout | None:
        """What a worker needs to lay a profile out for this pane as it is now (None: no width yet)."""
        width = self.content_width()
        if width <= 0 or not self.is_mounted:
            return None
        return PaneLayout(width, self.base_style, self.app.console)

    def keep(self, profile: BuyerProfile, layout: PaneLayout, strips: list[Strip]) -> None:
        """Keep PROFILE's strips laid out for LAYOUT (by a worker: `lay_out_profile`); showing it draws from memory."""
        key = (id(profile), layout.width, layout.style)
        self._kept[key] = (profile, strips)
        self._kept.move_to_end(key)
        while len(self._kept) > KEPT:
            self._kept.popitem(last=False)

    def _lay_out(self) -> None:
        if not self.is_mounted:
            return
        width = self.content_width()
        if width <= 0:
            self.show_strips([], 0)
            return
        strips = self._strips_for(self.profile, width)
        if strips is not self._strips:
            self.show_strips(strips, width)

    def on_resize(self) -> None:
        if self.content_width() != self._width:
            self._lay_out()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self.is_mounted:
            self._kept.clear()
            self._lay_out()

    def on_mount(self) -> None:
        self._lay_out()

    def times_changed(self) -> None:
        """The reader chose another zone (tui/common/clock.py): the profile's times are drawn again."""
        if self.is_mounted:
            self._kept.clear()
            self._strips = []
            self._lay_out()

    @property
    def plain(self) -> str:
        """What the pane says, as plain text (tests)."""
        return "\n".join(strip.text.rstrip() for strip in self._strips)


def _pairs(pairs: list[tuple[str, int | str, str]], width: int) -> list[Text]:
    """Label/number pairs packed left to right into lines of WIDTH columns."""
    lines: list[Text] = []
    current = Text()
    for label, n, style in pairs:
        cell = f"{label} {n}"
        if current.cell_len and current.cell_len + 2 + len(cell) > width:
            lines.append(current)
            current = Text()
        if current.cell_len:
            current.append("  ")
        current.append(label + " ", style="dim")
        current.append(str(n), style=style)
    if current.cell_len:
        lines.append(current)
    return lines


def pane_lines(p: BuyerProfile, width: int) -> list[Text]:
    """The pane's lines for WIDTH columns."""
    # The deals' vocabulary (with money and its currency tables) loads with the first profile laid out, in the
    # panes' worker after the inbox's first page, not with the pane's module at start.
    from inquiry_tui.domain.deals import CustomerStage

    out: list[Text] = [Text(truncate(safe_line(p.name) or safe_line(p.email), width), style="bold")]
    if p.company:
        out.append(Text(truncate(safe_line(p.company), width)))
    place = Text()
    place.append(safe_line(p.country or "??"), style="bold")
    if p.country_name:
        place.append(" " + truncate(p.country_name, max(1, width - 18)))
    place.append("  ")
    place.append_text(verified_label(p))
    out.append(place)
    owner = Text()
    owner.append("Owner ", style="dim")
    owner.append(truncate(safe_line(p.owner_login), 16) if p.owner_login else "—")
    if p.is_customer:
        owner.append("  customer ", style="italic")
        owner.append(stars(p.tags.stars), style="yellow")
    out.append(owner)
    if p.orders:  # past the inquiry stage: sample, first order or repeat (a line of its own: never cut off)
        stage = Text("Stage ", style="dim")
        stage.append(CustomerStage(p.stage).title.lower(), style="bold green")
        stage.append(f" ({p.orders} order{'s' if p.orders != 1 else ''})", style="dim")
        out.append(stage)

    box = p.behaviour
    out.append(Text(""))
    out.append(heading(f"Last {p.window_days} days"))
    bad = "bold red"
    out.extend(
        _pairs(
            [
                ("Views", box.product_views, "bold"),
                ("Inquiries", box.valid_inquiries, "bold"),
                ("Replied", box.replies, "bold"),
                ("RFQs", box.valid_rfqs, "bold"),
                ("Login days", box.login_days, "bold"),
                ("Junk", box.junk_inquiries, bad if box.junk_inquiries else "bold"),
                ("Blacklisted", box.times_blacklisted, bad if box.times_blacklisted else "bold"),
            ],
            width,
        )
    )

    level = p.activity
    out.append(Text(""))
    head = heading("Activity")
    head.append(" ")
    head.append(f"{level.label} {level.level}", style=LEVEL_STYLE.get(level.label, ""))
    out.append(head)
    out.append(Text(sparkline(level.daily, width), style="green"))
    out.extend(
        _pairs([(d.name, f"{round(d.share * 100)}%", "bold" if d.share else "dim") for d in level.dimensions], width)
    )

    auth = authenticity_lines(p, limit=PANE_REASONS)
    out.append(Text(""))
    head = heading("Authenticity")
    head.append(" ")
    head.append_text(auth[0])
    out.append(head)
    out.extend(auth[1:])
    note = trading_note(p)
    if note is not None:
        out.extend((Text(""), note))
    return out
