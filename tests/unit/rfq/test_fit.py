"""Catalogue fit, recommendation reasons and keyword subscriptions (domain/rfq/fit.py), with properties."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from inquiry_tui.domain.rfq.fit import (
    MIN_FIT,
    BuyerStanding,
    Catalogue,
    Fit,
    fit,
    matching_subscriptions,
    product,
    rank_score,
    reason,
    words,
)
from inquiry_tui.services.setup.company import load_json

CATALOGUE = Catalogue.of(
    product(p["sku"], p["name"], p.get("category", ""), p.get("keywords", ""))
    for p in load_json("company.json")["products"]
)
TIERS = st.sampled_from([None, "L0", "L1", "L2", "L3", "L4"])
STANDING = st.builds(BuyerStanding, st.booleans(), TIERS, st.integers(0, 100))


def test_words_ignore_case_accents_plurals_and_punctuation() -> None:
    assert words("Floodlights, LUMINÁRIA; tri-proof 18W!") == ("floodlight", "luminaria", "tri", "proof", "18w")


def test_an_rfq_for_our_downlight_and_dali_driver_says_so() -> None:
    f = fit(
        "18W recessed downlight, DALI dimmable, 2,000 pcs",
        "Need recessed LED downlights with a DALI dimmable driver.",
        "Downlights",
        CATALOGUE,
    )
    assert f.score >= MIN_FIT and f.category == "Downlights"
    why = reason(f, BuyerStanding(True, "L3", 0))
    assert why.startswith("matches ") and why.endswith("; verified L3 buyer")
    assert "DALI Dimmable Driver" in why and "Recessed LED Downlight" in why


def test_an_rfq_for_another_trade_does_not_fit() -> None:
    f = fit("Stainless steel cookware sets", "500 sets of pots and pans", "Kitchenware", CATALOGUE)
    assert f.score == 0 and reason(f, BuyerStanding(True, "L4", 90)) == ""
    assert rank_score(f, BuyerStanding(True, "L4", 90)) == 0


def test_an_active_buyer_is_named_in_the_reason() -> None:
    f = fit("Street lights 120W cobra head", "", "Street lights", CATALOGUE)
    assert reason(f, BuyerStanding(False, None, 72)).endswith("; unverified buyer, active (level 72)")


_catalogue_word = st.sampled_from(
    ["downlight", "flood light", "street light", "high bay", "panel light", "led strip", "grow light", "DALI driver"]
)
_filler = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)


@given(st.lists(_catalogue_word, min_size=1, max_size=3), _filler, STANDING)
def test_a_recommended_rfq_names_what_it_matched_and_who_asks(
    found: list[str], filler: str, who: BuyerStanding
) -> None:
    title = " ".join(found) + " " + filler
    f = fit(title, "", "", CATALOGUE)
    why = reason(f, who)
    if f.score < MIN_FIT:
        assert why == ""
        return
    assert why.startswith("matches ")
    for term in f.terms[:3]:
        assert term in why
    assert ("unverified" not in why) is who.verified
    if who.tier:
        assert f"{who.tier} buyer" in why


@given(st.text(max_size=300), st.text(max_size=300), st.text(max_size=50))
def test_fit_never_fails_and_stays_in_bounds(title: str, description: str, category: str) -> None:
    f = fit(title, description, category, CATALOGUE)
    assert 0 <= f.score <= 100
    assert (f.score == 0) == (f == Fit(0, (), ""))


@given(st.integers(0, 100), STANDING, STANDING)
def test_a_better_standing_never_ranks_lower(score: int, a: BuyerStanding, b: BuyerStanding) -> None:
    f = Fit(score, ("downlight",), "")
    tier = lambda s: int(s.tier[1]) if s.tier else 0  # noqa: E731
    if a.verified >= b.verified and tier(a) >= tier(b) and a.level >= b.level:
        assert rank_score(f, a) >= rank_score(f, b)
    if score >= MIN_FIT:
        assert rank_score(f, a) >= score


def test_a_subscription_matches_when_all_its_words_occur() -> None:
    subs = ["street light", "solar", "dali driver", "cookware"]
    hits = matching_subscriptions("Solar Street Lights 80W", "for a rural road", subs)
    assert hits == ["street light", "solar"]
    assert matching_subscriptions("Streetlight poles", "", subs) == []  # a different word
