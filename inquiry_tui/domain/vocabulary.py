"""The words of the domain, one `StrEnum` each: channel, folder, view, role, direction, rule, tier, kinds.

Members are `str`, so they compare equal to the stored text and are written as it: the store
keeps plain strings ("inbox", "tm", "sticky") and no migration is needed. Every module names
these words through the enums; a tuple of allowed values (for an error message or a picker) is
`tuple(Enum)`, in declaration order.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Channel(StrEnum):
    """How an inquiry arrived: a store inquiry, a chat (TradeManager, "TM"), an e-mail, an RFQ thread."""

    INQUIRY = "inquiry"
    TM = "tm"
    EMAIL = "email"
    RFQ = "rfq"

    @property
    def is_chat(self) -> bool:
        return self is Channel.TM


CHAT_CHANNELS = frozenset({Channel.TM})


class Folder(StrEnum):
    """Where an inquiry is stored (`inquiry.folder`); the inbox's views are filters over these."""

    INBOX = "inbox"
    JUNK = "junk"
    DELETED = "deleted"


class View(StrEnum):
    """The inbox's folders as a person sees them (keys A U S T E J D R), in the folder bar's order."""

    ALL = "all"
    UNREAD = "unread"
    SENT = "sent"
    TAGGED = "tagged"
    EMAIL = "email"  # e-mail threads in the inbox (the `email` channel)
    JUNK = "junk"
    DELETED = "deleted"
    ALLOCATION = "allocation"  # the allocation record of the past 30 days: records, not inquiries

    @property
    def title(self) -> str:  # type: ignore[override]  # a label shadowing str.title(), on purpose
        return _VIEW_TITLES[self]


_VIEW_TITLES = {
    View.ALL: "All",
    View.UNREAD: "Unread",
    View.SENT: "Sent",
    View.TAGGED: "Tagged",
    View.EMAIL: "E-mail",
    View.JUNK: "Junk",
    View.DELETED: "Deleted",
    View.ALLOCATION: "Allocation record",
}


class Role(StrEnum):
    """An account's role. `SYSTEM` is never stored: it is the role of the automatic actor (arrivals, init)."""

    ADMIN = "admin"  # the main account; exactly one
    SALES = "sales"  # a sub-account (salesperson)
    SYSTEM = "system"


ACCOUNT_ROLES = (Role.SALES, Role.ADMIN)  # what `account add --role` and the account form accept
SYSTEM_LOGIN = "system"  # the automatic actor's login, recorded as `actor` in allocation records and audit rows


class Direction(StrEnum):
    """A message of a thread: from the buyer, by a person, or an auto-reply of smart reception."""

    IN = "in"
    OUT = "out"
    AUTO = "auto"


class Rule(StrEnum):
    """Why an inquiry has its owner: the `rule` of the inquiry and of each allocation-record row."""

    # On arrival (domain.allocation.route).
    STICKY = "sticky"
    PRODUCT = "product"
    REGION = "region"
    COMPANY_CONTACT = "company_contact"
    ROTATION = "rotation"
    MAIN_ACCOUNT = "main_account"
    # By a person or an account change.
    MANUAL = "manual"  # the admin reassigned it
    HANDOVER = "handover"  # a salesperson handed over their own
    SUCCESSOR = "successor"  # its owner was deactivated
    OUTREACH = "outreach"  # a thread a salesperson started to a buyer nobody owned
    RFQ_QUOTE = "rfq_quote"  # a quote on an RFQ: the quoting salesperson owns its thread
    ESCALATION = "escalation"  # nobody answered it in time: it moved on by the rules (domain.escalation)


ARRIVAL_RULES = (Rule.STICKY, Rule.PRODUCT, Rule.REGION, Rule.COMPANY_CONTACT, Rule.ROTATION, Rule.MAIN_ACCOUNT)


class Tier(StrEnum):
    """The marketplace's buyer tier, L0 (entry) to L4."""

    L0 = "L0"
    L1 = "L1"
    L2 = "L2"
    L3 = "L3"
    L4 = "L4"

    @property
    def rank(self) -> int:
        return int(self.value[1])


class ActivityKind(StrEnum):
    """An on-site event of a buyer (`import activity`), plus INQUIRY, counted from our own threads."""

    VISIT = "visit"
    PRODUCT_VIEW = "product_view"
    SEARCH = "search"
    RFQ = "rfq"
    TRADE = "trade"
    LOGIN = "login"
    JUNK = "junk"
    BLACKLIST = "blacklist"
    INQUIRY = "inquiry"  # a valid inquiry the buyer sent: never in a file, the profile counts threads


IMPORTED_ACTIVITY_KINDS = tuple(k for k in ActivityKind if k is not ActivityKind.INQUIRY)


class Ask(StrEnum):
    """What a smart question asks (domain.questions); each names a field of domain.terms.Terms."""

    PRODUCT = "product"
    QUANTITY = "quantity"
    DESTINATION = "destination"
    TARGET_PRICE = "target_price"
    DELIVERY_DATE = "delivery_date"
    INCOTERM = "incoterm"
    PAYMENT = "payment"
    SAMPLE = "sample"


class NoteTarget(StrEnum):
    """What an admin note is left on (services.notes)."""

    INQUIRY = "inquiry"
    CUSTOMER = "customer"


class BlockKind(StrEnum):
    """What a block-list entry names."""

    EMAIL = "email"
    MEMBER_ID = "member_id"
    COUNTRY = "country"


class RfqStatus(StrEnum):
    """Where an RFQ of the market stands: open for quotes, past its expiry, or judged junk."""

    OPEN = "open"
    EXPIRED = "expired"
    JUNK = "junk"


class QuoteStatus(StrEnum):
    """A quote of ours on an RFQ: sent, answered by the buyer, won by an order, or its RFQ expired unanswered."""

    SENT = "sent"
    ANSWERED = "answered"
    WON = "won"
    EXPIRED = "expired"


class Incoterm(StrEnum):
    """Incoterms 2020: who pays and bears the risk for which part of the shipment."""

    EXW = "EXW"
    FCA = "FCA"
    FAS = "FAS"
    FOB = "FOB"
    CFR = "CFR"
    CIF = "CIF"
    CPT = "CPT"
    CIP = "CIP"
    DAP = "DAP"
    DPU = "DPU"
    DDP = "DDP"


def allowed(values: Iterable[object]) -> str:
    """`a, b, c`: the values of an enum (or any iterable of words) for an error message."""
    return ", ".join(str(v) for v in values)
