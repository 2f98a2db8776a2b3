"""The routing decision for one arriving inquiry: who owns it, by which rule, and why.

`route(settings, facts)` applies the allocation steps 1-5 (docs/domain.md, Allocation) to facts
the caller has already looked up (owners, active logins, the persisted rotation turn). It does no I/O.

Rule names (`vocabulary.Rule`, the `rule` column of the allocation record):

- ``sticky``          the buyer already has an active owner and sticky is on.
- ``product``         mode product; the inquired product has an active owner.
- ``region``          mode region; the buyer's country has an active owner.
- ``company_contact`` no active product/country owner (or a company-level inquiry): the
                      company contact, or the main account when the contact is deactivated.
- ``rotation``        steps 1-2 gave the main account and master rotation moved the
                      arrival to the next active rotation member.
- ``main_account``    a chat (``tm``) while "chats follow rules" is off: it lands with the
                      main account without consulting steps 1-2.

Choices where the contract is silent:

- The main account counts as active even if the caller left it out of ``active_logins``.
- Rotation applies to *any* step 1-2 result that is the main account, including a sticky
  buyer owned by the main account (seed 004: the main account's inquiries are handed out
  in turn). The main account may itself be a rotation member and then takes its turn.
- Rotation on but no active member: the arrival stays with the main account and keeps the
  rule of step 1-2 (e.g. ``company_contact``); the reason says rotation found no one.
- Chats while "chats follow rules" is off land with the main account (``main_account``)
  and are still rotated when rotation and "master chats follow rotation" are both on:
  the two switches are independent, as in the marketplace's settings page.
- Chats that follow rules but with "chats follow rotation" off are never rotated.
- The turn: the member after ``rotation_last`` in list order, wrapping and skipping
  inactive ones; if ``rotation_last`` is not (or no longer) a member, the first active
  member. Over consecutive rotated arrivals with a fixed active set, member counts differ
  by at most one.
- Away and full accounts (`facts.unavailable`, from domain.availability) are passed over
  like an inactive owner: sticky, product, region and the company contact fall to the next
  rule, and the reason says who was passed over and why ("ana is away: region -> company
  contact"). The main account is the last resort: it receives even when away or full if
  nobody else is eligible (rotation off, or no eligible member), and the reason says so.
  Rotation skips unavailable members; the turn moves to the member who received it, so
  over a run of arrivals the eligible members' counts differ by at most one.
- A buyer keeps an away or full owner (step 5 counts only *inactive* owners as none), so
  their sticky buyers are theirs again as soon as they are back or below their limit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TypeGuard

from inquiry_tui.domain.settings import AllocationSettings
from inquiry_tui.domain.vocabulary import ARRIVAL_RULES, Channel, Rule

RULES = ARRIVAL_RULES  # the rules an arrival can get
_CHANNELS = frozenset(Channel)
_NOBODY: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True)
class RoutingFacts:
    """What the caller knows about one arrival, looked up before routing."""

    channel: str  # a Channel: inquiry | tm (chat) | email | rfq
    main_login: str  # the main account (role admin); always active
    company_contact: str  # settings.company_contact or main; an inactive one falls back to main
    active_logins: frozenset[str]
    buyer_owner: str | None  # current owner of the buyer, if any
    product_owner: str | None  # owner of the inquired product; None if unowned or company-level
    country_owner: str | None  # owner of the buyer's country, if any
    rotation_last: str | None  # login that received the last rotation turn (persisted by the caller)
    # Active accounts that get nothing new now, with why (domain.availability: away, full; or
    # domain.escalation: the owner who did not answer in time). Passed over, never chosen
    # while anyone else is eligible.
    unavailable: Mapping[str, str] = field(default_factory=lambda: _NOBODY)


@dataclass(frozen=True)
class Decision:
    """The outcome: the owner, the rule that chose them, one readable line, the turn to persist."""

    owner: str
    rule: Rule  # one of ARRIVAL_RULES (Rule.ESCALATION when domain.escalation moved it)
    reason: str
    rotation_last: str | None  # persist this; unchanged when no rotation turn was used
    passed: tuple[str, ...] = ()  # unavailable accounts the rules or the rotation passed over, in order


def next_rotation_member(members: tuple[str, ...], active: frozenset[str], last: str | None) -> str | None:
    """The active member after `last` in list order (wrapping), or None when no member is active.

    If `last` is not a member, the turn starts at the first member. `last` itself is the
    final candidate, so a single active member receives every turn.
    """
    n = len(members)
    if n == 0:
        return None
    try:
        start = members.index(last) + 1 if last is not None else 0
    except ValueError:
        start = 0
    for i in range(n):
        candidate = members[(start + i) % n]
        if candidate in active:
            return candidate
    return None


class _Notes:
    """The "passed over" notes of one decision: the first mention of a login says why, later ones do not."""

    def __init__(self, unavailable: Mapping[str, str]) -> None:
        self.unavailable = unavailable
        self.notes: list[str] = []
        self.passed: list[str] = []
        self._named: set[str] = set()

    def skip(self, login: str, step: str, to: str) -> None:
        self.notes.append(self.inline(login, step, to))

    def inline(self, login: str, step: str, to: str) -> str:
        """The note for LOGIN passed over at STEP, recorded as passed but not added (the caller places it)."""
        why = "" if login in self._named else f" {self.unavailable[login]}"
        if login not in self._named:
            self.passed.append(login)
            self._named.add(login)
        return f"{login}{why}: {step} -> {to}"

    def reason(self, tail: str) -> str:
        return "; ".join([*self.notes, tail])


def route(settings: AllocationSettings, facts: RoutingFacts) -> Decision:
    """Decide the owner of one arrival (docs/domain.md, Allocation, steps 1-5)."""
    if facts.channel not in _CHANNELS:
        raise ValueError(f"unknown channel {facts.channel!r}; expected one of {sorted(c.value for c in Channel)}")
    main = facts.main_login
    active = facts.active_logins
    unavailable = facts.unavailable
    notes = _Notes(unavailable)
    is_chat = facts.channel == Channel.TM
    if is_chat and not settings.chats_follow_rules:
        owner, rule, reason = main, Rule.MAIN_ACCOUNT, "chat lands with the main account (chats do not follow rules)"
        may_rotate = settings.rotation_includes_chats
    else:
        owner, rule, reason = _rules(settings, facts, notes)
        may_rotate = not is_chat or settings.rotation_includes_chats

    if owner != main or not settings.rotation:
        return _decision(owner, rule, _last_resort(notes.reason(reason), owner, main, unavailable), facts, notes)
    if not may_rotate:
        reason = f"{reason}; chats do not follow rotation"
        return _decision(owner, rule, _last_resort(notes.reason(reason), owner, main, unavailable), facts, notes)

    # The main account is active by definition, so it takes its turn if it is listed.
    rotation_active = active if main in active else active | {main}
    eligible = rotation_active - unavailable.keys() if unavailable else rotation_active
    turn = next_rotation_member(settings.rotation_members, eligible, facts.rotation_last)
    if turn is None:
        held = [m for m in settings.rotation_members if m in rotation_active and m in unavailable]
        if held:
            why = ", ".join(f"{m} {unavailable[m]}" for m in held)
            tail = f"{reason}; no eligible rotation member ({why}), stays with {main}"
        else:
            tail = f"{reason}; no active rotation member, stays with {main}"
        return _decision(owner, rule, _last_resort(notes.reason(tail), owner, main, unavailable), facts, notes)
    passed = _passed_in_turn(settings.rotation_members, rotation_active, unavailable, facts.rotation_last, turn)
    extra = f"; passed over {', '.join(f'{m} ({unavailable[m]})' for m in passed)}" if passed else ""
    passed_all = tuple(dict.fromkeys([*notes.passed, *passed]))
    return Decision(
        turn, Rule.ROTATION, notes.reason(f"{reason}; rotated to {turn} (rotation){extra}"), turn, passed_all
    )


def _decision(owner: str, rule: Rule, reason: str, facts: RoutingFacts, notes: _Notes) -> Decision:
    return Decision(owner, rule, reason, facts.rotation_last, tuple(notes.passed))


def _last_resort(reason: str, owner: str, main: str, unavailable: Mapping[str, str]) -> str:
    """The reason, saying so when the main account receives although it is itself unavailable."""
    if owner == main and main in unavailable:
        return f"{reason}; {main} {unavailable[main]}, but no one else is eligible"
    return reason


def _passed_in_turn(
    members: tuple[str, ...], active: frozenset[str], unavailable: Mapping[str, str], last: str | None, turn: str
) -> list[str]:
    """The active members whose turn came before TURN's but who were unavailable."""
    if not unavailable:
        return []
    n = len(members)
    try:
        start = members.index(last) + 1 if last is not None else 0
    except ValueError:
        start = 0
    out = []
    for i in range(n):
        candidate = members[(start + i) % n]
        if candidate == turn:
            break
        if candidate in active and candidate in unavailable:
            out.append(candidate)
    return out


def _is_active(login: str | None, facts: RoutingFacts) -> TypeGuard[str]:
    # The main account is always active, whatever the caller's set says.
    return login is not None and (login == facts.main_login or login in facts.active_logins)


def _rules(settings: AllocationSettings, facts: RoutingFacts, notes: _Notes) -> tuple[str, Rule, str]:
    """Steps 1-2: sticky, then product or region, then the company contact; unavailable accounts passed over."""
    unavailable = facts.unavailable
    mode_step = "product" if settings.mode == "product" else "region"
    if settings.sticky and _is_active(facts.buyer_owner, facts):
        if facts.buyer_owner not in unavailable:
            return facts.buyer_owner, Rule.STICKY, f"buyer already owned by {facts.buyer_owner} (sticky)"
        notes.skip(facts.buyer_owner, "sticky", mode_step)

    why = ""
    if settings.mode == "product":
        owner = facts.product_owner
        if _is_active(owner, facts):
            if owner not in unavailable:
                return owner, Rule.PRODUCT, f"product owned by {owner} (product)"
            notes.skip(owner, "product", "company contact")
        else:
            why = "company-level or unowned product" if owner is None else f"product owner {owner} is deactivated"
    else:
        owner = facts.country_owner
        if _is_active(owner, facts):
            if owner not in unavailable:
                return owner, Rule.REGION, f"buyer's country owned by {owner} (region)"
            notes.skip(owner, "region", "company contact")
        else:
            why = "buyer's country has no owner" if owner is None else f"country owner {owner} is deactivated"
    lead = f"{why}; " if why else ""

    contact = facts.company_contact
    main = facts.main_login
    if _is_active(contact, facts):
        if contact not in unavailable or contact == main:
            return contact, Rule.COMPANY_CONTACT, f"{lead}to company contact {contact} (company_contact)"
        skipped = notes.inline(contact, "company contact", "main account")
        return main, Rule.COMPANY_CONTACT, f"{lead}{skipped}; to {main} (company_contact)"
    return main, Rule.COMPANY_CONTACT, f"{lead}company contact {contact} is deactivated, to {main} (company_contact)"
