"""LeanStrip draws and caches as Textual's Strip does, and makes none of its seven caches before they are used."""

from __future__ import annotations

import gc
import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st
from rich.segment import Segment
from rich.style import Style
from textual._ansi_theme import DEFAULT_TERMINAL_THEME
from textual.color import Color
from textual.filter import ANSIToTruecolor, DimFilter, Monochrome
from textual.strip import Strip

from inquiry_tui.tui.common.lean_strip import LeanStrip, lean

BACKGROUND = Color(10, 20, 30)
FILTERS = [ANSIToTruecolor(DEFAULT_TERMINAL_THEME), Monochrome(), DimFilter()]
STYLES = [None, Style(bold=True), Style(color="red", italic=True), Style(bgcolor="blue")]
segments = st.lists(
    st.builds(
        lambda text, style: Segment(text, style), st.text(alphabet="ab 漢é", max_size=6), st.sampled_from(STYLES)
    ),
    min_size=0,
    max_size=5,
)


@given(segments, st.integers(0, 14), st.integers(0, 14), st.integers(0, 20), st.sampled_from(STYLES))
def test_lean_strips_draw_as_strips_do(parts: list[Segment], a: int, b: int, length: int, style: Style | None) -> None:
    plain, lean_ = Strip(parts), LeanStrip(parts)
    start, end = min(a, b), max(a, b)
    assert lean_.cell_length == plain.cell_length and lean_.text == plain.text
    for _ in range(2):  # the second time from the caches
        assert list(lean_.crop(start, end)) == list(plain.crop(start, end))
        assert list(lean_.adjust_cell_length(length, style)) == list(plain.adjust_cell_length(length, style))
        assert list(lean_.crop_extend(start, end, style)) == list(plain.crop_extend(start, end, style))
        assert [list(s) for s in lean_.divide([start, end])] == [list(s) for s in plain.divide([start, end])]
        assert [s.cell_length for s in lean_.divide([start, end])] == [
            s.cell_length for s in plain.divide([start, end])
        ]
        assert all(isinstance(s, LeanStrip) for s in lean_.divide([start, end]))
        for line_filter in FILTERS if all(s.style is not None for s in parts) else ():  # (as in a frame)
            filtered, expected = (
                lean_.apply_filter(line_filter, BACKGROUND),
                plain.apply_filter(line_filter, BACKGROUND),
            )
            assert list(filtered) == list(expected) and filtered.cell_length == expected.cell_length
            assert isinstance(filtered, LeanStrip) and lean_.apply_filter(line_filter, BACKGROUND) is filtered
        if style is not None:
            assert list(lean_.apply_style(style)) == list(plain.apply_style(style))
        assert lean_.render(_console()) == plain.render(_console())
    # cached as Strip's are (an empty cut is made afresh by both)
    assert (lean_.crop(start, end) is lean_.crop(start, end)) == (plain.crop(start, end) is plain.crop(start, end))
    assert lean_.divide([start, end]) is lean_.divide([start, end])
    assert list(lean(plain)) == list(plain) and lean(lean_) is lean_


def test_a_lean_strip_makes_its_caches_only_when_used() -> None:
    strip = LeanStrip([Segment("hello", Style(bold=True)), Segment(" world")])
    assert _caches(strip) == 0  # a Strip makes seven
    assert _caches(Strip(list(strip))) == 7
    strip.crop(1, 4)
    assert _caches(strip) == 1


def _caches(strip: Strip) -> int:
    return sum(type(r).__name__ == "FIFOCache" for r in gc.get_referents(strip))


def _console() -> object:
    from rich.console import Console

    return Console(width=40, color_system="truecolor", force_terminal=True)


# In a fresh interpreter: `lean_strips` changes Textual's Strip for the whole process, and this process's
# property tests compare LeanStrip against Textual's own Strip.
_LEAN_EVERYWHERE = """
import gc
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from inquiry_tui.tui.common.lean_strip import LeanStrip, lean_strips

parts = [Segment("hello", Style(bold=True)), Segment(" world 漢é"), Segment("!", Style(color="red"))]

def caches(strip):
    return sum(type(r).__name__ == "FIFOCache" for r in gc.get_referents(strip))

def drawn(strip):
    return [
        list(strip.crop(1, 6)), list(strip.crop_extend(2, 19, Style(bgcolor="blue"))),
        [(list(s), s.cell_length) for s in strip.divide([3, 7, 12])], list(strip.adjust_cell_length(20, None)),
        list(strip.apply_style(Style(underline=True))), strip.cell_length, strip.text, list(strip.simplify()),
    ]

textual_made = [caches(Strip(parts)), drawn(Strip(parts))]
assert lean_strips() and not lean_strips()  # once per process
strip = Strip(parts)
made_now = caches(strip)
crop = strip.crop(1, 4)
print(textual_made[0], made_now, caches(strip), strip.crop(1, 4) is crop, drawn(Strip(parts)) == textual_made[1],
      drawn(LeanStrip(parts)) == textual_made[1])
"""


def test_lean_strips_makes_textuals_strips_lean_for_the_process() -> None:
    out = subprocess.run([sys.executable, "-c", _LEAN_EVERYWHERE], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["7", "0", "1", "True", "True", "True"]


def test_the_tuis_start_makes_the_strips_lean() -> None:
    script = (
        "from unittest import mock\n"
        "import inquiry_tui.tui.app as app\n"
        "from textual.strip import Strip\n"
        "from rich.segment import Segment\n"
        "import gc\n"
        "with mock.patch.object(app, 'run_logged'), mock.patch.object(app, 'limit_store_memory'),"
        " mock.patch.object(app, 'InquiryApp'):\n"
        "    app.run_tui(object())\n"
        "print(sum(type(r).__name__ == 'FIFOCache' for r in gc.get_referents(Strip([Segment('x')]))))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0"]
