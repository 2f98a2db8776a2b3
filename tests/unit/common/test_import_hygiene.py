"""The headless layers and non-TUI commands never import textual (docs/architecture.md, Layers)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path


def test_headless_layers_and_cli_do_not_import_textual(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import importlib, os, pkgutil, sys
        import inquiry_tui
        for info in pkgutil.walk_packages(inquiry_tui.__path__, "inquiry_tui."):
            if info.name.startswith("inquiry_tui.tui") or ".migrations" in info.name:
                continue
            importlib.import_module(info.name)
        from typer.testing import CliRunner
        from inquiry_tui.cli import app
        os.environ["INQUIRY_TUI_LOGIN"] = "boss"
        db = {str(tmp_path / "h.db")!r}
        runner = CliRunner()
        for args in (["init"], ["account", "list"], ["settings", "show", "--json"], ["seed", "--inquiries", "20"]):
            result = runner.invoke(app, ["--db", db, *args])
            assert result.exit_code == 0, (args, result.output)
        loaded = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
        print("TEXTUAL:", loaded)
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "TEXTUAL: []" in out.stdout


def test_the_cli_and_the_tui_reach_the_store_only_through_services() -> None:
    """Direction: tui -> services, cli -> services (the store and its sessions stay below them)."""
    import ast

    package = Path(__file__).resolve().parents[3] / "inquiry_tui"
    offenders = []
    for layer in ("cli", "tui"):
        for path in sorted((package / layer).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = (
                    [node.module or ""]
                    if isinstance(node, ast.ImportFrom)
                    else ([a.name for a in node.names] if isinstance(node, ast.Import) else [])
                )
                offenders += [
                    f"{path.relative_to(package)}: {n}"
                    for n in names
                    if n.startswith(("inquiry_tui.store", "sqlmodel"))
                ]
    assert offenders == []


def test_record_validation_stays_off_the_tuis_start_up_path() -> None:
    """The record models (pydantic glue) and email-validator load when input is first checked, not at start."""
    script = "import sys, inquiry_tui.tui.app; print(sorted(m for m in sys.modules if m.startswith(("
    script += "'inquiry_tui.services.records', 'email_validator'))))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


# What opening the TUI must not load: the command modules and the services only they use, the
# migration machinery, record validation, HTML and PDF libraries, progress bars
# (docs/performance.md, "Start").
NOT_AT_START = (
    "inquiry_tui.cli.commands",
    "inquiry_tui.cli.arrivals",
    "inquiry_tui.cli.seed",
    "inquiry_tui.services.arrivals.pipeline",
    "inquiry_tui.services.setup.synthetic",
    "inquiry_tui.services.mail.maildir",
    "inquiry_tui.services.records",
    "alembic",
    "email_validator",
    "bs4",
    "fpdf",
    "rich.progress",
)


def test_opening_the_tui_imports_only_its_start_path() -> None:
    """The entry point with no command runs the root alone: the inbox's imports, none of the commands'."""
    script = (
        "import sys\n"
        "import inquiry_tui.cli as cli\n"
        "assert cli.opens_tui(['--db', 'x.db', '--as', 'ana']) and cli.opens_tui(['--db=x.db'])\n"
        "assert not cli.opens_tui(['-h']) and not cli.opens_tui(['--db', 'x.db', 'stats'])\n"
        "assert not cli.opens_tui(['--db']) and not cli.opens_tui(['--db', '--as'])\n"
        "import inquiry_tui.cli.root, inquiry_tui.tui.app, inquiry_tui.tui.inbox.screen\n"
        f"bad = {NOT_AT_START!r}\n"
        "print(sorted(m for m in sys.modules if m.startswith(bad)))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
