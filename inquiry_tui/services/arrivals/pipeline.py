"""The arrival pipeline inside one write transaction: buyer upsert, junk, routing, auto-replies, rows.

`Pipeline(conn, ctx)` gathers what every decision needs (accounts, settings, products, country
owners and block list, kept per process by services.arrivals.lookups; the rotation turn) into
dicts; `add(items)` turns a chunk of arrivals into row tuples and writes them with `store.bulk`
(raw executemany, one FTS insert); `finish()` writes the buyers' final state, the rotation turn and one audit row. The caller
owns the transaction (`ctx.begin()`, BEGIN IMMEDIATE), so the turn read here and the
turn written in `finish()` can never interleave with another importer's. On PostgreSQL the
pipeline takes the arrivals advisory lock first (store.dialect.serialize) and reads the turn
FOR UPDATE: arrivals on several hosts still take turns one at a time.

Choices where the contract is silent (documented for users in README by the lead):
- Arrivals are processed in the order given (file order), which is also the rotation order.
- Existing buyers: blank name, company, country and member id are filled from the arrival;
  `verified` and `tier` take the arrival's value when it has one (the marketplace knows best).
  A buyer whose owner is deactivated counts as having no owner and gets the allocated account.
- Junk and blocked arrivals get no auto-reply (a welcome to spam confirms the address) and no
  due time (they are not human-answerable); they are still allocated (docs/domain.md, Junk).
- Auto-replies are sent 1 s apart right after the arrival; blocked arrivals are deleted at
  import time (`deleted_at` = now), so the 30-day purge counts from the import.
- The buyer's junk history is the 90 days before now: the marketplace's `junk`/`blacklist`
  activity plus our own threads judged junk, including earlier ones of the same import.
- Away and capacity are read once per batch (domain.availability): who is away today (company
  time zone) and, for accounts with a limit, their open inquiries counted up to the limit; the
  batch keeps the counts in memory, so an account that fills up during a batch is passed over
  for the rest of it.
- What an arrival states (domain.terms_text) is read from its subject and body (junk is not
  read), with the file's `quantity`, `unit` and `product` on top; smart reception then asks only
  what is missing, and a chat's later buyer lines are read as answers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from inquiry_tui.domain.allocation import Decision, RoutingFacts, route
from inquiry_tui.domain.availability import Presence, back_due, full_note, unavailable
from inquiry_tui.domain.due import RESPONSE_LIMIT, due_at
from inquiry_tui.domain.errors import NotFound, ValidationError
from inquiry_tui.domain.junk import JunkInput, JunkVerdict, block_reasons, judge, verdict_of
from inquiry_tui.domain.questions import asked_to_text, stated_asks
from inquiry_tui.domain.reception import NOTHING, plan_reception
from inquiry_tui.domain.terms import Terms, terms_to_json
from inquiry_tui.domain.terms_text import Catalogue, catalogue, read_answer, read_terms
from inquiry_tui.domain.vocabulary import SYSTEM_LOGIN, ActivityKind, Ask, Direction, Folder, Role
from inquiry_tui.services.arrivals.lookups import lookups
from inquiry_tui.services.audit import audit_conn
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.notices.producers import Assigned, note_assignment, notify_assignments, warn_arrivals
from inquiry_tui.services.records.errors import FileFormatError
from inquiry_tui.services.rfq.answers import Answer, join_answers
from inquiry_tui.store import bulk, dialect, raw
from inquiry_tui.store.queries import routing as q_routing
from inquiry_tui.store.types import as_utc, db_text

SQL_IN_BATCH = 500  # host parameters per IN (...) lookup
STATED_SEEN = 4_096  # what arrivals state, remembered per batch (Pipeline._stated); cleared when full
# Routing decisions, junk verdicts and senders' block reasons remembered per batch (each); cleared when full.
DECIDED_SEEN = 16_384
_NO_TERMS = Terms()
JUNK_HISTORY = timedelta(days=90)
AUTO_REPLY_GAP = timedelta(seconds=1)
# Plain strings for the bulk rows: sqlite3 binds a str subclass (an enum member) by a slower path.
_IN, _OUT, _AUTO = Direction.IN.value, Direction.OUT.value, Direction.AUTO.value
_INBOX, _JUNK, _DELETED = Folder.INBOX.value, Folder.JUNK.value, Folder.DELETED.value
_SYSTEM = SYSTEM_LOGIN
_HISTORY_KINDS = f"('{ActivityKind.JUNK}', '{ActivityKind.BLACKLIST}')"
BUYER_LOOKUP = (
    "SELECT id, email, owner_id, last_contact_at, country, member_id, name, company, verified, tier, is_customer "
    "FROM buyer WHERE email IN ({})"
)


@lru_cache(maxsize=4)
def _catalogue(products: tuple[tuple[str, str], ...]) -> Catalogue:
    return catalogue(products)


class BuyerState:
    """One buyer as the import sees it; `dirty` means the store row needs the final update."""

    __slots__ = (
        "blacklist",
        "company",
        "company_filled",
        "country",
        "dirty",
        "email",
        "id",
        "is_customer",
        "junk",
        "last_contact",
        "member_id",
        "name",
        "new",
        "owner_id",
        "stored",
        "tier",
        "verified",
    )

    def __init__(self, id: int, email: str, *, new: bool) -> None:
        self.id, self.email, self.new, self.dirty, self.company_filled = id, email, new, False, False
        self.owner_id: int | None = None
        self.last_contact: datetime | None = None
        self.country: str | None = None
        self.member_id: str | None = None
        self.name = self.company = ""
        self.verified = False
        self.tier: str | None = None
        self.is_customer = False
        self.junk = self.blacklist = 0
        self.stored: tuple[Any, ...] | None = None  # the row's columns save_state writes, as last read or written

    def written(self) -> tuple[Any, ...]:
        """The values save_state writes besides last_contact_at (as `stored` holds them)."""
        return (
            self.owner_id,
            self.name,
            self.country,
            self.member_id,
            bool(self.verified),
            self.tier,
            bool(self.is_customer),
        )


@dataclass(frozen=True)
class Item:
    """One thread to create: its arrival, where it came from, and later chat lines (direction, at, text)."""

    arrival: Any  # services.arrivals.Arrival (kept loose: the pipeline does not import its caller)
    line: int = 0
    later: tuple[tuple[str, datetime, str], ...] = ()


@dataclass(frozen=True)
class ArrivalReport:
    """What one import or batch did; `first_id`..`last_id` are the new inquiries' ids."""

    received: int
    first_id: int | None
    last_id: int | None
    by_rule: tuple[tuple[str, int], ...]
    by_owner: tuple[tuple[str, int], ...]
    junk: int
    deleted: int
    auto_replies: int
    buyers_added: int
    messages: int
    rfq_answers: int = 0  # buyers' answers that joined our quote threads instead of opening threads
    escalated: int = 0  # by the sweep that ran with the batch (services.allocation.supervision)
    returned: int = 0


class Pipeline:
    def __init__(
        self,
        conn: Connection,
        ctx: Ctx,
        *,
        path: Path | None = None,
        customer_source: str | None = None,
        stager: Any = None,  # services.files.importing.Stager: commits the arrivals' staged attachments
    ) -> None:
        self.conn, self.path, self.customer_source, self.stager = conn, path, customer_source, stager
        dialect.serialize(conn)  # PostgreSQL: one arrival pipeline at a time, on every host
        self.now = ctx.now()
        self.now_text = db_text(self.now)
        self.actor, self.os_user = ctx.actor.login, ctx.os_user
        found = lookups(conn, ctx.url)  # kept per process while the store's config stamp stays
        accounts = found.accounts
        self.login_of: dict[int, str] = {a[0]: a[1] for a in accounts}
        self.id_of: dict[str, int] = {a[1]: a[0] for a in accounts}
        mains = [a[1] for a in accounts if a[2] == Role.ADMIN]
        if not mains:
            raise NotFound("this store has no main account yet; run `inquiry-tui init`")
        self.main = mains[0]
        self.active = frozenset(a[1] for a in accounts if a[3])
        settings = found.settings
        self.settings = settings
        self.alloc, self.reception = settings.allocation, settings.reception
        self.contact = self.alloc.company_contact or self.main
        products = found.products
        self.products: dict[str, tuple[int, str | None]] = {
            sku: (pid, self.login_of.get(owner) if owner is not None else None) for pid, sku, owner, _ in products
        }
        self.product_names = tuple(sorted((sku, name or "") for _, sku, _, name in products))
        self._catalogue: Catalogue | None = None
        # Away and capacity (domain.availability), as of today in the company's time zone.
        self.today = self.now.astimezone(ZoneInfo(self.reception.timezone)).date()
        self.presences = {a[1]: Presence(a[1], bool(a[3]), bool(a[4]), q_routing.as_date(a[5]), a[7]) for a in accounts}
        self.limits = {p.login: p.limit for p in self.presences.values() if p.active and p.limit is not None}
        self.open_counts = {
            login: q_routing.open_up_to(conn, self.id_of[login], limit) for login, limit in self.limits.items()
        }
        self.unavailable: dict[str, str] = unavailable(self.presences.values(), self.today, self.open_counts)
        self.back = [
            p.login for p in self.presences.values() if p.active and back_due(p.away, p.away_until, self.today)
        ]
        self.country_owner: dict[str, str] = {cc: self.login_of[aid] for cc, aid in found.country_owners}
        self.block = found.block
        turn = raw.first(conn, f"SELECT last_login FROM rotation_state WHERE id = 1{dialect.for_update(conn)}")
        if turn is None:
            raw.run(conn, "INSERT INTO rotation_state (id, last_login, turns) VALUES (1, NULL, 0)")
        self.rotation_last: str | None = turn[0] if turn else None
        self.turns = 0
        self.inquiry_ids = bulk.IdPool(conn, "inquiry")
        self.message_ids = bulk.IdPool(conn, "message")
        self.buyer_ids = bulk.IdPool(conn, "buyer")
        self.first_id: int | None = None
        self.last_id: int | None = None
        self.count = 0
        self.buyers: dict[str, BuyerState] = {}
        self.lines: dict[int, int] = {}  # source line of each new inquiry, by id (duplicate errors)
        self.by_rule: Counter[str] = Counter()
        self.by_owner: Counter[str] = Counter()
        self.junk = self.deleted = self.auto = self.buyers_added = self.messages = self.rfq_answers = 0
        self.assigned: dict[int, Assigned] = {}  # owner id -> this batch's inquiries for them (notices)
        self.warned_until: datetime | None = None  # finish(): the overdue check covered due times up to this
        # True: add() leaves the new threads out of the search index and lists them in `unindexed`; the
        # caller indexes them (bulk.reindex) before its transaction ends (import maildir: once per chunk).
        self.index_later = False
        self.unindexed: list[int] = []
        # _stated's, this batch: (text's terms, own terms, what they state), by their ids and the arrival's fields
        self._stated_seen: dict[tuple[Any, ...], tuple[Terms, Terms | None, tuple[Terms, frozenset[Ask], str]]] = {}
        self._decisions: dict[tuple[Any, ...], Decision] = {}  # _decide_seen's, this batch
        self._verdicts: dict[tuple[Any, ...], JunkVerdict] = {}  # _judged's, this batch
        self._blocks: dict[tuple[Any, ...], tuple[str, ...]] = {}  # _judged's block reasons by sender, this batch

    # --- lookups -------------------------------------------------------------------------

    def fail(self, line: int, field: str | None, message: str) -> ValidationError:
        if self.path is not None:
            return FileFormatError(self.path, line, field, message)
        where = f"arrival {line}" + (f", field {field}" if field else "")
        return ValidationError(f"{where}: {message}")

    def load_buyers(self, emails: Sequence[str]) -> None:
        """Bring these buyers into the cache: existing rows with their junk history, or new ids."""
        missing = [e for e in dict.fromkeys(emails) if e not in self.buyers]
        since_day = (self.now - JUNK_HISTORY).date().isoformat()
        since = db_text(self.now - JUNK_HISTORY)
        for start in range(0, len(missing), SQL_IN_BATCH):
            part = missing[start : start + SQL_IN_BATCH]
            marks = ", ".join("?" * len(part))
            found: dict[int, BuyerState] = {}
            for row in raw.rows(self.conn, BUYER_LOOKUP.format(marks), part):
                b = BuyerState(row[0], row[1], new=False)
                b.owner_id = row[2]
                b.last_contact = as_utc(row[3])
                b.country, b.member_id, b.name, b.company = row[4], row[5], row[6] or "", row[7] or ""
                b.verified, b.tier, b.is_customer = bool(row[8]), row[9], bool(row[10])
                b.stored = (row[2], row[6], row[4], row[5], row[8], row[9], row[10])  # raw: NULL is not ''
                found[b.id] = self.buyers[b.email] = b
            if found:
                ids = tuple(found)
                id_marks = ", ".join("?" * len(ids))
                for bid, kind, n in raw.rows(
                    self.conn,
                    f"SELECT buyer_id, kind, SUM(count) FROM activity_daily WHERE buyer_id IN ({id_marks}) "
                    f"AND kind IN {_HISTORY_KINDS} AND day >= ? GROUP BY buyer_id, kind",
                    (*ids, since_day),
                ):
                    if kind == ActivityKind.JUNK:
                        found[bid].junk += n
                    else:
                        found[bid].blacklist += n
                for bid, n in raw.rows(
                    self.conn,
                    f"SELECT buyer_id, COUNT(*) FROM inquiry WHERE buyer_id IN ({id_marks}) AND received_at >= ? "
                    "AND is_junk = ? GROUP BY buyer_id",
                    (*ids, since, True),
                ):
                    found[bid].junk += n
            self.buyer_ids.reserve(sum(1 for email in part if email not in self.buyers))
            for email in part:
                if email not in self.buyers:
                    self.buyers[email] = BuyerState(self.buyer_ids.take(), email, new=True)
                    self.buyers_added += 1

    def facts(
        self, channel: str, buyer_owner_id: int | None, product_owner: str | None, country: str | None
    ) -> RoutingFacts:
        """What routing knows about one inquiry now (its buyer's owner, product's or country's owner, the turn)."""
        return RoutingFacts(
            channel,
            self.main,
            self.contact,
            self.active,
            self.login_of.get(buyer_owner_id) if buyer_owner_id is not None else None,
            product_owner,
            self.country_owner.get(country) if country else None,
            self.rotation_last,
            self.unavailable,
        )

    def decide(self, channel: str, buyer: BuyerState, product_owner: str | None, country: str | None) -> Decision:
        """Route one arrival and advance the rotation turn (persisted by finish())."""
        decision = route(self.alloc, self.facts(channel, buyer.owner_id, product_owner, country))
        self.took_turn(decision)
        return decision

    def _decide_seen(self, channel: str, buyer: BuyerState, product_owner: str | None, country: str | None) -> Decision:
        """`decide`, remembered for the batch by what routing reads.

        `route` is a function of the settings (fixed for the pipeline) and the facts alone, and of the
        facts only the turn and who is unavailable change without coming from the arrival (a colleague's
        arrival between two of an import's transactions moves the turn, which `_rebind` reads again;
        an arrival that fills an account changes who is unavailable): both are in the key. Kept across
        an import's chunks: within one chunk most keys were new (the turn moves with each rotated
        arrival), across them an import's few owners, products and turns repeat."""
        owner = buyer.owner_id
        unavailable = self.unavailable
        key = (
            channel,
            self.login_of.get(owner) if owner is not None else None,
            product_owner,
            self.country_owner.get(country) if country else None,
            self.rotation_last,
            tuple(unavailable.items()) if unavailable else (),
        )
        decisions = self._decisions
        decision = decisions.get(key)
        if decision is None:
            if len(decisions) >= DECIDED_SEEN:
                decisions.clear()
            decision = decisions[key] = route(self.alloc, self.facts(channel, owner, product_owner, country))
        self.took_turn(decision)
        return decision

    def _judged(self, b: BuyerState, a: Any) -> JunkVerdict:
        """`judge` of an arrival by buyer B, remembered for the batch when its text was judged already.

        With the text's verdict given, `judge` is `verdict_of` the sender's block reasons (its address,
        member id and country against the block list, fixed for the pipeline), the buyer's junk counts
        and the text's verdict: the block reasons are remembered by sender, the verdict by those parts,
        so buyers with the same counts and texts that score alike share one."""
        text = getattr(a, "text_junk", None)  # judged by the caller already (import's and maildir's workers)
        if text is None:
            return judge(JunkInput(b.email, b.member_id, b.country, a.subject, a.body, b.junk, b.blacklist), self.block)
        sender = (b.email, b.member_id, b.country)
        blocks = self._blocks.get(sender)
        if blocks is None:
            if len(self._blocks) >= DECIDED_SEEN:
                self._blocks.clear()
            blocks = self._blocks[sender] = block_reasons(b.email, b.member_id, b.country, self.block)
        key = (blocks, b.junk, b.blacklist, text)
        verdicts = self._verdicts
        verdict = verdicts.get(key)
        if verdict is None:
            if len(verdicts) >= DECIDED_SEEN:
                verdicts.clear()
            verdict = verdicts[key] = verdict_of(blocks, b.junk, b.blacklist, text)
        return verdict

    def took_turn(self, decision: Decision) -> None:
        if decision.rotation_last != self.rotation_last:
            self.rotation_last = decision.rotation_last
            self.turns += 1

    @property
    def catalogue(self) -> Catalogue:
        if self._catalogue is None:
            self._catalogue = _catalogue(self.product_names)
        return self._catalogue

    # --- capacity: open counts kept through the batch ---------------------------------------

    def opened(self, login: str, n: int = 1) -> None:
        """LOGIN got N more open inquiries (an arrival, a move); at its limit it is full for the rest of the batch."""
        limit = self.limits.get(login)
        if limit is None:
            return
        count = self.open_counts[login] = self.open_counts.get(login, 0) + n
        if login in self.unavailable and not self.unavailable[login].startswith("is full"):
            return  # away: says so, whatever the count
        if count >= limit:
            self.unavailable[login] = full_note(count, limit)
        else:
            self.unavailable.pop(login, None)

    def touch(self, buyer: BuyerState, at: datetime) -> None:
        if buyer.last_contact is None or at > buyer.last_contact:
            buyer.last_contact = at
            buyer.dirty = True

    # --- one chunk -----------------------------------------------------------------------

    def add(self, items: Sequence[Item]) -> None:
        """Decide and write a chunk of new threads (each arrival becomes one inquiry; an answer to our quote
        on an RFQ joins that thread instead)."""
        self.load_buyers([it.arrival.buyer.email for it in items])
        if any(getattr(it.arrival, "rfq", None) for it in items):
            self._answers([it for it in items if getattr(it.arrival, "rfq", None)])
            items = [it for it in items if not getattr(it.arrival, "rfq", None)]
        inquiries: list[tuple[Any, ...]] = []
        messages: list[tuple[Any, ...]] = []
        records: list[tuple[Any, ...]] = []
        files: list[tuple[int, Any]] = []  # (message id, staged attachment)
        company_fills: list[tuple[str, int]] = []
        fresh: dict[int, BuyerState] = {}
        products, reception, id_of, limits = self.products, self.reception, self.id_of, self.limits
        judged, decide = self._judged, self._decide_seen
        self.inquiry_ids.reserve(len(items))
        self.message_ids.reserve(sum(2 + len(it.later) for it in items))
        take_message = self.message_ids.take
        for item in items:
            a = item.arrival
            b = self.buyers[a.buyer.email]
            self._merge_buyer(b, a.buyer, company_fills)
            if b.new and b.id not in fresh:
                fresh[b.id] = b
            if a.product is None:
                product_id, product_owner = None, None
            else:
                found = products.get(a.product)
                if found is None:
                    raise self.fail(item.line, "product", f"unknown SKU {a.product!r}; see `inquiry-tui product list`")
                product_id, product_owner = found
            verdict = judged(b, a)
            decision = decide(a.channel, b, product_owner, b.country)
            received = a.received_at
            if verdict.is_junk:
                terms, plan, terms_json = _NO_TERMS, NOTHING, ""
            else:
                terms, stated, terms_json = self._stated(a, received)
                plan = plan_reception(reception, received, b.last_contact, stated)
            owner_id = id_of[decision.owner]
            if b.owner_id is None or self.login_of[b.owner_id] not in self.active:
                b.owner_id = owner_id
                b.dirty = True
            # db_text's own conversion, inline for the usual UTC time (a call per time cost more than the text)
            utc = received.tzinfo is UTC
            received_text = received.replace(tzinfo=None).isoformat(" ", "microseconds") if utc else db_text(received)
            auto = plan.messages
            iid = self.inquiry_ids.take()
            if self.first_id is None:
                self.first_id = iid
            self.last_id = iid
            self.count += 1
            self.lines[iid] = item.line
            mid = take_message()
            messages.append((mid, iid, _IN, None, received_text, a.body))
            if a.attachments:
                files.extend((mid, f) for f in a.attachments)
            last, last_text = received, received_text  # the last message's time, and as stored
            for k, text in enumerate(auto, 1):
                last = received + k * AUTO_REPLY_GAP
                last_text = last.replace(tzinfo=None).isoformat(" ", "microseconds") if utc else db_text(last)
                messages.append((take_message(), iid, _AUTO, None, last_text, text))
            first_response, unread, replied = None, True, False
            for direction, at, text in item.later:  # chat lines after (or seller lines before) the first
                at_text = db_text(at)
                messages.append(
                    (take_message(), iid, direction, owner_id if direction == _OUT else None, at_text, text)
                )
                if direction == _IN and not verdict.is_junk:  # the buyer's answers (domain.terms_text)
                    terms = terms.merged(read_answer(text, plan.asked, today=at.date(), products=self.catalogue))
                    terms_json = terms_to_json(terms)
                if direction == _OUT:
                    replied = True
                    if first_response is None and at >= received:
                        first_response = at
                if at >= last:
                    last, last_text, unread = at, at_text, direction == _IN
                self.touch(b, at)
            self.touch(b, received)
            if verdict.is_junk:
                b.junk += 1
            folder = _DELETED if verdict.blocked else _JUNK if verdict.is_junk else _INBOX
            rule = decision.rule.value
            inquiries.append(
                (
                    iid,
                    a.external_id,
                    a.channel,
                    b.id,
                    product_id,
                    a.subject,
                    a.quantity,
                    a.unit,
                    received_text,
                    owner_id,
                    rule,
                    folder,
                    bool(verdict.is_junk),
                    verdict.score,
                    "\n".join(verdict.reasons),
                    unread,
                    False,
                    replied,
                    db_text(first_response) if first_response else None,
                    last_text,
                    None if verdict.is_junk else _due_text(received, utc),
                    len(auto),
                    self.now_text if verdict.blocked else None,
                    1,
                    terms_json,
                    asked_to_text(plan.asked),
                )
            )
            if folder == _INBOX and first_response is None and decision.owner in limits:
                self.opened(decision.owner)  # capacity: only accounts with a limit count
            records.append((received_text, iid, None, owner_id, rule, _SYSTEM, decision.reason))
            if not verdict.is_junk:
                note_assignment(self.assigned, owner_id, iid, a.subject, rule)
            self.by_rule[rule] += 1
            self.by_owner[decision.owner] += 1
            self.junk += verdict.is_junk and not verdict.blocked
            self.deleted += verdict.blocked
            self.auto += len(auto)
        self.messages += len(messages)
        self._write(inquiries, messages, records, list(fresh.values()), company_fills)
        if files:
            if self.stager is None:
                raise ValueError("arrivals with attachments need the stager that staged them")
            self.stager.attach(self.conn, files, at=self.now)

    def _stated(self, a: Any, received: datetime) -> tuple[Terms, frozenset[Ask], str]:
        """What a (non-junk) arrival states: its text's terms under its own fields, what they answer, their JSON.

        The arrival's own fields go over what its text says; the text's rules for them are not run.
        Remembered per batch by what they are made of (the text's terms as read ahead, the arrival's own
        fields): an import's arrivals state few different things, and merging and encoding them cost more
        than the lookup. The two terms are in the key by identity (hashing a Terms hashes its ten fields
        each time): the import's are one object per value (checking.unflat shares them), and the entry
        holds both, so an id is never another object's while it is in the key."""
        read = getattr(a, "text_terms", None)  # read by the caller already (import's and maildir's workers)
        key, own = None, getattr(a, "terms", None)
        if read is not None:
            quantity = a.quantity
            # The quantity's type too: 500 and 500.0 are one key but not one Decimal.
            key = (id(read), quantity, type(quantity), a.unit, a.product, id(own))
            found = self._stated_seen.get(key)
            if found is not None and found[0] is read and found[1] is own:
                return found[2]
        known = known_terms(a)
        if read is None:
            read = read_terms(f"{a.subject}\n{a.body}", today=received.date(), products=self.catalogue, known=known)
        terms = read.merged(known)
        made = (terms, stated_asks(terms, has_product=a.product is not None), terms_to_json(terms))
        if key is not None:
            if len(self._stated_seen) >= STATED_SEEN:
                self._stated_seen.clear()
            self._stated_seen[key] = (read, own, made)
        return made

    def _answers(self, items: Sequence[Item]) -> None:
        answers = [
            Answer(it.line, it.arrival.rfq, it.arrival.buyer.email, it.arrival.received_at, it.arrival.body)
            for it in items
        ]
        written = join_answers(
            self.conn, answers, self.message_ids.take, lambda line, field, message: self.fail(line, field, message)
        )
        self.messages += len(written)
        self.rfq_answers += len(written)
        for it in items:
            self.touch(self.buyers[it.arrival.buyer.email], it.arrival.received_at)

    def _merge_buyer(self, b: BuyerState, f: Any, company_fills: list[tuple[str, int]]) -> None:
        if f.name and not b.name:
            b.name, b.dirty = f.name, True
        if f.company and not b.company:
            b.company, b.dirty = f.company, True
            if not b.new:
                company_fills.append((f.company, b.id))
        if f.country and not b.country:
            b.country, b.dirty = f.country, True
        if f.member_id and not b.member_id:
            b.member_id, b.dirty = f.member_id, True
        if f.verified is not None and f.verified != b.verified:
            b.verified, b.dirty = f.verified, True
        if f.tier and f.tier != b.tier:
            b.tier, b.dirty = f.tier, True
        if self.customer_source and not b.is_customer:
            b.is_customer, b.dirty = True, True

    def _write(
        self,
        inquiries: list[tuple[Any, ...]],
        messages: list[tuple[Any, ...]],
        records: list[tuple[Any, ...]],
        fresh: list[BuyerState],
        company_fills: list[tuple[str, int]],
    ) -> None:
        conn = self.conn
        bulk.insert_rows(conn, "buyer", bulk.BUYER_COLUMNS, [self._buyer_row(b) for b in fresh])
        for b in fresh:
            b.new = b.dirty = False  # written with its current state; later changes make it dirty again
            b.stored = b.written()
        if company_fills:
            # Only real changes: the FTS trigger on buyer.company rewrites every thread of the buyer.
            raw.run_many(conn, "UPDATE buyer SET company = ? WHERE id = ? AND company = ''", company_fills)
        try:
            index = not self.index_later
            if dialect.is_sqlite(conn):
                bulk.write_threads(conn, inquiries, messages, columns=bulk.ARRIVAL_INQUIRY_COLUMNS, index=index)
            else:  # a failed statement ends a PostgreSQL transaction; the savepoint keeps it to name the line
                with conn.begin_nested():
                    bulk.write_threads(conn, inquiries, messages, columns=bulk.ARRIVAL_INQUIRY_COLUMNS, index=index)
        except IntegrityError as exc:
            if "external_id" not in str(exc.orig):
                raise
            raise self._duplicate(inquiries) from None
        bulk.insert_rows(conn, "allocation_record", bulk.ALLOCATION_COLUMNS, records)
        if self.index_later:
            self.unindexed.extend(row[0] for row in inquiries)

    def _buyer_row(self, b: BuyerState) -> tuple[Any, ...]:
        customer = self.customer_source if b.is_customer else None
        return (
            b.id,
            b.email,
            b.member_id,
            b.name,
            b.company,
            b.country,
            "",
            "",
            "",
            "",
            "",
            None,
            bool(b.verified),
            b.tier,
            b.owner_id,
            bool(b.is_customer),
            self.now_text if customer else None,
            "",
            "",
            customer or "",
            0,
            "",
            self.now_text,
            db_text(b.last_contact) if b.last_contact else None,
            1,
        )

    def _duplicate(self, inquiries: list[tuple[Any, ...]]) -> ValidationError:
        """Name the first arrival whose external id is already taken (the store or earlier in the file).

        The failed chunk's rows may be partly written (SQLite stops at the failing row) or not at
        all (PostgreSQL's COPY, rolled back to its savepoint): earlier rows of the chunk count as
        taken either way.
        """
        in_chunk: dict[str, int] = {}
        for row in inquiries:
            iid, ext = row[0], row[1]
            stored = self.conn.exec_driver_sql("SELECT id FROM inquiry WHERE external_id = ?", (ext,)).first()
            found: int | None = None if stored is None else int(stored[0])
            if (found is None or found == iid) and ext in in_chunk:
                found = in_chunk[ext]
            if ext is not None:
                in_chunk.setdefault(ext, iid)
            if found is None or found == iid:
                continue
            line = self.lines[iid]
            if found not in self.lines:
                return self.fail(
                    line, "external_id", f"{ext!r} is already in the store (inquiry {found}); nothing was imported"
                )
            earlier = self.lines[found]
            where = f"line {earlier}" if self.path is not None else f"arrival {earlier}"
            return self.fail(line, "external_id", f"{ext!r} appears twice (first on {where}); nothing was imported")
        return ValidationError("an external_id appears twice; nothing was imported")

    # --- the end of the transaction ------------------------------------------------------

    def save_state(self) -> None:
        """Write the buyers changed since they were loaded or inserted, and the rotation turn."""
        conn = self.conn
        dirty = [b for b in self.buyers.values() if b.dirty and not b.new]
        # Most buyers of an import only got a later last contact: those get a narrow UPDATE, which
        # leaves the buyer's other indexed columns (owner, name, country, member id) alone.
        changed = [b for b in dirty if b.stored is None or b.written() != b.stored]
        contact_only = [b for b in dirty if b.stored is not None and b.written() == b.stored]
        if contact_only:
            conn.exec_driver_sql(
                "UPDATE buyer SET last_contact_at = ?, version = version + 1 WHERE id = ?",
                [(db_text(b.last_contact) if b.last_contact else None, b.id) for b in contact_only],
            )
        if changed:
            src = self.customer_source or ""
            raw.run_many(
                conn,
                "UPDATE buyer SET owner_id = ?, last_contact_at = ?, name = ?, country = ?, member_id = ?, verified = ?, "
                "tier = ?, is_customer = ?, customer_since = CASE WHEN is_customer = ? AND ? THEN ? ELSE customer_since END, "
                "source = CASE WHEN is_customer = ? AND ? THEN ? ELSE source END, version = version + 1 WHERE id = ?",
                [
                    (
                        b.owner_id,
                        db_text(b.last_contact) if b.last_contact else None,
                        b.name,
                        b.country,
                        b.member_id,
                        bool(b.verified),
                        b.tier,
                        bool(b.is_customer),
                        False,
                        bool(b.is_customer),
                        self.now_text,
                        False,
                        bool(b.is_customer),
                        src,
                        b.id,
                    )
                    for b in changed
                ],
            )
        if self.turns:
            raw.run(
                conn,
                "UPDATE rotation_state SET last_login = ?, turns = turns + ? WHERE id = 1",
                (self.rotation_last, self.turns),
            )
        self.turns = 0
        for b in dirty:
            b.dirty = False
            b.stored = b.written()

    def finish(self, action: str, source: str) -> ArrivalReport:
        """save_state(), the batch's notices (assignments, overdue warnings) and one audit row; returns the report."""
        self.save_state()
        conn = self.conn
        notify_assignments(conn, self.assigned, at=self.now, source=source)
        self.assigned = {}
        count = self.count
        new = (self.first_id, self.last_id) if self.first_id is not None and self.last_id is not None else None
        _, self.warned_until = warn_arrivals(conn, self.now, new)
        report = ArrivalReport(
            count,
            self.first_id if count else None,
            self.last_id if count else None,
            tuple(sorted(self.by_rule.items())),
            tuple(sorted(self.by_owner.items())),
            self.junk,
            self.deleted,
            self.auto,
            self.buyers_added,
            self.messages,
            self.rfq_answers,
        )
        summary = {
            "source": source,
            "inquiries": count,
            "first_id": report.first_id,
            "last_id": report.last_id,
            "by_rule": dict(report.by_rule),
            "by_owner": dict(report.by_owner),
            "junk": self.junk,
            "deleted": self.deleted,
            "auto_replies": self.auto,
            "buyers_added": self.buyers_added,
            "rfq_answers": self.rfq_answers,
        }
        audit_conn(
            conn,
            at=self.now,
            actor=self.actor,
            os_user=self.os_user,
            action=action,
            entity="inquiry",
            entity_id=f"{report.first_id}-{report.last_id}" if count else "",
            after=summary,
        )
        return report


def _due_text(received: datetime, utc: bool) -> str:
    """`db_text(due_at(received))`; UTC: RECEIVED's time zone is UTC itself."""
    if utc:
        return (received + RESPONSE_LIMIT).replace(tzinfo=None).isoformat(" ", "microseconds")
    return db_text(due_at(received))


# --- the bulk import's helpers (services/arrivals/publishing.py) -------------------------------


def known_terms(a: Any) -> Terms:
    """What an arrival's own fields state (quantity, unit, product, the import's terms): they go over its text."""
    known = _NO_TERMS
    if a.quantity is not None or a.unit or a.product:
        quantity = Decimal(str(a.quantity)) if a.quantity is not None else None
        known = Terms(quantity=quantity, unit=a.unit or None, product=a.product)
    stated_terms = getattr(a, "terms", None)  # the import's own fields (target price, incoterm, ...)
    if stated_terms is not None:
        known = known.merged(stated_terms)
    return known


def pre_read_terms(items: Sequence[Item], products: Catalogue) -> list[Item]:
    """ITEMS with what each arrival's text states read already (`text_terms`), as `add` would read it.

    A big import does this between its transactions, outside the write lock (publishing.py);
    `add` then only merges. Arrivals that turn out junk never use theirs (as in `add`)."""
    out = []
    for item in items:
        a = item.arrival
        if getattr(a, "text_terms", None) is not None:
            out.append(item)
            continue
        read = read_terms(f"{a.subject}\n{a.body}", today=a.received_at.date(), products=products, known=known_terms(a))
        out.append(replace(item, arrival=replace(a, text_terms=read)))
    return out
