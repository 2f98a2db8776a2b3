"""Buyer authenticity: a judgement with its signed reasons, and the trading-company hint.

docs/domain.md (Buyers) and seed 001 (blue label, company information, behaviour over the
profile's window, unrelated searches). Pure functions over facts the caller has gathered.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.domain.vocabulary import Tier

# --- authenticity --------------------------------------------------------------------------

DEFAULT_WINDOW_DAYS = 90
# Exact free-mail domains, plus providers that use many country TLDs (yahoo.co.jp, hotmail.fr).
FREE_MAIL_DOMAINS = frozenset(
    [
        "gmail.com",
        "googlemail.com",
        "msn.com",
        "aol.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "mail.com",
        "mail.ru",
        "inbox.ru",
        "bk.ru",
        "list.ru",
        "qq.com",
        "foxmail.com",
        "163.com",
        "126.com",
        "139.com",
        "188.com",
        "yeah.net",
        "sina.com",
        "sina.cn",
        "sohu.com",
        "aliyun.com",
        "web.de",
        "proton.me",
        "protonmail.com",
        "zoho.com",
        "rediffmail.com",
        "naver.com",
        "hanmail.net",
        "daum.net",
        "rocketmail.com",
        "tutanota.com",
    ]
)
FREE_MAIL_PROVIDERS = frozenset(["gmail", "hotmail", "outlook", "live", "yahoo", "ymail", "yandex", "gmx", "libero"])
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://")
VERDICTS: tuple[tuple[int, str], ...] = ((65, "Likely genuine"), (40, "Unclear"), (0, "Doubtful"))
_TIERS = frozenset(Tier)


@dataclass(frozen=True)
class BuyerFacts:
    verified: bool  # the marketplace's "blue label"
    tier: str | None  # a Tier: L0..L4
    company: str | None
    country: str | None
    phone: str | None
    website: str | None
    email: str
    junk_count: int  # junk inquiries in the window
    blacklist_count: int  # times blacklisted in the window
    activity_level: int
    valid_inquiries: int  # in the window
    login_days: int  # in the window
    window_days: int = DEFAULT_WINDOW_DAYS  # the days the counts above cover


@dataclass(frozen=True)
class Reason:
    """One reason of the judgement: a plain sentence and which way it moved the score."""

    text: str
    sign: int  # +1 raised the score, -1 lowered it, 0 said something without moving it

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Authenticity:
    score: int  # 0..100
    verdict: str  # "Likely genuine" | "Unclear" | "Doubtful"
    reasons: tuple[Reason, ...]  # the ones raising the score first

    @property
    def texts(self) -> tuple[str, ...]:
        return tuple(r.text for r in self.reasons)


def email_domain(email: str | None) -> str | None:
    if not email or "@" not in email:
        return None
    domain = email.rsplit("@", 1)[1].strip().lower().rstrip(".")
    return domain or None


def is_free_mail(domain: str) -> bool:
    return domain in FREE_MAIL_DOMAINS or domain.split(".", 1)[0] in FREE_MAIL_PROVIDERS


def _site_domain(website: str | None) -> str | None:
    if not website:
        return None
    host = _SCHEME.sub("", website.strip().lower()).split("/", 1)[0].split(":", 1)[0]
    host = host.removeprefix("www.")
    return host or None


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def authenticity(facts: BuyerFacts) -> Authenticity:
    """Judge how likely the buyer is genuine from the seed's signals, with the reasons.

    Starts at 50 and adds or subtracts per signal; the score is clamped to 0..100.
    Blacklisting and junk weigh most on the negative side, the blue label on the positive.
    """
    plus: list[str] = []
    minus: list[str] = []
    score = 50

    if facts.verified:
        score += 20
        plus.append("verified buyer (blue label)")
    else:
        score -= 5
        minus.append("not a verified buyer (no blue label)")
    tier = (facts.tier or "").strip().upper()
    if tier in _TIERS:
        bonus = 3 * Tier(tier).rank  # L0 is the entry tier: no bonus, no reason
        score += bonus
        if bonus:
            plus.append(f"buyer tier {tier}")

    info = {"company": facts.company, "country": facts.country, "phone": facts.phone, "website": facts.website}
    missing = [k for k, v in info.items() if not (v and v.strip())]
    if not missing:
        score += 10
        plus.append("complete company information")
    elif len(missing) <= 2:
        score += 4
        plus.append(f"partial company information (missing {', '.join(missing)})")
    else:
        score -= 10
        minus.append(f"little company information (missing {', '.join(missing)})")

    domain = email_domain(facts.email)
    site = _site_domain(facts.website)
    shown = truncate(safe_line(domain), 60)  # from the buyer's address: untrusted
    if domain and is_free_mail(domain):
        score -= 5
        minus.append(f"free-mail address ({shown})")
    elif domain and site and (domain == site or domain.endswith("." + site) or site.endswith("." + domain)):
        score += 5
        plus.append(f"e-mail domain matches the company website ({shown})")

    window = f"in {_plural(facts.window_days, 'day')}"
    if facts.blacklist_count > 0:
        score -= min(40, 20 * facts.blacklist_count)
        minus.append(f"blacklisted {_plural(facts.blacklist_count, 'time')} {window}")
    if facts.junk_count > 0:
        score -= min(30, 10 * facts.junk_count)
        junk = "1 junk inquiry" if facts.junk_count == 1 else f"{facts.junk_count} junk inquiries"
        minus.append(f"{junk} {window}")
    has_history = facts.valid_inquiries > 0 or facts.login_days > 0 or facts.activity_level > 0
    if has_history and facts.blacklist_count <= 0 and facts.junk_count <= 0:
        # Zero junk says something only about a buyer who has been around.
        score += 5
        plus.append(f"no junk inquiries or blacklisting {window}")

    if facts.activity_level >= 50:
        score += 10
        plus.append(f"active buyer (activity {facts.activity_level})")
    elif facts.activity_level >= 25:
        score += 5
        plus.append(f"moderately active buyer (activity {facts.activity_level})")
    if facts.valid_inquiries >= 3:
        score += 5
        plus.append(f"{facts.valid_inquiries} valid inquiries {window}")
    if facts.login_days >= 5:
        score += 5
        plus.append(f"logged in on {facts.login_days} days {window}")

    score = max(0, min(100, score))
    verdict = next(v for bound, v in VERDICTS if score >= bound)
    return Authenticity(score, verdict, (*(Reason(t, 1) for t in plus), *(Reason(t, -1) for t in minus)))


# --- trading-company hint -----------------------------------------------------------------

# Words that say nothing about *what* is searched; two terms sharing only these are unrelated.
_GENERIC = frozenset(
    [
        "a",
        "an",
        "and",
        "or",
        "the",
        "of",
        "for",
        "with",
        "in",
        "on",
        "to",
        "by",
        "from",
        "new",
        "best",
        "cheap",
        "price",
        "prices",
        "wholesale",
        "supplier",
        "suppliers",
        "manufacturer",
        "manufacturers",
        "factory",
        "china",
        "oem",
        "odm",
        "custom",
        "customized",
        "high",
        "quality",
        "product",
        "products",
        "buy",
        "sale",
        "hot",
        "top",
        "good",
        "low",
        "cost",
        "pcs",
        "set",
        "sets",
    ]
)
_WORD = re.compile(r"\w+")
MIN_TERMS_FOR_HINT = 3
MAX_TERMS_FOR_HINT = 50  # the caller passes the most common first; the pairwise check is O(n^2)


def _stem(word: str) -> str:
    # Crude English plural folding: enough to join "tyre"/"tyres", "battery"/"batteries".
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("es") and word[:-2].endswith(("s", "x", "ch", "sh")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _tokens(term: str) -> frozenset[str]:
    words = (w for w in _WORD.findall(term.lower()) if len(w) > 1 and not w.isdigit())
    return frozenset(_stem(w) for w in words if w not in _GENERIC)


@lru_cache(maxsize=4)
def _catalogue(our_keywords: tuple[str, ...]) -> frozenset[str]:
    # Every profile shown asks with the same catalogue: its words are found once, not on every cursor move.
    return frozenset().union(*(_tokens(k) for k in our_keywords))


def trading_company_hint(search_terms: Sequence[str], our_keywords: Sequence[str] = ()) -> str | None:
    """Return a note when the buyer's searches span unrelated products, else None.

    Terms are related when they share a meaningful word (generic words like "wholesale"
    and plural endings are ignored). All of our own keywords count as one product family,
    so searches across things we sell are never "unrelated". The hint is given when at
    least 3 distinct terms fall into 3 or more groups and no group holds half of them
    (seed 001: "most of the products this customer searches for are unrelated").
    Only the first MAX_TERMS_FOR_HINT terms are looked at.
    """
    terms: list[tuple[str, frozenset[str]]] = []
    seen: set[str] = set()
    for raw in search_terms[:MAX_TERMS_FOR_HINT]:
        key = " ".join(raw.lower().split())
        toks = _tokens(key)
        if key and toks and key not in seen:
            seen.add(key)
            terms.append((raw.strip(), toks))
    if len(terms) < MIN_TERMS_FOR_HINT:
        return None
    ours = _catalogue(tuple(our_keywords))

    # Union-find over term indexes; index -1 stands for our catalogue.
    parent = {i: i for i in range(-1, len(terms))}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (_, toks) in enumerate(terms):
        if toks & ours:
            parent[find(i)] = find(-1)
        for j in range(i):
            if toks & terms[j][1]:
                parent[find(i)] = find(j)
    groups: dict[int, list[str]] = {}
    for i, (raw, _) in enumerate(terms):
        groups.setdefault(find(i), []).append(raw)
    if len(groups) < 3 or max(len(g) for g in groups.values()) * 2 >= len(terms):
        return None
    shown = [truncate(safe_line(g[0]), 30) for g in groups.values()]
    listed = ", ".join(shown[:5]) + (", …" if len(shown) > 5 else "")
    return f"Searches span unrelated products ({listed}); likely a trading company"
