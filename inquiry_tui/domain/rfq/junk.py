"""Junk RFQs: the inquiry junk filter (domain/junk.py) plus what only RFQs suffer, each with its reason.

The inquiry filter judges the title and description as a subject and body (block list, the
buyer's junk history, phishing, SEO and web-design offers, visa letters, links, empty text);
its reasons say "description" and "title" here. RFQs add, with the same threshold (50):

- advertising: a seller presenting itself ("we are a leading manufacturer ...") 30, offering
  ("we supply ...", "we offer ...") 25, pointing to its own shop 25
- price probing: prices for research or comparison, not to buy 50; "not a real order" 40;
  a whole price list instead of one need 30; a quote on one piece with nothing else said 20
- fraud: advance-fee tales (inheritance, lottery, next of kin) 60; overpaying and asking for the
  difference back 60; a fee the seller must pay first 50; untraceable payment (Western Union,
  gift cards, crypto) 40; goods first, payment after delivery 40

Text is lower-cased and NFKC-normalised first; patterns are flat (no nested quantifiers).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from inquiry_tui.domain.junk import JUNK_THRESHOLD, BlockList, JunkInput, JunkVerdict, judge

_RULES: tuple[tuple[int, str, tuple[str, ...]], ...] = (
    # advertising
    (
        30,
        "presents the sender as a supplier (advertising)",
        (
            r"\bwe\s+are\s+(?:a|an|the)\s+(?:leading\s+|professional\s+|top\s+|reliable\s+)?"
            r"(?:manufacturer|supplier|factory|exporter|producer|agency)s?\b",
            r"\bwe\s+are\s+(?:leading\s+|professional\s+)?(?:manufacturers|suppliers|exporters)\b",
        ),
    ),
    (
        25,
        "offers the sender's own goods or services (advertising)",
        (r"\bwe\s+(?:offer|supply|provide|manufacture|produce|sell|export)\b",),
    ),
    (
        25,
        "points to the sender's own shop or website (advertising)",
        (
            r"\b(?:visit|check\s+out|see)\s+our\s+(?:web\s?site|website|store|shop|catalog|catalogue|page)\b",
            r"\bour\s+(?:products|services)\s+(?:include|are)\b",
        ),
    ),
    # price probing
    (
        50,
        "asks prices for research or comparison, not to buy (price probing)",
        (
            r"\bmarket\s+(?:research|survey|study)\b",
            r"\bprice\s+(?:comparison|check|survey|research)\b",
            r"\bcompar(?:e|ing)\s+(?:your\s+|the\s+)?prices\b",
            r"\b(?:just|only)\s+(?:checking|want|need|want\s+to\s+know|need\s+to\s+know)\s+(?:the\s+|your\s+)?prices?\b",
            r"\b(?:for\s+reference\s+only|reference\s+prices?\s+only)\b",
        ),
    ),
    (
        40,
        "says it is not a real order (price probing)",
        (
            r"\bnot\s+(?:a\s+)?real\s+order\b",
            r"\bnot\s+(?:yet\s+)?ready\s+to\s+(?:buy|order|purchase)\b",
            r"\bno\s+order\s+yet\b",
        ),
    ),
    (
        30,
        "asks for a whole price list rather than one need (price probing)",
        (
            r"\b(?:full|complete|whole|entire)\s+price\s+list\b",
            r"\bprices?\s+(?:list\s+)?(?:of|for)\s+all\s+(?:your\s+)?(?:products|items|models)\b",
            r"\ball\s+(?:your\s+)?(?:products|items|models)\s+(?:with\s+)?prices?\b",
        ),
    ),
    # fraud
    (
        60,
        "tells an advance-fee story (fraud)",
        (r"\binheritance\b", r"\bnext\s+of\s+kin\b", r"\blottery\b", r"\bconsignment\s+box\b", r"\bbeneficiary\s+fund"),
    ),
    (
        60,
        "offers to overpay and asks for the difference back (fraud)",
        (
            r"\boverpay(?:ment)?\b",
            r"\brefund\s+(?:me\s+|us\s+)?the\s+(?:difference|balance|excess)\b",
            r"\bexcess\s+payment\b",
        ),
    ),
    (
        50,
        "asks the seller to pay a fee first (fraud)",
        (
            r"\b(?:pay|send|transfer|cover)\s+(?:the\s+|a\s+)?(?:customs|clearance|registration|processing|agent|handling"
            r"|certification|release)\s+(?:fee|fees|charge|charges)\b",
        ),
    ),
    (
        40,
        "wants to pay in an untraceable way (fraud)",
        (
            r"\bwestern\s+union\b",
            r"\bmoneygram\b",
            r"\bgift\s+cards?\b",
            r"\bbitcoin\b",
            r"\bcrypto(?:currency)?\b",
            r"\busdt\b",
            r"\bcashier'?s\s+che(?:que|ck)\b",
        ),
    ),
    (
        40,
        "wants the goods before paying (fraud)",
        (
            r"\b100\s?%\s+(?:payment\s+)?after\s+(?:delivery|receiving|arrival|receipt)\b",
            r"\bpay(?:ment)?\s+(?:only\s+)?after\s+(?:we\s+)?(?:receive|receiving|delivery|arrival)\b",
            r"\bship\s+(?:the\s+goods\s+)?first\b",
        ),
    ),
)
_COMPILED = tuple((points, reason, tuple(re.compile(p) for p in patterns)) for points, reason, patterns in _RULES)
_ONE_PIECE = 20
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060-\u2064\ufeff\u202a-\u202e]")
# The inquiry filter speaks of a subject and a body; an RFQ has a title and a description.
_WORDING = (("body", "description"), ("subject", "title"))


@dataclass(frozen=True)
class RfqJunkInput:
    """One RFQ as the filter sees it; counts come from the buyer's 90-day history."""

    email: str
    member_id: str | None
    country: str | None
    title: str
    description: str
    quantity: float | None
    target_price: str | None
    buyer_junk_count: int = 0
    buyer_blacklist_count: int = 0


def _normalise(text: str) -> str:
    if text.isascii():
        return text.lower()
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).lower()


def _reworded(reason: str) -> str:
    for old, new in _WORDING:
        reason = reason.replace(old, new)
    return reason


def judge_rfq(item: RfqJunkInput, block_list: BlockList) -> JunkVerdict:
    """Score one RFQ; never raises on any text."""
    base = judge(
        JunkInput(
            item.email,
            item.member_id,
            item.country,
            item.title,
            item.description,
            item.buyer_junk_count,
            item.buyer_blacklist_count,
        ),
        block_list,
    )
    score, reasons = base.score, [_reworded(r) for r in base.reasons]
    text = _normalise(f"{item.title}\n{item.description}")
    for points, why, patterns in _COMPILED:
        if any(p.search(text) for p in patterns):
            score += points
            reasons.append(why)
    few_words = len(item.description.split(None, 6)) <= 5
    if item.quantity is not None and item.quantity <= 1 and not item.target_price and few_words:
        score += _ONE_PIECE
        reasons.append("asks a quote for one piece and says little else (price probing)")
    return JunkVerdict(score, tuple(reasons), base.blocked or score >= JUNK_THRESHOLD, base.blocked)
