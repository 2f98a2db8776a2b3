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

from inquiry_tui.store.models.accounts import Account, ConfigStamp, RotationState, Setting
from inquiry_tui.store.models.activity import (
    ActivityDaily,
    ActivityDetail,
    ActivityEvent,
    ActivityRollup,
    ActivityRollupState,
    VisitorSession,
)
from inquiry_tui.store.models.audit import AuditChain, AuditLog
from inquiry_tui.store.models.buyers import Buyer, BuyerTag
from inquiry_tui.store.models.calls import CallLog
from inquiry_tui.store.models.catalog import BlockEntry, CountryOwner, Product
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
from inquiry_tui.store.models.inquiries import AllocationRecord, Inquiry, Message, ReplyTemplate
from inquiry_tui.store.models.mail import MaildirSeen, MailLink, OutboxMail
from inquiry_tui.store.models.notes import AdminNote
from inquiry_tui.store.models.notices import Notice
from inquiry_tui.store.models.reply_rate import ReplyDay, ReplyDayEpoch
from inquiry_tui.store.models.rfq import Rfq, RfqFitState, RfqQuota, RfqQuote, RfqSubscription
from inquiry_tui.store.models.visitors import VisitorSummary

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
]
