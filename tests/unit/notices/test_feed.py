"""The notice feed: notify in the producer's transaction, per-account reading, dedupe, mark read."""

from __future__ import annotations

from datetime import timedelta

import pytest

from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.domain.notices import NoticeKind
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.notices.feed import mark_read, notices, notify, unread_count
from tests.conftest import ctx_as


def _send(ctx: Ctx, to: list[int] | int, text: str = "hello", **kw: object) -> int:
    with ctx.write() as session:
        return notify(session, to, kw.pop("kind", NoticeKind.PLATFORM), text, at=ctx.now(), **kw)  # type: ignore[arg-type]


def test_each_account_reads_only_its_own_feed_newest_first(admin_ctx: Ctx) -> None:
    ana, ben = ctx_as(admin_ctx, "ana"), ctx_as(admin_ctx, "ben")
    assert _send(admin_ctx, [ana.actor.id, ben.actor.id], "for both") == 2  # type: ignore[list-item]
    _send(admin_ctx, ana.actor.id, "only ana", kind=NoticeKind.ASSIGNMENT, ref_kind="inquiry", ref_id=7)  # type: ignore[arg-type]
    mine = notices(ana)
    assert [(n.text, n.kind, n.ref_kind, n.ref_id) for n in mine] == [
        ("only ana", NoticeKind.ASSIGNMENT, "inquiry", "7"),
        ("for both", NoticeKind.PLATFORM, "", ""),
    ]
    assert mine[0].title == "New assignment"
    assert [n.text for n in notices(ben)] == ["for both"]
    assert notices(admin_ctx) == []
    assert (unread_count(ana), unread_count(ben), unread_count(admin_ctx)) == (2, 1, 0)


def test_a_rolled_back_change_leaves_no_notice(admin_ctx: Ctx) -> None:
    ana = ctx_as(admin_ctx, "ana")
    with pytest.raises(RuntimeError), admin_ctx.write() as session:
        notify(session, ana.actor.id, NoticeKind.ADMIN_NOTE, "note", at=admin_ctx.now())  # type: ignore[arg-type]
        raise RuntimeError("the producer's change failed")
    assert notices(ana) == []


def test_dedupe_tells_each_account_once(admin_ctx: Ctx) -> None:
    ana, ben = ctx_as(admin_ctx, "ana"), ctx_as(admin_ctx, "ben")
    key = "overdue:42"
    assert _send(admin_ctx, ana.actor.id, "due soon", kind=NoticeKind.OVERDUE, dedupe=key) == 1  # type: ignore[arg-type]
    assert _send(admin_ctx, [ana.actor.id, ben.actor.id], "due soon", kind=NoticeKind.OVERDUE, dedupe=key) == 1  # type: ignore[list-item]
    assert [n.text for n in notices(ana)] == ["due soon"]
    assert [n.text for n in notices(ben)] == ["due soon"]


def test_mark_read_one_or_all_and_never_someone_elses(admin_ctx: Ctx) -> None:
    ana, ben = ctx_as(admin_ctx, "ana"), ctx_as(admin_ctx, "ben")
    for text in ("one", "two", "three"):
        _send(admin_ctx, ana.actor.id, text)  # type: ignore[arg-type]
    _send(admin_ctx, ben.actor.id, "bens")  # type: ignore[arg-type]
    first = notices(ana)[-1]
    assert mark_read(ana, [first.id]) == 1
    assert unread_count(ana) == 2
    assert [n.text for n in notices(ana, unread_only=True)] == ["three", "two"]
    bens = notices(ben)[0]
    with pytest.raises(ValidationError, match=f"no notice {bens.id} in your feed"):
        mark_read(ana, [bens.id])
    assert unread_count(ben) == 1
    assert mark_read(ana) == 2
    assert unread_count(ana) == 0
    assert mark_read(ana) == 0


def test_pages_by_keyset_and_long_text_is_cut(admin_ctx: Ctx) -> None:
    ana = ctx_as(admin_ctx, "ana")
    for i in range(5):
        _send(admin_ctx, ana.actor.id, f"n{i}")  # type: ignore[arg-type]
    _send(admin_ctx, ana.actor.id, "x" * 10_000)  # type: ignore[arg-type]
    page = notices(ana, limit=3)
    assert len(page[0].text) == 2_000
    rest = notices(ana, before_id=page[-1].id, limit=10)
    assert [n.text for n in rest] == ["n2", "n1", "n0"]
    assert all(n.created_at - admin_ctx.now() < timedelta(seconds=1) for n in rest)
