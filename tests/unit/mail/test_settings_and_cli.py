"""The e-mail and call settings (validated, in `settings show --json`) and the e-mail commands through CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from inquiry_tui.cli import app
from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.domain.settings import Settings, apply_setting, settings_from_dict, settings_to_dict
from inquiry_tui.services.context import Ctx
from tests.unit.mail.mail_helpers import maildir, message

runner = CliRunner()


def test_mail_and_call_settings_are_validated_and_round_trip() -> None:
    s = Settings()
    for key, value in {
        "mail.smtp_host": "smtp.example.com",
        "mail.smtp_port": "465",
        "mail.starttls": "false",
        "mail.from": "Brightway Sales <sales@brightway.example>",
        "mail.smtp_user": "sales",
        "mail.password_file": "~/.config/inquiry-tui/smtp.pw",
        "mail.timeout": "10",
        "calls.min_answer_rate": "75%",
    }.items():
        s = apply_setting(s, key, value)
    assert (s.mail.smtp_port, s.mail.starttls, s.calls.min_answer_rate) == (465, False, 75)
    assert settings_from_dict(settings_to_dict(s)) == s
    assert settings_to_dict(s)["mail"]["from"] == "Brightway Sales <sales@brightway.example>"
    for key, value, why in [
        ("mail.smtp_port", "70000", "outside 1 to 65535"),
        ("mail.from", "nobody", "is not an e-mail address"),
        ("mail.smtp_host", "bad host!", "is not a host name"),
        ("calls.min_answer_rate", "120", "outside 0 to 100"),
        ("mail.password", "x", "unknown setting 'mail.password'"),
    ]:
        with pytest.raises(ValidationError, match=why):
            apply_setting(s, key, value)


def run(ctx: Ctx, *args: str, login: str | None = None):  # type: ignore[no-untyped-def]
    env = {"INQUIRY_TUI_LOGIN": login} if login else {}
    return runner.invoke(app, ["--db", ctx.url.removeprefix("sqlite:///"), *args], env=env)


def test_mail_commands(admin_ctx: Ctx, tmp_path: Path) -> None:
    box = maildir(tmp_path / "Mail", message("Hello"), b"Subject: no sender\r\n\r\nx")
    out = run(admin_ctx, "import", "maildir", str(box))
    assert out.exit_code == 0, out.output
    assert "read 2 messages (0 read before): 1 new threads" in out.output and "1 skipped" in out.output
    assert "no From header" in out.output
    assert "read 0 messages (2 read before)" in run(admin_ctx, "import", "maildir", str(box)).output
    bad = run(admin_ctx, "import", "maildir", str(tmp_path))
    assert bad.exit_code == 1 and bad.output.startswith("error: ") and "is not a Maildir" in bad.output
    thread = json.loads(
        run(admin_ctx, "export", "inquiries", "--folder", "email", "--format", "jsonl").output.splitlines()[0]
    )["id"]
    (tmp_path / "reply.txt").write_text("Thank you, price follows.\n", encoding="utf-8")
    replied = run(admin_ctx, "inquiry", "reply", str(thread), "--file", str(tmp_path / "reply.txt"))
    assert replied.exit_code == 0 and f"replied to #{thread} (e-mail saved to the outbox)" in replied.output
    assert "waits in the outbox: e-mail is not set up" in replied.output
    waiting = json.loads(run(admin_ctx, "mail", "outbox", "--json").output)
    assert [(w["inquiry_id"], w["status"], w["to"], w["subject"]) for w in waiting] == [
        (thread, "queued", "hans@lichtbau.de", "Re: Hello")
    ]
    assert "TRIES" in run(admin_ctx, "mail", "outbox").output
    assert json.loads(run(admin_ctx, "mail", "outbox", "--json", login="ben").output) == []  # not ben's
    flush = run(admin_ctx, "mail", "flush")
    assert flush.exit_code == 1 and "error: e-mail is not set up" in flush.output
    for args, why in [
        (("inquiry", "reply", str(thread)), "exactly one of --text"),
        (("inquiry", "reply", str(thread), "--text", "x", "--attach", str(tmp_path / "missing.pdf")), "missing.pdf"),
        (("inquiry", "reply", str(thread), "--text", "   "), "the reply is empty"),
        (("inquiry", "reply", "99999", "--text", "x"), "no inquiry 99999"),
    ]:
        result = run(admin_ctx, *args)
        assert result.exit_code == 1 and result.output.startswith("error: ") and why in result.output, result.output
    not_mine = run(admin_ctx, "inquiry", "reply", str(thread), "--text", "hi", login="ben")
    assert not_mine.exit_code == 1 and "no inquiry" in not_mine.output
