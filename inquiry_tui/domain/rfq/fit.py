"""How well an RFQ fits the catalogue, why it is recommended, and which keyword subscriptions it matches.

Text is compared as words: lower-cased, accents removed, split at anything that is not a letter
or digit (as the market's full-text index splits it), and a plural `s` dropped, so
"Floodlights" meets "floodlight" and "Luminária" meets "luminaria". Pure and linear in the text.

Fit to the catalogue (0..100), the best-fitting product counting most:
- the product's SKU named in the RFQ: 40
- words of the product's name (not generic ones such as "led" or "light"): 12 each when two or
  more of them occur (the reason names that stretch of the name)
- each of the product's keyword phrases found whole: 20 (at most three)
- a second and third product that fit as well: 8 each
- the RFQ's category shares a word with a product category: 15
An RFQ is recommended from MIN_FIT; its rank adds the buyer: verified 10, tier L0..L4 5 per
level, activity level / 10. Each recommendation says why, e.g. "matches 18W downlight, DALI;
verified L3 buyer" (catalogue terms as the catalogue writes them).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

MIN_FIT = 20
MAX_TERMS = 3  # catalogue terms named in a reason
ACTIVE_LEVEL = 50  # an activity level worth naming in a reason
_SKU_POINTS, _NAME_POINTS, _KEYWORD_POINTS, _OTHER_POINTS, _CATEGORY_POINTS = 40, 12, 20, 8, 15
_MAX_KEYWORDS, _MAX_OTHERS = 3, 2
_TOKEN = re.compile(r"[^\W_]+")
# Words that tell no product from another: a match on these alone is no fit.
GENERIC = frozenset(
    [
        "a",
        "an",
        "and",
        "the",
        "for",
        "with",
        "of",
        "in",
        "on",
        "to",
        "by",
        "from",
        "per",
        "new",
        "led",
        "light",
        "lights",
        "lamp",
        "lamps",
        "lighting",
        "pcs",
        "pc",
        "set",
        "sets",
        "piece",
        "pieces",
        "unit",
        "units",
        "high",
        "quality",
        "best",
        "cheap",
        "price",
        "prices",
        "wholesale",
        "supplier",
        "factory",
        "product",
        "products",
        "oem",
        "odm",
        "custom",
        "customized",
        "type",
        "model",
        "series",
        "item",
        "items",
        "w",
        "v",
    ]
)


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _plain(text: str) -> str:
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def words(text: str) -> tuple[str, ...]:
    """TEXT as comparable words, in order."""
    return tuple(_stem(w) for w in _TOKEN.findall(_plain(text).casefold()))


def _spans(text: str) -> tuple[tuple[str, int, int], ...]:
    """Each word of TEXT as (comparable word, start, end) in TEXT itself."""
    return tuple((_stem(_plain(m[0]).casefold()), m.start(), m.end()) for m in _TOKEN.finditer(text))


def _has_phrase(seq: Sequence[str], phrase: Sequence[str]) -> bool:
    n = len(phrase)
    if n == 0:
        return False
    first = phrase[0]
    return any(seq[i] == first and tuple(seq[i : i + n]) == tuple(phrase) for i in range(len(seq) - n + 1))


@dataclass(frozen=True)
class CatalogueProduct:
    """One product as fit sees it: SKU, name, category and keyword phrases, prepared once."""

    sku: str
    name: str
    category: str
    keywords: tuple[str, ...]
    sku_words: tuple[str, ...]
    name_words: tuple[str, ...]  # distinctive words of the name, in order, no repeats
    name_spans: tuple[tuple[str, int, int], ...]  # every word of the name with where it is
    keyword_words: tuple[tuple[str, ...], ...]

    def name_part(self, hits: Sequence[str]) -> str:
        """The stretch of the name from the first to the last of HITS, as written ("Recessed LED Downlight")."""
        found = [(start, end) for word, start, end in self.name_spans if word in hits]
        return self.name[found[0][0] : found[-1][1]] if found else ""


def product(sku: str, name: str, category: str = "", keywords: str = "") -> CatalogueProduct:
    phrases = tuple(k.strip() for k in keywords.split(",") if k.strip())
    name_words = tuple(dict.fromkeys(w for w in words(name) if w not in GENERIC))
    return CatalogueProduct(
        sku, name, category, phrases, words(sku), name_words, _spans(name), tuple(words(k) for k in phrases)
    )


@dataclass(frozen=True)
class Catalogue:
    products: tuple[CatalogueProduct, ...]
    category_words: frozenset[str]

    @classmethod
    def of(cls, products: Iterable[CatalogueProduct]) -> Catalogue:
        items = tuple(products)
        cats = frozenset(w for p in items for w in words(p.category) if w not in GENERIC)
        return cls(items, cats)


@dataclass(frozen=True)
class Fit:
    """How an RFQ fits the catalogue: SCORE 0..100, the catalogue TERMS it matched, the CATEGORY it shares."""

    score: int
    terms: tuple[str, ...]
    category: str  # the RFQ's category when it shares a word with ours, else ""


NO_FIT = Fit(0, (), "")


def _product_fit(p: CatalogueProduct, seq: tuple[str, ...], present: frozenset[str]) -> tuple[int, list[str]]:
    score, terms = 0, []
    if p.sku_words and _has_phrase(seq, p.sku_words):
        score += _SKU_POINTS
        terms.append(p.sku)
    hits = [w for w in p.name_words if w in present]
    if len(hits) >= 2:
        score += _NAME_POINTS * len(hits)
        terms.append(p.name_part(hits))
    found = 0
    for phrase, tokens in zip(p.keywords, p.keyword_words):
        if found < _MAX_KEYWORDS and tokens and all(t in present for t in tokens) and _has_phrase(seq, tokens):
            found += 1
            score += _KEYWORD_POINTS
            terms.append(phrase)
    return score, terms


def fit(title: str, description: str, category: str, catalogue: Catalogue) -> Fit:
    """The RFQ's fit to CATALOGUE (see the module's table)."""
    seq = words(f"{title}\n{description}")
    present = frozenset(seq)
    scored = []
    for p in catalogue.products:
        score, found = _product_fit(p, seq, present)
        if score:
            scored.append((score, p.sku, found))
    scored.sort(key=lambda s: (-s[0], s[1]))
    total = 0
    terms: list[str] = []
    if scored:
        total = scored[0][0] + _OTHER_POINTS * min(_MAX_OTHERS, len(scored) - 1)
        for _, _, product_terms in scored[: 1 + _MAX_OTHERS]:
            terms.extend(product_terms)
    shared = category.strip() if any(w in catalogue.category_words for w in words(category)) else ""
    if shared:
        total += _CATEGORY_POINTS
    if not total:
        return NO_FIT
    return Fit(min(100, total), _distinct(terms), shared)


def _distinct(terms: list[str]) -> tuple[str, ...]:
    """Terms in order without repeats, nor those another term already says ("downlight" in "Recessed LED
    Downlight", "all in one" in "All-in-One ...")."""
    kept: list[tuple[str, tuple[str, ...]]] = []
    for term in terms:
        seq = words(term)
        if any(_has_phrase(other, seq) for _, other in kept):
            continue
        kept = [(t, other) for t, other in kept if not _has_phrase(seq, other)]
        kept.append((term, seq))
    return tuple(t for t, _ in kept)


@dataclass(frozen=True)
class BuyerStanding:
    verified: bool
    tier: str | None  # L0..L4
    level: int  # activity level 0..100 (0 when unknown)


def activity_points(level: int) -> int:
    """What a buyer's activity level (0..100) adds to the rank: at most 10."""
    return max(0, min(100, level)) // 10


def buyer_points(b: BuyerStanding) -> int:
    """The buyer's part of the rank. Without the activity level it is what the store keeps on each RFQ
    (`rfq.buyer_points`, migration 0012_rfq_standing), so SQL can order RFQs by fit plus this."""
    tier = int(b.tier[1]) if b.tier and len(b.tier) == 2 and b.tier[1].isdigit() else 0
    return (10 if b.verified else 0) + 5 * tier + activity_points(b.level)


def rank_score(f: Fit, b: BuyerStanding) -> int:
    """The recommendation's order: fit first, then the buyer's standing (0 when there is no fit)."""
    return f.score + buyer_points(b) if f.score >= MIN_FIT else 0


def buyer_words(b: BuyerStanding) -> str:
    label = f"{'verified ' if b.verified else 'unverified '}{b.tier + ' ' if b.tier else ''}buyer"
    return label + (f", active (level {b.level})" if b.level >= ACTIVE_LEVEL else "")


def reason(f: Fit, b: BuyerStanding) -> str:
    """Why an RFQ is recommended: "matches 18W downlight, DALI; verified L3 buyer" ("" when it fits too little)."""
    if f.score < MIN_FIT:
        return ""
    parts = []
    if f.terms:
        parts.append("matches " + ", ".join(f.terms[:MAX_TERMS]))
    if f.category:
        parts.append(f"category {f.category}")
    parts.append(buyer_words(b))
    return "; ".join(parts)


# --- keyword subscriptions -------------------------------------------------------------------------


def subscription_words(word: str) -> tuple[str, ...]:
    """The words a subscription asks for (all of them must occur)."""
    return tuple(dict.fromkeys(words(word)))


def matching_subscriptions(title: str, description: str, subscriptions: Iterable[str]) -> list[str]:
    """The SUBSCRIPTIONS whose every word occurs in the RFQ's title or description, in the order given."""
    present = frozenset(words(f"{title}\n{description}"))
    return [s for s in subscriptions if (need := subscription_words(s)) and all(w in present for w in need)]
