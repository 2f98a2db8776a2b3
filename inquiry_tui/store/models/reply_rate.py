"""The reply-rate cache: closed days' tallies and the epoch that guards racing writes."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field

from inquiry_tui.store.models.columns import timestamp_column
from inquiry_tui.store.models.table import TableModel


class ReplyDay(TableModel, table=True):
    """A cache: the reply-rate tallies of one closed local day, per owner (0: the company's groups).

    Written by `services.team.reply_rate_cache` for days whose every inquiry is past its response limit;
    triggers of migration 0003 delete a day's rows when an inquiry received that day is added,
    removed, or changed in a column the rate reads. Never a source of truth: deleting every row
    only makes the next dashboard slower.
    """

    __tablename__ = "reply_day"
    timezone: str = Field(primary_key=True)
    day: str = Field(primary_key=True)  # the local date, ISO
    owner_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    day_start: datetime = Field(sa_column=timestamp_column())  # local midnight, as UTC
    day_end: datetime = Field(sa_column=timestamp_column())  # the next local midnight, as UTC
    answered: int = 0
    counted: int = 0
    delays: bytes = b""  # stats_sql.Histogram.to_bytes: the responses' delays in minutes, for the median
    computed_at: datetime = Field(sa_column=timestamp_column())


class ReplyDayEpoch(TableModel, table=True):
    """One counter the reply_day triggers bump: a cache write checks that nothing changed since its read."""

    __tablename__ = "reply_day_epoch"
    id: int = Field(default=1, primary_key=True)
    n: int = 0
