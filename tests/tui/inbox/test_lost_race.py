"""Two sessions reassign the same inquiry: the second, from a stale screen, is refused with who changed it, and reloads."""

from __future__ import annotations

from sqlalchemy import text
from textual.message import Message
from textual.widgets import OptionList

from inquiry_tui.services.allocation.assignment import assign_inquiry
from inquiry_tui.services.context import Ctx
from inquiry_tui.tui.app import InquiryApp
from inquiry_tui.tui.inbox.actions import TriageFailed
from inquiry_tui.tui.inbox.assign import AssignScreen
from inquiry_tui.tui.inbox.inquiry_list import InquiryList
from tests.conftest import ctx_as
from tests.tui.conftest import settle


def _owner(ctx: Ctx, inquiry_id: int) -> str:
    with ctx.read() as session:
        return str(
            session.execute(
                text("SELECT a.login FROM inquiry i JOIN account a ON a.id = i.owner_id WHERE i.id = :i"),
                {"i": inquiry_id},
            ).scalar_one()
        )


async def test_a_stale_reassign_is_refused_naming_who_changed_it(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    refused: list[TriageFailed] = []

    def hook(message: Message) -> None:
        if isinstance(message, TriageFailed):
            refused.append(message)

    async with app.run_test(size=(160, 48), message_hook=hook) as pilot:
        await settle(pilot)
        current = app.screen.query_one(InquiryList).current
        assert current is not None
        row = current.inquiry
        await pilot.press("a")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AssignScreen)
        options = screen.query_one(OptionList)
        logins = [str(options.get_option_at_index(i).id) for i in range(options.option_count)]
        mine, theirs = logins[0], logins[1]
        assign_inquiry(ctx_as(store_ctx, "boss"), row.id, theirs)  # another session of the admin, meanwhile
        options.highlighted = logins.index(mine)
        await pilot.press("enter")
        await settle(pilot)
        assert _owner(store_ctx, row.id) == theirs  # refused: the first change stands
        # The warning the screen shows is the refusal's text (its notification may have timed out on a slow machine).
        told = {str(m.error) for m in refused}  # (the hook sees the message at each node it passes)
        assert len(told) == 1 and all(m.reload for m in refused)
        (text,) = told
        assert f"Inquiry {row.id} was changed by boss at " in text and f"(reassigned to {theirs})" in text
        reloaded = app.screen.query_one(InquiryList).current
        assert reloaded is not None and reloaded.inquiry.id == row.id and reloaded.inquiry.owner_login == theirs
        assert not app.unexpected_errors
