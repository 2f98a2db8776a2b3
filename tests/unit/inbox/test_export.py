"""Inquiry export: OWASP-neutralised CSV cells, role scoping, JSON Lines fields, keyset paging."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest

from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.services.arrivals.importing import Arrival, BuyerFields, receive
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.inbox.export import COLUMNS, export_inquiries, write_inquiries
from inquiry_tui.services.setup.catalog import add_product
from tests.conftest import FIXED_NOW, ctx_as

HOSTILE = ['=HYPERLINK("http://evil.example","x")', "+1", "-1+2", "@SUM(A1)", "\tindent", "\rcarriage"]


@pytest.fixture
def shop(admin_ctx: Ctx) -> Ctx:
    add_product(admin_ctx, "A", "Flood light", "ana")
    add_product(admin_ctx, "B", "Street light", "ben")
    arrivals = [
        Arrival(
            f"h-{i}",
            "inquiry",
            FIXED_NOW - timedelta(hours=10 - i) + timedelta(microseconds=250_000),  # exported to whole seconds
            BuyerFields(f"b{i}@x.example", country="DE"),
            "A" if i % 2 == 0 else "B",
            subject,
            "Please quote 100 pcs, thank you.",
        )
        for i, subject in enumerate(HOSTILE)
    ]
    receive(admin_ctx, arrivals)
    return admin_ctx


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_csv_cells_are_neutralised(shop: Ctx, tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    heard: list[tuple[str, int, int]] = []
    assert export_inquiries(shop, path, progress=lambda *step: heard.append(step)) == len(HOSTILE)
    assert heard[-1] == ("inquiries", len(HOSTILE), 0)  # the progress bar's last report (issue 13, item 11)
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == list(COLUMNS)
    # the leading CR is a control character: a CSV file holds its placeholder, never the raw CR
    assert [r["subject"] for r in rows] == ["'" + s.replace("\r", "␍") for s in HOSTILE]
    assert all(not r["subject"].startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows)
    assert rows[0]["id"] == "1" and rows[0]["tagged"] == "false" and rows[0]["unread"] == "true"
    assert rows[0]["received_at"] == "2026-11-22T23:30:00Z" and rows[0]["due_at"] == "2026-11-23T23:30:00Z"


def test_role_scoping(shop: Ctx) -> None:
    ana = ctx_as(shop, "ana")
    buf = io.StringIO(newline="")
    assert write_inquiries(ana, buf) == 3
    assert {r["owner"] for r in read_csv(buf.getvalue())} == {"ana"}
    assert write_inquiries(ctx_as(shop, "cara"), io.StringIO()) == 0


def test_jsonl_fields_are_plain(shop: Ctx, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("inquiry_tui.services.inbox.export.PAGE", 2)  # several keyset pages
    buf = io.StringIO()
    assert write_inquiries(shop, buf, folder="inbox", fmt="jsonl") == len(HOSTILE)
    rows = [json.loads(line) for line in buf.getvalue().splitlines()]
    assert [r["id"] for r in rows] == [1, 2, 3, 4, 5, 6]
    assert list(rows[0]) == list(COLUMNS)
    assert rows[0]["subject"] == HOSTILE[0] and rows[0]["tagged"] is False and rows[0]["auto_replies"] == 0
    assert (rows[0]["product"], rows[0]["owner"], rows[0]["rule"], rows[0]["folder"], rows[0]["country"]) == (
        "A",
        "ana",
        "product",
        "inbox",
        "DE",
    )
    assert write_inquiries(shop, io.StringIO(), folder="junk", fmt="jsonl") == 0


def test_bad_folder_and_format(shop: Ctx, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="allowed: inbox, junk, deleted, unread, sent, tagged"):
        export_inquiries(shop, tmp_path / "x.csv", folder="archive")
    with pytest.raises(ValidationError, match="allowed: csv, jsonl"):
        export_inquiries(shop, tmp_path / "x.csv", fmt="xlsx")
    assert not (tmp_path / "x.csv").exists()


def test_views_export_what_the_inbox_shows(shop: Ctx) -> None:
    from inquiry_tui.services.inbox.triage import delete_inquiry, reply, set_read, set_tagged

    set_tagged(shop, 1, True)
    set_tagged(shop, 2, True)
    delete_inquiry(shop, 2)  # a deleted inquiry leaves the Tagged view
    reply(shop, 3, "Thank you, our quote follows.")
    set_read(shop, 4, True)

    def ids(folder: str) -> list[int]:
        buf = io.StringIO()
        write_inquiries(shop, buf, folder=folder, fmt="jsonl")
        return [json.loads(line)["id"] for line in buf.getvalue().splitlines()]

    assert ids("tagged") == [1]
    assert ids("sent") == [3]
    assert 4 not in ids("unread") and 2 not in ids("unread") and 1 in ids("unread")
    assert ids("deleted") == [2]
