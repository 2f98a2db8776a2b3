"""JSON from outside (import lines, settings values, LOI and template files) parsed without surprises.

`json.loads` raises more than `JSONDecodeError` on hostile input: RecursionError on deeply
nested arrays, ValueError past Python's 4,300-digit limit for an integer, and it accepts
`"\\ud800"`, a lone surrogate that no encoder can write (the store refuses it with a
UnicodeEncodeError). `loads` turns the first two into a `JSONDecodeError` that says what was
wrong, and `lone_surrogate` finds the third, so each caller reports one line as it reports bad
JSON (docs/untrusted-text.md, "Import files").
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["MAX_DEPTH", "MAX_DIGITS", "loads", "lone_surrogate"]

MAX_DEPTH = 64  # no record of ours nests deeper than a few levels
MAX_DIGITS = 100  # no number of ours has more digits than this


def _too_deep(text: str) -> bool:
    """More than MAX_DEPTH open brackets at once (brackets inside strings counted too: a cheap bound)."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return False
    depth = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif ch in "]}":
            depth -= 1
    return False


def _number(text: str) -> Any:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise ValueError(f"a number of {len(text):,} characters (at most {MAX_DIGITS} digits)")
    return int(text)


def _float(text: str) -> Any:
    if len(text) > MAX_DIGITS + 10:
        raise ValueError(f"a number of {len(text):,} characters (at most {MAX_DIGITS} digits)")
    return float(text)


# One decoder for every call: `json.loads` with hooks builds a decoder and its scanner per call, which was a
# sixth of reading an import file's line.
_DECODER = json.JSONDecoder(parse_int=_number, parse_float=_float)
_BOM = "\ufeff"


def loads(text: str) -> Any:
    """json.loads, with nesting past MAX_DEPTH and numbers past MAX_DIGITS refused as JSONDecodeError."""
    if _too_deep(text):
        raise json.JSONDecodeError(f"nested more than {MAX_DEPTH} levels deep", text, 0)
    try:
        if type(text) is not str:  # bytes: json.loads reads their encoding first
            return json.loads(text, parse_int=_number, parse_float=_float)
        if text.startswith(_BOM):  # as json.loads refuses it
            raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
        return _DECODER.decode(text)
    except json.JSONDecodeError:
        raise
    except (ValueError, RecursionError) as exc:
        raise json.JSONDecodeError(str(exc), text, 0) from None


def lone_surrogate(value: Any, path: str = "") -> str | None:
    """The dotted path of the first string (or key) in VALUE that holds a lone surrogate, else None.

    Returns "" for VALUE itself. Only JSON's `\\uD800`-style escapes make one; UTF-8 text cannot.
    """
    if isinstance(value, str):
        return path if _has_surrogate(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if _has_surrogate(str(key)):
                return where
            found = lone_surrogate(item, where)
            if found is not None:
                return found
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found = lone_surrogate(item, f"{path}[{i}]" if path else f"[{i}]")
            if found is not None:
                return found
    return None


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
