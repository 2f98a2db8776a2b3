"""One clock for every screen: times shown in the reader's own time zone, named in the header.

The reader's zone is their account's (`account zone`, or `Z` on any screen), else the
company's (`reception.timezone`): `services.team.zone.shown_zone`. The app shows one
reader, so the zone in force is kept here: `load` reads it (in a worker: it is a store
read) and every screen formats its times with `stamp`, `short` and `day`, which take the
zone in force unless given one. `Z` saves a new zone (`zone_dialog.ZoneDialog`), `use` puts it in force
and the app posts `ZoneChanged` to every screen, which shows its times again.

docs/keys.md, "Times". The command line prints UTC and says so; it never reads this.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from textual.binding import Binding
from textual.message import Message

if TYPE_CHECKING:
    from inquiry_tui.services.context import Ctx

NONE = "—"  # a time that is not there


class _Clock:
    """The zone in force (one reader per app): a tzinfo and its IANA name."""

    def __init__(self) -> None:
        self.zone: tzinfo = UTC
        self.name = "UTC"

    def use(self, name: str) -> tzinfo:
        try:
            zone: tzinfo = ZoneInfo(name)
        except (ValueError, KeyError):
            zone, name = UTC, "UTC"
        self.zone, self.name = zone, name
        return zone


_CLOCK = _Clock()


def zone() -> tzinfo:
    """The zone in force."""
    return _CLOCK.zone


def zone_name() -> str:
    return _CLOCK.name


def use(name: str) -> tzinfo:
    """Put NAME (an IANA zone) in force; an unknown name is UTC. Returns the zone."""
    return _CLOCK.use(name)


def reset() -> None:
    """Back to UTC (tests: each app starts from no reader)."""
    _CLOCK.use("UTC")


def load(ctx: Ctx) -> tzinfo:
    """Read the acting account's zone (its own, else the company's) and put it in force. A store read: in a worker."""
    from inquiry_tui.domain.errors import InquiryError
    from inquiry_tui.services.team.zone import shown_zone  # lazily: not on the start path's imports

    try:
        return use(shown_zone(ctx))
    except InquiryError:
        return _CLOCK.zone


def local(moment: datetime, at: tzinfo | None = None) -> datetime:
    """MOMENT (aware, UTC in the store) on the reader's clock."""
    return moment.astimezone(at or _CLOCK.zone)


def stamp(moment: datetime | None, at: tzinfo | None = None) -> str:
    """ "2026-11-23 17:30" on the reader's clock; "—" for none."""
    return NONE if moment is None else f"{local(moment, at):%Y-%m-%d %H:%M}"


def short(moment: datetime | None, at: tzinfo | None = None) -> str:
    """ "11-23 17:30" (narrow columns) on the reader's clock; "—" for none."""
    return NONE if moment is None else f"{local(moment, at):%m-%d %H:%M}"


def day(moment: datetime | None, at: tzinfo | None = None, *, none: str = NONE) -> str:
    """ "2026-11-23", the reader's day of MOMENT; NONE for none."""
    return none if moment is None else f"{local(moment, at):%Y-%m-%d}"


def today(now: datetime, at: tzinfo | None = None) -> str:
    """The reader's date now, "2026-11-23": default file names carry the date the screen shows."""
    return day(now, at)


@dataclass
class ZoneChanged(Message, bubble=False):
    """The reader chose another zone (now in force): screens show their times again.

    Posted to the app, which posts it to every screen; it does not bubble (back to the app).
    """

    name: str


ZONE_BINDING = Binding(
    "Z", "set_own_zone", "My time zone", show=False, id="app-zone", tooltip="the zone you read times in"
)


def titled(label: str) -> str:
    """A screen's own header subtitle (it hides the app's): LABEL and the zone its times are in."""
    return f"{label} · times in {_CLOCK.name}"
