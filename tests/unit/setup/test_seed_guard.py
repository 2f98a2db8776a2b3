"""Issue 11, item 7: seed is for empty stores, bounded, and one transaction (a killed seed changes nothing)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from inquiry_tui.cli import app
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.setup import seed as seed_service
from tests.conftest import cli_db, store_rows

runner = CliRunner()
COUNTS = (
    "SELECT (SELECT count(*) FROM inquiry), (SELECT count(*) FROM buyer), (SELECT count(*) FROM account), "
    "(SELECT count(*) FROM product), (SELECT count(*) FROM setting), (SELECT count(*) FROM rfq), "
    "(SELECT count(*) FROM audit_log)"
)


def one_error_line(result, *fragments: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def test_seed_refuses_a_store_with_inquiries(admin_ctx: Ctx, db_url: str) -> None:
    db = cli_db(db_url)
    assert runner.invoke(app, ["--db", db, "seed", "--inquiries", "5", "--rfqs", "0"]).exit_code == 0
    before = store_rows(db, COUNTS)
    for words in (["seed", "--inquiries", "5"], ["seed", "--sample"]):
        one_error_line(
            runner.invoke(app, ["--db", db, *words]), "already holds 5 inquiries", "init", "nothing was changed"
        )
    assert store_rows(db, COUNTS) == before


def test_seed_bounds_its_counts_before_opening_the_store(admin_ctx: Ctx, db_url: str) -> None:
    db = cli_db(db_url)
    before = store_rows(db, COUNTS)
    one_error_line(runner.invoke(app, ["--db", db, "seed", "--inquiries", "99999999999999999999"]), "10,000,000")
    one_error_line(runner.invoke(app, ["--db", db, "seed", "--inquiries", "5", "--rfqs", "2000000"]), "--rfqs")
    one_error_line(runner.invoke(app, ["--db", db, "seed", "--inquiries", "5", "--visitors", "2000000"]), "--visitors")
    assert store_rows(db, COUNTS) == before


def test_a_seed_stopped_midway_leaves_the_store_as_it_was(
    admin_ctx: Ctx, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The company set-up and every row the generator wrote are one transaction: stopped near the end
    (as by kill -9), nothing of them stays."""
    before = store_rows(cli_db(db_url), COUNTS)

    def killed(*args: object, **kwargs: object) -> None:
        raise RuntimeError("killed")

    monkeypatch.setattr("inquiry_tui.services.setup.synthetic.generate_visitors", killed)  # the last write
    with pytest.raises(RuntimeError, match="killed"):
        seed_service.seed_synthetic(admin_ctx, 30, 1, rfqs=5)
    assert store_rows(cli_db(db_url), COUNTS) == before
