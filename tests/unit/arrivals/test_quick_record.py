"""The checking workers' fast path (quick_record, checking._quick) accepts only what the usual path accepts,
and makes exactly what it makes: the same checked values, the same packed arrival, its text read and judged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import event, given, settings
from hypothesis import strategies as st

from inquiry_tui.domain.terms_text import catalogue
from inquiry_tui.services.arrivals import checking, quick_record
from inquiry_tui.services.arrivals.pipeline import Item
from inquiry_tui.services.records.errors import RecordError
from inquiry_tui.services.records.inquiries import BuyerRecord, InquiryRecord
from inquiry_tui.services.records.reader import Record
from inquiry_tui.services.records.validate import check_record

PATH = Path("in.jsonl")
PRODUCTS = catalogue((("FL-100W", "LED floodlight 100W"), ("SL-60W", "Solar street light 60W"), ("HB-150W", "")))

# Text that trips the rules: white space of every kind (blank tests), a lone surrogate, long, non-ASCII.
odd_text = st.sampled_from(
    ["", " ", "\t\n", "\u00a0", "\u2003 ", "\x1c", "\ud800", "a\udfffb", "x" * 70, "y " * 160, "Ünïcode", " FL-100W "]
)
any_text = st.one_of(st.text(max_size=30), odd_text)
junk_values = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 10**6), st.floats(allow_nan=True), st.lists(st.integers(), max_size=2)
)


def field(*good: Any) -> st.SearchStrategy[Any]:
    """Mostly one of GOOD (values a field takes), now and then anything (odd text, numbers, lists)."""
    odd = st.one_of(any_text, junk_values)
    return st.one_of(*[st.sampled_from(good)] * 30, odd) if good else odd


TIMES = ("2026-11-23T09:30:00Z", " 2026-01-02T03:04:05+08:00 ", "2026-11-23T09:30:00", "0001-01-01T00:00:00+01:00")
BUYER = {
    "name": field("Buyer 1", " Ana  ", "", None),
    "company": field("Company 1 Ltd", "x" * 301, None),
    "country": field("DE", "germany", " us ", "Atlantis", None),
    "member_id": field("m-1", "z" * 65, None),
    "verified": field(True, False, None, "yes"),
    "tier": field("L2", " L0 ", "L9", None),
}
buyer = st.fixed_dictionaries(
    {"email": field("buyer1@a-trade.example", "Up@Case.Example ", "x@localhost", "not an address")},
    optional={**BUYER, "phone": field("+1 555")},
)
OPTIONAL = {
    "product": field("FL-100W", " SL-60W ", None),
    "subject": field("Quote for 500 pcs", "  ", None),
    "body": field("Target price USD 3.20, CIF Hamburg, payment T/T, 2000 units by 2026-12-20", "\n", None),
    "quantity": field(500, 2.5, "1,000", "12.50", -1, 1e16, None),
    "unit": field("pcs", " sets ", None),
    "target_price": field("3.20", 4, "0", "abc", None),
    "currency": field("USD", "eur", "XXX", None),
    "payment_terms": field("T/T", None),
    "incoterm": field("FOB", "cnf", "F O B", None),
    "destination": field("Kenya", " Port Louis ", None),
    "sample_requested": field(True, False, "no", "1", None),
    "rfq": field("R-1", None),
    "attachments": field(None, [], "  "),
}
records = st.one_of(
    st.fixed_dictionaries(
        {
            "external_id": field("B-00000001", "  x  ", "\u03a9-7"),
            "channel": field("inquiry", "tm", " email ", "rfq", "chat"),
            "received_at": field(*TIMES),
            "buyer": st.one_of(*[buyer] * 30, field()),
        },
        optional=OPTIONAL,
    ),
    st.dictionaries(st.sampled_from([*quick_record.FIELDS, "unknown"]), st.one_of(field(*TIMES), buyer), max_size=12),
)


def _usual(data: dict[str, Any]) -> InquiryRecord | None:
    try:
        return check_record(InquiryRecord, PATH, Record(3, data))
    except RecordError:
        return None


def test_the_fast_path_knows_the_models_fields() -> None:
    assert tuple(InquiryRecord.model_fields) == quick_record.FIELDS
    assert tuple(BuyerRecord.model_fields) == quick_record.BUYER_FIELDS


@settings(max_examples=1500, deadline=None)
@given(data=records)
def test_the_fast_check_accepts_only_what_the_usual_one_accepts_and_gives_its_values(data: dict[str, Any]) -> None:
    fast = quick_record.checked(data)
    usual = _usual(data)
    event("fast path" if fast is not None else "usual path" if usual is not None else "refused")
    if fast is None:
        return
    assert usual is not None
    b = usual.buyer
    want = (
        usual.external_id,
        usual.channel,
        usual.received_at,
        (b.email, b.name, b.company, b.country, b.member_id, b.verified, b.tier),
        usual.product,
        usual.subject,
        usual.body,
        usual.quantity,
        usual.unit,
        usual.target_price,
        usual.currency,
        usual.payment_terms,
        usual.incoterm,
        usual.destination,
        usual.sample_requested,
        usual.rfq,
    )
    assert fast == want
    assert [type(v) for v in fast] == [type(v) for v in want]  # 500 is 500.0, a price a Decimal, as usual
    assert [type(v) for v in fast[3]] == [type(v) for v in want[3]]


@settings(max_examples=600, deadline=None)
@given(data=records)
def test_a_worker_packs_what_the_usual_path_packs(data: dict[str, Any]) -> None:
    record = Record(3, data)
    fast = checking._quick(record, PRODUCTS)
    try:
        slow = checking.flat(Item(checking._arrival(PATH, record, PRODUCTS, None), record.line))
    except Exception:
        assert fast is None
        return
    event("fast path" if fast is not None else "usual path")
    if fast is not None:
        assert fast == slow
        assert [type(v) for v in fast[4]] == [type(v) for v in slow[4]]


def test_a_plain_record_takes_the_fast_path() -> None:
    data = {
        "external_id": "B-00000001",
        "channel": "inquiry",
        "received_at": "2026-11-23T09:30:00Z",
        "buyer": {"email": "buyer1@a-trade.example", "name": "Buyer 1", "company": "Company 1 Ltd", "country": "DE"},
        "product": "FL-100W",
        "subject": "Quote for FL-100W, 500 pcs",
        "body": "Please send price and lead time for FL-100W, FOB Ningbo, delivery by 2026-12-20.",
        "quantity": 500,
        "unit": "pcs",
        "incoterm": "CIF",
        "target_price": "3.20",
        "currency": "usd",
    }
    record = Record(7, data)
    fast = checking._quick(record, PRODUCTS)
    assert fast is not None
    assert fast == checking.flat(Item(checking._arrival(PATH, record, PRODUCTS, None), record.line))


PLAIN = {
    "external_id": "B-00000001",
    "channel": "inquiry",
    "received_at": "2026-11-23T09:30:00Z",
    "buyer": {"email": "buyer1@a-trade.example"},
}
# Every length limit the fast path writes out, probed at and past the limit on both paths. The fields' limits live
# in the models' rules (records/inquiries.py); were one changed there and not in quick_record, a value between the
# two limits would pass one path and not the other, and this fails.
LIMITED = [
    ("external_id", None, 200),
    ("product", None, 100),
    ("unit", None, 40),
    ("payment_terms", None, 60),
    ("destination", None, 100),
    ("rfq", None, 200),
    ("subject", None, quick_record.MAX_SUBJECT),
    ("name", "buyer", 200),
    ("company", "buyer", 300),
    ("member_id", "buyer", 64),
]


def test_the_fast_path_refuses_where_the_models_rules_refuse_at_every_length_limit() -> None:
    for name, inside, limit in LIMITED:
        for length in (limit - 1, limit, limit + 1, limit * 2):
            data = {**PLAIN, "buyer": dict(PLAIN["buyer"])}
            (data[inside] if inside else data)[name] = "w" * length
            fast, usual = quick_record.checked(data), _usual(data)
            assert (usual is not None) == (length <= limit), (name, length)  # the models' own limit is this one
            assert (fast is not None) == (length <= limit), (name, length)  # and the fast path's
