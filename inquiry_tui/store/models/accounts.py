"""Accounts and company settings: who works here, the settings documents, the rotation turn."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger
from sqlmodel import Field

from inquiry_tui.domain.vocabulary import Role
from inquiry_tui.store.models.columns import timestamp_column, version_column
from inquiry_tui.store.models.table import TableModel


class Account(TableModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(unique=True)
    name: str
    role: str = Role.SALES.value  # Role: admin | sales
    active: bool = True
    away: bool = False
    successor_id: int | None = Field(default=None, foreign_key="account.id")
    created_at: datetime = Field(sa_column=timestamp_column())
    # Routing (domain.availability): the first day back (company time zone) while away, when the
    # away state was set (its buyers' arrivals since then come back on return), and a limit of
    # open inquiries (None: no limit).
    away_until: date | None = None
    away_since: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    capacity: int | None = None
    # The zone this person reads times in (an IANA name); None: the company's (reception.timezone).
    timezone: str | None = None


_setting_version = version_column()


class Setting(TableModel, table=True):
    """One JSON document per settings section (allocation, reception, calls)."""

    key: str = Field(primary_key=True)
    value: str = "{}"
    version: int = Field(default=1, sa_column=_setting_version)

    __mapper_args__ = {"version_id_col": _setting_version}


class RotationState(TableModel, table=True):
    """The main-account rotation turn; shared by every process, updated inside BEGIN IMMEDIATE."""

    __tablename__ = "rotation_state"
    id: int = Field(default=1, primary_key=True)
    last_login: str | None = None
    turns: int = 0


class ConfigStamp(TableModel, table=True):
    """One value triggers of migration 0014 change on any change of routing's configuration.

    Accounts, settings, products, country owners and the block list: a process keeps them while
    this value stays what it read with them (`services.arrivals.lookups`).
    """

    __tablename__ = "config_stamp"
    id: int = Field(default=1, primary_key=True)
    n: int = Field(default=1, sa_type=BigInteger)
