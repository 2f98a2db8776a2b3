"""The inbox's views in one table: each view's SQL predicate, the partial indexes that serve it, its membership rule.

The inbox listing, the folder counts, the export and the partial indexes of `store.models`
all read their predicates here, and `in_view` answers the same question for one inquiry in
Python (a test holds the two to the same answers). The open / overdue rule of `domain.due`
is here in SQL too, built from the same words.

A predicate is written over the inquiry table aliased `i`; `predicate(view, alias="")` gives
the bare form a partial index is declared with (SQLite uses a partial index only for a query
whose WHERE names the index's own predicate, so the two must be the same text). Booleans are
written `= 1` on SQLite and `= true` on PostgreSQL (`dialect` names which; SQLite's is the default).
"""

from __future__ import annotations

from dataclasses import dataclass

from inquiry_tui.domain.due import OPEN_FOLDER
from inquiry_tui.domain.vocabulary import Channel, Folder, View

ALLOCATION_DAYS = 30  # the Allocation record view shows the past 30 days


@dataclass(frozen=True)
class ViewSpec:
    """One view over the inquiry table: its predicate (`{i}` marks a column) and the indexes that serve it."""

    template: str
    index: str  # the admin's list: every owner
    owner_index: str  # a salesperson's list: owner_id leads

    def sql(self, alias: str = "i", dialect: str = "sqlite") -> str:
        return self.template.format(i=f"{alias}." if alias else "", yes="1" if dialect == "sqlite" else "true")


_IN = f"{{i}}folder = '{Folder.INBOX}'"
_NOT_DELETED = f"{{i}}folder != '{Folder.DELETED}'"

VIEWS: dict[View, ViewSpec] = {
    View.ALL: ViewSpec(_IN, "ix_inquiry_folder_recv", "ix_inquiry_owner_folder_recv"),
    View.UNREAD: ViewSpec(f"{{i}}unread = {{yes}} AND {_IN}", "ix_inquiry_unread", "ix_inquiry_owner_unread"),
    View.SENT: ViewSpec(f"{{i}}replied = {{yes}} AND {_NOT_DELETED}", "ix_inquiry_sent", "ix_inquiry_owner_sent"),
    View.TAGGED: ViewSpec(f"{{i}}tagged = {{yes}} AND {_NOT_DELETED}", "ix_inquiry_tagged", "ix_inquiry_owner_tagged"),
    # The indexes are declared with the e-mail tables (store/models/mail.py).
    View.EMAIL: ViewSpec(f"{{i}}channel = '{Channel.EMAIL}' AND {_IN}", "ix_inquiry_email", "ix_inquiry_owner_email"),
    View.JUNK: ViewSpec(f"{{i}}folder = '{Folder.JUNK}'", "ix_inquiry_folder_recv", "ix_inquiry_owner_folder_recv"),
    View.DELETED: ViewSpec(
        f"{{i}}folder = '{Folder.DELETED}'", "ix_inquiry_folder_recv", "ix_inquiry_owner_folder_recv"
    ),
}
"""Every view but the allocation record (which lists records, not inquiries)."""

# What `export inquiries --folder F` selects: a stored folder, or one of the inbox's views of it.
EXPORT_VIEWS: dict[str, View] = {
    Folder.INBOX: View.ALL,
    Folder.JUNK: View.JUNK,
    Folder.DELETED: View.DELETED,
    View.UNREAD: View.UNREAD,
    View.SENT: View.SENT,
    View.TAGGED: View.TAGGED,
    View.EMAIL: View.EMAIL,
}


def predicate(view: View, alias: str = "i", dialect: str = "sqlite") -> str:
    """The WHERE of VIEW over the inquiry table (no role filter), for DIALECT ('sqlite' or 'postgresql')."""
    return VIEWS[view].sql(alias, dialect)


def in_view(view: str, *, folder: str, unread: bool, tagged: bool, replied: bool, channel: str | None = None) -> bool:
    """Whether an inquiry in this state belongs to VIEW, as its predicate says (the allocation record: always).

    CHANNEL None means "as listed": no action changes an inquiry's channel, so a row that was in
    a channel's view still is as far as its channel goes.
    """
    if view == View.EMAIL:
        return channel in (None, Channel.EMAIL) and folder == Folder.INBOX
    if view == View.ALL:
        return folder == Folder.INBOX
    if view == View.UNREAD:
        return unread and folder == Folder.INBOX
    if view == View.SENT:
        return replied and folder != Folder.DELETED
    if view == View.TAGGED:
        return tagged and folder != Folder.DELETED
    if view in (View.JUNK, View.DELETED):
        return folder == view
    return True


# --- open and overdue (domain.due) -------------------------------------------------------------

OPEN_TEMPLATE = f"{{i}}first_response_at IS NULL AND {{i}}folder = '{OPEN_FOLDER}'"


def open_sql(alias: str = "i") -> str:
    """domain.due.is_open in SQL; the bare form is the predicate of the partial index ix_inquiry_open."""
    return OPEN_TEMPLATE.format(i=f"{alias}." if alias else "")


def escalation_sql(alias: str = "i") -> str:
    """Open and not escalated yet: the predicate of the partial index ix_inquiry_escalation (domain.escalation)."""
    i = f"{alias}." if alias else ""
    return f"{open_sql(alias)} AND {i}escalated_at IS NULL"


def due_passed_sql(alias: str = "i", now: str = ":now") -> str:
    """The rest of domain.due.is_overdue: a due time, and NOW (a bound parameter) at or past it."""
    i = f"{alias}." if alias else ""
    return f"{i}due_at IS NOT NULL AND {i}due_at <= {now}"


def overdue_sql(alias: str = "i", now: str = ":now") -> str:
    """domain.due.is_overdue in SQL: open, with a due time, and NOW at or past it."""
    return f"({open_sql(alias)} AND {due_passed_sql(alias, now)})"
