"""A rollup's levels are read through its signals: the same mapping as before, without a second dict."""

from __future__ import annotations

from datetime import date

from inquiry_tui.services.customers.activity import BuyerSignals, Levels, _made


def _signals() -> dict[int, BuyerSignals]:
    return {7: BuyerSignals(40, 2, "led", 30), 3: BuyerSignals(0, 0, None, 0), 12: BuyerSignals(95, 0, None, 0)}


def test_levels_are_the_signals_levels() -> None:
    signals = _signals()
    levels = Levels(signals)
    assert dict(levels) == {7: 40, 3: 0, 12: 95}
    assert levels == {7: 40, 3: 0, 12: 95}
    assert levels[12] == 95 and levels.get(12) == 95 and levels.get(99, 0) == 0 and levels.get(99) is None
    assert 7 in levels and 99 not in levels and len(levels) == 3 and list(levels) == [7, 3, 12]
    assert sorted([3, 7, 12, 99], key=lambda b: (-levels.get(b, 0), -b)) == [12, 7, 99, 3]


def test_a_rollups_levels_hold_no_copy_of_the_signals() -> None:
    signals = _signals()
    made = _made(date(2026, 12, 3), 90, signals, (1, 2, 3), 0.0, True, "")
    assert isinstance(made.levels, Levels) and made.levels == {7: 40, 3: 0, 12: 95}
    assert made.ranked == (7,)
    signals[5] = BuyerSignals(60, 1, None, 0)  # read through: the rollup's own signals
    assert made.levels[5] == 60
