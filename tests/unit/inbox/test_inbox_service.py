"""services.inbox and services.thread: counts, keyset pages, positions, search, lookups, thread detail."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from inquiry_tui.domain.errors import NotFound, ValidationError
from inquiry_tui.services.allocation.assignment import assign_inquiry
from inquiry_tui.services.context import Ctx, connect_system
from inquiry_tui.services.inbox import listing as inbox
from inquiry_tui.services.inbox import thread, triage
from inquiry_tui.services.setup.company import load_json, set_up_company
from inquiry_tui.services.setup.synthetic import generate
from inquiry_tui.services.team.accounts import init_company
from inquiry_tui.store.engine import make_engine
from tests.conftest import ctx_as, fixed_clock

WHERE = {
    "all": "folder = 'inbox'",
    "unread": "unread = 1 AND folder = 'inbox'",
    "sent": "replied = 1 AND folder != 'deleted'",
    "tagged": "tagged = 1 AND folder != 'deleted'",
    "email": "channel = 'email' AND folder = 'inbox'",
    "junk": "folder = 'junk'",
    "deleted": "folder = 'deleted'",
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ctx]:
    """A read-only sample store shared by this module (boss + ana..gus, 2,000 inquiries)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('inbox') / 'store.db'}"
    system = connect_system(url)
    system.clock = fixed_clock
    system.read_engine = make_engine(url, read_only=True)
    init_company(system, "boss", "The Boss")
    boss = ctx_as(system, "boss")
    set_up_company(boss, load_json("company.json"))
    generate(boss, 2000, 20261123)
    yield boss
    system.close()


def _ids(ctx: Ctx, folder: str) -> list[int]:
    """Brute force: the folder's ids newest first, for the acting account."""
    own = "" if ctx.actor.is_admin else f" AND owner_id = {ctx.actor.id}"
    with ctx.read() as session:
        if folder == "allocation":
            since = "datetime('2026-11-23 09:30:00', '-30 days')"
            own = "" if ctx.actor.is_admin else f" AND (to_id = {ctx.actor.id} OR from_id = {ctx.actor.id})"
            sql = f"SELECT inquiry_id FROM allocation_record WHERE at >= {since}{own} ORDER BY at DESC, id DESC"
        else:
            sql = f"SELECT id FROM inquiry WHERE {WHERE[folder]}{own} ORDER BY received_at DESC, id DESC"
        return [r[0] for r in session.execute(text(sql))]


def _walk(ctx: Ctx, folder: str, size: int) -> list[Any]:
    rows: list[Any] = []
    key = None
    while True:
        page = inbox.page_after(ctx, folder, key, size)
        rows += page
        if len(page) < size:
            return rows
        key = page[-1].key


@pytest.mark.parametrize("login", ["boss", "ana"])
def test_counts_match_the_folders(store: Ctx, login: str) -> None:
    ctx = ctx_as(store, login)
    counts = inbox.folder_counts(ctx)
    for folder in inbox.FOLDER_NAMES:
        assert counts.of(folder) == len(_ids(ctx, folder)), folder
        assert inbox.count_folder(ctx, folder) == counts.of(folder)
    assert counts.all > 0 and counts.junk > 0 and counts.deleted > 0 and counts.allocation > 0


@pytest.mark.parametrize("login", ["boss", "ana"])
@pytest.mark.parametrize("folder", inbox.FOLDER_NAMES)
def test_keyset_walk_is_the_folder_newest_first(store: Ctx, login: str, folder: str) -> None:
    ctx = ctx_as(store, login)
    rows = _walk(ctx, folder, 97)
    assert [r.id for r in rows] == _ids(ctx, folder)
    keys = [r.key for r in rows]
    assert keys == sorted(keys, reverse=True) and len(set(keys)) == len(keys)
    if not ctx.actor.is_admin and folder != "allocation":
        assert {r.inquiry.owner_login for r in rows} <= {"ana"}


def test_page_before_is_the_rows_just_newer(store: Ctx) -> None:
    rows = _walk(store, "all", 200)
    anchor = rows[150]
    before = inbox.page_before(store, "all", anchor.key, 40)
    assert [r.id for r in before] == [r.id for r in rows[110:150]]
    assert inbox.page_before(store, "all", rows[3].key, 40) == rows[:3]


def test_key_at_agrees_with_positions_from_every_start(store: Ctx) -> None:
    rows = _walk(store, "all", 500)
    total = len(rows)
    for position in (0, 1, 63, 64, total // 2, total - 2, total - 1):
        assert inbox.key_at(store, "all", position, total) == rows[position].key
        for hint_pos in (0, 100, total - 50):
            hint = (hint_pos, rows[hint_pos].key)
            assert inbox.key_at(store, "all", position, total, hint) == rows[position].key
    assert inbox.key_at(store, "all", total + 5, total) is None


@pytest.mark.parametrize(
    ("login", "folder"), [("boss", "all"), ("boss", "sent"), ("ana", "all"), ("boss", "allocation")]
)
@pytest.mark.parametrize("step", [1, 100, 1024])
def test_key_ladder_holds_the_key_at_every_steps_position(store: Ctx, login: str, folder: str, step: int) -> None:
    ctx = ctx_as(store, login)
    rows = _walk(ctx, folder, 500)
    assert inbox.key_ladder(ctx, folder, step) == tuple(r.key for r in rows[::step])


def test_page_at_starts_at_the_position(store: Ctx) -> None:
    rows = _walk(store, "sent", 500)
    page = inbox.page_at(store, "sent", 640, 64, len(rows))
    assert [r.id for r in page] == [r.id for r in rows[640:704]]


def test_window_puts_the_anchor_on_its_aligned_page(store: Ctx) -> None:
    rows = _walk(store, "all", 500)
    anchor = rows[200]
    w = inbox.window(store, "all", anchor.key, 64, with_total=True)
    assert w.total == len(rows)
    assert w.first_position == 192 and w.anchor_position == 200
    assert [r.id for r in w.rows] == [r.id for r in rows[192:256]]
    top = inbox.window(store, "all", None, 64)
    assert top.first_position == 0 and [r.id for r in top.rows] == [r.id for r in rows[:64]]


def test_window_after_the_anchor_left_starts_at_the_next_row(sample_ctx: Ctx) -> None:
    rows = _walk(sample_ctx, "all", 500)
    gone = rows[70]
    triage.delete_inquiry(sample_ctx, gone.id, gone.version)
    w = inbox.window(sample_ctx, "all", gone.key, 64, anchor_position=70)
    assert w.rows[w.anchor_position - w.first_position].id == rows[71].id
    assert gone.id not in {r.id for r in w.rows}


def test_rows_carry_badges_and_buyer_text(store: Ctx) -> None:
    rows = _walk(store, "all", 500)
    assert any(r.verified for r in rows) and any(r.auto_replies for r in rows)
    assert any(r.overdue for r in rows) and any(r.tagged for r in rows) and any(r.unread for r in rows)
    assert all(r.buyer_name and r.subject for r in rows)
    for r in rows:
        if r.overdue:
            assert r.folder == "inbox" and not r.replied


def test_unknown_folder_is_refused(store: Ctx) -> None:
    with pytest.raises(ValidationError):
        inbox.page_after(store, "spam'; DROP TABLE inquiry; --", None, 10)


# --- search ----------------------------------------------------------------------------------


def test_fts_query_quotes_every_word() -> None:
    assert inbox.fts_query("solar panel") == '"solar" "panel"*'
    assert inbox.fts_query('say "hi" OR NEAR(x') == '"say" """hi""" "OR" "NEAR(x"*'
    assert inbox.fts_query("  ") is None
    assert inbox.fts_query("!!! ---") is None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=30))
def test_any_typed_text_is_a_valid_search(store: Ctx, typed: str) -> None:
    page = inbox.search(store, typed, limit=5)
    assert len(page.rows) <= 5
    inbox.count_search(store, typed)


def test_search_is_newest_first_and_pages_by_id(store: Ctx) -> None:
    first = inbox.search(store, "solar", limit=20)
    assert len(first.rows) == 20 and first.more
    ids = [r.id for r in first.rows]
    assert ids == sorted(ids, reverse=True)
    second = inbox.search(store, "solar", after_id=ids[-1], limit=20)
    assert second.rows[0].id < ids[-1]
    with store.read() as session:
        expected = [
            r[0]
            for r in session.execute(
                text(
                    "SELECT f.rowid FROM inquiry_fts f JOIN inquiry i ON i.id = f.rowid "
                    "WHERE inquiry_fts MATCH 'solar*' AND i.folder != 'deleted' ORDER BY f.rowid DESC LIMIT 40"
                )
            )
        ]
    assert ids + [r.id for r in second.rows] == expected


def test_search_matches_prefix_body_and_company_but_never_deleted(store: Ctx) -> None:
    assert inbox.search(store, "sol").rows  # prefix of the last word
    with store.read() as session:
        company = session.execute(
            text("SELECT b.company FROM buyer b JOIN inquiry i ON i.buyer_id = b.id LIMIT 1")
        ).scalar_one()
        deleted = set(session.execute(text("SELECT id FROM inquiry WHERE folder = 'deleted'")).scalars())
    hits = inbox.search(store, company, limit=200).rows
    assert hits and all(r.id not in deleted for r in hits)
    assert not {r.id for r in inbox.search(store, "hello", limit=500).rows} & deleted


def test_search_for_a_salesperson_is_their_own(store: Ctx) -> None:
    ana = ctx_as(store, "ana")
    rows = inbox.search(ana, "led", limit=100).rows
    assert rows and {r.owner_login for r in rows} == {"ana"}
    assert inbox.count_search(ana, "led") < inbox.count_search(store, "led")


def test_ranked_search_ranks_only_the_newest_candidates(store: Ctx, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inbox, "RANK_CANDIDATES", 30)
    newest = {r.id for r in inbox.search(store, "led", limit=30).rows}
    ranked = inbox.search(store, "led", limit=50, ranked=True)
    assert ranked.rows and not ranked.more
    assert {r.id for r in ranked.rows} <= newest


def test_count_search_is_capped(store: Ctx, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inbox, "SEARCH_COUNT_CAP", 10)
    assert inbox.count_search(store, "led") == 11
    assert inbox.count_search(store, "qqqzzzx") == 0


# --- palette lookups, thread detail ----------------------------------------------------------


def test_find_inquiries_by_id_and_by_buyer(store: Ctx) -> None:
    row = _walk(store, "all", 500)[10]
    assert [h.id for h in inbox.find_inquiries(store, f"#{row.id}")] == [row.id]
    by_name = inbox.find_inquiries(store, row.buyer_name.split()[0])
    assert by_name and all(h.buyer_name.startswith(row.buyer_name.split()[0]) or h.buyer_email for h in by_name)
    assert inbox.find_inquiries(store, "%") == [] or all(h.id for h in inbox.find_inquiries(store, "%"))
    ana = ctx_as(store, "ana")
    others = [r for r in _walk(store, "all", 500) if r.owner_login != "ana"]
    assert inbox.find_inquiries(ana, str(others[0].id)) == []


def test_thread_detail_tells_directions_apart_in_order(store: Ctx) -> None:
    with store.read() as session:
        inquiry_id = session.execute(
            text(
                "SELECT inquiry_id FROM message GROUP BY inquiry_id HAVING count(DISTINCT direction) = 3 ORDER BY inquiry_id DESC LIMIT 1"
            )
        ).scalar_one()
    d = thread.thread_detail(store, inquiry_id)
    assert {m.direction for m in d.messages} == {"in", "out", "auto"}
    assert [m.sent_at for m in d.messages] == sorted(m.sent_at for m in d.messages)
    assert next(m for m in d.messages if m.direction == "out").author
    assert d.allocations and d.allocations[0].from_login is None
    assert d.owner_login and d.buyer_email


def test_thread_detail_shows_overdue_and_junk_reasons(store: Ctx) -> None:
    rows = _walk(store, "all", 500)
    overdue = next(r for r in rows if r.overdue)
    assert thread.thread_detail(store, overdue.id).overdue
    junk = _walk(store, "junk", 100)[0]
    d = thread.thread_detail(store, junk.id)
    assert d.is_junk and d.junk_reasons and d.junk_score > 0


def test_thread_detail_and_history_hide_others_inquiries(store: Ctx) -> None:
    ana = ctx_as(store, "ana")
    other = next(r for r in _walk(store, "all", 500) if r.owner_login != "ana")
    with pytest.raises(NotFound):
        thread.thread_detail(ana, other.id)
    with pytest.raises(NotFound):
        thread.allocation_history(ana, other.id)
    with pytest.raises(NotFound):
        thread.thread_detail(store, 10**9)


def test_allocation_history_records_a_reassignment(sample_ctx: Ctx) -> None:
    row = inbox.page_after(sample_ctx, "all", None, 1)[0]
    target = "ben" if row.owner_login != "ben" else "cara"
    assign_inquiry(sample_ctx, row.id, target, row.version)
    history = thread.allocation_history(sample_ctx, row.id)
    assert history[-1].to_login == target and history[-1].rule == "manual" and history[-1].actor == "boss"
    record = inbox.page_after(sample_ctx, "allocation", None, 1)[0]
    assert record.inquiry.id == row.id and record.to_login == target


def test_a_salespersons_allocation_record_includes_what_left_them(sample_ctx: Ctx) -> None:
    ana = ctx_as(sample_ctx, "ana")
    mine = inbox.page_after(ana, "all", None, 1)[0]
    assign_inquiry(ana, mine.id, "ben", mine.version)
    record = inbox.page_after(ana, "allocation", None, 1)[0]
    assert (record.from_login, record.to_login, record.rule) == ("ana", "ben", "handover")


def test_in_folder() -> None:
    state = {"folder_state": "inbox", "unread": True, "tagged": False, "replied": False}
    assert inbox.in_folder("all", **state) and inbox.in_folder("unread", **state)
    assert not inbox.in_folder("sent", **state) and not inbox.in_folder("tagged", **state)
    junk = {**state, "folder_state": "junk", "tagged": True}
    assert inbox.in_folder("junk", **junk) and inbox.in_folder("tagged", **junk) and not inbox.in_folder("all", **junk)
    gone = {**state, "folder_state": "deleted", "tagged": True, "replied": True}
    assert (
        inbox.in_folder("deleted", **gone)
        and not inbox.in_folder("tagged", **gone)
        and not inbox.in_folder("sent", **gone)
    )
