"""An RFQ's life (posted, open until it expires) and the company's quota month in its own time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.domain.vocabulary import RfqStatus

LIFETIME = timedelta(days=15)  # an RFQ without an expiry date is open this long after posting
DEFAULT_MONTHLY_QUOTA = 20
MAX_MONTHLY_QUOTA = 100_000


def expiry_of(posted_at: datetime, expires_at: datetime | None) -> datetime:
    """When an RFQ stops taking quotes: EXPIRES_AT, or LIFETIME after posting; never at or before posting."""
    if expires_at is None:
        return posted_at + LIFETIME
    if expires_at <= posted_at:
        raise ValidationError(f"expires at {expires_at.isoformat()}, not after it was posted ({posted_at.isoformat()})")
    return expires_at


def is_open(expires_at: datetime, now: datetime) -> bool:
    """Open for quotes until (not at) its expiry."""
    return now < expires_at


def status_of(expires_at: datetime, is_junk: bool, now: datetime) -> RfqStatus:
    if is_junk:
        return RfqStatus.JUNK
    return RfqStatus.OPEN if is_open(expires_at, now) else RfqStatus.EXPIRED


def time_left(expires_at: datetime, now: datetime) -> str:
    """How long an RFQ stays open, in the largest whole unit: `12d`, `5h`, `40m`, or `expired`."""
    left = expires_at - now
    if left <= timedelta(0):
        return "expired"
    if left >= timedelta(days=1):
        return f"{left.days}d"
    if left >= timedelta(hours=1):
        return f"{int(left.total_seconds() // 3600)}h"
    return f"{max(1, int(left.total_seconds() // 60))}m"


@dataclass(frozen=True)
class QuotaMonth:
    """A calendar month of the company's time zone, as UTC bounds [start, end) and its label `YYYY-MM`."""

    label: str
    start: datetime
    end: datetime


def quota_month(now: datetime, timezone: str) -> QuotaMonth:
    """The month of the company's zone that NOW falls in (NOW must carry a zone)."""
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            f"{timezone!r} is not a known time zone; expected Area/City, e.g. Asia/Shanghai"
        ) from None
    local = now.astimezone(zone)
    first = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    following = (
        first.replace(year=first.year + 1, month=1) if first.month == 12 else first.replace(month=first.month + 1)
    )
    # replace() keeps the zone: the local midnights become the right UTC instants, DST or not.
    return QuotaMonth(f"{first:%Y-%m}", first.astimezone(UTC), following.astimezone(UTC))


@dataclass(frozen=True)
class Quota:
    """The company's quotes this month: USED of LIMIT."""

    month: str
    used: int
    limit: int

    @property
    def left(self) -> int:
        return max(0, self.limit - self.used)

    def describe(self) -> str:
        return f"{self.used} of {self.limit} quotes used in {self.month}; {self.left} left"


def check_quota(quota: Quota) -> None:
    """Refuse one more quote when the month's quota is used up (the message gives the count)."""
    if quota.used >= quota.limit:
        raise ValidationError(
            f"the company's monthly quota is used up: {quota.used} of {quota.limit} quotes sent in {quota.month}; "
            "nothing was sent"
        )
