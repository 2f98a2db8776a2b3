"""Attachments in import files (path or base64): stored once, typed by content, and bad ones refused with one line."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.services.arrivals.chats import import_chats
from inquiry_tui.services.arrivals.importing import import_inquiries
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.files import blobs
from inquiry_tui.services.files.attachments import list_attachments
from inquiry_tui.services.setup.catalog import add_product
from inquiry_tui.services.setup.settings import set_setting
from tests.unit.files.helpers import ELF, PDF, rows, stored


@pytest.fixture
def shop(admin_ctx: Ctx) -> Ctx:
    add_product(admin_ctx, "A", "Lamp", owner="ana")
    return admin_ctx


def inquiry(i: int, attachments: list[dict[str, str]]) -> dict[str, object]:
    return {
        "external_id": f"e-{i}",
        "channel": "inquiry",
        "received_at": f"2026-11-20T10:{i:02d}:00Z",
        "buyer": {"email": f"b{i}@x.example", "country": "DE"},
        "product": "A",
        "subject": "Drawing",
        "body": "Please quote per the attached drawing.",
        "attachments": attachments,
    }


def jsonl(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_paths_and_base64_are_stored_once_and_typed_by_content(shop: Ctx, tmp_path: Path) -> None:
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "drawing.pdf").write_bytes(PDF)
    (tmp_path / "files" / "invoice.pdf").write_bytes(ELF)  # a program renamed .pdf: stored, shown as what it is
    records = [
        inquiry(1, [{"name": "drawing.pdf", "path": "files/drawing.pdf"}]),
        inquiry(2, [{"name": "same.pdf", "base64": base64.b64encode(PDF).decode()}]),
        inquiry(3, [{"name": "invoice.pdf", "path": str(tmp_path / "files" / "invoice.pdf")}]),
    ]
    report = import_inquiries(shop, jsonl(tmp_path / "in.jsonl", records))
    assert report.received == 3
    assert rows(shop) == {"StoredFile": 2, "Attachment": 3, "DiskFile": 0}  # the PDF twice, kept once
    assert len(stored(blobs.files_dir(shop.url))) == 2
    assert not any((blobs.files_dir(shop.url) / "tmp").iterdir())  # nothing left in staging
    first = list_attachments(shop, report.first_id or 0)
    assert [(a.name, a.mime, a.size, a.direction) for a in first] == [
        ("drawing.pdf", "application/pdf", len(PDF), "in")
    ]
    third = list_attachments(shop, (report.first_id or 0) + 2)
    assert third[0].mime == "application/x-executable"


def test_csv_carries_attachments_as_json_in_one_cell(shop: Ctx, tmp_path: Path) -> None:
    cell = json.dumps([{"name": "a.txt", "base64": base64.b64encode(b"hello").decode()}]).replace('"', '""')
    path = tmp_path / "in.csv"
    path.write_text(
        "external_id,channel,received_at,buyer.email,product,body,attachments\n"
        f'c-1,inquiry,2026-11-20T10:00:00Z,c@x.example,A,Hello,"{cell}"\n',
        encoding="utf-8",
    )
    report = import_inquiries(shop, path)
    assert [a.mime for a in list_attachments(shop, report.first_id or 0)] == ["text/plain"]


@pytest.mark.parametrize(
    ("attachment", "message"),
    [
        (
            {"name": "../../etc/passwd", "base64": "aGk="},
            "field attachments: item 1: the name '../../etc/passwd' is not a plain file name",
        ),
        (
            {"name": "two\nlines.pdf", "base64": "aGk="},
            "field attachments: item 1: the name 'two\\nlines.pdf' is not a plain",
        ),
        ({"name": "x.pdf", "base64": "not base64!"}, "field attachments: item 1 (x.pdf): is not base64"),
        ({"name": "x.pdf", "path": "missing.pdf"}, "field attachments: item 1 (x.pdf):"),
        ({"name": "x.pdf", "path": "."}, "is a folder, not a file"),
        ({"name": "x.pdf", "path": "big.bin"}, "over the limit of 1.0 MB per file (files.max_mb)"),
        ({"name": "x.pdf"}, "give exactly one of path or base64"),
        ({"name": "x.pdf", "path": "a", "extra": 1}, "unknown key 'extra'"),
    ],
)
def test_bad_attachments_are_one_line_and_nothing_is_half_stored(
    shop: Ctx, tmp_path: Path, attachment: dict[str, object], message: str
) -> None:
    set_setting(shop, "files.max_mb", "1")
    (tmp_path / "big.bin").write_bytes(b"\0" * (1024 * 1024 + 1))
    (tmp_path / "ok.pdf").write_bytes(PDF)
    records = [
        inquiry(1, [{"name": "ok.pdf", "path": "ok.pdf"}]),  # staged and committed before line 2 fails
        inquiry(2, [attachment]),  # type: ignore[list-item]
    ]
    with pytest.raises(ValidationError) as err:
        import_inquiries(shop, jsonl(tmp_path / "in.jsonl", records))
    text = str(err.value)
    assert "\n" not in text and text.startswith("in.jsonl line 2, field attachments")
    assert message in text
    assert rows(shop) == {"StoredFile": 0, "Attachment": 0, "DiskFile": 0}
    root = blobs.files_dir(shop.url)
    assert stored(root) == [] and not any((root / "tmp").iterdir())


def test_chat_lines_carry_their_attachments(shop: Ctx, tmp_path: Path) -> None:
    line = {"buyer": {"email": "k@x.example"}, "sent_at": "2026-11-20T10:00:00Z", "from": "buyer", "text": "photo"}
    photo = {"name": "photo.png", "base64": base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 30).decode()}
    path = jsonl(
        tmp_path / "chats.jsonl",
        [
            {**line, "attachments": [photo]},
            {**line, "from": "seller", "text": "thanks", "sent_at": "2026-11-20T10:05:00Z"},
        ],
    )
    report = import_chats(shop, path)
    assert (report.attachments, report.customers, report.buyers) == (1, 0, 1)
    [a] = list_attachments(shop, report.threads.first_id or 0)
    assert (a.name, a.mime, a.direction) == ("photo.png", "image/png", "in")
    again = import_chats(shop, path)  # the same file twice adds nothing, attachments included
    assert again.attachments == 0 and rows(shop)["Attachment"] == 1
