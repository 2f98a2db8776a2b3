"""InboxActions: the triage keys of the inbox (r t s d u a c m e, enter) and the admin's purge.

Each action reads the row under the cursor when it runs, calls one service in a thread
worker with the row's version, and applies the new state in place, or reloads around the
next row when the inquiry left the folder. Actions run one at a time, in key order: a quick
`t t` tags and untags, instead of the second press racing the first and meeting a version
it has not seen. "Changed by someone else" and "not found" reload the list.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work

from inquiry_tui.domain.errors import InquiryError, NotFound, StaleWrite
from inquiry_tui.services.allocation.assignment import assign_inquiry
from inquiry_tui.services.inbox import listing as inbox
from inquiry_tui.services.inbox import triage
from inquiry_tui.services.inbox.listing import AllocationRow, InquiryRow, ListItem
from inquiry_tui.services.inbox.triage import InquiryState
from inquiry_tui.tui.common.confirm import ConfirmScreen
from inquiry_tui.tui.common.export_dialog import ExportScreen
from inquiry_tui.tui.inbox.assign import AssignScreen
from inquiry_tui.tui.inbox.reply import ReplyScreen

if TYPE_CHECKING:
    from inquiry_tui.tui.inbox.screen import InboxScreen

    _Base = InboxScreen
else:
    _Base = object

EXPORT_FOLDER = {"all": "inbox"}  # the others export under their own name


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
    )
    return replace(item, inquiry=new) if isinstance(item, AllocationRow) else new


class InboxActions(_Base):
    """Mixed into InboxScreen."""

    _triage_queue: deque[Callable[[], bool]]
    _triage_busy: bool = False

    # --- plumbing -----------------------------------------------------------------------------

    def _row(self) -> InquiryRow | None:
        item = self.inquiry_list.current
        if item is None:
            self.notify("No inquiry selected.", severity="warning")
            return None
        return item.inquiry

    def _queue(self, start: Callable[[], bool]) -> None:
        if not hasattr(self, "_triage_queue"):
            self._triage_queue = deque()
        if self._triage_busy:
            self._triage_queue.append(start)
            return
        self._triage_busy = start()

    def _triage_next(self) -> None:
        self._triage_busy = False
        while getattr(self, "_triage_queue", None):
            if self._triage_queue.popleft()():
                self._triage_busy = True
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
            self._triage_worker(row, call, message(row), in_place)
            return True

        self._queue(start)

    @work(thread=True, group="inbox-triage")
    def _triage_worker(
        self, row: InquiryRow, call: Callable[[InquiryRow], InquiryState | None], message: str | None, in_place: bool
    ) -> None:
        try:
            state = call(row)
        except (StaleWrite, NotFound) as error:
            self._ui(self._triage_failed, row, error, True)
            return
        except InquiryError as error:
            self._ui(self._triage_failed, row, error, False)
            return
        except BaseException:
            self._ui(self._triage_next)
            raise
        self._ui(self._triage_done, row, state, message, in_place)

    def _triage_failed(self, row: InquiryRow, error: InquiryError, reload: bool) -> None:
        self.notify(str(error), severity="warning", markup=False)
        if reload:
            self.reload(self.inquiry_list.current)
            self._refresh_counts()
        self._triage_next()

    def _triage_done(self, row: InquiryRow, state: InquiryState | None, message: str | None, in_place: bool) -> None:
        if message:
            self.notify(message, markup=False)
        listing = self.inquiry_list
        if state is not None:
            listing.update_item(row.id, lambda item: with_state(item, state))
        if not in_place and self._left_view(state):
            position = listing.position_of(row.id)
            if position is None:
                self.reload()
            else:
                after, before = listing.item_at(position + 1), listing.item_at(position - 1)
                if after is not None:
                    self.reload(after, position)
                elif before is not None:
                    self.reload(before, position - 1)
                else:
                    self.reload(None, None)
        self._refresh_counts()
        self._triage_next()

    def _left_view(self, state: InquiryState | None) -> bool:
        """Whether the inquiry no longer belongs in the list on screen."""
        if state is None:
            return self.search_terms is None and self.folder != "allocation"
        if not self.ctx.actor.is_admin and state.owner_id != self.ctx.actor.id:
            return True
        if self.search_terms is not None or self.folder == "allocation":
            return self.search_terms is not None and state.folder == "deleted"
        return not inbox.in_folder(
            self.folder, folder_state=state.folder, unread=state.unread, tagged=state.tagged, replied=state.replied
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "purge":
            return self.ctx.actor.is_admin
        return True

    # --- the keys -----------------------------------------------------------------------------

    def on_inquiry_list_open_requested(self, message: Any) -> None:
        """enter: read the thread (focus it) and mark the inquiry read, where it stays."""
        message.stop()
        self.query_one("#thread").focus()
        if message.item.inquiry.unread:
            self._change(lambda r: triage.set_read(self.ctx, r.id, True, r.version), lambda r: None, in_place=True)

    def action_toggle_read(self) -> None:
        self._change(
            lambda r: triage.set_read(self.ctx, r.id, r.unread, r.version),
            lambda r: f"#{r.id} marked {'read' if r.unread else 'unread'}.",
        )

    def action_toggle_tag(self) -> None:
        self._change(
            lambda r: triage.set_tagged(self.ctx, r.id, not r.tagged, r.version),
            lambda r: f"#{r.id} {'untagged' if r.tagged else 'tagged'}.",
        )

    @staticmethod
    def _junk_target(r: InquiryRow) -> bool:
        return not r.is_junk if r.folder == "deleted" else r.folder != "junk"

    def action_toggle_junk(self) -> None:
        self._change(
            lambda r: triage.set_junk(self.ctx, r.id, self._junk_target(r), r.version),
            lambda r: f"#{r.id} marked {'junk' if self._junk_target(r) else 'not junk'}.",
        )

    def action_delete(self) -> None:
        item = self.inquiry_list.current
        if item is not None and item.inquiry.folder == "deleted":
            self.notify(f"#{item.id} is already in Deleted; u restores it.", severity="warning")
            return
        self._change(
            lambda r: triage.delete_inquiry(self.ctx, r.id, r.version),
            lambda r: f"#{r.id} moved to Deleted (u restores it).",
        )

    def action_restore(self) -> None:
        item = self.inquiry_list.current
        if item is not None and item.inquiry.folder != "deleted":
            self.notify("Only deleted inquiries can be restored; D shows the Deleted folder.", severity="warning")
            return
        self._change(
            lambda r: triage.restore_inquiry(self.ctx, r.id, r.version),
            lambda r: f"#{r.id} restored to {'Junk' if r.is_junk else 'the inbox'}.",
        )

    def action_reply(self) -> None:
        row = self._row()
        if row is None:
            return
        if row.folder == "deleted":
            self.notify(f"#{row.id} is deleted; restore it (u) before replying.", severity="warning")
            return

        def sent(done: bool | None) -> None:
            if done:
                self._change(lambda r: triage.get_state(self.ctx, r.id), lambda r: f"Reply to #{r.id} sent.")

        self.app.push_screen(ReplyScreen(self.ctx, row), sent)

    def action_assign(self) -> None:
        row = self._row()
        if row is None:
            return

        def chosen(login: str | None) -> None:
            if not login:
                return

            def call(r: InquiryRow) -> InquiryState | None:
                assign_inquiry(self.ctx, r.id, login, r.version)
                return triage.get_state(self.ctx, r.id) if self.ctx.actor.is_admin else None

            verb = "reassigned" if self.ctx.actor.is_admin else "handed over"
            self._change(call, lambda r: f"#{r.id} {verb} to {login}.")

        self.app.push_screen(AssignScreen(self.ctx, row.id, row.subject, row.owner_login), chosen)

    def action_add_customer(self) -> None:
        row = self._row()
        if row is None:
            return
        try:
            from inquiry_tui.tui.customers.form import CustomerFormScreen
        except ImportError:
            self.notify("The customer form is not available in this build.", severity="error")
            return

        def closed(result: object) -> None:
            if result is not None:
                self._want_detail(self.inquiry_list.current, force_profile=True)

        self.app.push_screen(CustomerFormScreen(self.ctx, inquiry_id=row.id), closed)

    def action_export(self) -> None:
        folder = self.folder
        today = self.ctx.now().date().isoformat()
        if folder == "allocation":
            what, name, note = "the allocation record (past 30 days)", f"allocations-{today}.csv", ""
        else:
            what, name, note = f"the {inbox.FOLDER_TITLES[folder]} folder", f"inquiries-{folder}-{today}.csv", ""

        def chosen(target: tuple[Path, str] | None) -> None:
            if target is not None:
                self._export(folder, *target)

        self.app.push_screen(ExportScreen(what, name, note), chosen)

    @work(thread=True, exclusive=True, group="inbox-export")
    def _export(self, folder: str, path: Path, fmt: str) -> None:
        if folder == "allocation":
            from inquiry_tui.services.allocation.record import export_allocations

            count = export_allocations(self.ctx, path, fmt=fmt)
            self.app.notify(f"Exported {count:,} allocation records to {path}.", markup=False)
            return
        from inquiry_tui.services.inbox.export import export_inquiries

        count = export_inquiries(self.ctx, path, EXPORT_FOLDER.get(folder, folder), fmt)
        self.app.notify(f"Exported {count:,} inquiries to {path}.", markup=False)

    def action_purge(self) -> None:
        if not self.ctx.actor.is_admin:
            self.notify("Only the admin (main account) can purge.", severity="warning")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._purge()

        self.app.push_screen(
            ConfirmScreen(
                "Purge deleted inquiries",
                f"Remove every inquiry deleted more than {triage.PURGE_AFTER_DAYS} days ago, with its messages? "
                "This cannot be undone (it is recorded in the audit log).",
                yes="Purge",
                danger=True,
            ),
            answered,
        )

    @work(thread=True, exclusive=True, group="inbox-purge")
    def _purge(self) -> None:
        result = triage.purge_deleted(self.ctx)
        self.app.notify(f"Purged {result.purged:,} inquiries ({result.messages:,} messages).", markup=False)
        self._ui(self.reload)
        self._ui(self._refresh_counts)
