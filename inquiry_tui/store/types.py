"""Column types: UTC datetimes that come back timezone-aware from every backend."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC; naive values are refused so that local times never sneak in."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def db_text(value: datetime) -> str:
    """The text form UTCDateTime stores on SQLite, for bulk loads that bypass SQLAlchemy types."""
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    # isoformat with fixed microseconds is the same text as strftime, several times faster.
    return value.replace(tzinfo=None).isoformat(" ", "microseconds")


def bind_text(value: datetime) -> str:
    """`db_text` for a time bound by hand where a UTCDateTime column would have bound it: a naive time is refused too."""
    if value.tzinfo is None:
        raise ValueError("naive datetime given to the store; use an aware UTC datetime")
    return db_text(value)


def as_utc(value: datetime | str | None) -> datetime | None:
    """A time read by raw SQL, as an aware UTC datetime: SQLite returns the stored text, PostgreSQL a naive datetime."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
