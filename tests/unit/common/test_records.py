"""One validation of input from outside: the same value is accepted or refused by every importer, form and command."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import email_validator
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.services.arrivals.chats import import_chats
from inquiry_tui.services.arrivals.importing import import_inquiries
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.customers.importing import import_activity, import_customers
from inquiry_tui.services.customers.input import CustomerInput, FieldErrors
from inquiry_tui.services.customers.manage import add_customer
from inquiry_tui.services.records import rules
from inquiry_tui.services.records.customers import CustomerRecord
from inquiry_tui.services.records.errors import RecordError
from inquiry_tui.services.records.reader import Record
from inquiry_tui.services.records.validate import check_form, check_record
from inquiry_tui.services.setup.blocklist import add_block, list_blocks

AT = "2026-11-20T10:00:00Z"


def _jsonl(tmp_path: Path, name: str, record: dict[str, object]) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    return path


def _inquiry(ctx: Ctx, tmp_path: Path, email: str) -> None:
    record = {
        "external_id": f"x-{abs(hash(email))}",
        "channel": "inquiry",
        "received_at": AT,
        "buyer": {"email": email},
    }
    import_inquiries(ctx, _jsonl(tmp_path, "inquiries.jsonl", record))


def _chat(ctx: Ctx, tmp_path: Path, email: str) -> None:
    record = {"buyer": {"email": email}, "sent_at": AT, "from": "buyer", "text": "Hello"}
    import_chats(ctx, _jsonl(tmp_path, "chats.jsonl", record))


def _customer_file(ctx: Ctx, tmp_path: Path, email: str) -> None:
    import_customers(ctx, _jsonl(tmp_path, "customers.jsonl", {"email": email, "name": "Buyer"}))


def _activity(ctx: Ctx, tmp_path: Path, email: str) -> None:
    import_activity(ctx, _jsonl(tmp_path, "activity.jsonl", {"email": email, "at": AT, "kind": "login"}))


def _form(ctx: Ctx, tmp_path: Path, email: str) -> None:
    add_customer(ctx, CustomerInput(email, name="Buyer"))


def _block(ctx: Ctx, tmp_path: Path, email: str) -> None:
    add_block(ctx, "email", email)


PATHS: list[tuple[str, Callable[[Ctx, Path, str], None]]] = [
    ("import inquiries", _inquiry),
    ("import chats", _chat),
    ("import customers", _customer_file),
    ("import activity", _activity),
    ("customer form / customer add", _form),
    ("block list", _block),
]


@pytest.mark.parametrize("bad", ["a@b", "@", "no-at-sign", "a b@c.example", "ann@test.test", "x@@y.example"])
@pytest.mark.parametrize(("where", "take"), PATHS, ids=[p[0] for p in PATHS])
def test_a_bad_address_is_refused_everywhere(
    admin_ctx: Ctx, tmp_path: Path, where: str, take: Callable[[Ctx, Path, str], None], bad: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        take(admin_ctx, tmp_path, bad)
    message = str(caught.value)
    assert "e-mail address" in message and "\n" not in message
    if where.startswith("import"):
        assert ".jsonl line 1, field " in message and "email" in message


@pytest.mark.parametrize(("where", "take"), PATHS, ids=[p[0] for p in PATHS])
def test_a_good_address_is_accepted_everywhere_and_lower_cased(
    admin_ctx: Ctx, tmp_path: Path, where: str, take: Callable[[Ctx, Path, str], None]
) -> None:
    take(admin_ctx, tmp_path, "  Lena.Roth+quotes@Lichtwerk.DE ")
    if where == "block list":
        assert [b.value for b in list_blocks(admin_ctx)] == ["lena.roth+quotes@lichtwerk.de"]
    else:
        with admin_ctx.read() as s:
            from sqlmodel import select

            from inquiry_tui.store.models import Buyer

            assert s.exec(select(Buyer.email)).all() == ["lena.roth+quotes@lichtwerk.de"]


def test_the_rule_itself() -> None:
    assert rules.email(" Ana@Example.COM ") == "ana@example.com"
    assert rules.email("müller@bücher.de") == "müller@bücher.de"  # internationalised: email-validator's call
    for bad in ("a@b", "@", "a@localhost", "Name <a@b.example>", "a..b@x.example"):
        with pytest.raises(rules.RuleError, match="is not an e-mail address"):
            rules.email(bad)
    with pytest.raises(rules.RuleError, match="expected an e-mail address"):
        rules.email(42)


def test_the_fast_path_knows_email_validators_special_names() -> None:
    assert set(rules.SPECIAL_USE_DOMAINS) == set(email_validator.SPECIAL_USE_DOMAIN_NAMES)


_ATOM = st.text("abcxyz019.-_+'", min_size=1, max_size=70)
_LABEL = st.text("abz09-", min_size=1, max_size=12)


@given(local=_ATOM, labels=st.lists(_LABEL, min_size=1, max_size=3), tld=st.text("abcz", min_size=1, max_size=6))
def test_the_fast_path_accepts_only_what_email_validator_accepts(local: str, labels: list[str], tld: str) -> None:
    address = f"{local}@{'.'.join([*labels, tld])}"
    if rules._plain(address):
        email_validator.validate_email(address, check_deliverability=False)  # raises if the fast path was wrong


def test_one_error_shape_for_files_and_forms(tmp_path: Path) -> None:
    bad = {"email": "a@b", "stars": "9", "colour": "red"}
    with pytest.raises(RecordError) as in_file:
        check_record(CustomerRecord, tmp_path / "c.csv", Record(4, bad))
    assert str(in_file.value).startswith("c.csv line 4, field colour: unknown column; allowed: company, country")
    with pytest.raises(FieldErrors) as in_form:
        check_form(CustomerRecord, {"email": "a@b", "stars": "9", "country": "Atlantis"})
    errors = in_form.value.errors
    assert set(errors) == {"email", "stars", "country"}
    assert errors["stars"] == "9 is outside 0 to 5"
    assert errors["country"].startswith("'Atlantis' is not an ISO 3166-1 alpha-2 country code")
    assert str(in_form.value).startswith("email: 'a@b' is not an e-mail address")
    with pytest.raises(FieldErrors) as empty:
        check_form(CustomerRecord, {"email": "  "})
    assert empty.value.errors == {"email": "must not be empty"}


@pytest.mark.parametrize("bad", ["a@b", "@", "ann@test.test"])
def test_arrivals_given_in_code_follow_the_same_rule(bad: str) -> None:
    from inquiry_tui.services.arrivals.importing import BuyerFields

    with pytest.raises(ValidationError, match="is not an e-mail address"):
        BuyerFields(bad)
    with pytest.raises(ValidationError, match="lower-case"):
        BuyerFields("Ana@Example.com")
    assert BuyerFields("ana@example.com").email == "ana@example.com"


# --- the compiled fast path (records.validate._compiled) gives pydantic's answer --------------------

_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["", "  ", "DE", "Germany", "inquiry", "tm", "chat", AT, "2026-11-20 10:00", "L2", "FOB", "yes"]),
    st.sampled_from(["b@x.example", "B@X.Example ", "@", "pcs", "12.5", "-3", "USD", "x" * 300]),
    st.lists(st.just("a"), max_size=2),
)
_BUYER = st.dictionaries(st.sampled_from(["email", "name", "company", "country", "tier", "verified", "zz"]), _VALUES)
_INQUIRY = st.dictionaries(
    st.sampled_from(
        [
            "external_id",
            "channel",
            "received_at",
            "product",
            "subject",
            "body",
            "quantity",
            "unit",
            "target_price",
            "currency",
            "incoterm",
            "sample_requested",
            "extra",
        ]
    ),
    _VALUES,
)


_GOOD = {
    "external_id": " e-1 ",
    "channel": "tm",
    "received_at": AT,
    "buyer": {"email": "B@X.Example ", "country": "de", "verified": "yes", "tier": None},
    "quantity": "12.5",
    "incoterm": "fob",
    "subject": "",
}


@example(data=_GOOD)
@example(data={**_GOOD, "sample_requested": "no", "target_price": "3.20", "currency": "usd"})
@given(
    data=st.builds(
        lambda d, b: {**d, "buyer": b} if b is not None else d, _INQUIRY, st.one_of(st.none(), _BUYER, _VALUES)
    )
)
def test_the_compiled_check_accepts_what_pydantic_accepts_and_gives_the_same_record(data: dict[str, object]) -> None:
    from inquiry_tui.services.records import validate
    from inquiry_tui.services.records.inquiries import InquiryRecord

    plan = validate._plan(InquiryRecord)
    assert plan is not None  # every field of an inquiry is a rule: the fast path applies
    fast = validate._compiled(InquiryRecord, plan, data)
    try:
        slow = InquiryRecord.model_validate(data)
    except Exception:
        assert fast is None  # refused: pydantic names the error (check_record falls back to it)
        return
    assert fast is None or fast == slow
    if data is _GOOD:
        assert fast == slow  # a good record takes the fast path


def test_reading_progress_reports_the_bytes_read_of_every_file_the_reader_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from inquiry_tui.services.records import reader

    monkeypatch.setattr(reader, "READ_EVERY", 2)
    path = tmp_path / "f.jsonl"
    path.write_text("".join(json.dumps({"n": i}) + "\n" for i in range(5)), encoding="utf-8")
    heard: list[tuple[str, int, int]] = []
    with reader.reading_progress(lambda *told: heard.append(told)):
        assert [r.data["n"] for r in reader.iter_records(path)] == [0, 1, 2, 3, 4]
    size = path.stat().st_size
    assert [h[0] for h in heard] == ["reading f.jsonl"] * 3
    assert [h[2] for h in heard] == [size] * 3
    assert 0 < heard[0][1] <= heard[1][1] <= heard[2][1] == size
    heard.clear()
    list(reader.iter_records(path))  # outside: nothing reported
    assert heard == []
