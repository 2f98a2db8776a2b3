"""The block list: validated, normalised, admin only, audited, and obeyed by the next arrival."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from inquiry_tui.cli import app
from inquiry_tui.domain.errors import NotFound, PermissionDenied, ValidationError
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.setup.blocklist import add_block, list_blocks, remove_block
from inquiry_tui.store.models import AuditLog, Inquiry
from tests.admin_helpers import arrive
from tests.conftest import FIXED_NOW


def folder_of(ctx: Ctx, inquiry_id: int) -> str:
    with ctx.read() as session:
        return session.exec(select(Inquiry.folder).where(Inquiry.id == inquiry_id)).one()


def test_values_are_stored_as_arrivals_compare_them(admin_ctx: Ctx) -> None:
    add_block(admin_ctx, "email", "  Spam@Example.COM ", note="seo spam")
    add_block(admin_ctx, "Country", "cn")
    add_block(admin_ctx, "member-id", "sp-0000666")
    assert [(b.kind, b.value, b.note) for b in list_blocks(admin_ctx)] == [
        ("country", "CN", ""),
        ("email", "spam@example.com", "seo spam"),
        ("member_id", "sp-0000666", ""),
    ]


@pytest.mark.parametrize(
    ("kind", "value", "fragment"),
    [
        ("phone", "123", "allowed: email, member_id, country"),
        ("email", "not an address", "not an e-mail address"),
        ("country", "QQ", "ISO 3166-1"),
        ("member_id", "  ", "must not be empty"),
        ("email", "x" * 300 + "@a.example", "at most"),
    ],
)
def test_bad_entries_are_refused_and_nothing_is_stored(admin_ctx: Ctx, kind: str, value: str, fragment: str) -> None:
    with pytest.raises(ValidationError, match=fragment):
        add_block(admin_ctx, kind, value)
    assert list_blocks(admin_ctx) == []


def test_duplicates_and_unknown_removals_are_clear_errors(admin_ctx: Ctx) -> None:
    add_block(admin_ctx, "email", "spam@example.com")
    with pytest.raises(ValidationError, match="already blocked"):
        add_block(admin_ctx, "email", "SPAM@example.com")
    remove_block(admin_ctx, "email", "Spam@Example.com")
    with pytest.raises(NotFound, match="not on the block list"):
        remove_block(admin_ctx, "email", "spam@example.com")


def test_only_the_admin_sees_or_changes_it(admin_ctx: Ctx, sales_ctx: Ctx) -> None:
    add_block(admin_ctx, "country", "CN")
    for attempt in (
        lambda: list_blocks(sales_ctx),
        lambda: add_block(sales_ctx, "country", "RU"),
        lambda: remove_block(sales_ctx, "country", "CN"),
    ):
        with pytest.raises(PermissionDenied, match="only the admin"):
            attempt()
    assert [b.value for b in list_blocks(admin_ctx)] == ["CN"]


def test_changes_are_audited(admin_ctx: Ctx) -> None:
    add_block(admin_ctx, "email", "spam@example.com", note="seo")
    remove_block(admin_ctx, "email", "spam@example.com")
    with admin_ctx.read() as session:
        rows = session.exec(select(AuditLog.action, AuditLog.entity_id).where(AuditLog.entity == "block")).all()
    assert rows == [("block_add", "email:spam@example.com"), ("block_remove", "email:spam@example.com")]


def test_the_next_arrival_obeys_it_and_unblocking_restores_judgement(admin_ctx: Ctx) -> None:
    soon = FIXED_NOW - timedelta(minutes=30)
    add_block(admin_ctx, "email", "Buyer@Acme.example")
    assert folder_of(admin_ctx, arrive(admin_ctx, soon, "buyer@acme.example")) == "deleted"
    add_block(admin_ctx, "country", "br")
    assert (
        folder_of(admin_ctx, arrive(admin_ctx, soon + timedelta(minutes=1), "other@acme.example", country="BR"))
        == "deleted"
    )
    remove_block(admin_ctx, "email", "buyer@acme.example")
    assert folder_of(admin_ctx, arrive(admin_ctx, soon + timedelta(minutes=2), "buyer@acme.example")) == "inbox"


def test_cli(admin_ctx: Ctx, db_url: str) -> None:
    runner = CliRunner()

    def run(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, ["--db", db_url.removeprefix("sqlite:///"), *args], env={"INQUIRY_TUI_LOGIN": "boss"})

    assert run("block", "add", "email", "Spam@X.example", "--note", "seo").exit_code == 0
    listed = run("block", "list")
    assert listed.exit_code == 0 and "spam@x.example" in listed.output and "seo" in listed.output
    bad = run("block", "add", "country", "QQ")
    assert bad.exit_code == 1 and bad.output.count("\n") == 1 and "ISO 3166-1" in bad.output
    assert run("block", "remove", "email", "spam@x.example").exit_code == 0
    missing = run("block", "remove", "email", "spam@x.example")
    assert missing.exit_code == 1 and "not on the block list" in missing.output
    refused = runner.invoke(
        app, ["--db", db_url.removeprefix("sqlite:///"), "block", "list"], env={"INQUIRY_TUI_LOGIN": "ana"}
    )
    assert refused.exit_code == 1 and "only the admin" in refused.output
