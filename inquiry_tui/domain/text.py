"""Untrusted text made safe to show in a terminal and to write into spreadsheet exports.

Buyer subjects, bodies, names and company names come from outside (docs/untrusted-text.md).
A terminal obeys escape sequences (ESC, CSI 0x9B, OSC 52 clipboard writes, title changes),
and bidi overrides or zero-width characters can make text read differently from what it is.
`safe_text` turns each such character into a *visible* placeholder instead of dropping it,
so a salesperson sees that something odd was sent, and nothing reaches the terminal raw.

Markup is not this module's concern: the UI renders `Text`/`Content`, never markup, so
`[bold]` in a body stays literal. Stdlib only (the domain layer imports no rich/textual).
"""

from __future__ import annotations

import re
from decimal import Decimal

__all__ = ["ELLIPSIS", "csv_text", "neutralize_cell", "safe_line", "safe_text", "truncate"]

ELLIPSIS = "…"
NEWLINE_MARK = "⏎"

# C0 controls and DEL have dedicated glyphs in the "Control Pictures" block (U+2400 + code;
# DEL is U+2421), which are one cell wide and recognisable (ESC -> '␛').
_C0 = {c: chr(0x2400 + c) for c in range(0x20) if c not in (0x09, 0x0A)}
_C0[0x7F] = "\u2421"

# Everything else gets a bracketed code point. The brackets (U+27E8/U+27E9) are ordinary
# printable characters, so a second pass leaves them alone (idempotence).
# fmt: off
_BRACKETED: list[int] = [
    *range(0x80, 0xA0),  # C1 controls: 0x9B is a one-byte CSI, 0x9D a one-byte OSC
    0x061C, 0x200E, 0x200F,  # bidi marks
    *range(0x202A, 0x202F),  # bidi embeddings/overrides (U+202E is the classic "txt.exe")
    *range(0x2066, 0x206A),  # bidi isolates
    0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x180E,  # zero-width / invisible
    # Beyond the list in docs/untrusted-text.md, the same hazard: line/paragraph separators break one-row
    # layout, invisible operators and deprecated format controls hide text, Unicode tag
    # characters carry invisible "smuggled" ASCII, interlinear annotations hide text.
    0x2028, 0x2029,
    *range(0x2061, 0x2065),
    *range(0x206A, 0x2070),
    *range(0xFFF9, 0xFFFC),
    *range(0xE0000, 0xE0080),
    # Lone surrogates (from surrogateescape decoding) cannot be encoded for the terminal
    # and would raise mid-render.
    *range(0xD800, 0xE000),
]
# fmt: on

_SAFE_TABLE: dict[int, str] = {**_C0, **{c: f"⟨U+{c:04X}⟩" for c in _BRACKETED}}
_LINE_TABLE: dict[int, str] = {**_SAFE_TABLE, 0x0A: NEWLINE_MARK, 0x09: " "}


def _char_class(codes: list[int]) -> str:
    # Collapse the code points into ranges so the class stays small and the scan fast.
    codes = sorted(codes)
    parts: list[str] = []
    start = prev = codes[0]
    for c in [*codes[1:], -1]:
        if c == prev + 1:
            prev = c
            continue
        parts.append(re.escape(chr(start)) if start == prev else f"{re.escape(chr(start))}-{re.escape(chr(prev))}")
        start = prev = c
    return "[" + "".join(parts) + "]"


# str.translate does a dict lookup per character (~9 ms on a 100 KB non-ASCII body). A
# one-character class scan (~0.8 ms; a `+` class scans twice as slowly) finds the usual
# clean text, which is returned untouched; otherwise only runs of unsafe characters, from
# the first one on, go through the table.
_SAFE_CLASS = _char_class(list(_SAFE_TABLE))
_LINE_CLASS = _char_class(list(_LINE_TABLE))
_UNSAFE = re.compile(_SAFE_CLASS)
_UNSAFE_RUN = re.compile(_SAFE_CLASS + "+")
_UNSAFE_LINE = re.compile(_LINE_CLASS)
_UNSAFE_LINE_RUN = re.compile(_LINE_CLASS + "+")


def _translate_safe(m: re.Match[str]) -> str:
    return m[0].translate(_SAFE_TABLE)


def _translate_line(m: re.Match[str]) -> str:
    return m[0].translate(_LINE_TABLE)


def safe_text(value: str | None) -> str:
    """Return VALUE with controls, bidi and invisible characters as visible placeholders.

    Newline and tab are kept; CRLF line endings become "\\n" (a lone CR, which can overwrite
    a line, is shown as '␍'). None gives "". Idempotent: safe_text(safe_text(x)) == safe_text(x).
    """
    if not value:
        return ""
    if "\r" in value:
        value = value.replace("\r\n", "\n")
    found = _UNSAFE.search(value)
    if found is None:
        return value
    i = found.start()
    return value[:i] + _UNSAFE_RUN.sub(_translate_safe, value[i:])


def safe_line(value: str | None) -> str:
    """Like safe_text, for a one-line cell: a line break shows as '⏎' and a tab as a space."""
    if not value:
        return ""
    if "\r" in value:
        value = value.replace("\r\n", "\n")
    found = _UNSAFE_LINE.search(value)
    if found is None:
        return value
    i = found.start()
    return value[:i] + _UNSAFE_LINE_RUN.sub(_translate_line, value[i:])


# OWASP "CSV Injection": a cell starting with one of these is read as a formula (or, for
# tab/CR, can shift into one) by Excel, LibreOffice and Google Sheets.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Spreadsheets trim leading spaces and line breaks before they look for a formula, so ` =1+1` and
# "\n@SUM(A1)" are formulas too: the check looks through them.
_FORMULA_AFTER_SPACE = ("=", "+", "-", "@")

# What a CSV file never holds raw: C0 controls but tab and newline, DEL, C1 controls and lone
# surrogates (which cannot even be encoded). They become safe_text's placeholders; bidi and
# zero-width characters are text (a Persian name needs its zero-width non-joiner) and stay.
_CELL_TABLE: dict[int, str] = {c: v for c, v in _SAFE_TABLE.items() if c < 0xA0 or 0xD800 <= c < 0xE000}
_CELL_UNSAFE = re.compile(_char_class(list(_CELL_TABLE)))
_CELL_UNSAFE_RUN = re.compile(_char_class(list(_CELL_TABLE)) + "+")


def _translate_cell(m: re.Match[str]) -> str:
    return m[0].translate(_CELL_TABLE)


def csv_text(value: str) -> str:
    """VALUE with no raw control character: CRLF becomes a newline; every other control but tab and
    newline (ESC, BEL, NUL, a lone CR, DEL, the C1 range) and a lone surrogate becomes its visible
    placeholder, as safe_text shows it. Bidi and zero-width characters are kept."""
    if "\r" in value:
        value = value.replace("\r\n", "\n")
    found = _CELL_UNSAFE.search(value)
    if found is None:
        return value
    i = found.start()
    return value[:i] + _CELL_UNSAFE_RUN.sub(_translate_cell, value[i:])


def neutralize_cell(value: object) -> str:
    """Return VALUE as a spreadsheet-safe cell string (OWASP CSV injection rule) with no raw controls.

    Text starting with = + - @ TAB or CR, or with = + - @ after leading white space (spaces, line
    breaks), gets a leading single quote, which spreadsheets show as text. Controls become
    visible placeholders (`csv_text`). Numbers (int, float, Decimal; not bool) are our own
    values, so -1 stays "-1". Every other object is str()'d and treated as text. None -> "".
    CSV quoting itself is left to the csv module.
    """
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return str(value)
    text = value if isinstance(value, str) else str(value)
    if text.startswith(_FORMULA_START) or text.lstrip().startswith(_FORMULA_AFTER_SPACE):
        text = "'" + text
    return csv_text(text)


def truncate(value: str | None, width: int) -> str:
    """Cut VALUE to at most WIDTH characters, ending in '…' when cut (characters, not cells)."""
    if not value or width <= 0:
        return ""
    if len(value) <= width:
        return value
    return value[: width - 1] + ELLIPSIS
