"""Manual allocation: the admin reassigns any inquiry; a salesperson hands over their own."""

from __future__ import annotations

from dataclasses import dataclass

from inquiry_tui.domain.errors import NotFound, PermissionDenied, ValidationError
from inquiry_tui.domain.metrics import moved_at
from inquiry_tui.domain.vocabulary import Role, Rule
from inquiry_tui.services.allocation.races import gone_from, stale_inquiry
from inquiry_tui.services.audit import audit
from inquiry_tui.services.context import Ctx, account_by_login
from inquiry_tui.services.notices.producers import Assigned, notify_assignments
from inquiry_tui.store.core import id_of
from inquiry_tui.store.models import Account, AllocationRecord, Inquiry


@dataclass(frozen=True)
class AssignResult:
    inquiry_id: int
    from_login: str
    to_login: str
    rule: str  # Rule.MANUAL (admin) | Rule.HANDOVER (salesperson)
    version: int


def assign_inquiry(ctx: Ctx, inquiry_id: int, login: str, expected_version: int | None = None) -> AssignResult:
    """Give an inquiry to LOGIN (active). `expected_version` guards against stale screens."""
    with ctx.write() as session:
        inquiry = session.get(Inquiry, inquiry_id, with_for_update=True)  # PostgreSQL: writers of one row take turns
        if inquiry is None:
            raise NotFound(f"no inquiry {inquiry_id}")
        if not ctx.actor.is_admin and inquiry.owner_id != ctx.actor.id:
            raise gone_from(session, inquiry_id, ctx.actor.id)  # "#12 was reassigned to ben at 10:42", if it was theirs
        if expected_version is not None and inquiry.version != expected_version:
            raise stale_inquiry(session, inquiry_id)  # names who changed it
        target = account_by_login(session, login, active_only=True)
        current = session.get(Account, inquiry.owner_id)
        assert current is not None
        if target.id == inquiry.owner_id:
            raise ValidationError(f"inquiry {inquiry_id} already belongs to {login}")
        if not ctx.actor.is_admin and target.role != Role.SALES:
            raise PermissionDenied("a salesperson can hand over only to another salesperson")
        rule = (Rule.MANUAL if ctx.actor.is_admin else Rule.HANDOVER).value
        inquiry.owner_id = id_of(target)
        inquiry.owned_at = moved_at(inquiry.received_at, ctx.now())  # the new owner's reply-rate clock starts
        inquiry.rule = rule
        session.add(
            AllocationRecord(
                at=ctx.now(),
                inquiry_id=inquiry_id,
                from_id=current.id,
                to_id=id_of(target),
                rule=rule,
                actor=ctx.actor.login,
                reason=f"{rule} by {ctx.actor.login}",
            )
        )
        audit(
            session,
            ctx,
            "inquiry_assign",
            "inquiry",
            inquiry_id,
            before={"owner": current.login},
            after={"owner": login, "rule": rule},
        )
        # The new owner hears of it at once (docs/domain.md, Notices); the reason names who moved it.
        notify_assignments(
            session,
            {id_of(target): Assigned(1, inquiry_id, inquiry.subject, f"{rule} by {ctx.actor.login}")},
            at=ctx.now(),
        )
        session.flush()  # the version check (version_id_col) happens here
        return AssignResult(inquiry_id, current.login, login, rule, inquiry.version)
