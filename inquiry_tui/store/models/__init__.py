"""SQLModel tables for the whole domain (docs/store.md).

Mutable rows that people edit concurrently (inquiry, buyer, settings, reply templates) carry
a `version` column wired as SQLAlchemy's `version_id_col`: a stale ORM flush raises
StaleDataError, which services turn into a "changed by someone else" message.
Hot paths (arrivals, the generator, list pages) use Core statements over the same tables.
Columns holding a word of the domain (role, channel, folder, direction, rule, tier, kind) store
the plain text of its `domain.vocabulary` enum member.

One module per part of the domain; a feature adds its own module and one import line here.
"""

from __future__ import annotations

from sqlmodel import SQLModel

from inquiry_tui.store.models.accounts import Account, RotationState, Setting
from inquiry_tui.store.models.activity import (
    ActivityDaily,
    ActivityDetail,
    ActivityEvent,
    ActivityRollup,
    ActivityRollupState,
    VisitorSession,
)
from inquiry_tui.store.models.audit import AuditLog
from inquiry_tui.store.models.buyers import Buyer, BuyerTag
from inquiry_tui.store.models.catalog import BlockEntry, CountryOwner, Product
from inquiry_tui.store.models.deals import (
    BuyerTrade,
    ContractTemplate,
    DealOrder,
    Loi,
    LoiVersion,
    OrderEvent,
    OrderSum,
)
from inquiry_tui.store.models.files import Attachment, StoredFile
from inquiry_tui.store.models.inquiries import AllocationRecord, Inquiry, Message, ReplyTemplate
from inquiry_tui.store.models.notices import Notice
from inquiry_tui.store.models.reply_rate import ReplyDay, ReplyDayEpoch

__all__ = [
    "Account",
    "ActivityDaily",
    "ActivityDetail",
    "ActivityEvent",
    "ActivityRollup",
    "ActivityRollupState",
    "AllocationRecord",
    "Attachment",
    "AuditLog",
    "BlockEntry",
    "Buyer",
    "BuyerTag",
    "BuyerTrade",
    "ContractTemplate",
    "CountryOwner",
    "DealOrder",
    "Inquiry",
    "Loi",
    "LoiVersion",
    "Message",
    "Notice",
    "OrderEvent",
    "OrderSum",
    "Product",
    "ReplyDay",
    "ReplyDayEpoch",
    "ReplyTemplate",
    "RotationState",
    "SQLModel",
    "Setting",
    "StoredFile",
    "VisitorSession",
]
