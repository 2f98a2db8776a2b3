"""A lost race is told: a stale reassignment names who changed the inquiry; a reply to one taken away says where it went."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from inquiry_tui.domain.errors import NotFound, StaleWrite
from inquiry_tui.services.allocation.assignment import assign_inquiry
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.inbox.triage import get_state, reply
from tests.admin_helpers import arrive
from tests.conftest import FIXED_NOW, ctx_as


def test_two_sessions_reassign_one_inquiry_the_stale_one_is_told_who(admin_ctx: Ctx) -> None:
    iid = arrive(admin_ctx, FIXED_NOW - timedelta(hours=1))
    assign_inquiry(admin_ctx, iid, "ana")
    seen = get_state(admin_ctx, iid).version  # what both screens show
    ana = ctx_as(admin_ctx, "ana")
    assign_inquiry(ana, iid, "cara", expected_version=seen)  # ana hands it over first
    with pytest.raises(StaleWrite) as refused:
        assign_inquiry(admin_ctx, iid, "ben", expected_version=seen)  # the admin's screen is stale
    assert re.fullmatch(
        rf"Inquiry {iid} was changed by ana at \d\d:\d\d \(reassigned to cara\); reloaded, please try again\.",
        str(refused.value),
    )
    assert get_state(admin_ctx, iid).owner_id == ctx_as(admin_ctx, "cara").actor.id


def test_replying_to_an_inquiry_just_reassigned_says_where_it_went(admin_ctx: Ctx) -> None:
    iid = arrive(admin_ctx, FIXED_NOW - timedelta(hours=1))
    assign_inquiry(admin_ctx, iid, "ana")
    ana = ctx_as(admin_ctx, "ana")
    seen = get_state(ana, iid).version
    assign_inquiry(admin_ctx, iid, "ben")  # another session, meanwhile
    with pytest.raises(NotFound, match=rf"^#{iid} was reassigned to ben at \d\d:\d\d$"):
        reply(ana, iid, "Our price is USD 4.20", expected_version=seen)
    other = arrive(admin_ctx, FIXED_NOW - timedelta(hours=2), "other@x.example")
    assign_inquiry(admin_ctx, other, "ben")
    with pytest.raises(NotFound, match=rf"^no inquiry {other}$"):  # never hers: its existence is not told
        reply(ana, other, "Hello")
