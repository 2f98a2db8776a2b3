"""Issue 13, item 3: forms agree (escape asks before discarding changes, pre-filled text is kept on
focus, a country is typed as a code or a name, every dialog shows its keys).

The editors here are opened in a bare app: none touches the store before it saves.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from typing import Any, cast

from textual.app import App
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Static

import inquiry_tui.tui
from inquiry_tui.domain.settings import FaqEntry
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.inbox.templates import Template
from inquiry_tui.tui.admin.ask import AskDialog
from inquiry_tui.tui.admin.faq import FaqDialog
from inquiry_tui.tui.common.confirm import ConfirmScreen
from inquiry_tui.tui.common.dialog import Dialog
from inquiry_tui.tui.common.forms import DiscardGuard
from inquiry_tui.tui.customers.form import CustomerFormScreen
from inquiry_tui.tui.deals.template_editor import TemplateEditorScreen
from inquiry_tui.tui.inbox.template_edit import TemplateEditScreen
from inquiry_tui.tui.notes.note_dialog import NoteDialog
from tests.tui.conftest import settle

NO_CTX = cast(Ctx, None)  # these editors read nothing before they save

EDITORS: list[tuple[str, Callable[[], Screen[Any]]]] = [
    ("FAQ entry", lambda: FaqDialog(FaqEntry("Do you ship to Algeria?", "Yes, by sea."))),
    ("away date", lambda: AskDialog("Away until", "first day back", value="2026-12-24")),
    ("note", lambda: NoteDialog(NO_CTX, owner="ana", about="Valves", inquiry_id=7)),
    ("contract template", lambda: TemplateEditorScreen(NO_CTX)),
    ("reply template", lambda: TemplateEditScreen(NO_CTX, Template(1, "Catalogue", "Dear {name},", False, True, 1))),
]  # the customer form's escape: tests/tui/customers/test_customers_keys.py


async def test_escape_on_a_changed_form_asks_in_every_editor() -> None:
    app: App[None] = App()
    async with app.run_test(size=(100, 40)) as pilot:
        for name, make in EDITORS:
            closed: list[object] = []
            editor = make()
            assert isinstance(editor, DiscardGuard), name  # the one shared mechanism
            await app.push_screen(editor, closed.append)
            await pilot.pause()
            await pilot.press("escape")  # nothing changed: closes at once
            await pilot.pause()
            assert app.screen is not editor and len(closed) == 1, name

            editor = make()
            await app.push_screen(editor, closed.append)
            await pilot.pause()
            await pilot.press("x")
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen), name  # asks first
            if name == EDITORS[0][0]:
                await pilot.press("n")  # keep editing: the form and what was typed stay
                await pilot.pause()
                assert app.screen is editor and editor.form_changed(), name
                await pilot.press("escape")
            await pilot.press("y")  # discard
            await pilot.pause()
            assert app.screen is not editor and len(closed) == 2, name


async def test_a_prefilled_field_keeps_its_text_when_focused() -> None:
    app: App[None] = App()
    async with app.run_test(size=(100, 40)) as pilot:
        await app.push_screen(FaqDialog(FaqEntry("Lead time?", "Four weeks.")))
        await settle(pilot)
        await pilot.press("end", "!")
        assert app.screen.query_one("#faq-question", Input).value == "Lead time?!"  # not replaced by "!"
        await pilot.press("tab", "end", "!")
        assert app.screen.query_one("#faq-answer", Input).value == "Four weeks.!"


async def test_a_country_is_typed_as_a_code_or_a_name_and_shown_by_name() -> None:
    app: App[None] = App()
    async with app.run_test(size=(100, 40)) as pilot:
        await app.push_screen(CustomerFormScreen(NO_CTX))
        await settle(pilot)
        country = app.screen.query_one("#f-country", Input)
        hint = app.screen.query_one("#country-hint", Static)
        for typed, shown in (("dz", "Algeria"), ("germany", "Germany"), ("USA", "United States"), ("Atlantis", "")):
            country.value = typed
            await pilot.pause()
            assert str(hint.render()) == shown, typed


# Dialogs whose keys are shown another way: the yes / no buttons name their keys; the inbox's
# assign and reply dialogs write their keys in a line of their own.
KEYS_ON_BUTTONS = {"ConfirmScreen", "AssignScreen", "ReplyScreen"}


def test_every_dialog_shows_its_keys() -> None:
    """Each modal composes a KeyLine (tui/common/forms.py), so a new dialog without one fails here."""
    missing = []
    for info in pkgutil.walk_packages(inquiry_tui.tui.__path__, "inquiry_tui.tui."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, ModalScreen) or cls.__module__ != info.name or cls.__name__ in KEYS_ON_BUTTONS:
                continue
            if cls is Dialog:  # the dialogs' base (dismissed once): it shows nothing of its own
                continue
            if "KeyLine(" not in inspect.getsource(cls.compose):
                missing.append(f"{info.name}.{cls.__name__}")
    assert missing == []
