"""Opening the TUI loads only what the inbox's first page uses (docs/performance.md, "Start, session 8" and
"Start without SQLAlchemy, session 10").

The inbox reads in plain SQL, on SQLite on plain sqlite3 connections (`Ctx.read_plain`): SQLAlchemy (its
Core and its ORM), SQLModel, pydantic, the models, the migrations, record validation and the other
screens load when something first uses them, not at start. Each check runs in a fresh interpreter:
the test process itself has loaded all of them long ago.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from typer.testing import CliRunner

# What opening the inbox must not load, up to its first page on screen. SQLAlchemy itself on SQLite: `connect`
# and the first page read on plain sqlite3 connections (docs/performance.md, "Start without SQLAlchemy, session 10");
# nor the thread and profile services, which the panes' worker loads after the first row, nor the deals' vocabulary
# (money, pycountry) the profile pane lays out with, nor the form widgets of the `Z` dialog ("... session 10").
NOT_BEFORE_THE_FIRST_PAGE = (
    "sqlalchemy",
    "sqlmodel",
    "pydantic",
    "pydantic_core",
    "alembic",
    "inquiry_tui.store.models",
    "inquiry_tui.services.records",
    "inquiry_tui.services.audit",
    "inquiry_tui.services.setup.settings",
    "inquiry_tui.services.inbox.triage",
    "inquiry_tui.services.inbox.thread",
    "inquiry_tui.services.customers.profile",
    "inquiry_tui.store.engine",
    "inquiry_tui.domain.deals",
    "pycountry",
    "inquiry_tui.tui.common.forms",
    "inquiry_tui.services.arrivals",
    "inquiry_tui.tui.customers.screen",
    "inquiry_tui.tui.deals",
    "inquiry_tui.tui.rfq",
    "inquiry_tui.tui.chats",
    "inquiry_tui.tui.calls",
    "inquiry_tui.tui.notices.screen",
    "inquiry_tui.tui.visitors",
    "inquiry_tui.tui.admin",
    "inquiry_tui.tui.inbox.reply",
    "inquiry_tui.tui.inbox.assign",
)


def _loaded(prefixes: tuple[str, ...]) -> str:
    """Python source: the sorted modules loaded now whose names are, or start with, one of PREFIXES (a package)."""
    return f"sorted(m for m in sys.modules if any(m == p or m.startswith(p + '.') for p in {prefixes!r}))"


def _run(script: str, env: dict[str, str] | None = None) -> str:
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=180, env=env, check=False
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_the_start_paths_modules_import_without_the_orm() -> None:
    script = (
        "import sys\n"
        "import inquiry_tui.cli, inquiry_tui.cli.root, inquiry_tui.tui.app, inquiry_tui.tui.inbox.screen\n"
        f"print('LOADED', {_loaded(NOT_BEFORE_THE_FIRST_PAGE)})\n"
    )
    assert "LOADED []" in _run(script)


def test_the_inbox_reaches_its_first_page_without_the_orm(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Connecting, the reader's zone and the first page: none of it loads the ORM or the models.

    The thread and profile panes' services load in a worker that starts with Ready, after the
    first page's frame (tests/tui/inbox/test_start_order.py): here they wait for the page besides,
    and so does the background work, so that what is checked is the path to the first page alone,
    whatever the machine's load. (They read in plain SQL too: the next test.)
    """
    from inquiry_tui.cli import app

    monkeypatch.setenv("INQUIRY_TUI_LOGIN", "boss")
    db = str(tmp_path / "start.db")
    runner = CliRunner()
    for args in (["init"], ["seed", "--inquiries", "30"]):
        result = runner.invoke(app, ["--db", db, *args])
        assert result.exit_code == 0, (args, result.output)
    script = textwrap.dedent(
        f"""
        import asyncio, sys, threading
        from inquiry_tui.services.context import connect
        import inquiry_tui.tui.app as tui_app
        import inquiry_tui.tui.inbox.panes as panes

        seen = {{}}
        page = threading.Event()

        def after_the_page(read):
            def wait_then_read(*args, **kwargs):
                page.wait(120)
                return read(*args, **kwargs)
            return wait_then_read

        panes.thread_detail = after_the_page(panes.thread_detail)
        panes.buyer_profile = after_the_page(panes.buyer_profile)
        tui_app.BACKGROUND_AT_THE_LATEST = 600.0

        class Probe(tui_app.InquiryApp):
            def on_inbox_screen_ready(self, _message):
                seen["ready"] = {_loaded(NOT_BEFORE_THE_FIRST_PAGE)}
                seen["rows"] = self.screen.inquiry_list.total
                page.set()

        async def main():
            app = Probe(connect({db!r}))
            async with app.run_test(size=(160, 48)) as pilot:
                for _ in range(600):
                    if "ready" in seen:
                        break
                    await pilot.pause(0.05)
                await app.workers.wait_for_complete()
            app.ctx.close()

        asyncio.run(main())
        print("READY", seen.get("ready"), "ROWS", seen.get("rows"))
        """
    )
    env = {**os.environ, "INQUIRY_TUI_LOGIN": "boss"}
    out = _run(script, env)
    assert "READY [] ROWS " in out, out
    assert int(out.split("ROWS ")[1].split()[0]) > 0, out  # the first page held inquiries


def test_an_inbox_session_that_reads_never_loads_sqlalchemy(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Moving through the list with both panes, a search, the folders and the background's checks (the unread
    count, the overdue check, the outbox with e-mail not set up, the account check) all read in plain SQL on
    SQLite: a salesperson who only reads never loads SQLAlchemy, SQLModel or pydantic (about 30 MB;
    docs/performance.md, "An inbox session without SQLAlchemy, session 11"). The first write loads them."""
    from inquiry_tui.cli import app

    monkeypatch.setenv("INQUIRY_TUI_LOGIN", "boss")
    db = str(tmp_path / "session.db")
    runner = CliRunner()
    # `notice list` checks the overdue warnings first and writes those due now: the session's own checks then
    # find nothing to write (a warning is a write, which loads the notices' writer), whatever the clock says.
    for args in (["init"], ["seed", "--inquiries", "60"], ["notice", "list"]):
        result = runner.invoke(app, ["--db", db, *args])
        assert result.exit_code == 0, (args, result.output)
    script = textwrap.dedent(
        f"""
        import asyncio, sys
        from inquiry_tui.services.context import connect
        from inquiry_tui.tui.app import InquiryApp
        from inquiry_tui.tui.inbox.screen import InboxScreen

        shown = []

        class Probe(InquiryApp):
            def on_inbox_screen_panes_updated(self, message):
                shown.append(message.inquiry_id)

        async def main():
            app = Probe(connect({db!r}))
            async with app.run_test(size=(160, 48)) as pilot:
                for _ in range(600):
                    if shown:
                        break
                    await pilot.pause(0.05)
                for key in ("j", "j", "k", "pagedown", "G", "g", "U", "A"):
                    await pilot.press(key)
                    await app.workers.wait_for_complete()
                    await pilot.pause()
                await pilot.press("slash", *"led", "enter")
                await app.workers.wait_for_complete()
                await pilot.press("escape")
                app.check_account()
                app.background.refresh_count(check_overdue=True)
                app.background.flush_outbox()
                await app.workers.wait_for_complete()
                await pilot.pause()
                screen = app.screen
                print("SHOWN", len(set(i for i in shown if i is not None)), "INBOX", isinstance(screen, InboxScreen))
                print("LOADED", {_loaded(("sqlalchemy", "sqlmodel", "pydantic", "inquiry_tui.store.models"))})
                print("READERS", {_loaded(("inquiry_tui.services.inbox.thread", "inquiry_tui.services.customers.profile"))})
                print("ERRORS", len(app.unexpected_errors))
            app.ctx.close()

        asyncio.run(main())
        """
    )
    env = {**os.environ, "INQUIRY_TUI_LOGIN": "boss"}
    out = _run(script, env)
    assert "LOADED []" in out and "ERRORS 0" in out and "INBOX True" in out, out
    # The panes read and showed more than the first inquiry (under load, keys in a row may show fewer rows between).
    assert int(out.split("SHOWN ")[1].split()[0]) >= 2, out
    assert "READERS ['inquiry_tui.services.customers.profile', 'inquiry_tui.services.inbox.thread']" in out, out


def test_the_overdue_checks_warnings_are_written_without_the_orm(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A running app's overdue check that finds warnings to write, on SQLite, writes them in plain SQL on a Core
    connection: the session does not load SQLModel, pydantic, the ORM or the models for it (docs/performance.md,
    "A session's memory, session 12")."""
    from inquiry_tui.cli import app

    monkeypatch.setenv("INQUIRY_TUI_LOGIN", "boss")
    db = str(tmp_path / "overdue.db")
    runner = CliRunner()
    for args in (["init"], ["seed", "--inquiries", "60"]):
        result = runner.invoke(app, ["--db", db, *args])
        assert result.exit_code == 0, (args, result.output)
    script = textwrap.dedent(
        f"""
        import sys
        from datetime import timedelta
        from inquiry_tui.services.context import connect
        from inquiry_tui.services.notices.checks import check_overdue
        from inquiry_tui.store.queries.folders import open_sql
        from inquiry_tui.store.types import as_utc

        ctx = connect({db!r})
        with ctx.read_plain() as conn:  # the open inquiry due last: one hour before its limit, it needs a warning
            due = conn.execute(
                f"SELECT max(i.due_at) FROM inquiry AS i WHERE {{open_sql('i')}} AND i.due_at IS NOT NULL"
            ).fetchone()[0]
        ctx.clock = lambda: as_utc(due) - timedelta(hours=1)
        print("WRITTEN", check_overdue(ctx), check_overdue(ctx))
        print("LOADED", {_loaded(("sqlmodel", "pydantic", "sqlalchemy.orm", "inquiry_tui.store.models"))})
        ctx.close()
        """
    )
    out = _run(script, {**os.environ, "INQUIRY_TUI_LOGIN": "boss"})
    written = out.split("WRITTEN ")[1].split()
    assert int(written[0]) >= 1 and written[1] == "0", out
    assert "LOADED []" in out, out


def test_the_command_line_opens_the_tui_without_typer_or_pydantic(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """`inquiry-tui --db X` up to opening the TUI on the connected store: typer (which coerces its options through
    pydantic) is not loaded for it, nor SQLAlchemy (docs/performance.md, "Start without typer, session 16")."""
    from inquiry_tui.cli import app

    monkeypatch.setenv("INQUIRY_TUI_LOGIN", "boss")
    store = tmp_path / "entry.db"
    result = CliRunner().invoke(app, ["--db", str(store), "init"])
    assert result.exit_code == 0, result.output
    script = textwrap.dedent(
        f"""
        import sys
        import inquiry_tui.cli as cli
        from inquiry_tui.cli import tui_entry

        def opened(ctx):
            print("ACTING", ctx.actor.login)
            print("LOADED", sorted(m for m in sys.modules if m.split(".")[0] in ("typer", "click", "pydantic", "sqlalchemy")))

        tui_entry.open_tui = opened
        sys.argv = ["inquiry-tui", "--db", {str(store)!r}]
        cli.main()
        """
    )
    out = _run(script, {**os.environ, "INQUIRY_TUI_LOGIN": "boss"})
    assert "ACTING boss" in out and "LOADED []" in out, out
