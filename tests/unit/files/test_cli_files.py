"""`attachment`, `disk` and `chat` through CliRunner: JSON shapes, saving without overwriting, one-line errors."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from tests.unit.arrivals.test_cli_arrivals import assert_one_line_error, run, store, write  # noqa: F401  (fixture)

PDF = b"%PDF-1.4\n" + b"x" * 50


def test_attachment_list_and_save(store: Path, tmp_path: Path) -> None:  # noqa: F811
    row = {
        "external_id": "a-1",
        "channel": "inquiry",
        "received_at": "2026-11-20T10:00:00Z",
        "buyer": {"email": "a@b.example"},
        "body": "drawing attached",
        "attachments": [{"name": "drawing.pdf", "base64": base64.b64encode(PDF).decode()}],
    }
    assert run(store, "import", "inquiries", str(write(tmp_path, "in.jsonl", [row]))).exit_code == 0
    listed = json.loads(run(store, "attachment", "list", "1", "--json").output)
    assert [(a["id"], a["name"], a["size"], a["type"]) for a in listed] == [
        (1, "drawing.pdf", len(PDF), "application/pdf")
    ]
    assert set(listed[0]) == {
        "id",
        "inquiry_id",
        "message_id",
        "direction",
        "sent_at",
        "name",
        "size",
        "type",
        "sha256",
    }
    out = tmp_path / "saved.pdf"
    assert run(store, "attachment", "save", "1", str(out)).exit_code == 0 and out.read_bytes() == PDF
    assert_one_line_error(run(store, "attachment", "save", "1", str(out)), "exists", "--force")
    assert run(store, "attachment", "save", "1", str(out), "--force").exit_code == 0
    assert_one_line_error(run(store, "attachment", "list", "1", login="ana"), "no inquiry 1")
    assert_one_line_error(run(store, "attachment", "save", "99", str(out)), "no attachment 99")


def test_disk_commands(store: Path, tmp_path: Path) -> None:  # noqa: F811
    pdf = tmp_path / "catalogue.pdf"
    pdf.write_bytes(PDF)
    assert run(store, "disk", "add", str(pdf), "--folder", "Catalogues").exit_code == 0
    assert run(store, "disk", "add", str(pdf), "--folder", "~", login="ana").exit_code == 0
    listed = json.loads(run(store, "disk", "list", "--json").output)
    assert [(e["id"], e["folder"], e["owner"]) for e in listed] == [(1, "Catalogues", None), (2, "~ana", "ana")]
    assert set(listed[0]) == {"id", "name", "folder", "owner", "size", "type", "sha256", "added_at", "added_by"}
    assert [e["id"] for e in json.loads(run(store, "disk", "list", "--json", login="ben").output)] == [1]
    assert run(store, "disk", "rm", "1").exit_code == 0
    assert json.loads(run(store, "disk", "list", "--trash", "--json").output)[0]["name"] == "catalogue.pdf"
    usage = json.loads(run(store, "disk", "usage", "--json").output)
    assert (usage["used"], usage["trash"], usage["files"]) == (2 * len(PDF), len(PDF), 2)
    assert run(store, "disk", "restore", "1").exit_code == 0
    assert_one_line_error(run(store, "disk", "add", str(pdf), "--name", "../../etc/passwd"), "not a plain file name")
    assert_one_line_error(run(store, "disk", "add", str(tmp_path)), "is a folder")
    assert_one_line_error(run(store, "disk", "rm", "2", login="ben"), "no file 2")
    assert_one_line_error(run(store, "disk", "purge", login="ana"), "only the admin")
    assert "purged 0 files" in run(store, "disk", "purge").output


def test_chat_commands(store: Path, tmp_path: Path) -> None:  # noqa: F811
    line = {
        "buyer": {"email": "k@x.example", "name": "Kim"},
        "sent_at": "2026-11-20T10:00:00Z",
        "from": "buyer",
        "text": "hi",
    }
    assert run(store, "import", "chats", str(write(tmp_path, "c.jsonl", [line]))).exit_code == 0
    listed = json.loads(run(store, "chat", "list", "--json").output)
    assert [(c["email"], c["unread"], c["customer"]) for c in listed] == [("k@x.example", 1, False)]
    photo = tmp_path / "p.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 8)
    assert run(store, "chat", "send", "k@x.example", "--text", "hello Kim", "--attach", str(photo)).exit_code == 0
    shown = json.loads(run(store, "chat", "show", "k@x.example", "--json").output)
    assert [(x["from"], x["text"], [a["name"] for a in x["attachments"]]) for x in shown["lines"]] == [
        ("buyer", "hi", []),
        ("seller", "hello Kim", ["p.png"]),
    ]
    assert "1 chat buyers became customers" in run(store, "chat", "customers", "k@x.example").output
    assert_one_line_error(run(store, "chat", "send", "k@x.example"), "exactly one of --text or --file")
    assert_one_line_error(run(store, "chat", "customers"), "--all")
