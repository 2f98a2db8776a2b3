"""`json_input.loads` with its one decoder reads every text as `json.loads` with the same hooks reads it:
the same value, or the same error at the same place (import lines are read this way, records.reader)."""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from inquiry_tui.domain import json_input


def _reference(text: str) -> Any:
    """The former `loads`: json.loads with the hooks made afresh."""
    if json_input._too_deep(text):
        raise json.JSONDecodeError(f"nested more than {json_input.MAX_DEPTH} levels deep", text, 0)
    try:
        return json.loads(text, parse_int=json_input._number, parse_float=json_input._float)
    except json.JSONDecodeError:
        raise
    except (ValueError, RecursionError) as exc:
        raise json.JSONDecodeError(str(exc), text, 0) from None


def _outcome(read: Any, text: str) -> tuple[str, Any]:
    try:
        value = read(text)
    except json.JSONDecodeError as exc:
        return "error", (exc.msg, exc.pos)
    return "value", json.dumps(value, sort_keys=True, default=repr) if not _has_nan(value) else repr(value)


def _has_nan(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=4), inner, max_size=3)),
    max_leaves=8,
)
texts = st.one_of(
    json_values.map(json.dumps),
    st.text(alphabet='{}[]":,0123456789.eE-+ tfnaulrsx\\u\ufeff', max_size=30),
    st.sampled_from(["\ufeff{}", "1" * 120, "[" * 70 + "]" * 70, '{"a": 1.5e400}', "NaN", '"\\ud800"', " 1 ", "{} x"]),
)


@settings(max_examples=800, deadline=None)
@given(text=texts)
def test_loads_reads_as_json_loads_with_its_hooks(text: str) -> None:
    assert _outcome(json_input.loads, text) == _outcome(_reference, text)
