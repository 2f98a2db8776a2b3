"""Errors reach the user as one line, never as a traceback, through Textual's public worker API.

A refusal (InquiryError) from a worker is a warning; a store error is an error in words a user
can act on; a bug is an error naming the log that holds its traceback, and the app keeps
working. An error in the UI code itself stops the app with one line on stderr, the traceback in
the log. The app does not override Textual's private exception handler.
"""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy.exc import OperationalError
from textual.app import App, ComposeResult
from textual.message import Message
from textual.notifications import Notify
from textual.widgets import Static

from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.inbox import listing
from inquiry_tui.tui.app import InquiryApp, run_logged
from inquiry_tui.tui.common.errors import error_log_path
from inquiry_tui.tui.inbox import panes
from inquiry_tui.tui.inbox.inquiry_list import InquiryList
from inquiry_tui.tui.inbox.thread_view import ThreadView
from tests.tui.conftest import settle


def test_the_app_does_not_override_textuals_exception_handler() -> None:
    assert InquiryApp._handle_exception is App._handle_exception


class Toasts:
    """The notifications the app shows (captured from its Notify messages)."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def __call__(self, message: Message) -> None:
        if isinstance(message, Notify):
            self.seen.append((message.notification.severity, message.notification.message))


def _locked(*_args: object, **_kwargs: object) -> object:
    raise OperationalError("SELECT count(*) FROM inquiry", {}, sqlite3.OperationalError("database is locked"))


async def test_a_store_error_in_a_worker_is_an_error_toast_in_words(store_ctx: Ctx, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(listing, "folder_counts", _locked)
    toasts = Toasts()
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48), message_hook=toasts) as pilot:
        await settle(pilot)
        assert app.is_running and app.screen.query_one(InquiryList).current is not None  # the inbox works
        assert ("error", "The store is busy") in [(s, m[:17]) for s, m in toasts.seen], toasts.seen
        assert not app.unexpected_errors


async def test_a_refusal_in_a_worker_is_a_warning(store_ctx: Ctx, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def refuse(*_args: object, **_kwargs: object) -> object:
        raise ValidationError("export refused: [bold]not[/] today")

    monkeypatch.setattr(listing, "folder_counts", refuse)
    toasts = Toasts()
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48), message_hook=toasts) as pilot:
        await settle(pilot)
        assert ("warning", "export refused: [bold]not[/] today") in toasts.seen  # literally, never markup
        assert app.is_running and not app.unexpected_errors


async def test_a_bug_in_a_worker_is_logged_shown_in_one_line_and_the_app_goes_on(store_ctx: Ctx, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    real = panes.thread_detail
    broken = {"on": False}

    def thread_detail(ctx: Ctx, inquiry_id: int) -> object:
        if broken["on"]:
            raise ZeroDivisionError("a bug")
        return real(ctx, inquiry_id)

    monkeypatch.setattr(panes, "thread_detail", thread_detail)
    toasts = Toasts()
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48), message_hook=toasts) as pilot:
        await settle(pilot)
        broken["on"] = True
        await pilot.press("j", "j", "j", "j")  # past what was read ahead
        await settle(pilot)
        # The load for the cursor failed (and the read-ahead of its neighbours).
        assert app.unexpected_errors and {type(e) for e in app.unexpected_errors} == {ZeroDivisionError}
        errors = [m for s, m in toasts.seen if s == "error"]
        assert errors and errors[0].startswith("Unexpected error: ZeroDivisionError: a bug. Details in ")
        assert "Traceback" not in errors[0]
        logged = error_log_path().read_text(encoding="utf-8")
        assert "Traceback" in logged and "ZeroDivisionError: a bug" in logged
        # The panes load again once the bug is gone: the failed load did not wedge them.
        broken["on"] = False
        await pilot.press("k")
        await settle(pilot)
        listing_widget = app.screen.query_one(InquiryList)
        assert app.screen.query_one(ThreadView).shown_id == listing_widget.current.id  # type: ignore[union-attr]


class Broken(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("about to fail")

    def on_mount(self) -> None:
        raise RuntimeError("a bug in the UI code")


def test_a_bug_in_the_ui_stops_the_app_with_one_line_and_the_traceback_in_the_log(capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as stopped:
        run_logged(Broken(), headless=True)
    assert stopped.value.code == 1
    err = capsys.readouterr().err
    assert err.strip() == f"inquiry-tui stopped after an unexpected error; details in {error_log_path()}"
    logged = error_log_path().read_text(encoding="utf-8")
    assert "RuntimeError" in logged and "a bug in the UI code" in logged
