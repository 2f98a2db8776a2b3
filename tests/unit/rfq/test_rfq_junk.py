"""Junk RFQs: advertising, phishing, price probing and fraud, each with its reason; genuine requests pass."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from inquiry_tui.domain.junk import BlockList
from inquiry_tui.domain.rfq.junk import RfqJunkInput, judge_rfq


def _judge(title: str, description: str, *, quantity: float | None = 500, **kw: object) -> tuple[bool, str]:
    v = judge_rfq(RfqJunkInput("b@buyer.example", None, "DE", title, description, quantity, None, **kw), BlockList())  # type: ignore[arg-type]
    return v.is_junk, " | ".join(v.reasons)


def test_a_genuine_request_is_not_junk() -> None:
    junk, why = _judge("Need 500 flood lights 100W", "Please quote 500 pcs IP65, CIF Lagos, 3-year warranty.")
    assert not junk and why == ""


def test_each_kind_of_junk_is_caught_with_its_reason() -> None:
    cases = {
        "advertising": (
            "Grow your sales",
            "We are a leading manufacturer of solar panels. We offer the best prices. Visit our website.",
        ),
        "phishing": ("Account notice", "Your account will be suspended. Click here to verify your account."),
        "price probing": ("Price list", "For market research only: the complete price list of all your products."),
        "fraud": ("Order", "We pay 100% after delivery by Western Union; ship the goods first."),
    }
    for kind, (title, description) in cases.items():
        junk, why = _judge(title, description)
        assert junk, kind
        assert kind in why, (kind, why)


def test_a_one_piece_quote_with_nothing_said_only_tips_the_scale() -> None:
    junk, why = _judge("LED bulb price", "price?", quantity=1)
    assert "one piece" in why and not junk  # 20 + 20 for a near-empty description: under the threshold
    assert _judge("LED bulb price", "price?", quantity=1, buyer_junk_count=1)[0]  # with a junk history it is junk
    sample = "We need one sample of your 9W A60 bulb before a 5,000 pcs order."
    assert _judge("LED bulb sample", sample, quantity=1) == (False, "")


def test_the_inquiry_filter_speaks_of_a_description_here() -> None:
    junk, why = _judge("", "")
    assert junk and "description is empty" in why and "title is empty too" in why


def test_a_blocked_sender_and_junk_history_count() -> None:
    v = judge_rfq(
        RfqJunkInput("b@buyer.example", None, "DE", "Need panels", "200 panel lights 600x600", 200, None),
        BlockList(emails=frozenset({"b@buyer.example"})),
    )
    assert v.is_junk and v.blocked
    junk, why = _judge("Need panels", "200 panel lights 600x600", buyer_junk_count=3)
    assert junk and "junk inquiries before" in why


@given(st.text(max_size=2000), st.text(max_size=200), st.none() | st.floats(allow_nan=False))
def test_any_text_is_judged_without_failing(description: str, title: str, quantity: float | None) -> None:
    v = judge_rfq(RfqJunkInput("x@y.example", None, None, title, description, quantity, None), BlockList())
    assert v.is_junk == (v.blocked or v.score >= 50)
