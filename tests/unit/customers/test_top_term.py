"""A buyer's top search term (services/customers/activity.outranks): the most searched, the first in text
order on a tie, whatever order the store hands the rows over in (PostgreSQL's order differed between a
full pass and a catch-up, and the prepared rollup disagreed with the full pass)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from inquiry_tui.services.customers.activity import outranks

ROWS = st.lists(st.tuples(st.integers(0, 4), st.sampled_from(["street light", "solar street light", "pole", "LED"])))


def _top(rows: list[tuple[int, str]]) -> tuple[int, str] | None:
    best: tuple[int, str] | None = None
    for count, term in rows:
        if outranks(count, term, best):
            best = (count, term)
    return best


@given(ROWS, st.randoms(use_true_random=False))
def test_the_top_term_is_the_same_in_any_order(rows: list[tuple[int, str]], rnd: object) -> None:
    shuffled = list(rows)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert _top(shuffled) == _top(rows)
    searched = [(c, t) for c, t in rows if c > 0]
    assert _top(rows) == (min(searched, key=lambda r: (-r[0], r[1])) if searched else None)


def test_a_tie_goes_to_the_first_in_text_order() -> None:
    assert _top([(1, "street light"), (1, "solar street light")]) == (1, "solar street light")
    assert _top([(1, "solar street light"), (1, "street light")]) == (1, "solar street light")
    assert _top([(1, "solar street light"), (2, "street light")]) == (2, "street light")
    assert _top([(0, "street light")]) is None
