"""A hypothesis state machine over the services: accounts come and go, settings change, inquiries arrive,
move, are deleted and restored; ownership, region and rotation invariants hold after every step."""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from datetime import timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from sqlmodel import select

from inquiry_tui.services.allocation.assignment import assign_inquiry
from inquiry_tui.services.arrivals.importing import Arrival, BuyerFields, receive
from inquiry_tui.services.context import Ctx, actor_from, connect_system
from inquiry_tui.services.inbox.triage import delete_inquiry, restore_inquiry
from inquiry_tui.services.setup.catalog import add_product, assign_region
from inquiry_tui.services.setup.settings import load_settings, set_setting
from inquiry_tui.services.team.accounts import add_account, deactivate, init_company
from inquiry_tui.store.models import Account, AllocationRecord, Buyer, CountryOwner, Inquiry
from tests.conftest import FIXED_NOW, fixed_clock

COUNTRIES = ("DE", "US", "FR")
BUYERS = tuple(f"b{i}@x.example" for i in range(6))
arrival_spec = st.tuples(
    st.sampled_from(BUYERS),
    st.sampled_from(("P0", "P1", None)),
    st.sampled_from((*COUNTRIES, None)),
    st.sampled_from(("inquiry", "inquiry", "tm", "email")),
)


class Arrivals(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = tempfile.mkdtemp(prefix="arrivals-sm-")
        system = connect_system(f"sqlite:///{self.dir}/s.db")
        system.clock = fixed_clock
        init_company(system, "boss", "Boss")
        with system.read() as s:
            self.ctx: Ctx = system.as_actor(actor_from(s.exec(select(Account).where(Account.login == "boss")).one()))
        self.sales = ["ana", "ben", "cara"]
        for login in self.sales:
            add_account(self.ctx, login, login.title())
        add_product(self.ctx, "P0", "Zero", "ana")
        add_product(self.ctx, "P1", "One", "ben")
        self.n = 0
        self.added = 0
        self.sticky = True
        self.chats_follow = False
        self.segment_start = 0  # allocation records after this id share one fixed rotation set-up

    def teardown(self) -> None:
        self.ctx.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def _new_segment(self) -> None:
        with self.ctx.read() as s:
            self.segment_start = s.exec(select(AllocationRecord.id).order_by(AllocationRecord.id.desc())).first() or 0  # type: ignore[union-attr]

    @rule()
    def add_salesperson(self) -> None:
        self.added += 1
        login = f"s{self.added}"
        add_account(self.ctx, login, login)
        self.sales.append(login)
        self._new_segment()

    @precondition(lambda self: len(self.sales) > 1)
    @rule(data=st.data())
    def deactivate_one(self, data: st.DataObject) -> None:
        victim = data.draw(st.sampled_from(self.sales))
        successor = data.draw(st.sampled_from([s for s in self.sales if s != victim] + ["boss"]))
        deactivate(self.ctx, victim, successor)
        self.sales.remove(victim)
        self._new_segment()

    @rule(
        data=st.data(),
        mode=st.sampled_from(("product", "region")),
        sticky=st.booleans(),
        rotation=st.booleans(),
        chats=st.booleans(),
        chat_rotation=st.booleans(),
    )
    def change_settings(
        self, data: st.DataObject, mode: str, sticky: bool, rotation: bool, chats: bool, chat_rotation: bool
    ) -> None:
        members = data.draw(st.lists(st.sampled_from(self.sales), unique=True, max_size=4)) if self.sales else []
        for key, value in (
            ("mode", mode),
            ("sticky", str(sticky)),
            ("rotation_members", ",".join(members)),
            ("rotation", str(rotation)),
            ("chats_follow_rules", str(chats)),
            ("rotation_includes_chats", str(chat_rotation)),
        ):
            set_setting(self.ctx, f"allocation.{key}", value.lower())
        self.sticky, self.chats_follow = sticky, chats
        self._new_segment()

    @precondition(lambda self: bool(self.sales))
    @rule(data=st.data(), country=st.sampled_from(COUNTRIES))
    def give_region(self, data: st.DataObject, country: str) -> None:
        assign_region(self.ctx, country, data.draw(st.sampled_from(self.sales)))

    @rule(specs=st.lists(arrival_spec, min_size=1, max_size=6))
    def arrive(self, specs: list[tuple[str, str | None, str | None, str]]) -> None:
        with self.ctx.read() as s:
            accounts = {a.id: a for a in s.exec(select(Account)).all()}
            before = {b.email: b.owner_id for b in s.exec(select(Buyer)).all()}
        batch = []
        for email, product, country, channel in specs:
            self.n += 1
            batch.append(
                Arrival(
                    f"sm-{self.n}",
                    channel,
                    FIXED_NOW - timedelta(hours=1) + timedelta(seconds=self.n),
                    BuyerFields(email, country=country),
                    product,
                    "Quote please",
                    "Please quote 100 pcs, thanks.",
                )
            )
        report = receive(self.ctx, batch)
        if not self.sticky or report.first_id is None:
            return
        with self.ctx.read() as s:
            new = s.exec(select(Inquiry).where(Inquiry.id >= report.first_id)).all()
            emails = {b.id: b.email for b in s.exec(select(Buyer)).all()}
        for inquiry in new:
            owner = accounts.get(before.get(emails[inquiry.buyer_id]))  # type: ignore[arg-type]
            if (
                owner is not None
                and owner.active
                and owner.role == "sales"
                and (inquiry.channel != "tm" or self.chats_follow)
            ):
                assert inquiry.owner_id == owner.id, "sticky: the buyer's active owner must receive the inquiry"

    @precondition(lambda self: self.n > 0 and bool(self.sales))
    @rule(data=st.data())
    def reassign(self, data: st.DataObject) -> None:
        target = data.draw(st.sampled_from(self.sales))
        iid = data.draw(st.integers(1, self.n))
        with self.ctx.read() as s:
            inquiry = s.get(Inquiry, iid)
            current = s.get(Account, inquiry.owner_id) if inquiry else None
        if inquiry is not None and current is not None and current.login != target:
            assign_inquiry(self.ctx, iid, target)
            self._new_segment()

    @precondition(lambda self: self.n > 0)
    @rule(data=st.data())
    def delete_or_restore(self, data: st.DataObject) -> None:
        iid = data.draw(st.integers(1, self.n))
        with self.ctx.read() as s:
            inquiry = s.get(Inquiry, iid)
        if inquiry is None:
            return
        if inquiry.folder == "deleted":
            restore_inquiry(self.ctx, iid)
        else:
            delete_inquiry(self.ctx, iid)

    @invariant()
    def every_inquiry_has_one_active_owner(self) -> None:
        with self.ctx.read() as s:
            rows = s.exec(select(Inquiry.id, Account.active).join(Account, Account.id == Inquiry.owner_id)).all()
            assert len(rows) == len(s.exec(select(Inquiry.id)).all())
            assert all(active for _, active in rows)

    @invariant()
    def a_country_has_one_active_owner(self) -> None:
        with self.ctx.read() as s:
            rows = s.exec(
                select(CountryOwner.country, Account.active).join(Account, Account.id == CountryOwner.account_id)
            ).all()
            assert len({c for c, _ in rows}) == len(rows) and all(active for _, active in rows)

    @invariant()
    def rotation_is_fair_within_a_fixed_setup(self) -> None:
        with self.ctx.read() as s:
            got = s.exec(
                select(Account.login)
                .join(AllocationRecord, AllocationRecord.to_id == Account.id)
                .where(
                    AllocationRecord.id > self.segment_start,
                    AllocationRecord.rule == "rotation",
                    AllocationRecord.actor == "system",
                )
            ).all()
            members = [m for m in load_settings(s).allocation.rotation_members if m in self.sales or m == "boss"]
        counts = Counter(got)
        if got and members:
            per_member = [counts.get(m, 0) for m in members]
            assert max(per_member) - min(per_member) <= 1, (counts, members)


TestArrivals = Arrivals.TestCase
TestArrivals.settings = settings(
    max_examples=25,
    stateful_step_count=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
