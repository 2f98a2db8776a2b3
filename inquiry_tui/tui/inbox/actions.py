"""InboxActions: the triage keys of the inbox (r t s d u a c m e, enter) and the admin's purge.

Each action reads the row under the cursor when it runs, calls one service in a thread
worker with the row's version, and applies the new state in place, or reloads around the
next row when the inquiry left the folder. Actions run one at a time, in key order: a quick
`t t` tags and untags, instead of the second press racing the first and meeting a version
it has not seen. "Changed by someone else" and "not found" reload the list.

The actions reach their screen through `TriageHost` (the screen imports this module, never
the other way); worker results come back as messages the screen hands to `InboxActions`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import tzinfo
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol

from textual.app import App
from textual.message import Message

from inquiry_tui.domain.errors import InquiryError, NotFound, StaleWrite
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.inbox import listing as inbox
from inquiry_tui.services.inbox.listing import AllocationRow, InquiryRow, ListItem
from inquiry_tui.tui.common import clock
from inquiry_tui.tui.inbox.inquiry_list import InquiryList

if TYPE_CHECKING:
    from inquiry_tui.services.inbox.triage import InquiryState, PurgeResult
    from inquiry_tui.services.notes.notes import NoteRow


def _triage() -> ModuleType:
    """services.inbox.triage, imported at the first action: its writes load the ORM, which opening the inbox does not
    need (docs/performance.md, "Start, session 8"). The dialogs below load when first opened, for the same reason."""
    from inquiry_tui.services.inbox import triage

    return triage


EXPORT_FOLDER = {"all": "inbox"}  # the others export under their own name


class TriageHost(Protocol):
    """What the triage keys need from their screen."""

    ctx: Ctx
    folder: str
    search_terms: str | None
    zone: tzinfo  # the reader's (their own, else the company's), which the screen shows times in

    @property
    def app(self) -> App[Any]: ...

    @property
    def inquiry_list(self) -> InquiryList: ...

    def reload(self, anchor: ListItem | None = None, position: int | None = None) -> None: ...

    def refresh_counts(self) -> None: ...

    def refresh_panes(self) -> None:
        """Re-read the thread and profile of the row under the cursor (the buyer changed)."""
        ...

    def notify(self, message: str, *, severity: Any = "information", markup: bool = True) -> None: ...

    def run_worker(
        self, work: Callable[[], Any], *, thread: bool, group: str, exclusive: bool, exit_on_error: bool
    ) -> Any: ...

    def post_message(self, message: Message) -> bool: ...


class TriageMessage(Message):
    """What the triage workers post; the screen hands them all to `InboxActions.handle`."""


@dataclass
class Triaged(TriageMessage):
    """A triage call on ROW succeeded: its new STATE (None: it left the viewer's inquiries)."""

    row: InquiryRow
    state: InquiryState | None
    message: str | None
    in_place: bool


@dataclass
class TriageFailed(TriageMessage):
    """A triage call on ROW was refused (ERROR; None when it raised a bug, which the app reports)."""

    row: InquiryRow
    error: InquiryError | None
    reload: bool


@dataclass
class Exported(TriageMessage):
    """COUNT records of WHAT were written to PATH."""

    count: int
    what: str
    path: Path


@dataclass
class Purged(TriageMessage):
    result: PurgeResult


def with_note(item: ListItem, note: bool) -> ListItem:
    """ITEM with its "unseen admin note" mark set or cleared."""
    row = replace(item.inquiry, note=note)
    return replace(item, inquiry=row) if isinstance(item, AllocationRow) else row


def with_state(item: ListItem, state: InquiryState) -> ListItem:
    """ITEM showing the inquiry's new STATE."""
    row = item.inquiry
    new = replace(
        row,
        version=state.version,
        folder=state.folder,
        is_junk=state.is_junk,
        unread=state.unread,
        tagged=state.tagged,
        replied=state.replied,
        overdue=state.overdue,
        note=state.note,
    )
    return replace(item, inquiry=new) if isinstance(item, AllocationRow) else new


class InboxActions:
    """The triage keys, on behalf of HOST (the inbox screen)."""

    # What the screen's `triage(NAME)` keys may call.
    KEYS = (
        "reply",
        "toggle_tag",
        "toggle_junk",
        "delete",
        "restore",
        "assign",
        "add_customer",
        "toggle_read",
        "export",
        "purge",
        "note",
    )

    def __init__(self, host: TriageHost) -> None:
        self.host = host
        self.ctx = host.ctx
        self._queue: deque[Callable[[], bool]] = deque()
        self._busy = False

    def run(self, name: str) -> None:
        """Run the triage key NAME (one of KEYS)."""
        if name not in self.KEYS:
            raise ValueError(f"no triage key {name!r}")
        getattr(self, name)()

    def handle(self, event: TriageMessage) -> None:
        """A triage worker's message, on the event loop."""
        if isinstance(event, Triaged):
            self.done(event)
        elif isinstance(event, TriageFailed):
            self.failed(event)
        elif isinstance(event, Exported):
            self.exported(event)
        elif isinstance(event, Purged):
            self.purged(event)

    # --- plumbing -----------------------------------------------------------------------------

    def _row(self) -> InquiryRow | None:
        item = self.host.inquiry_list.current
        if item is None:
            self.host.notify("No inquiry selected.", severity="warning")
            return None
        return item.inquiry

    def _enqueue(self, start: Callable[[], bool]) -> None:
        if self._busy:
            self._queue.append(start)
            return
        self._busy = start()

    def _next(self) -> None:
        self._busy = False
        while self._queue:
            if self._queue.popleft()():
                self._busy = True
                return

    def _change(
        self,
        call: Callable[[InquiryRow], InquiryState | None],
        message: Callable[[InquiryRow], str | None],
        *,
        in_place: bool = False,
    ) -> None:
        """Queue CALL on the row under the cursor (read when the action's turn comes)."""

        def start() -> bool:
            row = self._row()
            if row is None:
                return False
            work = partial(self._triage, row, call, message(row), in_place)
            self.host.run_worker(work, thread=True, group="inbox-triage", exclusive=False, exit_on_error=False)
            return True

        self._enqueue(start)

    def _triage(
        self, row: InquiryRow, call: Callable[[InquiryRow], InquiryState | None], message: str | None, in_place: bool
    ) -> None:
        """(In a worker) CALL on ROW, its outcome posted to the host."""
        try:
            state = call(row)
        except (StaleWrite, NotFound) as error:
            self.host.post_message(TriageFailed(row, error, True))
            return
        except InquiryError as error:
            self.host.post_message(TriageFailed(row, error, False))
            return
        except BaseException:
            self.host.post_message(TriageFailed(row, None, False))
            raise
        self.host.post_message(Triaged(row, state, message, in_place))

    def failed(self, event: TriageFailed) -> None:
        if event.error is not None:
            self.host.notify(str(event.error), severity="warning", markup=False)
        if event.reload:
            self.host.reload(self.host.inquiry_list.current)
            self.host.refresh_counts()
        self._next()

    def done(self, event: Triaged) -> None:
        row, state = event.row, event.state
        if event.message:
            self.host.notify(event.message, markup=False)
        listing = self.host.inquiry_list
        if state is not None:
            listing.update_item(row.id, lambda item: with_state(item, state))
        if not event.in_place and self._left_view(state):
            position = listing.position_of(row.id)
            if position is None:
                self.host.reload()
            else:
                after, before = listing.item_at(position + 1), listing.item_at(position - 1)
                if after is not None:
                    self.host.reload(after, position)
                elif before is not None:
                    self.host.reload(before, position - 1)
                else:
                    self.host.reload(None, None)
        self.host.refresh_counts()
        self._next()

    def _left_view(self, state: InquiryState | None) -> bool:
        """Whether the inquiry no longer belongs in the list on screen."""
        host = self.host
        if state is None:
            return host.search_terms is None and host.folder != "allocation"
        if not self.ctx.actor.is_admin and state.owner_id != self.ctx.actor.id:
            return True
        if host.search_terms is not None or host.folder == "allocation":
            return host.search_terms is not None and state.folder == "deleted"
        return not inbox.in_folder(
            host.folder, folder_state=state.folder, unread=state.unread, tagged=state.tagged, replied=state.replied
        )

    # --- the keys -----------------------------------------------------------------------------

    def open_item(self, item: ListItem) -> None:
        """enter on a row: its thread is read there (the screen moves the focus); mark it read, where it stays,
        and its admin notes seen (when the reader is its owner)."""
        if item.inquiry.unread:
            self._change(lambda r: _triage().set_read(self.ctx, r.id, True, r.version), lambda r: None, in_place=True)
        if item.inquiry.note and item.inquiry.owner_login == self.ctx.actor.login:
            self._change(self._notes_seen, lambda r: None, in_place=True)

    def _notes_seen(self, row: InquiryRow) -> InquiryState | None:
        """(In a worker.) Mark the notes on ROW seen; the row loses its mark."""
        from inquiry_tui.services.notes import notes

        notes.mark_seen(self.ctx, inquiry_id=row.id)
        state: InquiryState = _triage().get_state(self.ctx, row.id)
        return state

    def note(self) -> None:
        """N: the admin leaves a note on the inquiry for its owner."""
        if not self.ctx.actor.is_admin:
            self.host.notify("Only the admin (main account) leaves notes.", severity="warning")
            return
        row = self._row()
        if row is None:
            return

        def left(note: NoteRow | None) -> None:
            if note is not None:
                self.host.notify(f"Note left on #{row.id} for {note.to}.", markup=False)
                self.host.inquiry_list.update_item(row.id, lambda item: with_note(item, not note.seen))
                self.host.refresh_panes()

        from inquiry_tui.tui.notes.note_dialog import NoteDialog

        self.host.app.push_screen(
            NoteDialog(self.ctx, owner=row.owner_login, about=row.subject, inquiry_id=row.id), left
        )

    def toggle_read(self) -> None:
        self._change(
            lambda r: _triage().set_read(self.ctx, r.id, r.unread, r.version),
            lambda r: f"#{r.id} marked {'read' if r.unread else 'unread'}.",
        )

    def toggle_tag(self) -> None:
        self._change(
            lambda r: _triage().set_tagged(self.ctx, r.id, not r.tagged, r.version),
            lambda r: f"#{r.id} {'untagged' if r.tagged else 'tagged'}.",
        )

    @staticmethod
    def _junk_target(r: InquiryRow) -> bool:
        return not r.is_junk if r.folder == "deleted" else r.folder != "junk"

    def toggle_junk(self) -> None:
        self._change(
            lambda r: _triage().set_junk(self.ctx, r.id, self._junk_target(r), r.version),
            lambda r: f"#{r.id} marked {'junk' if self._junk_target(r) else 'not junk'}.",
        )

    def delete(self) -> None:
        item = self.host.inquiry_list.current
        if item is not None and item.inquiry.folder == "deleted":
            self.host.notify(f"#{item.id} is already in Deleted; u restores it.", severity="warning")
            return
        self._change(
            lambda r: _triage().delete_inquiry(self.ctx, r.id, r.version),
            lambda r: f"#{r.id} moved to Deleted (u restores it).",
        )

    def restore(self) -> None:
        item = self.host.inquiry_list.current
        if item is not None and item.inquiry.folder != "deleted":
            self.host.notify("Only deleted inquiries can be restored; D shows the Deleted folder.", severity="warning")
            return
        self._change(
            lambda r: _triage().restore_inquiry(self.ctx, r.id, r.version),
            lambda r: f"#{r.id} restored to {'Junk' if r.is_junk else 'the inbox'}.",
        )

    def reply(self) -> None:
        row = self._row()
        if row is None:
            return
        if row.folder == "deleted":
            self.host.notify(f"#{row.id} is deleted; restore it (u) before replying.", severity="warning")
            return

        def sent(done: bool | None) -> None:
            if done:
                self._change(lambda r: _triage().get_state(self.ctx, r.id), lambda r: f"Reply to #{r.id} sent.")

        from inquiry_tui.tui.inbox.reply import ReplyScreen

        self.host.app.push_screen(ReplyScreen(self.ctx, row), sent)

    def assign(self) -> None:
        row = self._row()
        if row is None:
            return

        def chosen(login: str | None) -> None:
            if not login:
                return

            def call(r: InquiryRow) -> InquiryState | None:
                from inquiry_tui.services.allocation.assignment import assign_inquiry

                assign_inquiry(self.ctx, r.id, login, r.version)
                return _triage().get_state(self.ctx, r.id) if self.ctx.actor.is_admin else None

            verb = "reassigned" if self.ctx.actor.is_admin else "handed over"
            self._change(call, lambda r: f"#{r.id} {verb} to {login}.")

        from inquiry_tui.tui.inbox.assign import AssignScreen

        self.host.app.push_screen(AssignScreen(self.ctx, row.id, row.subject, row.owner_login), chosen)

    def add_customer(self) -> None:
        row = self._row()
        if row is None:
            return
        # The customer form is the Customers feature's; imported when first needed.
        from inquiry_tui.tui.customers.form import CustomerFormScreen

        def closed(result: object) -> None:
            if result is not None:
                self.host.refresh_panes()

        self.host.app.push_screen(CustomerFormScreen(self.ctx, inquiry_id=row.id), closed)

    def export(self) -> None:
        folder = self.host.folder
        today = clock.today(self.ctx.now(), self.host.zone)  # the date the screen shows
        if folder == "allocation":
            what, name = "the allocation record (past 30 days)", f"allocations-{today}.csv"
        else:
            what, name = f"the {inbox.FOLDER_TITLES[folder]} folder", f"inquiries-{folder}-{today}.csv"

        def chosen(target: tuple[Path, str] | None) -> None:
            if target is not None:
                # A big folder takes a while: say it has started, so silence does not read as nothing happening.
                self.host.notify(f"Exporting {what} to {target[0]} in the background…", markup=False)
                work = partial(self._export, folder, *target)
                self.host.run_worker(work, thread=True, group="inbox-export", exclusive=True, exit_on_error=False)

        from inquiry_tui.tui.common.export_dialog import ExportScreen

        self.host.app.push_screen(ExportScreen(what, name), chosen)

    def _export(self, folder: str, path: Path, fmt: str) -> None:
        """(In a worker.)"""
        if folder == "allocation":
            from inquiry_tui.services.allocation.record import export_allocations

            count = export_allocations(self.ctx, path, fmt=fmt)
            self.host.post_message(Exported(count, "allocation records", path))
            return
        from inquiry_tui.services.inbox.export import export_inquiries

        count = export_inquiries(self.ctx, path, EXPORT_FOLDER.get(folder, folder), fmt)
        self.host.post_message(Exported(count, "inquiries", path))

    def exported(self, event: Exported) -> None:
        self.host.notify(f"Exported {event.count:,} {event.what} to {event.path}.", markup=False)

    def purge(self) -> None:
        if not self.ctx.actor.is_admin:
            self.host.notify("Only the admin (main account) can purge.", severity="warning")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.host.run_worker(self._purge, thread=True, group="inbox-purge", exclusive=True, exit_on_error=False)

        from inquiry_tui.tui.common.confirm import ConfirmScreen

        self.host.app.push_screen(
            ConfirmScreen(
                "Purge deleted inquiries",
                f"Remove every inquiry deleted more than {_triage().PURGE_AFTER_DAYS} days ago, with its messages? "
                "This cannot be undone (it is recorded in the audit log).",
                yes="Purge",
                danger=True,
            ),
            answered,
        )

    def _purge(self) -> None:
        """(In a worker.)"""
        self.host.post_message(Purged(_triage().purge_deleted(self.ctx)))

    def purged(self, event: Purged) -> None:
        result = event.result
        self.host.notify(f"Purged {result.purged:,} inquiries ({result.messages:,} messages).", markup=False)
        self.host.reload()
        self.host.refresh_counts()
