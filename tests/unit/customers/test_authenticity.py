"""Authenticity judgement with reasons, and the trading-company hint."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inquiry_tui.domain.authenticity import (
    BuyerFacts,
    authenticity,
    email_domain,
    is_free_mail,
    trading_company_hint,
)

GENUINE = BuyerFacts(
    verified=True,
    tier="L3",
    company="Atlas Lighting SARL",
    country="DZ",
    phone="+213 21 000000",
    website="https://www.atlas-lighting.dz/",
    email="buyer@atlas-lighting.dz",
    junk_count=0,
    blacklist_count=0,
    activity_level=62,
    valid_inquiries=4,
    login_days=12,
)
BLANK = BuyerFacts(
    verified=False,
    tier=None,
    company=None,
    country=None,
    phone=None,
    website=None,
    email="someone@gmail.com",
    junk_count=0,
    blacklist_count=0,
    activity_level=0,
    valid_inquiries=0,
    login_days=0,
)

# Well inside 0..100, so comparisons are not hidden by the clamp.
MIDDLE = replace(GENUINE, verified=False, tier=None, activity_level=20, valid_inquiries=1, login_days=2)


def test_genuine_buyer() -> None:
    a = authenticity(GENUINE)
    assert a.verdict == "Likely genuine"
    assert a.score >= 80
    assert "verified buyer (blue label)" in a.texts
    assert "complete company information" in a.texts
    assert "buyer tier L3" in a.texts
    assert "e-mail domain matches the company website (atlas-lighting.dz)" in a.texts
    assert "no junk inquiries or blacklisting in 90 days" in a.texts
    assert "active buyer (activity 62)" in a.texts
    assert "logged in on 12 days in 90 days" in a.texts


def test_blank_free_mail_newcomer_is_doubtful() -> None:
    a = authenticity(BLANK)
    assert a.verdict == "Doubtful"
    assert "free-mail address (gmail.com)" in a.texts
    assert "not a verified buyer (no blue label)" in a.texts
    assert any(r.startswith("little company information (missing company") for r in a.texts)
    # zero junk says nothing about a buyer with no history
    assert "no junk inquiries or blacklisting in 90 days" not in a.texts


def test_reasons_are_positive_first() -> None:
    mixed = replace(GENUINE, email="atlas@hotmail.fr", junk_count=1)
    reasons = authenticity(mixed).texts
    assert reasons[0] == "verified buyer (blue label)"
    assert reasons[-2:] == ("free-mail address (hotmail.fr)", "1 junk inquiry in 90 days")


def test_junk_and_blacklist_lower_it() -> None:
    base = authenticity(MIDDLE).score
    one_junk = authenticity(replace(MIDDLE, junk_count=1))
    two_junk = authenticity(replace(MIDDLE, junk_count=2))
    blacklisted = authenticity(replace(MIDDLE, blacklist_count=1))
    assert two_junk.score < one_junk.score < base
    assert blacklisted.score < one_junk.score
    assert "2 junk inquiries in 90 days" in two_junk.texts
    assert "blacklisted 1 time in 90 days" in blacklisted.texts
    assert "blacklisted 3 times in 90 days" in authenticity(replace(MIDDLE, blacklist_count=3)).texts
    worst = authenticity(replace(BLANK, junk_count=9, blacklist_count=9))
    assert worst.score == 0 and worst.verdict == "Doubtful"


def test_verified_and_tier_raise_it() -> None:
    plain = MIDDLE
    assert authenticity(replace(plain, verified=True)).score > authenticity(plain).score
    scores = [authenticity(replace(plain, tier=t)).score for t in ("L0", "L1", "L2", "L3", "L4")]
    assert scores == sorted(scores) and scores[-1] > scores[0]
    assert authenticity(replace(plain, tier="l4")).score == scores[-1]  # case-insensitive
    assert authenticity(replace(plain, tier="L9")).score == authenticity(plain).score  # unknown: ignored
    assert not any("tier" in r for r in authenticity(replace(plain, tier="L0")).texts)


def test_company_info_completeness_raises_it() -> None:
    none = replace(MIDDLE, company=None, country=None, phone=None, website=None)
    half = replace(MIDDLE, phone="  ", website=None)
    assert authenticity(none).score < authenticity(half).score < authenticity(MIDDLE).score
    assert "partial company information (missing phone, website)" in authenticity(half).texts


def test_free_mail_is_a_mild_negative() -> None:
    corp = replace(MIDDLE, website=None, email="buyer@atlas-lighting.dz")
    free = replace(corp, email="buyer@gmail.com")
    drop = authenticity(corp).score - authenticity(free).score
    assert 0 < drop <= 10


@pytest.mark.parametrize(
    "domain",
    ["gmail.com", "hotmail.com", "hotmail.co.uk", "yahoo.co.jp", "outlook.com", "qq.com", "163.com", "mail.ru"],
)
def test_free_mail_domains(domain: str) -> None:
    assert is_free_mail(domain)


@pytest.mark.parametrize("domain", ["atlas-lighting.dz", "mail.acme.com", "gmailer.com"])
def test_company_domains(domain: str) -> None:
    assert not is_free_mail(domain)


def test_email_domain() -> None:
    assert email_domain("A@B.Example.") == "b.example"
    assert email_domain("no-at-sign") is None
    assert email_domain("") is None
    assert email_domain("x@") is None


def test_website_match_variants() -> None:
    a = authenticity(replace(GENUINE, website="atlas-lighting.dz", email="x@sales.atlas-lighting.dz"))
    assert any(r.startswith("e-mail domain matches") for r in a.texts)
    b = authenticity(replace(GENUINE, website="http://other.example:8080/x", email="x@atlas-lighting.dz"))
    assert not any(r.startswith("e-mail domain matches") for r in b.texts)


def test_untrusted_domain_in_reason_is_made_safe() -> None:
    a = authenticity(replace(BLANK, email="x@gmail.com\x1b]0;pwned\x07"))
    assert all("\x1b" not in r and "\x07" not in r for r in a.texts)


def test_reasons_name_the_window_they_cover() -> None:
    """The counts cover the profile's window (`customer show --window 30`): the reasons say so."""
    thirty = authenticity(
        replace(MIDDLE, window_days=30, junk_count=2, blacklist_count=1, valid_inquiries=4, login_days=6)
    )
    assert "2 junk inquiries in 30 days" in thirty.texts
    assert "blacklisted 1 time in 30 days" in thirty.texts
    assert "4 valid inquiries in 30 days" in thirty.texts
    assert "logged in on 6 days in 30 days" in thirty.texts
    assert not any("90 days" in r for r in thirty.texts)
    clean = authenticity(replace(GENUINE, window_days=7))
    assert "no junk inquiries or blacklisting in 7 days" in clean.texts
    assert "no junk inquiries or blacklisting in 1 day" in authenticity(replace(GENUINE, window_days=1)).texts
    assert "no junk inquiries or blacklisting in 90 days" in authenticity(GENUINE).texts  # the default window


def test_reasons_carry_their_sign() -> None:
    """The UI colours a reason by its sign, never by reading its words."""
    a = authenticity(replace(GENUINE, email="atlas@hotmail.fr", junk_count=1))
    signs = {r.text: r.sign for r in a.reasons}
    assert signs["verified buyer (blue label)"] == 1
    assert signs["buyer tier L3"] == 1
    assert signs["free-mail address (hotmail.fr)"] == -1
    assert signs["1 junk inquiry in 90 days"] == -1
    b = authenticity(BLANK)
    assert {r.text: r.sign for r in b.reasons}["not a verified buyer (no blue label)"] == -1
    assert all(r.sign == -1 for r in b.reasons if r.text.startswith("little company information"))


@given(
    st.builds(
        BuyerFacts,
        verified=st.booleans(),
        tier=st.sampled_from([None, "L0", "L2", "L4"]),
        company=st.one_of(st.none(), st.just("Co")),
        country=st.one_of(st.none(), st.just("DE")),
        phone=st.one_of(st.none(), st.just("+49 1")),
        website=st.one_of(st.none(), st.just("co.example")),
        email=st.sampled_from(["a@gmail.com", "a@co.example", "a@other.example"]),
        junk_count=st.integers(0, 3),
        blacklist_count=st.integers(0, 3),
        activity_level=st.integers(0, 100),
        valid_inquiries=st.integers(0, 5),
        login_days=st.integers(0, 9),
        window_days=st.integers(1, 365),
    )
)
def test_property_raising_reasons_first_and_signs_add_up(facts: BuyerFacts) -> None:
    a = authenticity(facts)
    signs = [r.sign for r in a.reasons]
    assert all(s in (-1, 0, 1) for s in signs)
    assert signs == sorted(signs, reverse=True)  # raising first, then lowering
    if all(s > 0 for s in signs):
        assert a.score >= 50  # only raising reasons never take the score below the start


_ints = st.integers(0, 50)


@given(
    st.builds(
        BuyerFacts,
        verified=st.booleans(),
        tier=st.one_of(st.none(), st.sampled_from(["L0", "L1", "L2", "L3", "L4", "X"])),
        company=st.one_of(st.none(), st.text(max_size=5)),
        country=st.one_of(st.none(), st.text(max_size=3)),
        phone=st.one_of(st.none(), st.text(max_size=5)),
        website=st.one_of(st.none(), st.text(max_size=10)),
        email=st.text(max_size=20),
        junk_count=_ints,
        blacklist_count=_ints,
        activity_level=st.integers(0, 100),
        valid_inquiries=_ints,
        login_days=st.integers(0, 90),
    )
)
def test_property_score_bounded_with_reasons(facts: BuyerFacts) -> None:
    a = authenticity(facts)
    assert 0 <= a.score <= 100
    assert a.verdict in {"Likely genuine", "Unclear", "Doubtful"}
    assert a.texts and all(isinstance(r, str) and r for r in a.texts)


# --- trading-company hint ------------------------------------------------------------------------


def test_unrelated_searches_suggest_a_trading_company() -> None:
    note = trading_company_hint(["LED lights", "tyres", "baby clothes", "phone cases"], ["led panel light"])
    assert note == (
        "Searches span unrelated products (LED lights, tyres, baby clothes, phone cases); likely a trading company"
    )


def test_related_searches_give_no_hint() -> None:
    assert trading_company_hint(["led panel", "LED panel light", "led strip", "panel lights 600x600"], []) is None
    assert trading_company_hint(["led panel", "led strip", "led bulb", "tyres", "baby clothes"], []) is None


def test_our_catalogue_counts_as_one_family() -> None:
    terms = ["led panel", "truck tyre", "phone case", "solar inverter"]
    assert trading_company_hint(terms, []) is not None
    assert trading_company_hint(terms, ["led panel", "truck tyres", "phone cases"]) is None


def test_generic_words_and_plurals() -> None:
    # "wholesale" does not relate tyres to baby clothes; "batteries" relates to "battery"
    assert trading_company_hint(["wholesale tyres", "wholesale baby clothes", "wholesale phone case"], []) is not None
    assert trading_company_hint(["lithium battery", "batteries 12v", "tyres"], []) is None


def test_too_few_terms_and_blank_or_duplicate_terms() -> None:
    assert trading_company_hint([], []) is None
    assert trading_company_hint(["tyres", "baby clothes"], []) is None
    assert trading_company_hint(["tyres", "TYRES", " ", "wholesale", "baby clothes"], []) is None


def test_hint_lists_at_most_five_and_is_safe() -> None:
    terms = ["tyres", "baby clothes", "phone case", "solar inverter", "coffee beans", "steel pipe", "x\x1b[2Jy"]
    note = trading_company_hint(terms, [])
    assert note is not None
    assert note.count(",") == 5 and ", …)" in note
    evil = trading_company_hint(["tyres", "baby clothes", "evil\x1b]0;pwned\x07 thing"], [])
    assert evil is not None and "\x1b" not in evil and "␛" in evil
