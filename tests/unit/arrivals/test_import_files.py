"""Import files: bad ones leave the store unchanged and name file, line and field; BOM, CRLF, quoted newlines pass."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select

from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.services.arrivals.importing import import_inquiries
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.records import rules
from inquiry_tui.services.records.customers import CustomerRecord
from inquiry_tui.services.records.reader import FileFormatError, Record, read_records
from inquiry_tui.services.records.validate import check_record
from inquiry_tui.services.setup.catalog import add_product
from inquiry_tui.store.models import Buyer, Inquiry, Message

COLUMNS = [
    "external_id",
    "channel",
    "received_at",
    "buyer.email",
    "buyer.name",
    "buyer.country",
    "product",
    "subject",
    "body",
]


def good(i: int, **over: object) -> dict[str, object]:
    row: dict[str, object] = {
        "external_id": f"e-{i}",
        "channel": "inquiry",
        "received_at": f"2026-11-20T10:{i:02d}:00Z",
        "buyer": {"email": f"b{i}@x.example", "name": f"Buyer {i}", "country": "DE"},
        "product": "A",
        "subject": "Quote",
        "body": "Please quote 100 pcs, thank you.",
    }
    row.update(over)
    return row


def jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def counts(ctx: Ctx) -> tuple[int, int, int]:
    with ctx.read() as s:
        return tuple(s.exec(select(func.count()).select_from(t)).one() for t in (Inquiry, Message, Buyer))  # type: ignore[return-value]


@pytest.fixture
def shop(admin_ctx: Ctx) -> Ctx:
    add_product(admin_ctx, "A", "Flood light", "ana")
    return admin_ctx


BAD = [
    ("missing-field", lambda: good(3, subject="ok", received_at=None), "line 3, field received_at: is missing"),
    (
        "bad-country",
        lambda: good(3, buyer={"email": "z@x.example", "country": "Atlantis"}),
        "line 3, field buyer.country: 'Atlantis' is not an ISO 3166-1",
    ),
    (
        "bad-date",
        lambda: good(3, received_at="yesterday"),
        "line 3, field received_at: 'yesterday' is not an ISO 8601 time with a zone",
    ),
    ("naive-date", lambda: good(3, received_at="2026-11-20T10:00:00"), "line 3, field received_at"),
    ("bad-channel", lambda: good(3, channel="fax"), "line 3, field channel: 'fax' is not allowed"),
    ("duplicate-id", lambda: good(1), "line 3, field external_id: 'e-1' appears twice (first on line 1)"),
    # A misspelt optional column would be dropped without a word: refused, naming it.
    (
        "misspelt-column",
        lambda: good(3, quantitiy=500),
        "line 3, field quantitiy: unknown column; allowed: attachments, body, buyer.company",
    ),
    (
        "misspelt-buyer-key",
        lambda: good(3, buyer={"email": "z@x.example", "contry": "DE"}),
        "line 3, field buyer.contry: unknown column",
    ),
]


@pytest.mark.parametrize(("make", "message"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_record_changes_nothing(shop: Ctx, tmp_path: Path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    before = counts(shop)
    path = jsonl(tmp_path / "inquiries.jsonl", [good(1), good(2), make(), good(4)])
    with pytest.raises(ValidationError) as err:
        import_inquiries(shop, path)
    assert str(err.value).startswith("inquiries.jsonl ")
    assert message in str(err.value)
    assert counts(shop) == before


def test_duplicate_of_stored_inquiry(shop: Ctx, tmp_path: Path) -> None:
    import_inquiries(shop, jsonl(tmp_path / "first.jsonl", [good(1)]))
    before = counts(shop)
    with pytest.raises(ValidationError, match=r"second.jsonl line 2, field external_id: 'e-1' is already in the store"):
        import_inquiries(shop, jsonl(tmp_path / "second.jsonl", [good(2), good(1)]))
    assert counts(shop) == before


def test_error_in_a_later_chunk_rolls_back_earlier_chunks(
    shop: Ctx, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("inquiry_tui.services.arrivals.importing.CHUNK", 2)
    rows = [good(i) for i in range(1, 6)] + [good(6, received_at="soon")]
    with pytest.raises(ValidationError, match="line 6"):
        import_inquiries(shop, jsonl(tmp_path / "x.jsonl", rows))
    assert counts(shop) == (0, 0, 0)


def test_not_utf8_names_the_line(shop: Ctx, tmp_path: Path) -> None:
    path = tmp_path / "latin.jsonl"
    path.write_bytes(
        json.dumps(good(1)).encode()
        + b"\n"
        + json.dumps(good(2, subject="Caf\u00e9"), ensure_ascii=False).encode("utf-8").replace(b"\xc3\xa9", b"\xe9")
        + b"\n"
    )
    with pytest.raises(FileFormatError, match=r"latin.jsonl line 2: is not UTF-8 text"):
        import_inquiries(shop, path)
    csv_path = tmp_path / "latin.csv"
    csv_path.write_bytes(
        ",".join(COLUMNS).encode() + b"\r\ne-1,inquiry,2026-11-20T10:00:00Z,a@x.example,Jos\xe9,DE,A,s,b\r\n"
    )
    with pytest.raises(FileFormatError, match=r"latin.csv line 2: is not UTF-8"):
        import_inquiries(shop, csv_path)
    assert counts(shop) == (0, 0, 0)


def test_bad_json_and_not_an_object(tmp_path: Path) -> None:
    p = tmp_path / "a.jsonl"
    p.write_text('{"a": 1}\n{"a": \n', encoding="utf-8")
    with pytest.raises(FileFormatError, match=r"a.jsonl line 2: is not valid JSON"):
        read_records(p)
    p.write_text('{"a": 1}\n\n[1, 2]\n', encoding="utf-8")
    with pytest.raises(FileFormatError, match=r"a.jsonl line 3: is not a JSON object"):
        read_records(p)
    with pytest.raises(FileFormatError, match="unknown file type"):
        read_records(tmp_path / "a.xlsx")


def test_bom_crlf_and_quoted_newlines_are_accepted(shop: Ctx, tmp_path: Path) -> None:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerow(
        [
            "c-1",
            "inquiry",
            "2026-11-20T10:00:00+08:00",
            "ONE@x.example",
            "One",
            "de",
            "A",
            "Quote",
            "line one\r\nline two",
        ]
    )
    writer.writerow(
        [
            "c-2",
            "email",
            "2026-11-20T11:00:00Z",
            "two@x.example",
            "Two",
            "",
            "",
            "Catalogue",
            "Send the catalogue please",
        ]
    )
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))
    records = read_records(path)
    assert [r.line for r in records] == [2, 4]
    assert records[0].data["buyer"] == {"email": "ONE@x.example", "name": "One", "country": "de"}
    assert records[1].data["product"] is None
    report = import_inquiries(shop, path)
    assert report.received == 2
    with shop.read() as s:
        body = s.exec(select(Message.body).order_by(Message.id)).first()
        assert body == "line one\r\nline two"
        assert s.exec(select(Buyer.email).order_by(Buyer.id)).all() == ["one@x.example", "two@x.example"]
    jl = tmp_path / "bom.jsonl"
    jl.write_bytes(b"\xef\xbb\xbf" + json.dumps(good(7)).encode() + b"\r\n" + json.dumps(good(8)).encode() + b"\r\n")
    assert import_inquiries(shop, jl).received == 2


def test_csv_row_with_too_many_cells(tmp_path: Path) -> None:
    p = tmp_path / "wide.csv"
    p.write_text("a,b\n1,2\n1,2,3\n", encoding="utf-8")
    with pytest.raises(FileFormatError, match=re.escape("wide.csv line 3: has 3 cells but the header has 2")):
        read_records(p)


def test_field_rules(tmp_path: Path) -> None:
    """The shared rules (records.rules), and a record naming file, line and field when one is broken."""
    with pytest.raises(ValidationError, match=r"c.csv line 9, field stars: 7 is outside 0 to 5"):
        check_record(CustomerRecord, tmp_path / "c.csv", Record(9, {"email": "a@x.example", "stars": "7"}))
    with pytest.raises(rules.RuleError, match=r"'many' is not a whole number from 0 to 5"):
        rules.whole_number("many", 0, 5)
    assert rules.boolean("yes") is True and rules.boolean("off") is False
    with pytest.raises(rules.RuleError, match="'x' is not allowed; allowed: a, b"):
        rules.one_of("x", ("a", "b"))
    assert rules.text_list("a; b") == ["a", "b"]
    with pytest.raises(rules.RuleError, match="'-1' is not a number of 0 or more"):
        rules.quantity("-1")
    record = check_record(CustomerRecord, tmp_path / "c.csv", Record(2, {"email": "a@x.example", "country": None}))
    assert record.country == ""  # a missing optional value is its default


def test_chat_file_with_an_unknown_column_changes_nothing(shop: Ctx, tmp_path: Path) -> None:
    from inquiry_tui.services.arrivals.chats import import_chats

    path = tmp_path / "chats.csv"
    path.write_text(
        "buyer.email,sent_at,from,text\nb@x.example,2026-11-20T10:00:00Z,buyer,Hello\n"
        "c@x.example,2026-11-20T10:05:00Z,buyer,Hi\n",
        encoding="utf-8",
    )
    import_chats(shop, path)  # the well-formed file imports
    before = counts(shop)
    path.write_text(
        "buyer.email,sent_at,from,text,attachment\nd@x.example,2026-11-20T11:00:00Z,buyer,Hello,x.pdf\n",
        encoding="utf-8",
    )
    with pytest.raises(
        ValidationError, match=r"line 2, field attachment: unknown column; allowed: attachments, buyer\.company"
    ):
        import_chats(shop, path)
    assert counts(shop) == before
