"""services.triage: each action's effect, role rules, stale versions, audit rows, purge."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import text

from inquiry_tui.domain.errors import NotFound, PermissionDenied, StaleWrite, ValidationError
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.inbox import listing as inbox
from inquiry_tui.services.inbox import triage
from inquiry_tui.services.inbox.listing import InquiryRow
from tests.conftest import FIXED_NOW, ctx_as


def _first(ctx: Ctx, folder: str, **want: object) -> InquiryRow:
    key = None
    while True:
        page = inbox.page_after(ctx, folder, key, 200)
        for row in page:
            if all(getattr(row, k) == v for k, v in want.items()):
                return row  # type: ignore[return-value]
        assert len(page) == 200, f"no {want} in {folder}"
        key = page[-1].key


def _one(ctx: Ctx, sql: str, **params: object) -> object:
    with ctx.read() as session:
        return session.execute(text(sql), params).scalar_one()


def _audit(ctx: Ctx, action: str, inquiry_id: int) -> list[dict[str, str]]:
    with ctx.read() as session:
        rows = session.execute(
            text("SELECT actor, before, after FROM audit_log WHERE action = :a AND entity_id = :i"),
            {"a": action, "i": str(inquiry_id)},
        ).all()
    return [{"actor": r[0], "before": r[1], "after": r[2]} for r in rows]


def test_read_and_tag_toggle_and_bump_the_version(sample_ctx: Ctx) -> None:
    row = _first(sample_ctx, "all", unread=True, tagged=False)
    read = triage.set_read(sample_ctx, row.id, True, row.version)
    assert not read.unread and read.version == row.version + 1
    tagged = triage.set_tagged(sample_ctx, row.id, True, read.version)
    assert tagged.tagged and tagged.version == read.version + 1
    assert triage.set_tagged(sample_ctx, row.id, True, tagged.version).version == tagged.version  # no-op
    unread = triage.set_read(sample_ctx, row.id, False, tagged.version)
    assert unread.unread
    assert row.id in {r.id for r in inbox.page_after(sample_ctx, "tagged", None, 500)}


def test_a_stale_version_is_refused(sample_ctx: Ctx) -> None:
    row = _first(sample_ctx, "all", tagged=False)
    triage.set_tagged(sample_ctx, row.id, True, row.version)
    with pytest.raises(StaleWrite, match="changed by someone else"):
        triage.set_read(sample_ctx, row.id, True, row.version)
    with pytest.raises(StaleWrite):
        triage.delete_inquiry(sample_ctx, row.id, row.version)


def test_junk_counts_as_a_response_and_is_audited(sample_ctx: Ctx) -> None:
    row = _first(sample_ctx, "all", replied=False, unread=True)
    assert _one(sample_ctx, "SELECT first_response_at FROM inquiry WHERE id = :i", i=row.id) is None
    state = triage.set_junk(sample_ctx, row.id, True, row.version)
    assert state.folder == "junk" and state.is_junk and state.first_response_at == FIXED_NOW and not state.overdue
    assert _audit(sample_ctx, "inquiry_junk", row.id)[0]["actor"] == "boss"
    back = triage.set_junk(sample_ctx, row.id, False, state.version)
    assert back.folder == "inbox" and not back.is_junk
    assert back.first_response_at == FIXED_NOW  # the response stays a response
    assert json.loads(_audit(sample_ctx, "inquiry_not_junk", row.id)[0]["after"]) == {
        "folder": "inbox",
        "is_junk": False,
    }


def test_delete_and_restore_return_junk_to_junk(sample_ctx: Ctx) -> None:
    junk = _first(sample_ctx, "junk")
    gone = triage.delete_inquiry(sample_ctx, junk.id, junk.version)
    assert gone.folder == "deleted"
    assert _one(sample_ctx, "SELECT deleted_at IS NOT NULL FROM inquiry WHERE id = :i", i=junk.id) == 1
    assert triage.restore_inquiry(sample_ctx, junk.id, gone.version).folder == "junk"
    normal = _first(sample_ctx, "all")
    gone = triage.delete_inquiry(sample_ctx, normal.id, normal.version)
    back = triage.restore_inquiry(sample_ctx, normal.id, gone.version)
    assert back.folder == "inbox"
    assert _one(sample_ctx, "SELECT deleted_at FROM inquiry WHERE id = :i", i=normal.id) is None
    assert _audit(sample_ctx, "inquiry_delete", normal.id) and _audit(sample_ctx, "inquiry_restore", normal.id)
    with pytest.raises(ValidationError):
        triage.restore_inquiry(sample_ctx, normal.id, back.version)


def test_deleting_is_not_a_response(sample_ctx: Ctx) -> None:
    row = _first(sample_ctx, "all", replied=False)
    triage.delete_inquiry(sample_ctx, row.id, row.version)
    assert _one(sample_ctx, "SELECT first_response_at FROM inquiry WHERE id = :i", i=row.id) is None


def test_junk_judgement_on_a_deleted_inquiry_decides_where_restore_goes(sample_ctx: Ctx) -> None:
    row = _first(sample_ctx, "all")
    gone = triage.delete_inquiry(sample_ctx, row.id, row.version)
    judged = triage.set_junk(sample_ctx, row.id, True, gone.version)
    assert judged.folder == "deleted" and judged.is_junk
    assert triage.restore_inquiry(sample_ctx, row.id, judged.version).folder == "junk"


def test_reply_answers_clears_overdue_and_touches_the_buyer(sample_ctx: Ctx) -> None:
    row = _first(sample_ctx, "all", overdue=True)
    buyer_version = _one(sample_ctx, "SELECT version FROM buyer WHERE id = :b", b=row.buyer_id)
    state = triage.reply(sample_ctx, row.id, "Dear buyer,\nthe price is 3.20 USD.\n", row.version)
    assert state.replied and not state.unread and not state.overdue and state.first_response_at == FIXED_NOW
    with sample_ctx.read() as session:
        direction, author, body = session.execute(
            text("SELECT direction, author_id, body FROM message WHERE inquiry_id = :i ORDER BY id DESC LIMIT 1"),
            {"i": row.id},
        ).one()
    assert (direction, author, body) == ("out", sample_ctx.actor.id, "Dear buyer,\nthe price is 3.20 USD.")
    assert _one(sample_ctx, "SELECT last_contact_at FROM buyer WHERE id = :b", b=row.buyer_id) is not None
    assert _one(sample_ctx, "SELECT version FROM buyer WHERE id = :b", b=row.buyer_id) == buyer_version
    assert row.id in {r.id for r in inbox.page_after(sample_ctx, "sent", None, 500)}
    assert row.id in {r.id for r in inbox.search(sample_ctx, "3.20 USD", limit=5).rows}  # the FTS trigger


def test_a_second_reply_keeps_the_first_response_time(sample_ctx: Ctx) -> None:
    row = _first(sample_ctx, "all", replied=True)
    first = _one(sample_ctx, "SELECT first_response_at FROM inquiry WHERE id = :i", i=row.id)
    triage.reply(sample_ctx, row.id, "One more thing.", row.version)
    assert _one(sample_ctx, "SELECT first_response_at FROM inquiry WHERE id = :i", i=row.id) == first


def test_reply_refuses_empty_and_deleted(sample_ctx: Ctx) -> None:
    row = _first(sample_ctx, "all")
    with pytest.raises(ValidationError):
        triage.reply(sample_ctx, row.id, "  \n ", row.version)
    gone = triage.delete_inquiry(sample_ctx, row.id, row.version)
    with pytest.raises(ValidationError, match="restore"):
        triage.reply(sample_ctx, row.id, "hello", gone.version)


def test_a_salesperson_acts_only_on_their_own(sample_ctx: Ctx) -> None:
    ana = ctx_as(sample_ctx, "ana")
    mine = _first(ana, "all")
    theirs = _first(sample_ctx, "all", owner_login="ben")
    assert triage.set_tagged(ana, mine.id, not mine.tagged, mine.version).tagged != mine.tagged
    for action in (
        lambda: triage.set_read(ana, theirs.id, True, theirs.version),
        lambda: triage.set_tagged(ana, theirs.id, True, theirs.version),
        lambda: triage.set_junk(ana, theirs.id, True, theirs.version),
        lambda: triage.delete_inquiry(ana, theirs.id, theirs.version),
        lambda: triage.restore_inquiry(ana, theirs.id, theirs.version),
        lambda: triage.reply(ana, theirs.id, "hi", theirs.version),
        lambda: triage.get_state(ana, theirs.id),
    ):
        with pytest.raises(NotFound):
            action()


def test_purge_is_admin_only_and_takes_only_old_deletions(sample_ctx: Ctx) -> None:
    with pytest.raises(PermissionDenied):
        triage.purge_deleted(ctx_as(sample_ctx, "ana"))
    with pytest.raises(ValidationError):
        triage.purge_deleted(sample_ctx, 5)
    old = _one(
        sample_ctx,
        "SELECT count(*) FROM inquiry WHERE folder = 'deleted' AND deleted_at < :c",
        c=(FIXED_NOW - timedelta(days=30)).strftime("%Y-%m-%d %H:%M:%S.%f"),
    )
    row = _first(sample_ctx, "all")
    triage.delete_inquiry(sample_ctx, row.id, row.version)  # deleted today: kept
    result = triage.purge_deleted(sample_ctx)
    assert result.purged == old and old > 0 and result.messages >= old
    assert _one(sample_ctx, "SELECT count(*) FROM inquiry WHERE folder = 'deleted'") >= 1
    assert _one(sample_ctx, "SELECT folder FROM inquiry WHERE id = :i", i=row.id) == "deleted"
    doc_id = "rowid" if sample_ctx.engine.dialect.name == "sqlite" else "id"  # the search table's key per engine
    assert _one(sample_ctx, f"SELECT count(*) FROM inquiry_fts WHERE {doc_id} NOT IN (SELECT id FROM inquiry)") == 0
    with sample_ctx.read() as session:
        after = json.loads(
            session.execute(text("SELECT after FROM audit_log WHERE action = 'inquiry_purge'")).scalar_one()
        )
    assert after["count"] == old
    assert triage.purge_deleted(sample_ctx).purged == 0
