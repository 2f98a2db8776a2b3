"""Smart questions that ask only what an inquiry does not already say.

A question is stored as its text, optionally led by a declaration of what it asks:
`[quantity, product] Which product and how many pieces do you need?`. Without one, what it
asks is read from its words (`infer_asks`: "how many" asks the quantity, "which country" the
destination, ...). The declaration is never sent: the buyer reads the text after it.

Reception (domain.reception.plan_reception) sends a question only when at least one thing it
asks is not stated yet (domain.terms_text reads what the inquiry states); a question that asks
nothing this app can read ("How did you hear about us?") is always sent. What was asked is
kept on the inquiry, so a short answer ("500") can be read as the quantity it answers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.domain.terms import Terms
from inquiry_tui.domain.vocabulary import Ask, allowed

_DECLARATION = re.compile(r"^\s*\[([a-z_ ,]*)\]\s*(.*)$", re.DOTALL)
_ALIASES = {"price": Ask.TARGET_PRICE, "date": Ask.DELIVERY_DATE, "delivery": Ask.DELIVERY_DATE}

# What a question's own words ask (lower-cased text); the first group of words that matches.
_INFER: tuple[tuple[Ask, re.Pattern[str]], ...] = (
    (Ask.PRODUCT, re.compile(r"\b(?:products?|models?|items?|sku|which (?:lights?|lamps?|fixtures?))\b")),
    (Ask.QUANTITY, re.compile(r"\b(?:quantit(?:y|ies)|how many|qty|volume|moq|pieces)\b")),
    (
        Ask.DESTINATION,
        re.compile(
            r"\b(?:destination|countr(?:y|ies)|port|where|ship(?:ped|ping)? to|deliver(?:ed|y)? to|installed in)\b"
        ),
    ),
    (Ask.TARGET_PRICE, re.compile(r"\b(?:price|budget|cost)\b")),
    (
        Ask.DELIVERY_DATE,
        re.compile(r"\b(?:when|deadline|lead time|deliver(?:y|ed)? (?:date|time|by)|by what date|what date)\b"),
    ),
    (Ask.INCOTERM, re.compile(r"\b(?:incoterms?|trade terms?|fob|cif|exw|ddp)\b")),
    (Ask.PAYMENT, re.compile(r"\b(?:payment|pay)\b")),
    (Ask.SAMPLE, re.compile(r"\bsamples?\b")),
)


@dataclass(frozen=True)
class SmartQuestion:
    """One question: the text the buyer reads and what it asks (empty: nothing this app can read)."""

    text: str
    asks: frozenset[Ask]
    declared: bool  # the asks come from a `[...]` declaration, not from the words

    def needed(self, stated: frozenset[Ask]) -> bool:
        """Whether to send it: it asks something not stated yet, or nothing readable at all."""
        return not self.asks or not self.asks <= stated


def infer_asks(text: str) -> frozenset[Ask]:
    """What the words of TEXT ask (docs/domain.md, Smart questions)."""
    lower = text.lower()
    return frozenset(ask for ask, pattern in _INFER if pattern.search(lower))


def _ask(word: str, key: str, raw: str) -> Ask:
    w = word.strip().lower().replace(" ", "_")
    if w in _ALIASES:
        return _ALIASES[w]
    try:
        return Ask(w)
    except ValueError:
        raise ValidationError(
            f"{key}: {raw.strip()[:60]!r} declares {word.strip()!r}, which is not a field; allowed: {allowed(Ask)}"
        ) from None


@lru_cache(maxsize=256)  # the same few questions are read for every arrival
def _parse(raw: str, key: str) -> SmartQuestion:
    m = _DECLARATION.match(raw)
    if m is None:
        text = raw.strip()
        return SmartQuestion(text, infer_asks(text), False)
    words = [w for w in m[1].split(",") if w.strip()]
    return SmartQuestion(m[2].strip(), frozenset(_ask(w, key, raw) for w in words), True)


def parse_question(raw: str, *, key: str = "reception.smart_questions") -> SmartQuestion:
    """A stored question: its text and what it asks; a declaration naming an unknown field is refused."""
    return _parse(raw, key)


def declared(text: str, asks: Iterable[str], *, key: str = "reception.smart_questions") -> str:
    """The stored form of TEXT declared to ask ASKS (`[a, b] text`); no asks: the text, read by its words."""
    checked = [_ask(a, key, text) for a in asks]
    if not checked:
        return text.strip()
    return f"[{', '.join(dict.fromkeys(a.value for a in checked))}] {text.strip()}"


def question_text(raw: str) -> str:
    """What the buyer reads: the question without its declaration (an unparsable declaration stays as text)."""
    try:
        return parse_question(raw).text
    except ValidationError:
        return raw.strip()


def stated_asks(terms: Terms, *, has_product: bool = False) -> frozenset[Ask]:
    """What TERMS (and the inquiry's own product, HAS_PRODUCT) already answer."""
    out = set()
    if has_product or terms.product is not None:
        out.add(Ask.PRODUCT)
    if terms.quantity is not None:
        out.add(Ask.QUANTITY)
    if terms.destination is not None:
        out.add(Ask.DESTINATION)
    if terms.target_price is not None:
        out.add(Ask.TARGET_PRICE)
    if terms.delivery_date is not None:
        out.add(Ask.DELIVERY_DATE)
    if terms.incoterm is not None:
        out.add(Ask.INCOTERM)
    if terms.payment_terms is not None:
        out.add(Ask.PAYMENT)
    if terms.sample_requested is not None:
        out.add(Ask.SAMPLE)
    return frozenset(out)


_ORDER = tuple((a, a.value) for a in Ask)  # iterating the enum per arrival is slow; an import calls this for each


def asked_to_text(asks: Iterable[Ask]) -> str:
    """The `inquiry.asked` column: the asks in declaration order, comma-separated ("" for none)."""
    chosen = set(asks)
    if not chosen:
        return ""
    return ",".join(value for a, value in _ORDER if a in chosen)


def asked_from_text(text: str | None) -> frozenset[Ask]:
    """Inverse of asked_to_text; unknown words (a newer app's) are ignored."""
    out = set()
    for word in (text or "").split(","):
        try:
            out.add(Ask(word.strip()))
        except ValueError:
            continue
    return frozenset(out)
