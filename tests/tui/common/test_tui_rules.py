"""The TUI's house rules, checked on its source: one idiom for worker results, errors through the
public worker API, imports of the inbox one way, every key with an id, styles in stylesheets.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

from textual.binding import Binding
from textual.screen import Screen

import inquiry_tui.tui
from inquiry_tui.tui.common.errors import WorkerErrors

TUI = Path(inquiry_tui.tui.__file__).parent
MODULES = sorted(m.name for m in pkgutil.walk_packages([str(TUI)], prefix="inquiry_tui.tui.") if not m.ispkg)


def _tree(module: str) -> ast.Module:
    path = TUI.joinpath(*module.split(".")[2:]).with_suffix(".py")
    return ast.parse(path.read_text(encoding="utf-8"))


def _classes():  # type: ignore[no-untyped-def]
    for name in MODULES:
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == name:
                yield cls


def test_worker_results_come_back_as_messages_not_call_from_thread() -> None:
    for module in MODULES:
        source = ast.unparse(_tree(module))
        assert "call_from_thread" not in source, module


def test_every_worker_leaves_its_errors_to_worker_state_changed() -> None:
    """@work(thread=True, exit_on_error=False) in a WorkerErrors node; run_worker(..., exit_on_error=False)."""
    for module in MODULES:
        tree = _tree(module)
        for cls_node in [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]:
            for fn in [n for n in cls_node.body if isinstance(n, ast.FunctionDef)]:
                for deco in fn.decorator_list:
                    if isinstance(deco, ast.Call) and getattr(deco.func, "id", None) == "work":
                        keywords = {k.arg: ast.literal_eval(k.value) for k in deco.keywords}
                        where = f"{module}.{cls_node.name}.{fn.name}"
                        assert keywords.get("thread") is True, where
                        assert keywords.get("exit_on_error") is False, where
                        cls = getattr(importlib.import_module(module), cls_node.name)
                        assert issubclass(cls, WorkerErrors), where
        for call in [n for n in ast.walk(tree) if isinstance(n, ast.Call)]:
            if getattr(call.func, "attr", None) == "run_worker":
                keywords = {k.arg: k.value for k in call.keywords}
                assert "exit_on_error" in keywords, f"{module}: run_worker without exit_on_error=False"
                assert ast.literal_eval(keywords["exit_on_error"]) is False, module


def test_worker_errors_is_mixed_in_after_the_widget_class() -> None:
    # Textual takes CSS type names and inherited keys from a node's first base.
    for cls in _classes():
        if WorkerErrors in cls.__bases__:
            assert cls.__bases__[0] is not WorkerErrors, cls


def test_the_inbox_helpers_do_not_import_their_screen() -> None:
    for module in (
        "inquiry_tui.tui.inbox.actions",
        "inquiry_tui.tui.inbox.panes",
        "inquiry_tui.tui.inbox.search",
        "inquiry_tui.tui.inbox.finder",
        "inquiry_tui.tui.commands",
        "inquiry_tui.tui.common.keys_help",
    ):
        for node in ast.walk(_tree(module)):
            if isinstance(node, ast.ImportFrom):
                assert node.module != "inquiry_tui.tui.inbox.screen", module
                names = {a.name for a in node.names}
                assert not (node.module == "inquiry_tui.tui.inbox" and "screen" in names), module


def test_every_key_with_a_description_has_an_id() -> None:
    for cls in _classes():
        for binding in cls.__dict__.get("BINDINGS", ()):
            if isinstance(binding, Binding) and binding.description:
                assert binding.id, f"{cls.__name__}: {binding.key} {binding.description!r} has no id"


def test_screens_take_their_styles_from_stylesheets() -> None:
    for cls in _classes():
        if issubclass(cls, Screen):
            assert not cls.__dict__.get("DEFAULT_CSS", "").strip(), f"{cls.__name__}: styles belong in its .tcss"
            paths = cls.__dict__.get("CSS_PATH")
            for path in [paths] if isinstance(paths, (str, Path)) else paths or []:
                assert Path(path).is_absolute() and Path(path).is_file(), (cls, path)
    for sheet in TUI.rglob("*.tcss"):
        # pyproject ships "tui/*/*.tcss": one level below tui/
        assert sheet.parent.parent == TUI, sheet
