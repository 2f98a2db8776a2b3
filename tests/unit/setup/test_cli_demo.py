"""`inquiry-tui demo`: a fresh sample store in a temporary directory, opened as the OS login (admin)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from inquiry_tui.cli import app, demo
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.inbox import listing as inbox

runner = CliRunner()


def test_demo_builds_a_sample_store_and_opens_it_as_the_os_login(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    opened: list[Ctx] = []
    monkeypatch.setenv("INQUIRY_TUI_LOGIN", "zoe")
    monkeypatch.setattr(demo.tempfile, "mkdtemp", lambda prefix="": str(tmp_path / "demo"))
    (tmp_path / "demo").mkdir()
    monkeypatch.setattr(demo, "open_tui", opened.append)
    result = runner.invoke(app, ["demo"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "demo" / "demo.db").exists()
    ctx = opened[0]
    assert (ctx.actor.login, ctx.actor.role) == ("zoe", "admin")
    counts = inbox.folder_counts(ctx)
    assert counts.all > 1000 and counts.junk > 0
    assert "demo store left in" in result.output
    ctx.close()
