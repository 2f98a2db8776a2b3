"""Times in the store: UTC, timezone-aware in Python; their text form on SQLite; the column type (store/utc_column.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from inquiry_tui.store.utc_column import UTCDateTime

__all__ = ["UTCDateTime", "as_utc", "bind_text", "db_text", "utcnow"]


def __getattr__(name: str) -> Any:
    # The column type is SQLAlchemy's: loaded with the models or a Core statement that names it, not with
    # the times' helpers below (the inbox's start path uses those without SQLAlchemy).
    if name == "UTCDateTime":
        from inquiry_tui.store.utc_column import UTCDateTime

        return UTCDateTime
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
