"""The rules of deals: the LOI and order state machines (hypothesis), the customer stage, documents as JSON."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inquiry_tui.domain.deals import (
    LOI_MOVES,
    ORDER_FINAL,
    Contacts,
    CustomerStage,
    DealDoc,
    Line,
    LoiStatus,
    OrderStatus,
    Payment,
    Shipping,
    check_complete,
    doc_from_json,
    doc_to_json,
    loi_move,
    merged,
    next_status,
    order_move,
    stage_of,
)
from inquiry_tui.domain.errors import ValidationError

LOI_ACTIONS = tuple(LOI_MOVES)


@given(st.lists(st.sampled_from(LOI_ACTIONS), max_size=12))
def test_an_loi_follows_its_state_machine(actions: list[str]) -> None:
    status = LoiStatus.DRAFT
    for action in actions:
        allowed = {
            "send": status in (LoiStatus.DRAFT, LoiStatus.SENT),
            "edit": status in (LoiStatus.DRAFT, LoiStatus.SENT),
            "confirm": status is LoiStatus.SENT,
            "withdraw": status in (LoiStatus.DRAFT, LoiStatus.SENT),
        }[action]
        if allowed:
            after = loi_move(status, action)
            assert after == {
                "send": LoiStatus.SENT,
                "confirm": LoiStatus.CONFIRMED,
                "withdraw": LoiStatus.WITHDRAWN,
            }.get(action, status)
            status = after
        else:
            with pytest.raises(ValidationError, match=r"^status: "):
                loi_move(status, action)
    if status is LoiStatus.CONFIRMED:  # frozen: nothing more
        for action in LOI_ACTIONS:
            with pytest.raises(ValidationError, match="confirmed"):
                loi_move(status, action)


def test_a_confirmed_loi_cannot_be_edited_and_says_so() -> None:
    with pytest.raises(ValidationError, match=r"^status: the LOI is confirmed \(frozen\); it cannot be edited$"):
        loi_move("confirmed", "edit")


@given(st.lists(st.sampled_from(tuple(OrderStatus)), max_size=10))
def test_an_order_moves_forward_only_or_is_cancelled(targets: list[OrderStatus]) -> None:
    status = OrderStatus.CONFIRMED
    for target in targets:
        ok = (
            status not in ORDER_FINAL
            and target is not status
            and (target is OrderStatus.CANCELLED or target.rank > status.rank)
        )
        if ok:
            new = order_move(status, target)
            assert new is target
            assert new is OrderStatus.CANCELLED or new.rank > status.rank
            status = new
        else:
            with pytest.raises(ValidationError, match=r"^status: "):
                order_move(status, target)


def test_backwards_is_refused_naming_the_move() -> None:
    with pytest.raises(ValidationError, match=r"^status: an order moves forward only; shipped -> paid is backwards$"):
        order_move("shipped", "paid")
    with pytest.raises(ValidationError, match="not an order status; allowed: confirmed, paid"):
        order_move("paid", "lost")
    assert [next_status(s) for s in ("confirmed", "paid", "shipped", "completed", "cancelled")] == [
        OrderStatus.PAID,
        OrderStatus.SHIPPED,
        OrderStatus.COMPLETED,
        None,
        None,
    ]


@pytest.mark.parametrize(
    ("orders", "samples", "stage"),
    [
        (0, 0, CustomerStage.INQUIRY),
        (0, 2, CustomerStage.SAMPLE),
        (1, 0, CustomerStage.FIRST_ORDER),
        (1, 3, CustomerStage.FIRST_ORDER),
        (2, 0, CustomerStage.REPEAT),
        (7, 1, CustomerStage.REPEAT),
    ],
)
def test_customer_stage(orders: int, samples: int, stage: CustomerStage) -> None:
    assert stage_of(orders, samples) is stage


prices = st.decimals(
    min_value=Decimal("0.01"), max_value=Decimal("99999"), places=2, allow_nan=False, allow_infinity=False
)
quantities = st.decimals(
    min_value=Decimal("0.001"), max_value=Decimal("100000"), places=3, allow_nan=False, allow_infinity=False
)
texts = st.text(max_size=30)


@given(st.lists(st.tuples(texts, texts, quantities, prices), max_size=5), texts, st.none() | st.dates())
def test_a_document_survives_its_json(
    lines: list[tuple[str, str, Decimal, Decimal]], terms: str, ship_by: date | None
) -> None:
    doc = DealDoc(
        subject="s",
        currency="EUR",
        lines=tuple(Line(sku, desc, q, "pcs", p) for sku, desc, q, p in lines),
        shipping=Shipping("FOB", "Ningbo", "DE", ship_by),
        payment=Payment("T/T", Decimal("30")),
        contacts=Contacts("us", "them"),
        terms=terms,
    )
    back = doc_from_json(doc_to_json(doc))
    assert back.total() == doc.total()
    assert back.terms == terms and back.shipping == doc.shipping and len(back.lines) == len(doc.lines)


def test_merging_a_patch_keeps_what_it_does_not_name() -> None:
    doc = DealDoc(subject="a", shipping=Shipping("FOB", "Ningbo", "DE"), payment=Payment("T/T", Decimal(30)))
    new = merged(doc, {"shipping": {"port": "Shenzhen"}, "terms": "x"})
    assert new.shipping == Shipping("FOB", "Shenzhen", "DE") and new.payment == doc.payment and new.terms == "x"


def test_an_loi_goes_out_complete() -> None:
    with pytest.raises(ValidationError, match=r"^lines: at least one"):
        check_complete(DealDoc(subject="x"))
    with pytest.raises(ValidationError, match=r"^lines\[1\]\.unit_price: must be more than 0"):
        check_complete(DealDoc(subject="x", lines=(Line("A", "a", Decimal(1), "pcs", Decimal(0)),)))
