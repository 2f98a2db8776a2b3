"""A dialog is dismissed once, however many keys ask: two quick enters export once and leave the screen under it.

Textual's `dismiss` pops the top screen, whichever it is; a second `Submitted` queued before the
first dismissal used to run the result callback again and pop the screen under the dialog
(`ScreenStackError` when that was the app's last screen).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

from textual.app import App, ComposeResult
from textual.screen import ModalScreen
from textual.widgets import Input, Static

import inquiry_tui.tui
from inquiry_tui.tui.common.confirm import ConfirmScreen
from inquiry_tui.tui.common.dialog import Dialog
from inquiry_tui.tui.common.export_dialog import ExportScreen


class Host(App[None]):
    """An app with one screen under the dialogs it pushes; their results in `results`."""

    def __init__(self) -> None:
        super().__init__()
        self.results: list[object] = []

    def compose(self) -> ComposeResult:
        yield Static("host")


async def test_two_enters_queued_in_the_export_dialog_export_once(tmp_path: Path) -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        base = app.screen
        dialog = ExportScreen("the folder", str(tmp_path / "out.csv"))
        app.push_screen(dialog, app.results.append)
        await pilot.pause()
        field = dialog.query_one(Input)
        # Both enters reach the dialog before the first dismissal is drawn (a fast typist, a slow link).
        dialog.post_message(Input.Submitted(field, field.value))
        dialog.post_message(Input.Submitted(field, field.value))
        await pilot.pause()
        await pilot.pause()
        assert app.results == [(tmp_path / "out.csv", "csv")]
        assert app.screen is base and app.is_running


async def test_a_second_dismiss_does_nothing() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        base = app.screen
        dialog = ConfirmScreen("Purge", "Purge the deleted inquiries?")
        app.push_screen(dialog, app.results.append)
        await pilot.pause()
        dialog.dismiss(True)
        dialog.dismiss(False)
        await pilot.pause()
        assert app.results == [True]
        assert app.screen is base and app.is_running


def test_every_modal_screen_of_the_app_is_a_dialog() -> None:
    for info in pkgutil.walk_packages(inquiry_tui.tui.__path__, "inquiry_tui.tui."):
        module = importlib.import_module(info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and issubclass(cls, ModalScreen):
                assert issubclass(cls, Dialog), f"{cls.__module__}.{cls.__qualname__} is not a Dialog"
