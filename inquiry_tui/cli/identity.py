"""Who is who on a shared store: `access add|list|remove`, `ssh-session LOGIN`, `db verify`, `db share GROUP`.

`ssh-session` is what sshd runs for a key in service-account mode (the forced command that
`access add` writes): it acts as the key's account, whatever the client sends, and runs the
TUI, or one command of `SSH_COMMANDS` given as the SSH command line (SSH_ORIGINAL_COMMAND).
"""

from __future__ import annotations

import json
import os
import shlex
import sys
from pathlib import Path
from typing import Annotated

import typer

from inquiry_tui.cli.common import echo_rows, fail, open_tui, state
from inquiry_tui.cli.db import db_app
from inquiry_tui.cli.terminal import on_terminal
from inquiry_tui.config import ENV_LOGIN
from inquiry_tui.domain.errors import PermissionDenied
from inquiry_tui.services.identity import access
from inquiry_tui.services.identity.session import check_session_store
from inquiry_tui.services.identity.sharing import share_store
from inquiry_tui.services.identity.verify import parse_anchor, verify_audit

top_level = typer.Typer()
access_app = typer.Typer(
    help="Service-account mode: which SSH key opens the store as which account (admin).", no_args_is_help=True
)

KeysFile = Annotated[
    Path | None,
    typer.Option("--authorized-keys", help="The file sshd reads (default: ~/.ssh/authorized_keys of this OS user)."),
]

# What an SSH key may run besides the TUI: lists, shows and exports of one's own, to stdout.
# (command words) -> ({option: takes a value}, how many arguments). No file options (`-o`: the
# server's files belong to the service account), no `--db`/`--as`, no `db`, no imports.
# A feature adds a row for each list or show command it brings.
SSH_COMMANDS: dict[tuple[str, ...], tuple[dict[str, bool], int]] = {
    ("account", "list"): ({}, 0),
    ("product", "list"): ({}, 0),
    ("region", "list"): ({}, 0),
    ("block", "list"): ({}, 0),
    ("settings", "show"): ({"--json": False}, 0),
    ("customer", "list"): (
        {"--search": True, "--tag": True, "--sort": True, "--owner": True, "--limit": True, "--json": False},
        0,
    ),
    ("customer", "show"): ({"--window": True, "--json": False}, 1),
    ("export", "inquiries"): ({"--folder": True, "--format": True}, 0),
    ("export", "allocations"): ({"--days": True, "--format": True}, 0),
    ("stats",): ({"--json": False}, 0),
    # The second wave's lists and shows (none writes a file; each shows only what its account may see).
    ("order", "list"): (
        {
            "--status": True,
            "--customer": True,
            "--owner": True,
            "--since": True,
            "--until": True,
            "--limit": True,
            "--json": False,
        },
        0,
    ),
    ("loi", "list"): ({"--status": True, "--json": False}, 0),
    ("template", "list"): ({"--json": False}, 0),
    ("rfq", "list"): (
        {
            "--keyword": True,
            "--category": True,
            "--country": True,
            "--min-qty": True,
            "--max-qty": True,
            "--open": False,
            "--recommended": False,
            "--junk": False,
            "--limit": True,
            "--json": False,
        },
        0,
    ),
    ("visitor", "list"): (
        {
            "--sort": True,
            "--country": True,
            "--term": True,
            "--customers": False,
            "--not-customers": False,
            "--limit": True,
            "--json": False,
        },
        0,
    ),
    ("chat", "list"): ({"--search": True, "--unread": False, "--limit": True, "--json": False}, 0),
    ("chat", "show"): ({"--json": False}, 1),
    ("attachment", "list"): ({"--json": False}, 1),
    ("disk", "list"): ({"--folder": True, "--trash": False, "--json": False}, 0),
    ("call", "list"): ({"--pending": False, "--appointments": False, "--limit": True, "--json": False}, 0),
    ("notice", "list"): ({"--unread": False, "--limit": True, "--json": False}, 0),
    ("note", "list"): ({"--unseen": False, "--json": False}, 0),
}
HELP = ("-h", "--help")


def _allowed() -> str:
    return ", ".join(" ".join(words) for words in SSH_COMMANDS)


def ssh_command(line: str) -> list[str]:
    """The arguments of an allowed command given as the SSH command line (a leading `inquiry-tui` is dropped)."""
    try:
        words = shlex.split(line)
    except ValueError as exc:
        raise PermissionDenied(f"over SSH, the command line {line[:80]!r} cannot be read ({exc})") from None
    if words and os.path.basename(words[0]) == "inquiry-tui":
        words = words[1:]
    if words in ([], ["-h"], ["--help"]):
        return words
    path = next((tuple(words[:n]) for n in (2, 1) if tuple(words[:n]) in SSH_COMMANDS), None)
    if path is None:
        raise PermissionDenied(
            f"over SSH this key runs the app (no command) or one of: {_allowed()}; not {' '.join(words)[:80]!r}"
        )
    options, arguments = SSH_COMMANDS[path]
    rest = iter(words[len(path) :])
    for word in rest:
        if word in HELP:
            continue
        if word.startswith("-"):
            name, eq, _ = word.partition("=")
            if name not in options:
                raise PermissionDenied(
                    f"over SSH, `{' '.join(path)}` takes {', '.join(options) or 'no options'}; not {name}"
                )
            if options[name] and not eq and next(rest, None) is None:
                raise PermissionDenied(f"{name} needs a value")
            continue
        arguments -= 1
        if arguments < 0:
            raise PermissionDenied(f"over SSH, `{' '.join(path)}` takes no more arguments than its own")
    return words


@top_level.command("ssh-session")
def ssh_session(login: Annotated[str, typer.Argument(help="The account the SSH key acts as.")]) -> None:
    """Run by sshd for one key in service-account mode (see `access add`): the app as LOGIN, or one allowed command."""
    os.environ.pop(ENV_LOGIN, None)  # the key names the account; nothing the client sends does
    if state.as_login:
        fail("--as has no place in an SSH session: the key names the account")
    check_session_store(state.db)
    line = os.environ.get("SSH_ORIGINAL_COMMAND", "").strip()
    words = ssh_command(line) if line else []
    if not words and not (sys.stdin.isatty() and on_terminal(sys.stdout)):
        fail("the app needs a terminal: connect with `ssh -t SERVER`, or give one of the commands")
    state.key_login = login
    try:
        if not words:
            open_tui(state.ctx())
            return
        from inquiry_tui.cli.root import app  # the same commands, run as the key's account

        app(args=[*(["--db", state.db] if state.db else []), *words], prog_name="inquiry-tui")
    finally:
        state.key_login = None


# --- access ---------------------------------------------------------------------------------


@access_app.command("add")
def access_add(
    login: Annotated[str, typer.Argument(help="The account the key acts as.")],
    pubkey_file: Annotated[Path, typer.Argument(help="The person's public key (e.g. id_ed25519.pub).", dir_okay=False)],
    keys_file: KeysFile = None,
    program: Annotated[
        str | None, typer.Option("--program", help="Absolute path of inquiry-tui for sshd to run (default: this one).")
    ] = None,
) -> None:
    """Let a public key open the store as LOGIN over SSH to this OS account (admin only)."""
    entry = access.add_access(state.ctx(), login, pubkey_file, keys_file=keys_file, program=program)
    typer.echo(f"{entry.fingerprint} ({entry.key_type}) now opens the store as {entry.login}")


@access_app.command("list")
def access_list(
    keys_file: KeysFile = None,
    as_json: Annotated[bool, typer.Option("--json", help="Stable JSON for scripts.")] = False,
) -> None:
    """The keys that open the store, with their accounts (admin only)."""
    result = access.list_access(state.ctx(), keys_file=keys_file)
    if as_json:
        entries = [
            {
                "login": e.login,
                "fingerprint": e.fingerprint,
                "type": e.key_type,
                "comment": e.comment,
                "account": e.account,
                "line": e.line,
            }
            for e in result.entries
        ]
        doc = {"file": str(result.file), "keys": entries, "other_lines": result.other_lines}
        typer.echo(json.dumps(doc, sort_keys=True, indent=2))
        return
    echo_rows(
        [[e.login, e.fingerprint, e.key_type, e.account, json.dumps(e.comment)[1:-1]] for e in result.entries],
        ["LOGIN", "FINGERPRINT", "TYPE", "ACCOUNT", "COMMENT"],
    )
    typer.echo(f"{len(result.entries)} keys in {result.file}; {result.other_lines} other key lines left as they are")


@access_app.command("remove")
def access_remove(
    who: Annotated[str, typer.Argument(help="A login (all its keys) or a key's fingerprint (SHA256:...).")],
    keys_file: KeysFile = None,
) -> None:
    """Take away SSH access: a login's keys, or one key (admin only)."""
    removed = access.remove_access(state.ctx(), who, keys_file=keys_file)
    for entry in removed:
        typer.echo(f"{entry.fingerprint} no longer opens the store (was {entry.login})")


# --- db verify, db share ----------------------------------------------------------------------


@db_app.command("verify")
def db_verify(
    anchor: Annotated[
        str | None, typer.Option("--anchor", help="ID:HASH printed by an earlier verify, kept outside the store.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Stable JSON for scripts.")] = False,
) -> None:
    """Walk the audit log's hash chain; name the first row changed, inserted or removed outside the app."""
    verdict = verify_audit(state.ctx(), parse_anchor(anchor) if anchor else None)
    if as_json:
        typer.echo(json.dumps(verdict.as_json(), sort_keys=True, indent=2))
        if not verdict.ok:
            raise typer.Exit(1)
        return
    if not verdict.ok:
        fail(verdict.summary())
    typer.echo(verdict.summary())
    typer.echo(f"anchor (keep it outside the store; check later with --anchor): {verdict.anchor}")


@db_app.command("share")
def db_share(group: Annotated[str, typer.Argument(help="The OS group whose members use the store.")]) -> None:
    """Group mode for an existing store: its folder setgid and group-writable, its files group-writable (owner or root)."""
    result = share_store(state.db, group)
    members = ", ".join(result.members) or "nobody yet"
    typer.echo(f"shared {result.folder} with group {result.group} (members: {members}); each member needs an account")
