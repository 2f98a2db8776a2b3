"""Service-account mode: `access add|list|remove` edit authorized_keys atomically, keeping every line they did not write."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from inquiry_tui.cli import app
from inquiry_tui.domain.authorized_keys import forced_command, parse_line, parse_public_key, render_line
from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.identity.access import add_access

# Service-account mode serves a store file only its OS user can write: a SQLite question.
pytestmark = pytest.mark.sqlite_only

runner = CliRunner()
PROGRAM = str(Path(sys.executable).parent / "inquiry-tui")
# Two real ed25519 public keys (ssh-keygen), and what `ssh-keygen -lf` says of them.
ANA = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGhCSt1Jw1FaohfJkLsv54EDcf4Aakh0rHWbQlSfuqoD ana@laptop"
ANA_FP = "SHA256:BOslHzEddSJ5ivKKkTnGN5fSLs3yFcZsx5MlOJDdXjA"
BEN = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILPwGJMzXFCSKxYTaTC//QQ+83YO90lZqNko3tFkLi09 ben@laptop"
BEN_FP = "SHA256:ZmRtjIUBhTUJLsrdfJITdfT4ilrqzyCag7/n6A/xZOE"
# Lines the app did not write: kept byte for byte, whatever they are.
FOREIGN = (
    "# the service account's own keys\n"
    'no-port-forwarding,command="/usr/bin/backup \\"nightly\\"" '
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHtJqyIqdWtQCTpf6DHBZpdAW7olDqQGtnQ59UEBNuxU backup@nas\r\n"
    "\n"
    "ssh-rsa not-even-base64 broken line\n"
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKRJDN25ckmUEkKV9zw7GOm9RDKj+/ia8sLNUCdCID1+ admin@desk"
)


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    (tmp_path / "ana.pub").write_text(ANA + "\n")
    (tmp_path / "ben.pub").write_text(BEN + "\n")
    return tmp_path / "ssh" / "authorized_keys"


def run(ctx: Ctx, keys: Path, *args: str, login: str = "boss"):  # type: ignore[no-untyped-def]
    db = ctx.url.removeprefix("sqlite:///")
    return runner.invoke(
        app, ["--db", db, "access", *args, "--authorized-keys", str(keys)], env={"INQUIRY_TUI_LOGIN": login}
    )


def add(ctx: Ctx, keys: Path, login: str, pub: str):  # type: ignore[no-untyped-def]
    return run(ctx, keys, "add", login, str(keys.parent.parent / pub), "--program", PROGRAM)


def test_fingerprints_match_ssh_keygen(tmp_path: Path) -> None:
    assert parse_public_key(ANA, "ana.pub").fingerprint == ANA_FP
    (tmp_path / "k.pub").write_text(BEN)
    out = subprocess.run(["ssh-keygen", "-lf", str(tmp_path / "k.pub")], capture_output=True, text=True, check=False)
    if out.returncode == 0:
        assert BEN_FP in out.stdout


def test_the_line_forces_the_app_as_the_login() -> None:
    line = render_line(
        forced_command("/opt/it/bin/inquiry-tui", "/srv/team store/x.db", "ana"), parse_public_key(ANA, "k")
    )
    assert line == (
        "restrict,pty,command=\"/opt/it/bin/inquiry-tui --db '/srv/team store/x.db' ssh-session ana\" " + ANA
    )
    parsed = parse_line(line)
    assert parsed.ours and parsed.login == "ana" and parsed.key is not None and parsed.key.fingerprint == ANA_FP
    with pytest.raises(ValidationError, match="quote, backslash or control"):
        forced_command("/opt/it/bin/inquiry-tui", '/srv/"x".db', "ana")


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn...\n", "is a private key"),
        ("", "holds no public key"),
        (ANA + "\n" + BEN, "one public key per file"),
        ("ssh-dss AAAAB3NzaC1kc3MAAACBAP", "DSA keys are refused"),
        ("ssh-ed25519 AAAAB3NzaC1yc2EAAAADAQABAAABAQ x", "not an OpenSSH public key"),  # an RSA blob labelled ed25519
    ],
)
def test_what_is_not_one_public_key_is_refused(text: str, error: str) -> None:
    with pytest.raises(ValidationError, match=error):
        parse_public_key(text, "k.pub")


def test_add_list_remove_keep_the_other_lines(admin_ctx: Ctx, keys: Path) -> None:
    keys.parent.mkdir()
    keys.write_bytes(FOREIGN.encode())
    keys.chmod(0o644)
    result = add(admin_ctx, keys, "ana", "ana.pub")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"{ANA_FP} (ssh-ed25519) now opens the store as ana"
    assert add(admin_ctx, keys, "ben", "ben.pub").exit_code == 0
    text = keys.read_bytes().decode()
    assert text.startswith(FOREIGN + "\n")  # untouched, its last line ended before ours
    assert keys.stat().st_mode & 0o777 == 0o644  # the file's own mode is kept

    listing = json.loads(run(admin_ctx, keys, "list", "--json").output)
    assert listing["other_lines"] == 2  # the backup key and the admin's key; the broken line is no key
    assert [(k["login"], k["fingerprint"], k["account"]) for k in listing["keys"]] == [
        ("ana", ANA_FP, "active"),
        ("ben", BEN_FP, "active"),
    ]
    assert set(listing["keys"][0]) == {"login", "fingerprint", "type", "comment", "account", "line"}

    assert run(admin_ctx, keys, "remove", BEN_FP).output.strip() == f"{BEN_FP} no longer opens the store (was ben)"
    assert run(admin_ctx, keys, "remove", "ana").exit_code == 0
    assert keys.read_bytes().decode() == FOREIGN + "\n"
    missing = run(admin_ctx, keys, "remove", "ana")
    assert missing.exit_code == 1 and "no key opens the store as 'ana'" in missing.output


def test_the_same_key_twice_is_refused(admin_ctx: Ctx, keys: Path) -> None:
    assert add(admin_ctx, keys, "ana", "ana.pub").exit_code == 0
    again = add(admin_ctx, keys, "ben", "ana.pub")
    assert again.exit_code == 1 and "already opens the store as ana" in again.output
    keys.write_text(keys.read_text() + BEN + "\n")  # a plain line: sshd would give that key a shell
    plain = add(admin_ctx, keys, "ben", "ben.pub")
    assert plain.exit_code == 1 and "not as the app" in plain.output


def test_only_the_admin_and_only_for_active_accounts(admin_ctx: Ctx, keys: Path) -> None:
    refused = run(admin_ctx, keys, "add", "ana", str(keys.parent.parent / "ana.pub"), login="ana")
    assert refused.exit_code == 1 and "only the admin" in refused.output
    assert "only the admin" in run(admin_ctx, keys, "list", login="ana").output
    unknown = add(admin_ctx, keys, "zed", "ana.pub")
    assert unknown.exit_code == 1 and "unknown account 'zed'" in unknown.output
    assert not keys.exists() or "zed" not in keys.read_text()


def test_service_account_mode_needs_a_private_store(admin_ctx: Ctx, keys: Path) -> None:
    db = Path(admin_ctx.url.removeprefix("sqlite:///"))
    db.chmod(0o666)
    with pytest.raises(ValidationError, match="service-account mode needs a store only this OS user"):
        add_access(admin_ctx, "ana", keys.parent.parent / "ana.pub", keys_file=keys, program=PROGRAM)
    assert not keys.exists()
