"""`ssh-session LOGIN` (sshd's forced command): the key's account, whatever the client sends; a small set of commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from inquiry_tui.cli import app
from inquiry_tui.cli.identity import SSH_COMMANDS, ssh_command
from inquiry_tui.domain.errors import PermissionDenied
from inquiry_tui.services.context import Ctx

# ssh-session serves a store file only its OS user can write: a SQLite question.
pytestmark = pytest.mark.sqlite_only

runner = CliRunner()


def session(ctx: Ctx, login: str, command: str | None, **env: str):  # type: ignore[no-untyped-def]
    """What sshd runs for LOGIN's key, with the command the client sent (None: no command)."""
    db = ctx.url.removeprefix("sqlite:///")
    env = {"INQUIRY_TUI_LOGIN": "boss", **env}  # what a client might try to send: never the account
    if command is not None:
        env["SSH_ORIGINAL_COMMAND"] = command
    return runner.invoke(app, ["--db", db, "ssh-session", login], env=env)


@pytest.mark.parametrize(
    "line",
    [
        "stats",
        "stats --json",
        "inquiry-tui stats --json",
        "/usr/local/bin/inquiry-tui customer list --search 'led lights' --limit 5 --json",
        "customer show amir@sahara.example --window=30",
        "export inquiries --folder junk --format jsonl",
        "export allocations --days 7",
        "settings show --json",
        "account list -h",
        "--help",
    ],
)
def test_lists_shows_and_exports_to_stdout_are_allowed(line: str) -> None:
    assert ssh_command(line)


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("db backup /tmp/all.db", "runs the app (no command) or one of"),
        ("db verify", "runs the app (no command) or one of"),
        ("--db /other.db stats", "runs the app (no command) or one of"),
        ("--as boss stats", "runs the app (no command) or one of"),
        ("stats --as boss", "takes --json; not --as"),
        ("INQUIRY_TUI_LOGIN=boss inquiry-tui stats", "runs the app (no command) or one of"),
        ("export inquiries -o /root/.ssh/authorized_keys", "takes --folder, --format; not -o"),
        ("export inquiries --output=/tmp/x", "not --output"),
        ("import customers /etc/passwd", "runs the app (no command) or one of"),
        ("ssh-session boss", "runs the app (no command) or one of"),
        ("account add zed --name Z", "runs the app (no command) or one of"),
        ("customer show a@b.example c@d.example", "takes no more arguments"),
        ("customer list --search", "--search needs a value"),
        ("stats 'unterminated", "cannot be read"),
    ],
)
def test_anything_else_is_refused(line: str, why: str) -> None:
    with pytest.raises(PermissionDenied, match=why.replace("(", r"\(").replace(")", r"\)")):
        ssh_command(line)


def test_every_allowed_command_exists_and_lists_shows_or_exports() -> None:
    for words in SSH_COMMANDS:
        result = runner.invoke(app, [*words, "--help"])
        assert result.exit_code == 0, words
        assert words[-1] in ("list", "show", "inquiries", "allocations", "stats")
        options, _ = SSH_COMMANDS[words]
        for option in options:  # every option the allow-list lets through is one the command has
            assert option in result.output, (words, option)


def test_the_key_decides_the_account_not_the_client(admin_ctx: Ctx) -> None:
    for login in ("ana", "ben"):
        result = session(admin_ctx, login, "stats --json")
        assert result.exit_code == 0, result.output
        doc = json.loads(result.output)
        assert doc["company"] is None and [a["login"] for a in doc["accounts"]] == [login]


def test_refusals_are_one_line_and_change_nothing(admin_ctx: Ctx, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    for command in (f"export inquiries -o {target}", f"db backup {target}", "--as boss stats"):
        result = session(admin_ctx, "ana", command)
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert result.exit_code == 1 and len(lines) == 1 and lines[0].startswith("error: over SSH"), result.output
    assert not target.exists()
    refused = runner.invoke(
        app, ["--db", admin_ctx.url.removeprefix("sqlite:///"), "--as", "boss", "ssh-session", "ana"]
    )
    assert refused.exit_code == 1 and "--as has no place in an SSH session" in refused.output


def test_the_app_needs_a_terminal(admin_ctx: Ctx) -> None:
    result = session(admin_ctx, "ana", None)
    assert result.exit_code == 1 and "the app needs a terminal: connect with `ssh -t SERVER`" in result.output


def test_an_unknown_or_deactivated_key_account_is_refused(admin_ctx: Ctx) -> None:
    from inquiry_tui.services.team.accounts import deactivate

    unknown = session(admin_ctx, "zed", "stats")
    assert unknown.exit_code == 1 and "the SSH key's account 'zed' is not in this store" in unknown.output
    deactivate(admin_ctx, "ben", "ana")
    gone = session(admin_ctx, "ben", "stats")
    assert gone.exit_code == 1 and "your account (ben) was deactivated by boss" in gone.output


def test_a_store_other_os_users_can_write_is_not_served(admin_ctx: Ctx) -> None:
    """Else any OS user who can run the program could say `ssh-session boss` and be the admin."""
    Path(admin_ctx.url.removeprefix("sqlite:///")).chmod(0o666)
    result = session(admin_ctx, "boss", "stats")
    assert result.exit_code == 1 and "ssh-session serves only a store that this OS user" in result.output


def test_a_session_leaves_no_identity_behind(admin_ctx: Ctx) -> None:
    assert session(admin_ctx, "ana", "stats").exit_code == 0
    db = admin_ctx.url.removeprefix("sqlite:///")
    after = runner.invoke(app, ["--db", db, "stats", "--json"], env={"INQUIRY_TUI_LOGIN": "boss"})
    assert json.loads(after.output)["company"] is not None  # boss again, not the last key's ana
