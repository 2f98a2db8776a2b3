"""SQLModel tables for the whole domain (docs/store.md).

Mutable rows that people edit concurrently (inquiry, buyer, settings, reply templates) carry
a `version` column wired as SQLAlchemy's `version_id_col`: a stale ORM flush raises
StaleDataError, which services turn into a "changed by someone else" message.
Hot paths (arrivals, the generator, list pages) use Core statements over the same tables.
Columns holding a word of the domain (role, channel, folder, direction, rule, tier, kind) store
the plain text of its `domain.vocabulary` enum member.

One module per part of the domain; a feature adds its own module and its names to `_WHERE`.
A name is imported from its module when first asked for (`from inquiry_tui.store.models import
Inquiry`): the TUI's start loads the few tables its first screen uses, not all of them (each
SQLModel class costs pydantic's and SQLAlchemy's set-up). What needs every table on
`SQLModel.metadata` (migrations, `db copy`, the import journal) calls `all_tables()` first.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from sqlalchemy import MetaData
from sqlmodel import SQLModel

# The tables other tables' foreign keys name: always loaded, so a lazily loaded table's keys resolve.
from inquiry_tui.store.models.accounts import Account, ConfigStamp, RotationState, Setting
from inquiry_tui.store.models.buyers import Buyer, BuyerTag
from inquiry_tui.store.models.catalog import BlockEntry, CountryOwner, Product
from inquiry_tui.store.models.inquiries import AllocationRecord, Inquiry, Message, ReplyTemplate

if TYPE_CHECKING:
    from inquiry_tui.store.models.activity import (
        ActivityDaily,
        ActivityDetail,
        ActivityEvent,
        ActivityRollup,
        ActivityRollupState,
        VisitorSession,
    )
    from inquiry_tui.store.models.audit import AuditChain, AuditLog
    from inquiry_tui.store.models.calls import CallLog
    from inquiry_tui.store.models.deals import (
        BuyerTrade,
        ContractTemplate,
        DealOrder,
        Loi,
        LoiVersion,
        OrderDaySum,
        OrderEvent,
        OrderMonthSum,
        OrderSum,
    )
    from inquiry_tui.store.models.files import Attachment, DiskFile, DiskFolder, StoredFile
    from inquiry_tui.store.models.imports import ImportChunk, ImportRun
    from inquiry_tui.store.models.mail import MaildirSeen, MailLink, OutboxMail
    from inquiry_tui.store.models.notes import AdminNote
    from inquiry_tui.store.models.notices import Notice
    from inquiry_tui.store.models.reply_rate import ReplyDay, ReplyDayEpoch
    from inquiry_tui.store.models.rfq import Rfq, RfqFitState, RfqQuota, RfqQuote, RfqSubscription
    from inquiry_tui.store.models.visitors import VisitorSummary

_WHERE = {  # name -> the module of this package that defines it, loaded when the name is first asked for
    "ActivityDaily": "activity",
    "ActivityDetail": "activity",
    "ActivityEvent": "activity",
    "ActivityRollup": "activity",
    "ActivityRollupState": "activity",
    "AdminNote": "notes",
    "Attachment": "files",
    "AuditChain": "audit",
    "AuditLog": "audit",
    "BuyerTrade": "deals",
    "CallLog": "calls",
    "ContractTemplate": "deals",
    "DealOrder": "deals",
    "DiskFile": "files",
    "DiskFolder": "files",
    "ImportChunk": "imports",
    "ImportRun": "imports",
    "Loi": "deals",
    "LoiVersion": "deals",
    "MailLink": "mail",
    "MaildirSeen": "mail",
    "Notice": "notices",
    "OrderDaySum": "deals",
    "OrderEvent": "deals",
    "OrderMonthSum": "deals",
    "OrderSum": "deals",
    "OutboxMail": "mail",
    "ReplyDay": "reply_rate",
    "ReplyDayEpoch": "reply_rate",
    "Rfq": "rfq",
    "RfqFitState": "rfq",
    "RfqQuota": "rfq",
    "RfqQuote": "rfq",
    "RfqSubscription": "rfq",
    "StoredFile": "files",
    "VisitorSession": "activity",
    "VisitorSummary": "visitors",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # asked once
    return value


def all_tables() -> MetaData:
    """`SQLModel.metadata` with every table of the store on it (each module imported)."""
    for module in sorted(set(_WHERE.values())):
        import_module(f"{__name__}.{module}")
    return SQLModel.metadata


__all__ = [
    "Account",
    "ActivityDaily",
    "ActivityDetail",
    "ActivityEvent",
    "ActivityRollup",
    "ActivityRollupState",
    "AdminNote",
    "AllocationRecord",
    "Attachment",
    "AuditChain",
    "AuditLog",
    "BlockEntry",
    "Buyer",
    "BuyerTag",
    "BuyerTrade",
    "CallLog",
    "ConfigStamp",
    "ContractTemplate",
    "CountryOwner",
    "DealOrder",
    "DiskFile",
    "DiskFolder",
    "ImportChunk",
    "ImportRun",
    "Inquiry",
    "Loi",
    "LoiVersion",
    "MailLink",
    "MaildirSeen",
    "Message",
    "Notice",
    "OrderDaySum",
    "OrderEvent",
    "OrderMonthSum",
    "OrderSum",
    "OutboxMail",
    "Product",
    "ReplyDay",
    "ReplyDayEpoch",
    "ReplyTemplate",
    "Rfq",
    "RfqFitState",
    "RfqQuota",
    "RfqQuote",
    "RfqSubscription",
    "RotationState",
    "SQLModel",
    "Setting",
    "StoredFile",
    "VisitorSession",
    "VisitorSummary",
    "all_tables",
]
