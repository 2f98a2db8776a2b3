"""Routing of one arrival (domain/allocation.py): every rule, their combinations, and properties."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from inquiry_tui.domain.allocation import RULES, Decision, RoutingFacts, next_rotation_member, route
from inquiry_tui.domain.settings import AllocationSettings

MAIN = "boss"
ACTIVE = frozenset({MAIN, "ana", "bob", "cy", "dan"})  # "zed" and "old" are deactivated


def facts(**kw) -> RoutingFacts:
    base = {
        "channel": "inquiry",
        "main_login": MAIN,
        "company_contact": MAIN,
        "active_logins": ACTIVE,
        "buyer_owner": None,
        "product_owner": None,
        "country_owner": None,
        "rotation_last": None,
    }
    base.update(kw)
    return RoutingFacts(**base)


def alloc(**kw) -> AllocationSettings:
    return AllocationSettings(**kw)


ROT = {"rotation": True, "rotation_members": ("ana", "bob", "cy")}

# (id, settings, facts, expected owner, expected rule, expected rotation_last)
SCENARIOS = [
    # step 1: sticky
    ("sticky-over-product", alloc(), facts(buyer_owner="ana", product_owner="bob"), "ana", "sticky", None),
    ("sticky-over-region", alloc(mode="region"), facts(buyer_owner="ana", country_owner="bob"), "ana", "sticky", None),
    (
        "sticky-off-product-wins",
        alloc(sticky=False),
        facts(buyer_owner="ana", product_owner="bob"),
        "bob",
        "product",
        None,
    ),
    (
        "sticky-off-region-wins",
        alloc(mode="region", sticky=False),
        facts(buyer_owner="ana", country_owner="bob"),
        "bob",
        "region",
        None,
    ),
    (
        "sticky-owner-inactive-falls-to-product",
        alloc(),
        facts(buyer_owner="zed", product_owner="bob"),
        "bob",
        "product",
        None,
    ),
    (
        "sticky-owner-inactive-falls-to-contact",
        alloc(),
        facts(buyer_owner="zed", company_contact="cy"),
        "cy",
        "company_contact",
        None,
    ),
    ("sticky-beats-rotation", alloc(**ROT), facts(buyer_owner="dan"), "dan", "sticky", None),
    # step 2: product mode
    ("product-owner", alloc(), facts(product_owner="bob", company_contact="cy"), "bob", "product", None),
    ("product-company-level-to-contact", alloc(), facts(company_contact="cy"), "cy", "company_contact", None),
    (
        "product-owner-inactive-to-contact",
        alloc(),
        facts(product_owner="zed", company_contact="cy"),
        "cy",
        "company_contact",
        None,
    ),
    (
        "product-mode-ignores-country",
        alloc(),
        facts(country_owner="bob", company_contact="cy"),
        "cy",
        "company_contact",
        None,
    ),
    ("product-owned-by-main", alloc(), facts(product_owner=MAIN, company_contact="cy"), MAIN, "product", None),
    # step 2: region mode
    ("region-owner", alloc(mode="region"), facts(country_owner="bob", company_contact="cy"), "bob", "region", None),
    (
        "region-without-owner-to-contact",
        alloc(mode="region"),
        facts(company_contact="cy"),
        "cy",
        "company_contact",
        None,
    ),
    (
        "region-owner-inactive-to-contact",
        alloc(mode="region"),
        facts(country_owner="zed", company_contact="cy"),
        "cy",
        "company_contact",
        None,
    ),
    (
        "region-mode-ignores-product",
        alloc(mode="region"),
        facts(product_owner="bob", company_contact="cy"),
        "cy",
        "company_contact",
        None,
    ),
    # company contact
    ("contact-inactive-to-main", alloc(), facts(company_contact="zed"), MAIN, "company_contact", None),
    ("contact-is-main-rotation-off", alloc(), facts(), MAIN, "company_contact", None),
    ("contact-inactive-to-main-then-rotation", alloc(**ROT), facts(company_contact="zed"), "ana", "rotation", "ana"),
    # step 3: rotation
    ("rotation-first-turn", alloc(**ROT), facts(), "ana", "rotation", "ana"),
    ("rotation-after-last", alloc(**ROT), facts(rotation_last="ana"), "bob", "rotation", "bob"),
    ("rotation-wraps", alloc(**ROT), facts(rotation_last="cy"), "ana", "rotation", "ana"),
    (
        "rotation-3-members-one-deactivated",
        alloc(**ROT),
        facts(rotation_last="ana", active_logins=ACTIVE - {"bob"}),
        "cy",
        "rotation",
        "cy",
    ),
    (
        "rotation-skips-inactive-and-wraps",
        alloc(rotation=True, rotation_members=("ana", "zed", "bob")),
        facts(rotation_last="bob"),
        "ana",
        "rotation",
        "ana",
    ),
    ("rotation-last-no-longer-member", alloc(**ROT), facts(rotation_last="old"), "ana", "rotation", "ana"),
    (
        "rotation-single-active-member-repeats",
        alloc(rotation=True, rotation_members=("zed", "ana")),
        facts(rotation_last="ana"),
        "ana",
        "rotation",
        "ana",
    ),
    (
        "rotation-main-listed-takes-turn",
        alloc(rotation=True, rotation_members=("ana", MAIN)),
        facts(rotation_last="ana"),
        MAIN,
        "rotation",
        MAIN,
    ),
    (
        "rotation-no-active-member-stays-main",
        alloc(rotation=True, rotation_members=("zed", "old")),
        facts(rotation_last="zed"),
        MAIN,
        "company_contact",
        "zed",
    ),
    ("rotation-empty-members-stays-main", alloc(rotation=True), facts(), MAIN, "company_contact", None),
    (
        "rotation-unused-when-contact-not-main",
        alloc(**ROT),
        facts(company_contact="dan", rotation_last="ana"),
        "dan",
        "company_contact",
        "ana",
    ),
    (
        "rotation-unused-for-product-owner",
        alloc(**ROT),
        facts(product_owner="dan", rotation_last="ana"),
        "dan",
        "product",
        "ana",
    ),
    ("rotation-for-product-owned-by-main", alloc(**ROT), facts(product_owner=MAIN), "ana", "rotation", "ana"),
    ("rotation-for-sticky-main-owner", alloc(**ROT), facts(buyer_owner=MAIN), "ana", "rotation", "ana"),
    ("rotation-off-main-owner-stays", alloc(rotation_members=("ana",)), facts(buyer_owner=MAIN), MAIN, "sticky", None),
    # step 4: chats
    (
        "chat-rules-off-lands-main",
        alloc(),
        facts(channel="tm", buyer_owner="ana", product_owner="bob"),
        MAIN,
        "main_account",
        None,
    ),
    (
        "chat-rules-off-region-lands-main",
        alloc(mode="region"),
        facts(channel="tm", country_owner="bob"),
        MAIN,
        "main_account",
        None,
    ),
    (
        "chat-rules-on-sticky",
        alloc(chats_follow_rules=True),
        facts(channel="tm", buyer_owner="ana", product_owner="bob"),
        "ana",
        "sticky",
        None,
    ),
    (
        "chat-rules-on-product",
        alloc(chats_follow_rules=True),
        facts(channel="tm", product_owner="bob"),
        "bob",
        "product",
        None,
    ),
    (
        "chat-rules-on-region",
        alloc(mode="region", chats_follow_rules=True),
        facts(channel="tm", country_owner="bob"),
        "bob",
        "region",
        None,
    ),
    (
        "chat-rules-on-contact",
        alloc(chats_follow_rules=True),
        facts(channel="tm", company_contact="cy"),
        "cy",
        "company_contact",
        None,
    ),
    (
        "chat-rules-off-rotation-excludes-chats",
        alloc(**ROT),
        facts(channel="tm", rotation_last="ana"),
        MAIN,
        "main_account",
        "ana",
    ),
    (
        "chat-rules-off-rotation-includes-chats",
        alloc(rotation_includes_chats=True, **ROT),
        facts(channel="tm", rotation_last="ana"),
        "bob",
        "rotation",
        "bob",
    ),
    (
        "chat-rules-on-rotation-excludes-chats",
        alloc(chats_follow_rules=True, **ROT),
        facts(channel="tm"),
        MAIN,
        "company_contact",
        None,
    ),
    (
        "chat-rules-on-rotation-includes-chats",
        alloc(chats_follow_rules=True, rotation_includes_chats=True, **ROT),
        facts(channel="tm"),
        "ana",
        "rotation",
        "ana",
    ),
    (
        "chat-includes-chats-but-rotation-off",
        alloc(rotation_includes_chats=True, rotation_members=("ana",)),
        facts(channel="tm"),
        MAIN,
        "main_account",
        None,
    ),
    (
        "chat-rules-on-sticky-beats-rotation",
        alloc(chats_follow_rules=True, rotation_includes_chats=True, **ROT),
        facts(channel="tm", buyer_owner="dan"),
        "dan",
        "sticky",
        None,
    ),
    # other channels follow the rules whatever the chat switches say
    ("email-follows-rules", alloc(), facts(channel="email", product_owner="bob"), "bob", "product", None),
    ("rfq-follows-rules", alloc(mode="region"), facts(channel="rfq", country_owner="bob"), "bob", "region", None),
    ("inquiry-rotates-without-chat-switch", alloc(**ROT), facts(channel="inquiry"), "ana", "rotation", "ana"),
]


@pytest.mark.parametrize(
    ("settings", "the_facts", "owner", "rule", "rotation_last"),
    [pytest.param(*row[1:], id=row[0]) for row in SCENARIOS],
)
def test_route_scenarios(settings, the_facts, owner, rule, rotation_last):
    decision = route(settings, the_facts)
    assert (decision.owner, decision.rule, decision.rotation_last) == (owner, rule, rotation_last)
    assert decision.reason and "\n" not in decision.reason


def test_reasons_name_owner_and_rule():
    assert route(alloc(), facts(buyer_owner="ana")).reason == "buyer already owned by ana (sticky)"
    assert "bob" in route(alloc(), facts(product_owner="bob")).reason
    r = route(alloc(), facts(product_owner="zed", company_contact="cy")).reason
    assert "zed is deactivated" in r and "cy" in r
    r = route(alloc(**ROT), facts(rotation_last="ana")).reason
    assert "rotated to bob" in r
    r = route(alloc(rotation=True, rotation_members=("zed",)), facts()).reason
    assert "no active rotation member" in r
    assert "chat" in route(alloc(), facts(channel="tm")).reason


def test_main_account_counts_as_active_even_if_missing_from_set():
    d = route(alloc(), facts(active_logins=frozenset({"ana"}), product_owner=MAIN))
    assert (d.owner, d.rule) == (MAIN, "product")
    d = route(alloc(rotation=True, rotation_members=(MAIN,)), facts(active_logins=frozenset()))
    assert (d.owner, d.rule) == (MAIN, "rotation")


def test_unknown_channel_is_rejected():
    with pytest.raises(ValueError, match="channel"):
        route(alloc(), facts(channel="chat"))


def test_decision_is_frozen():
    d = route(alloc(), facts())
    assert isinstance(d, Decision)
    with pytest.raises(AttributeError):
        d.owner = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("members", "active", "last", "expected"),
    [
        pytest.param((), frozenset({"a"}), None, None, id="no-members"),
        pytest.param(("a", "b", "c"), frozenset("abc"), None, "a", id="start-first"),
        pytest.param(("a", "b", "c"), frozenset("abc"), "a", "b", id="next"),
        pytest.param(("a", "b", "c"), frozenset("abc"), "c", "a", id="wrap"),
        pytest.param(("a", "b", "c"), frozenset("ac"), "a", "c", id="skip-inactive"),
        pytest.param(("a", "b", "c"), frozenset("a"), "a", "a", id="only-one-active-repeats"),
        pytest.param(("a", "b", "c"), frozenset("b"), "zz", "b", id="last-not-member-start-first-active"),
        pytest.param(("a", "b", "c"), frozenset(), "a", None, id="none-active"),
        pytest.param(("a", "b", "c"), frozenset("abc"), "b", "c", id="last-itself-inactive-ok"),
    ],
)
def test_next_rotation_member(members, active, last, expected):
    assert next_rotation_member(members, active, last) == expected


# --- properties --------------------------------------------------------------------------

POOL = [MAIN, "ana", "bob", "cy", "dan", "eve", "zed"]
maybe_login = st.one_of(st.none(), st.sampled_from([*POOL, "gone"]))


@st.composite
def settings_strategy(draw):
    members = draw(st.lists(st.sampled_from(POOL), unique=True, max_size=6))
    return AllocationSettings(
        mode=draw(st.sampled_from(["product", "region"])),
        sticky=draw(st.booleans()),
        company_contact=draw(st.one_of(st.none(), st.sampled_from(POOL))),
        rotation=draw(st.booleans()),
        rotation_members=tuple(members),
        chats_follow_rules=draw(st.booleans()),
        rotation_includes_chats=draw(st.booleans()),
    )


@st.composite
def facts_strategy(draw):
    active = draw(st.frozensets(st.sampled_from(POOL[1:])))
    # the caller usually includes the main account; sometimes not, which route tolerates
    if draw(st.booleans()):
        active = active | {MAIN}
    return RoutingFacts(
        channel=draw(st.sampled_from(["inquiry", "tm", "email", "rfq"])),
        main_login=MAIN,
        company_contact=draw(st.sampled_from(POOL)),
        active_logins=active,
        buyer_owner=draw(maybe_login),
        product_owner=draw(maybe_login),
        country_owner=draw(maybe_login),
        rotation_last=draw(maybe_login),
    )


@given(settings_strategy(), facts_strategy())
def test_owner_is_always_active_and_decision_consistent(settings, f):
    d = route(settings, f)
    assert d.owner == MAIN or d.owner in f.active_logins  # never an inactive login
    assert d.rule in RULES
    if d.rule == "rotation":
        assert d.owner in settings.rotation_members and d.rotation_last == d.owner
        assert settings.rotation
    else:
        assert d.rotation_last == f.rotation_last
    if d.rule == "main_account":
        assert f.channel == "tm" and not settings.chats_follow_rules and d.owner == MAIN
    if not settings.rotation:
        assert d.rule != "rotation"


@given(settings_strategy(), facts_strategy())
def test_sticky_active_buyer_owner_wins(settings, f):
    d = route(settings, f)
    follows_rules = f.channel != "tm" or settings.chats_follow_rules
    owner = f.buyer_owner
    if settings.sticky and follows_rules and owner is not None and (owner in f.active_logins or owner == MAIN):
        if owner != MAIN:
            assert (d.owner, d.rule) == (owner, "sticky")
        else:  # a main-account owner is still handed out when rotation applies
            assert d.owner == MAIN or d.rule == "rotation"


@given(settings_strategy(), facts_strategy())
def test_chats_not_following_rules_go_to_main_or_rotation(settings, f):
    f = replace(f, channel="tm")
    d = route(replace(settings, chats_follow_rules=False), f)
    assert d.rule in ("main_account", "rotation")
    if d.rule == "rotation":
        assert settings.rotation and settings.rotation_includes_chats


@hsettings(max_examples=200)
@given(
    members=st.lists(st.sampled_from(POOL), unique=True, min_size=1, max_size=7),
    inactive=st.frozensets(st.sampled_from(POOL[1:])),
    start=maybe_login,
    n=st.integers(min_value=0, max_value=60),
)
def test_rotation_is_fair(members, inactive, start, n):
    active = frozenset(POOL) - inactive
    settings = AllocationSettings(rotation=True, rotation_members=tuple(members))
    counts: Counter[str] = Counter()
    last = start
    for _ in range(n):
        d = route(settings, facts(active_logins=active, rotation_last=last))
        counts[d.owner] += 1
        last = d.rotation_last
    eligible = [m for m in members if m in active or m == MAIN]
    if not eligible:
        assert set(counts) <= {MAIN} and last == start
        return
    assert set(counts) <= set(eligible)  # inactive members never receive
    per_member = [counts[m] for m in eligible]
    assert max(per_member) - min(per_member) <= 1
    assert sum(per_member) == n
