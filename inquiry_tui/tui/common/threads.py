"""Handing a worker's result back to the event loop, safely when its screen has gone meanwhile."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.dom import DOMNode


def _if_alive(node: DOMNode, callback: Callable[..., Any], *args: Any) -> Any:
    # A dialog closed while its worker ran, or the app is quitting: the result has no home.
    if not node.is_attached or node.app._exit:
        return None
    return callback(*args)


def ui(node: DOMNode, callback: Callable[..., Any], *args: Any) -> Any:
    """From a thread worker: run CALLBACK(*ARGS) on the event loop and return its result."""
    return node.app.call_from_thread(_if_alive, node, callback, *args)
