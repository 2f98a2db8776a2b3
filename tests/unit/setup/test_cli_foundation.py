"""The foundation's command line through typer's CliRunner: happy paths and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from inquiry_tui.cli import app
from tests.conftest import cli_db, store_busy, store_exec, store_rows

runner = CliRunner()


def run(db: Path | str, *args: str, login: str | None = None):  # type: ignore[no-untyped-def]
    env = {"INQUIRY_TUI_LOGIN": login} if login else {}
    return runner.invoke(app, ["--db", str(db), *args], env=env)


@pytest.fixture
def store(db_url: str) -> str:
    db = cli_db(db_url)
    result = run(db, "init", "--name", "The Boss")  # --admin defaults to the OS login (boss in tests)
    assert result.exit_code == 0, result.output
    for login, name in (("ana", "Ana Zhou"), ("ben", "Ben Wu")):
        assert run(db, "account", "add", login, "--name", name).exit_code == 0
    return db


def assert_one_line_error(result, *fragments: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("error: ")
    for fragment in fragments:
        assert fragment in lines[0]
    assert "Traceback" not in result.output


def test_init_and_account_list(store: str) -> None:
    result = run(store, "account", "list")
    assert result.exit_code == 0
    assert "boss" in result.output and "ana" in result.output and "admin" in result.output


def test_init_twice_is_refused(store: str) -> None:
    assert_one_line_error(run(store, "init"), "already initialised")


def test_account_add_duplicate_and_bad_role(store: str) -> None:
    assert_one_line_error(run(store, "account", "add", "ana", "--name", "Again"), "already exists")
    assert_one_line_error(
        run(store, "account", "add", "zed", "--name", "Zed", "--role", "boss"), "role", "sales, admin"
    )
    assert_one_line_error(run(store, "account", "add", "Bad Login", "--name", "x"), "not valid")


def test_salesperson_cannot_add_accounts(store: str) -> None:
    assert_one_line_error(run(store, "account", "add", "zed", "--name", "Zed", login="ana"), "only the admin")


@pytest.mark.sqlite_only  # INQUIRY_TUI_LOGIN names the account only on a store private to this OS user
def test_unknown_os_login_is_a_clear_error(store: str) -> None:
    # The store is private to this OS user, so INQUIRY_TUI_LOGIN may name the account; the error
    # names it and the main account that works (docs/domain.md, "Who is who").
    assert_one_line_error(
        run(store, "account", "list", login="stranger"), "no account for INQUIRY_TUI_LOGIN 'stranger'", "'boss'"
    )


def test_as_is_admin_only(store: str) -> None:
    assert run(store, "--as", "ana", "account", "list").exit_code == 0
    assert_one_line_error(run(store, "--as", "ben", "account", "list", login="ana"), "--as is only for the admin")


def test_products(store: str) -> None:
    assert run(store, "product", "add", "FL-100W", "--name", "Flood light", "--owner", "ana").exit_code == 0
    assert_one_line_error(run(store, "product", "add", "FL-100W", "--name", "Again"), "already exists")
    assert_one_line_error(
        run(store, "product", "add", "X-1", "--name", "X", "--owner", "nobody"), "unknown account 'nobody'"
    )
    assert run(store, "product", "owner", "FL-100W", "ben").exit_code == 0
    listing = run(store, "product", "list")
    assert "FL-100W" in listing.output and "ben" in listing.output


def test_regions_move_and_are_audited(store: str) -> None:
    assert run(store, "region", "assign", "de", "ana").exit_code == 0
    moved = run(store, "region", "assign", "DE", "ben")
    assert moved.exit_code == 0 and "ben" in moved.output
    listing = run(store, "region", "list").output
    assert listing.count("DE") == 1 and "ben" in listing
    assert_one_line_error(run(store, "region", "assign", "XX", "ana"), "'XX'", "ISO 3166-1")
    assert_one_line_error(run(store, "region", "assign", "FR", "ghost"), "unknown account 'ghost'")
    assert run(store, "region", "unassign", "DE").exit_code == 0
    assert_one_line_error(run(store, "region", "unassign", "DE"), "no owner")
    actions = [r[0] for r in store_rows(store, "SELECT action FROM audit_log WHERE entity = 'country' ORDER BY id")]
    assert actions == ["region_assign", "region_assign", "region_unassign"]


def test_deactivate_with_successor(store: str) -> None:
    assert run(store, "product", "add", "P1", "--name", "P", "--owner", "ana").exit_code == 0
    assert run(store, "region", "assign", "BR", "ana").exit_code == 0
    result = run(store, "account", "deactivate", "ana", "--successor", "ben")
    assert result.exit_code == 0, result.output
    assert "1 products, 1 countries" in result.output
    assert_one_line_error(run(store, "account", "deactivate", "ben", "--successor", "ana"), "deactivated")
    assert_one_line_error(run(store, "account", "deactivate", "boss", "--successor", "ben"), "main account")


@pytest.mark.parametrize(
    ("key", "value", "shown"),
    [
        ("allocation.mode", "region", '"region"'),
        ("allocation.sticky", "false", "false"),
        ("allocation.company_contact", "ana", '"ana"'),
        ("allocation.rotation", "true", "true"),
        ("allocation.rotation_members", "ana,ben", '["ana", "ben"]'),
        ("allocation.chats_follow_rules", "true", "true"),
        ("allocation.rotation_includes_chats", "true", "true"),
        ("reception.mode", "custom", '"custom"'),
        ("reception.timezone", "Europe/Berlin", '"Europe/Berlin"'),
        (
            "reception.windows",
            "workday 09:00-18:00, holiday 10:00-14:00",
            '["workday 09:00-18:00", "holiday 10:00-14:00"]',
        ),
        ("reception.holidays", "2026-12-25,2027-01-01", '["2026-12-25", "2027-01-01"]'),
        ("reception.welcome", "Hello!", '"Hello!"'),
        ("reception.faq", '[{"q": "MOQ?", "a": "100 pcs"}]', '[{"a": "100 pcs", "q": "MOQ?"}]'),
        ("reception.smart_questions", '["Which product?"]', '["Which product?"]'),
        ("calls.voice", "true", "true"),
        ("calls.video", "true", "true"),
        ("calls.windows", "workday 09:00-12:00", '["workday 09:00-12:00"]'),
    ],
)
def test_every_settings_key(store: str, key: str, value: str, shown: str) -> None:
    assert run(store, "settings", "set", key, value).exit_code == 0
    data = json.loads(run(store, "settings", "show", "--json").output)
    section, name = key.split(".")
    assert json.dumps(data[section][name], sort_keys=True) == shown


@pytest.mark.parametrize(
    ("key", "value", "fragment"),
    [
        ("allocation.mode", "random", "allowed: product, region"),
        ("allocation.sticky", "maybe", "allowed: true, false"),
        ("allocation.company_contact", "ghost", "not an active account"),
        ("allocation.rotation_members", "ana,ghost", "'ghost' is not an active account"),
        ("reception.mode", "sometimes", "allowed: off, all_day, custom"),
        ("reception.timezone", "Mars/Olympus", "not a known time zone"),
        ("reception.windows", "workday 18:00-09:00", "must start before it ends"),
        ("reception.windows", "weekdays 9-5", "expected e.g."),
        ("reception.holidays", "2026-13-01", "not a date"),
        ("reception.faq", json.dumps([{"q": str(i), "a": "x"} for i in range(6)]), "at most 5"),
        # A JSON value that is not an array is refused, never stored as a one-item list of its text.
        ("reception.smart_questions", '"notalist"', "expected a JSON array or comma-separated values"),
        ("reception.holidays", '{"day": "2026-12-25"}', "got a JSON object"),
        ("nonsense.key", "1", "allowed keys"),
    ],
)
def test_bad_settings_values(store: str, key: str, value: str, fragment: str) -> None:
    assert_one_line_error(run(store, "settings", "set", key, value), fragment)


def test_settings_change_is_audited(store: str) -> None:
    run(store, "settings", "set", "allocation.mode", "region")
    ((actor, before, after),) = store_rows(
        store, "SELECT actor, before, after FROM audit_log WHERE action = 'settings_change'"
    )
    assert actor == "boss" and json.loads(before)["mode"] == "product" and json.loads(after)["mode"] == "region"


def test_seed_sample_and_synthetic(store: str) -> None:
    result = run(store, "seed", "--sample")
    assert result.exit_code == 0, result.output
    assert "seeded 2000 inquiries" in result.output
    # seed is for an empty store: a second one is refused and changes nothing (tests/unit/setup/test_seed_guard.py)
    assert_one_line_error(
        run(store, "seed", "--inquiries", "50", "--seed", "3"),
        "already holds",
        "inquiries; seed is for a new, empty store",
    )
    assert_one_line_error(run(store, "seed"), "exactly one of")
    assert_one_line_error(run(store, "seed", "--inquiries", "0"), "at least 1")


def test_db_upgrade_and_backup(store: str, tmp_path: Path) -> None:
    assert "already at schema" in run(store, "db", "upgrade").output
    target = tmp_path / "copy.tar"
    result = run(store, "db", "backup", str(target))
    assert result.exit_code == 0, result.output
    assert_one_line_error(run(store, "db", "backup", str(target)), "already exists")
    if "://" in store:  # PostgreSQL: pg_dump's custom format
        assert target.read_bytes()[:5] == b"PGDMP"
        return
    import sqlite3
    import tarfile

    with tarfile.open(target) as tar:  # one archive: the store and its files (docs/cli.md)
        tar.extract("store.db", tmp_path / "unpacked", filter="data")
    copy = sqlite3.connect(str(tmp_path / "unpacked" / "store.db"))
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    copy.close()


def test_store_newer_than_app_is_a_clear_error(store: str) -> None:
    store_exec(store, "UPDATE alembic_version SET version_num = '9999'")
    assert_one_line_error(run(store, "account", "list"), "newer than this inquiry-tui")


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    assert_one_line_error(run(bad, "account", "list"), "not an inquiry-tui store")  # and nothing is written to it


def test_a_missing_store_is_a_clear_error_and_no_file_is_made(tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    for args in (["account", "list"], ["settings", "show"], ["stats"]):
        assert_one_line_error(run(missing, *args), "no store at", "inquiry-tui init")
    assert not missing.exists()


def test_a_store_busy_with_another_writer_is_a_clear_error(store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from inquiry_tui.store import dialect, engine, sqlite_conn

    # A short wait instead of the 10 s a real session allows.
    monkeypatch.setattr(
        sqlite_conn,
        "PRAGMAS",
        tuple(p.replace("busy_timeout=10000", "busy_timeout=200") for p in sqlite_conn.PRAGMAS),
    )
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 200)
    monkeypatch.setattr(dialect, "LOCK_TIMEOUT_MS", 200)
    url = store if "://" in store else f"sqlite:///{store}"
    with store_busy(url, "account"):  # e.g. a long import in another session
        assert_one_line_error(
            run(store, "account", "add", "carl", "--name", "Carl"), "the store is busy", "nothing was changed"
        )
    assert "carl" not in run(store, "account", "list").output


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("database is locked", "the store is busy"),
        ("attempt to write a readonly database", "read-only for you"),
        ("disk I/O error", "the store could not be used: disk I/O error"),
    ],
)
def test_store_errors_say_what_to_do(raw: str, expected: str) -> None:
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from inquiry_tui.services.context import describe_store_error

    assert expected in describe_store_error(
        OperationalError("INSERT INTO account ...", {}, sqlite3.OperationalError(raw))
    )
