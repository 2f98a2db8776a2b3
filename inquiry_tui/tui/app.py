"""InquiryApp: the top-level screens of `tui.modes` (keys `1`-`9`, Admin `0`) over one service context, and
its background work (the header's unread count, the outbox: tui/notices/background.py).

No traceback ever reaches the user. Service calls run in thread workers started with
`exit_on_error=False`; a worker's error comes up as `WorkFailed` (see `common.errors`) and
becomes a notification: a refusal (InquiryError) a warning, a store error or a bug an error,
the bug's traceback written to the error log. An unexpected error in the UI code itself ends
the app (Textual stops the message loop of the widget that raised, and carrying on would leave
a half-dead screen): `run_tui` sends Textual's report of it to the error log and prints one
line naming that file.
"""

from __future__ import annotations

import asyncio
import gc
import sys
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO, TextIO, cast

from rich.console import Console
from textual import events, on, work
from textual._styles_cache import StylesCache
from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import AwaitMount

from inquiry_tui.domain.errors import AccountDeactivated
from inquiry_tui.services.context import Ctx, limit_store_memory
from inquiry_tui.tui.commands import KeyCommands
from inquiry_tui.tui.common import clock
from inquiry_tui.tui.common.collector import CHECK_SECONDS, IdleCollector
from inquiry_tui.tui.common.errors import WorkerErrors, WorkFailed, error_log_path, notice_for
from inquiry_tui.tui.common.executor import FreshContextExecutor
from inquiry_tui.tui.common.lean_strip import lean_strips
from inquiry_tui.tui.common.stylesheet import SharedParseStylesheet
from inquiry_tui.tui.modes import MODES, START, Mode, mode_bindings, mode_named
from inquiry_tui.tui.notices.background import Background, NoticesChanged, OutboxFlushed, OutboxQueued, UnreadCounted

HERE = Path(__file__).parent  # CSS paths are absolute: subclasses (test hosts) live elsewhere
# An account deactivated while the app is open is refused at its next action; between actions,
# the app looks this often, so an idle session stops too.
ACCOUNT_CHECK_SECONDS = 30
# The background work (tui/notices/background.py) starts with the inbox's first page on screen, or this long after
# the app mounts if that page never comes (an error): its reads, and the modules its outbox loads, wait for the page.
BACKGROUND_AT_THE_LATEST = 3.0
SAVING_AFTER = 0.4  # seconds a write may wait for the store before the header says "saving…"


@dataclass
class AccountGone(Message):
    """A service call found the acting account deactivated."""

    error: AccountDeactivated


@dataclass
class WriteWaiting(Message):
    """A write transaction started (+1) or ended (-1), in any thread (`Ctx.on_writing`)."""

    delta: int


class InquiryApp(App[None], WorkerErrors):
    """The seller back office. Receives its service context; never opens a session itself."""

    CSS_PATH = HERE / "common" / "common.tcss"  # each screen brings its own feature's stylesheet
    TITLE = "inquiry-tui"
    # Top-level screens kept as the user left them, besides the inbox (always kept) and the one on view: the
    # latest ones left. Older ones are released and built afresh when opened again (docs/performance.md,
    # "Screens released when left, session 14"): every screen kept held 2-12 MB at 1M.
    kept_screens = 2
    COMMANDS = App.COMMANDS | {KeyCommands}
    BINDING_GROUP_TITLE = "Global"
    BINDINGS = [
        *mode_bindings(),
        Binding("question_mark", "show_keys", "Keys", id="help-keys", tooltip="the keys that work here"),
        Binding("f1", "show_keys", "Keys", show=False, priority=True, id="help-keys"),
        # Textual's own palette key, given an id so that `?` help lists it; the footer shows it as before.
        Binding(
            "ctrl+p",
            "command_palette",
            "palette",
            show=False,
            priority=True,
            id="help-palette",
            tooltip="run any of these by name; open an inquiry by id or buyer",
        ),
        Binding("q", "quit", "Quit", id="app-quit"),
        clock.ZONE_BINDING,
    ]

    def __init__(self, ctx: Ctx) -> None:
        super().__init__()
        # Each CSS source parsed once, not at each of the reparses that opening a screen makes (tui/common/stylesheet.py).
        self.stylesheet = SharedParseStylesheet(variables=self.get_css_variables())
        self.ctx = ctx
        self.sub_title = who_is_acting(ctx)
        self.unexpected_errors: list[BaseException] = []
        self.deactivated: AccountDeactivated | None = None
        # Any service call that finds the account deactivated tells the app, even where the
        # screen that made it shows refusals itself (a worker thread: a message brings it here).
        ctx.on_deactivated = self._tell_account_gone
        ctx.on_writing = self._tell_writing
        self.writes = 0  # write transactions under way
        self._saving_timer: Timer | None = None
        # The top-level screens left, the latest first: the first `kept_screens` are kept as they were left.
        self._recently_left: list[str] = []
        self.collector = IdleCollector()  # told of every key and mouse event (on_event)

    def _drop_closed(self) -> None:
        drop_closed_watchers(self)
        forget_closed_styles_caches()

    def on_mount(self) -> None:
        # Thread workers in a pool that keeps no worker (and so no screen) alive after its job (tui/common/executor.py).
        asyncio.get_running_loop().set_default_executor(FreshContextExecutor(thread_name_prefix="inquiry-worker"))
        for mode in MODES:
            self.add_mode(mode.name, partial(self._build, mode))
        self.switch_mode(START.name)
        self.set_interval(ACCOUNT_CHECK_SECONDS, self.check_account)
        # The header's unread count, overdue warnings and the outbox, in workers (tui/notices/background.py).
        self.background = Background(self, self.ctx)
        self._background_started = False
        self.set_timer(BACKGROUND_AT_THE_LATEST, self._start_background)
        # The start-up objects (modules, styles, widgets) live as long as the app. Frozen, they
        # are left out of the full collections, which otherwise stall a frame by ~90 ms now
        # and then while the user scrolls.
        self.call_after_refresh(freeze_then_collect)
        # The collector's full passes in the user's pauses, not on a key (tui/common/collector.py).
        self.collector.install()
        self.set_interval(CHECK_SECONDS, self.collector.tick)
        # Each screen change (a dialog or a pushed screen closed, a mode switched) drops the watchers that
        # the screens gone left on the app's reactives.
        self.screen_change_signal.subscribe(self, lambda _screen: self.call_after_refresh(self._drop_closed))

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent) and not event.is_forwarded:
            self.collector.input_seen()
        await super().on_event(event)

    def on_inbox_screen_ready(self, _message: Message) -> None:
        """The inbox's first page is on screen (InboxScreen.Ready): now the background work."""
        self._start_background()
        # What the first page and the panes brought in lives as long too: frozen in the next pause, after a full
        # pass (tui/common/collector.py).
        self.collector.freeze_when_idle()

    def _start_background(self) -> None:
        if not self._background_started:
            self._background_started = True
            self.background.start()

    def _build(self, mode: Mode) -> Screen[None]:
        # A top-level screen is kept while it is on view or under a pushed one (the inbox for the session), with
        # the modules it loaded: frozen once it is up, as the start-up objects are, so the full collections have
        # that much less to walk. Not at its first frame: in the next pause, after a full pass, so that the garbage
        # of the screen just left and of this one's start is collected, not frozen; and a released screen is
        # thawed and collected at the pause after it is left (`_release_mode`, tui/common/collector.py).
        self.collector.freeze_when_idle()
        return mode.build(self.ctx)

    # --- modes and roles ------------------------------------------------------------------------

    def may_open(self, mode: Mode) -> bool:
        return not mode.admin_only or self.ctx.actor.is_admin

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.deactivated is not None:
            return action == "quit"  # the account is gone: nothing but quitting
        # A mode the actor may not open is neither shown nor offered; its key says why instead.
        if action in ("open_mode", "refuse_mode"):
            allowed = self.may_open(mode_named(str(parameters[0])))
            return allowed if action == "open_mode" else not allowed
        return True

    def action_open_mode(self, name: str) -> None:
        self.switch_mode(name)

    def switch_mode(self, mode: str) -> AwaitMount:
        """Switch to MODE's screen; the top-level screens left longest ago are released (`kept_screens`)."""
        left = self.current_mode
        mounted = super().switch_mode(mode)
        if left != mode:
            recent = [name for name in self._recently_left if name not in (mode, left)]
            if releases(left):
                recent.insert(0, left)
            for name in recent[self.kept_screens :]:
                # Only its own screen on the stack: a screen pushed over it (a profile, an order) is where the user
                # left off, and comes back with it (kept until it is left again with nothing over it).
                if len(self._screen_stacks.get(name, ())) == 1:
                    self.call_later(self._release_mode, name)
            self._recently_left = recent[: self.kept_screens]
        return mounted

    async def _release_mode(self, name: str) -> None:
        """Drop mode NAME's screen (its widgets, rows and styles: 2-12 MB at 1M) so that it is built afresh when
        next opened (docs/performance.md, "Screens released when left, session 14")."""
        if name == self.current_mode or name not in self._screen_stacks:
            return  # back on it before this ran, or released already
        removed = self.remove_mode(name)
        # Added again before the removal is awaited: a key for it in the meantime builds it afresh (an unknown mode would end the app).
        self.add_mode(name, partial(self._build, mode_named(name)))
        await removed
        # Its header's watchers of the app's title would keep it; and it was frozen when it was built: the next
        # pause thaws, collects (the screen with it) and freezes again (tui/common/collector.py).
        self._drop_closed()
        self.collector.freeze_when_idle()

    def action_refuse_mode(self, name: str) -> None:
        self.notify(f"Only the admin (main account) can open {mode_named(name).title}.", severity="warning")

    def action_show_keys(self) -> None:
        from inquiry_tui.tui.common.keys_help import KeysHelpScreen

        if isinstance(self.screen, KeysHelpScreen):
            self.pop_screen()
            return
        self.push_screen(KeysHelpScreen(self.screen))

    # --- the reader's clock (tui/common/clock.py) ----------------------------------------------------

    def action_set_own_zone(self) -> None:
        """`Z` anywhere: the zone the acting account reads times in."""

        def chosen(answer: str | None) -> None:
            if answer is not None:
                self._save_zone(answer)

        from inquiry_tui.tui.common.zone_dialog import ZoneDialog

        self.push_screen(ZoneDialog(clock.zone_name()), chosen)

    @work(thread=True, exclusive=True, group="app-zone", exit_on_error=False)
    def _save_zone(self, name: str) -> None:
        from inquiry_tui.services.team.zone import set_zone

        now = set_zone(self.ctx, self.ctx.actor.login, name)  # audited; a refusal comes back as a warning
        clock.use(now)
        self.post_message(clock.ZoneChanged(now))

    @on(clock.ZoneChanged)
    def _zone_changed(self, event: clock.ZoneChanged) -> None:
        self.notify(f"Times are shown in {event.name}.", markup=False)
        self.background.show(self.background.unread or 0, event.name)
        # Every screen of every mode shows its times again (the ones kept but not on view too; a released one
        # is built afresh on the new clock). Textual keeps the modes' stacks in `_screen_stacks`.
        for stack in self._screen_stacks.values():
            for screen in stack:
                screen.post_message(clock.ZoneChanged(event.name))

    @on(NoticesChanged)
    def _notices_changed(self) -> None:
        self.background.refresh_count()

    @on(OutboxQueued)
    def _outbox_queued(self) -> None:
        self.background.flush_outbox()

    @on(UnreadCounted)
    def _unread_counted(self, event: UnreadCounted) -> None:
        self.background.show(event.count, event.zone)

    @on(OutboxFlushed)
    def _outbox_flushed(self, event: OutboxFlushed) -> None:
        self.background.flushed(event.report)

    # --- "saving…": a write waiting for a busy store ----------------------------------------------

    def _tell_writing(self, delta: int) -> None:
        self.post_message(WriteWaiting(delta))  # thread-safe: called from workers

    @on(WriteWaiting)
    def _write_waiting(self, event: WriteWaiting) -> None:
        self.writes = max(0, self.writes + event.delta)
        if self.writes and self._saving_timer is None:
            self._saving_timer = self.set_timer(SAVING_AFTER, self._show_saving)
        elif not self.writes:
            if self._saving_timer is not None:
                self._saving_timer.stop()
                self._saving_timer = None
            self._set_saving(False)

    def _show_saving(self) -> None:
        self._saving_timer = None
        self._set_saving(self.writes > 0)

    def _set_saving(self, saving: bool) -> None:
        background = getattr(self, "background", None)
        if background is not None and background.saving != saving:
            background.saving = saving
            background.show(background.unread or 0)

    # --- errors -------------------------------------------------------------------------------

    def _tell_account_gone(self, error: AccountDeactivated) -> None:
        self.post_message(AccountGone(error))  # thread-safe: called from workers

    @on(AccountGone)
    def _account_gone(self, event: AccountGone) -> None:
        self.stop_acting(event.error)

    @on(WorkFailed)
    def _work_failed(self, event: WorkFailed) -> None:
        self.report_error(event.error)

    def report_error(self, error: BaseException) -> None:
        """Show ERROR as a notification (a bug's traceback goes to the error log, never to the screen)."""
        if isinstance(error, AccountDeactivated):
            self.stop_acting(error)
            return
        notice = notice_for(error)
        if notice.bug:
            self.unexpected_errors.append(error)
        self.notify(notice.message, title=notice.title, severity=notice.severity, markup=False, timeout=notice.timeout)

    # --- the acting account ----------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="account-check", exit_on_error=False)
    def check_account(self) -> None:
        """Between actions: is the acting account still active? A deactivation comes back through WorkFailed."""
        from inquiry_tui.services.team.active import require_active  # a plain read: no ORM, no SQLAlchemy

        try:
            require_active(self.ctx)
        except AccountDeactivated:
            raise
        except Exception:  # a busy or unreadable store: the user's next action reports it
            return

    def stop_acting(self, error: AccountDeactivated) -> None:
        """The account was deactivated: say by whom, and take no further action (only quit)."""
        if self.deactivated is not None:
            return
        from inquiry_tui.tui.common.deactivated import DeactivatedScreen

        self.deactivated = error
        self.workers.cancel_all()
        self.clear_notifications()
        self.push_screen(DeactivatedScreen(error))
        self.refresh_bindings()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        if self.deactivated is not None:
            return  # the deactivated screen says all there is; late refusals of the old screens would only repeat it
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)


def releases(mode: str) -> bool:
    """Whether the top-level screen of MODE may be dropped once the user has left it (`kept_screens`).

    Every one but the inbox: it is the home, its first page is the costliest to build, and it is where
    the user comes back most often.
    """
    return mode != START.name and any(m.name == mode for m in MODES)  # not Textual's "_default", left at the start


def freeze_then_collect() -> None:
    """Freeze what exists now (out of every later collection), then collect garbage as usual.

    Opening the TUI from the command line starts with collection off (`inquiry_tui.cli.main`): what
    the start makes lives as long as the app, and walking it was work before the first row.
    """
    gc.freeze()
    gc.enable()


def drop_closed_watchers(node: DOMNode) -> int:
    """Forget the watchers that closed widgets left on NODE's reactives; how many were dropped.

    Textual's `Header` watches the app's `title` and `sub_title` (`DOMNode.watch`), and Textual prunes
    a reactive's watchers of closed widgets only when that reactive changes, which the app's title
    never does: each screen with a header that was closed (a customer's profile, an order, ...) kept
    its header, the header's widgets and their render caches for the rest of the session.
    """
    watchers: dict[str, list[tuple[DOMNode, object]]] = getattr(node, "__watchers", {})
    dropped = 0
    for entries in watchers.values():
        kept = [(watcher, callback) for watcher, callback in entries if not (watcher._closing or watcher._closed)]
        dropped += len(entries) - len(kept)
        entries[:] = kept
    return dropped


def forget_closed_styles_caches() -> None:
    """Empty the cache by which Textual keeps the styles caches of up to 1024 widgets, closed ones too.

    `StylesCache.get_inner_outer` is an `lru_cache` on a method, so its key holds the widget's `StylesCache`
    (and with it the lines it rendered and every strip cut from them): a screen built afresh each time it is
    opened (`releases`) left its widgets' caches there, some 1-2 MB a round at 100k. The cache holds two
    colours a widget computes again at its next paint.
    """
    StylesCache.get_inner_outer.cache_clear()


def who_is_acting(ctx: Ctx) -> str:
    """The header's subtitle: the account, and with `--as` who acts as it ("boss as ana (Ana Zhou, sales)")."""
    actor = ctx.actor
    if ctx.acted_by is not None:
        return f"{ctx.acted_by} as {actor.login} ({actor.name}, {actor.role})"
    return f"{actor.name} ({actor.role})"


class _ErrorLog:
    """A file-like for Textual's error console: the error log, opened at the first write."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.written = False
        self._file: TextIO | None = None

    def write(self, text: str) -> int:
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("a", encoding="utf-8")
        self.written = True
        return self._file.write(text)

    def flush(self) -> None:
        if self._file is not None:
            self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


def run_logged(app: App[None], *, headless: bool = False) -> None:
    """Run APP; if an unexpected error stopped it, its report goes to the error log and one line to stderr."""
    log = _ErrorLog(error_log_path())
    # Textual prints what stopped the app (a traceback) on its error console: into the log instead.
    # Console only writes and flushes: the lazily opened log is file enough for it.
    app.error_console = Console(file=cast(IO[str], log), markup=False, highlight=False, color_system=None, width=120)
    try:
        app.run(headless=headless)
    finally:
        log.close()
    if log.written or (app.return_code or 0) != 0:
        print(f"inquiry-tui stopped after an unexpected error; details in {log.path}", file=sys.stderr)
        raise SystemExit(app.return_code or 1)


def run_tui(ctx: Ctx) -> None:
    """Run the TUI on CTX's store, its SQLite memory capped for the process (`limit_store_memory`).

    Textual's strips make their caches when first used, for the process (`lean_strips`)."""
    limit_store_memory(ctx)
    lean_strips()
    run_logged(InquiryApp(ctx))
