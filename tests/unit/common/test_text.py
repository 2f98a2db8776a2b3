"""safe_text / safe_line / neutralize_cell / truncate: hostile buyer text stays visible and inert."""

from __future__ import annotations

import unicodedata
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inquiry_tui.domain.text import neutralize_cell, safe_line, safe_text, truncate

BIDI = [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x200E, 0x200F, 0x061C]
ZERO_WIDTH = [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x180E]
FORBIDDEN = frozenset(
    [c for c in range(0x20) if c not in (0x09, 0x0A)] + [0x7F] + list(range(0x80, 0xA0)) + BIDI + ZERO_WIDTH
)


def forbidden_in(text: str) -> list[str]:
    return [f"U+{ord(ch):04X}" for ch in text if ord(ch) in FORBIDDEN]


# --- each character class -----------------------------------------------------------------


@pytest.mark.parametrize("code", [c for c in range(0x20) if c not in (0x09, 0x0A)] + [0x7F])
def test_c0_and_del_become_control_pictures(code: int) -> None:
    expected = "\u2421" if code == 0x7F else chr(0x2400 + code)
    assert safe_text(f"a{chr(code)}b") == f"a{expected}b"


def test_named_control_pictures() -> None:
    assert safe_text("\x1b") == "␛"
    assert safe_text("\x00") == "␀"
    assert safe_text("\r") == "␍"
    assert safe_text("\x7f") == "␡"
    assert safe_text("\x07") == "␇"


@pytest.mark.parametrize("code", list(range(0x80, 0xA0)) + BIDI + ZERO_WIDTH)
def test_c1_bidi_and_zero_width_become_bracketed_codes(code: int) -> None:
    assert safe_text(f"a{chr(code)}b") == f"a⟨U+{code:04X}⟩b"


def test_examples_from_the_design() -> None:
    assert safe_text("invoice\u202eexe.pdf") == "invoice⟨U+202E⟩exe.pdf"
    assert safe_text("pa\u200byment") == "pa⟨U+200B⟩yment"
    assert safe_text("\x9b31m") == "⟨U+009B⟩31m"


def test_extra_invisibles_and_lone_surrogates_are_shown() -> None:
    assert safe_text("a\u2028b") == "a⟨U+2028⟩b"
    assert safe_text("x\U000e0041") == "x⟨U+E0041⟩"  # Unicode tag "A" (ASCII smuggling)
    out = safe_text("bad\udcffbyte")
    assert out == "bad⟨U+DCFF⟩byte"
    out.encode("utf-8")  # would raise on a raw surrogate


def test_newline_and_tab_kept_crlf_normalised_lone_cr_shown() -> None:
    assert safe_text("a\nb\tc") == "a\nb\tc"
    assert safe_text("line1\r\nline2") == "line1\nline2"
    assert safe_text("good\rEVIL") == "good␍EVIL"


def test_none_and_empty() -> None:
    assert safe_text(None) == ""
    assert safe_text("") == ""
    assert safe_line(None) == ""
    assert safe_line("") == ""


# --- the hostile set ------------------------------------------------------------------------

MARKUP_LOOKING = [
    "[@click=app.quit]x[/]",
    "[link='https://evil.example']Pay[/link]",
    "[RED]",
    "[/bold]",
    "x[/",
    "trailing\\",
    "\\[escaped]",
]
CONTROL_HOSTILE = [
    "\x1b]52;c;ZXZpbA==\x07",  # OSC 52: write the clipboard
    "\x1b]0;pwned\x07",  # OSC 0: retitle the window
    "\x9b",  # one-byte CSI
    "\x00",
    "\r",
    "\u202e",
    "\u200b",
]


@pytest.mark.parametrize("value", MARKUP_LOOKING)
def test_markup_looking_text_is_unchanged(value: str) -> None:
    assert safe_text(value) == value
    assert safe_line(value) == value


@pytest.mark.parametrize("value", MARKUP_LOOKING + CONTROL_HOSTILE)
def test_hostile_set_has_no_forbidden_characters(value: str) -> None:
    for fn in (safe_text, safe_line):
        out = fn(value)
        assert forbidden_in(out) == []
        assert fn(out) == out


def test_osc_sequences_visible() -> None:
    assert safe_text("\x1b]52;c;ZXZpbA==\x07") == "␛]52;c;ZXZpbA==␇"
    assert safe_text("\x1b]0;pwned\x07") == "␛]0;pwned␇"


# --- safe_line --------------------------------------------------------------------------------


def test_safe_line_one_row() -> None:
    assert safe_line("Re: price\nfor\tLED") == "Re: price⏎for LED"
    assert safe_line("a\r\nb") == "a⏎b"
    assert safe_line("a\rb") == "a␍b"
    assert safe_line("\x1b[2J") == "␛[2J"


# --- neutralize_cell (OWASP CSV injection) ---------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("https://evil.example","x")', '\'=HYPERLINK("https://evil.example","x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'␍=1"),  # the CR itself is a control: shown, never written raw
        ("ACME Ltd", "ACME Ltd"),
        (" =1", "' =1"),  # spreadsheets trim leading spaces before they look for a formula
        ("  +1", "'  +1"),
        ("\n@SUM(A1)", "'\n@SUM(A1)"),
        (" \r\n-2", "' \n-2"),
        (" a=1", " a=1"),
        ("Re: \x1b]0;pwned\x07 price", "Re: ␛]0;pwned␇ price"),  # no raw control in a CSV file
        ("\x9b31m\x7f", "⟨U+009B⟩31m␡"),
        ("a\r\nb\tc", "a\nb\tc"),  # CRLF is a newline; tab and newline stay
        ("\u202eexe.txt \u200bx \u200c", "\u202eexe.txt \u200bx \u200c"),  # bidi and zero-width are text
        ("\ud800", "⟨U+D800⟩"),  # a lone surrogate cannot be encoded
        ("'=1", "'=1"),  # already neutralised: stable
        ("", ""),
    ],
)
def test_neutralize_cell_strings(value: str, expected: str) -> None:
    assert neutralize_cell(value) == expected
    assert neutralize_cell(neutralize_cell(value)) == neutralize_cell(value)


def test_neutralize_cell_non_strings() -> None:
    assert neutralize_cell(None) == ""
    assert neutralize_cell(-1) == "-1"
    assert neutralize_cell(-2.5) == "-2.5"
    assert neutralize_cell(Decimal("-3.10")) == "-3.10"
    assert neutralize_cell(True) == "True"
    assert neutralize_cell(date(2024, 5, 1)) == "2024-05-01"

    class Hostile:
        def __str__(self) -> str:
            return "=cmd|' /C calc'!A0"

    assert neutralize_cell(Hostile()) == "'=cmd|' /C calc'!A0"


# --- truncate ----------------------------------------------------------------------------------


def test_truncate() -> None:
    assert truncate("hello", 10) == "hello"
    assert truncate("hello", 5) == "hello"
    assert truncate("hello world", 5) == "hell…"
    assert truncate("hello", 1) == "…"
    assert truncate("hello", 0) == ""
    assert truncate("hello", -3) == ""
    assert truncate(None, 5) == ""


# --- properties ---------------------------------------------------------------------------------

ANY_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from([chr(c) for c in sorted(FORBIDDEN)] + ["\n", "\t", "\r", "\u2028", "["]),
    ),
    max_size=200,
)


@given(ANY_TEXT)
def test_property_no_forbidden_characters(value: str) -> None:
    assert forbidden_in(safe_text(value)) == []
    line = safe_line(value)
    assert forbidden_in(line) == []
    assert "\n" not in line and "\t" not in line


@given(ANY_TEXT)
def test_property_idempotent(value: str) -> None:
    once = safe_text(value)
    assert safe_text(once) == once
    line = safe_line(value)
    assert safe_line(line) == line


@given(st.text(alphabet=st.characters(codec="utf-8").filter(str.isprintable), max_size=200))
def test_property_printable_text_preserved(value: str) -> None:
    assert safe_text(value) == value
    assert safe_line(value) == value


@given(ANY_TEXT)
def test_property_printable_characters_survive_in_order(value: str) -> None:
    kept = "".join(ch for ch in value if ch.isprintable())
    out = safe_text(value)
    # every printable input character is still there, in order (placeholders only add)
    it = iter(out)
    assert all(ch in it for ch in kept)


@given(ANY_TEXT)
def test_property_output_is_encodable(value: str) -> None:
    safe_text(value).encode("utf-8")
    safe_line(value).encode("utf-8")


@given(st.one_of(ANY_TEXT, st.text(alphabet="=+-@\t\r\n x1", max_size=10)))
def test_property_neutralize_never_starts_a_formula(value: str) -> None:
    cell = neutralize_cell(value)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert not cell.lstrip().startswith(("=", "+", "-", "@"))
    assert not any(unicodedata.category(ch) in ("Cc", "Cs") for ch in cell if ch not in "\t\n")
    cell.encode("utf-8")
    assert neutralize_cell(cell) == cell


@given(ANY_TEXT, st.integers(min_value=0, max_value=50))
def test_property_truncate_width(value: str, width: int) -> None:
    out = truncate(value, width)
    assert len(out) <= width
    assert out == value or out.endswith("…") or width == 0


def test_placeholders_are_printable() -> None:
    out = safe_text("".join(chr(c) for c in sorted(FORBIDDEN)))
    assert out.isprintable()
    assert all(unicodedata.category(ch)[0] != "C" for ch in out)
