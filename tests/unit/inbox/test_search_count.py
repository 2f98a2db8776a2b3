"""The search's count: its hits that are not deleted, up to the cap, told by the index of the deleted ones."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text

from inquiry_tui.services.context import Ctx, connect_system
from inquiry_tui.services.inbox import listing as inbox
from inquiry_tui.services.setup.company import load_json, set_up_company
from inquiry_tui.services.setup.synthetic import generate
from inquiry_tui.services.team.accounts import init_company
from inquiry_tui.store.engine import make_engine
from inquiry_tui.store.queries import inbox as q_inbox
from tests.conftest import ctx_as, fixed_clock

TERMS = ("led", "solar", "sol", "solar flood", "invitation", "qqqzzzx")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ctx]:
    """800 inquiries, a third of the hits of `led` deleted (boss, the admin)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('search-count') / 'store.db'}"
    system = connect_system(url)
    system.clock = fixed_clock
    system.read_engine = make_engine(url, read_only=True)
    init_company(system, "boss", "The Boss")
    boss = ctx_as(system, "boss")
    set_up_company(boss, load_json("company.json"))
    generate(boss, 800, 20261202)
    with boss.write() as session:
        session.execute(
            text(
                "UPDATE inquiry SET folder = 'deleted' WHERE id IN "
                "(SELECT rowid FROM inquiry_fts WHERE inquiry_fts MATCH 'led' AND rowid % 3 = 0)"
            )
        )
    yield boss
    system.close()


def _brute_count(ctx: Ctx, terms: str, cap: int) -> int:
    """Hits of TERMS not deleted (the actor's own for a salesperson), read row by row, up to CAP."""
    query = inbox.fts_query(terms)
    if query is None:
        return 0
    mine = "" if ctx.actor.is_admin else f" AND i.owner_id = {ctx.actor.id}"
    sql = (
        "SELECT count(*) FROM (SELECT i.id FROM inquiry i WHERE i.folder != 'deleted'"
        f"{mine} AND i.id IN (SELECT rowid FROM inquiry_fts WHERE inquiry_fts MATCH :q) LIMIT :cap)"
    )
    with ctx.read() as session:
        return int(session.execute(text(sql), {"q": query, "cap": cap}).scalar_one())


@pytest.mark.parametrize("login", ["boss", "ana"])
@pytest.mark.parametrize("cap", [5, 10_000])
def test_the_count_leaves_out_the_deleted_hits(
    store: Ctx, login: str, cap: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inbox, "SEARCH_COUNT_CAP", cap - 1)
    ctx = ctx_as(store, login)
    with store.read() as session:
        deleted_led = session.execute(
            text(
                "SELECT count(*) FROM inquiry i JOIN inquiry_fts f ON f.rowid = i.id "
                "WHERE inquiry_fts MATCH 'led' AND i.folder = 'deleted'"
            )
        ).scalar_one()
    assert deleted_led > 0  # the store has deleted hits to leave out
    for terms in TERMS:
        assert inbox.count_search(ctx, terms) == _brute_count(ctx, terms, cap), terms


def test_an_inquiry_deleted_or_restored_changes_the_count(store: Ctx) -> None:
    before = inbox.count_search(store, "led")
    hit = inbox.search(store, "led", limit=1).rows[0]
    with store.write() as session:
        session.execute(text("UPDATE inquiry SET folder = 'deleted' WHERE id = :id"), {"id": hit.id})
    try:
        assert inbox.count_search(store, "led") == before - 1
    finally:
        with store.write() as session:
            session.execute(text("UPDATE inquiry SET folder = 'inbox' WHERE id = :id"), {"id": hit.id})
    assert inbox.count_search(store, "led") == before


def test_the_admins_count_reads_no_inquiry_row(store: Ctx) -> None:
    """The plan probes ix_inquiry_deleted (migration 0017) for each hit, not the hit's row by its id."""
    sql = q_inbox.count_search_sql(sqlite=True, own=False)
    with store.read() as session:
        plan = [str(r[3]) for r in session.execute(text(f"EXPLAIN QUERY PLAN {sql}"), {"q": '"led"*', "cap": 10})]
    assert any(line.startswith("SEARCH d USING") and "ix_inquiry_deleted" in line for line in plan), plan
    assert not any("PRIMARY KEY" in line for line in plan), plan  # no read of each hit's row by its id
