"""The junk filter on arrival: a block-list check and a junk score with plain-sentence reasons.

`judge(item, block_list)` adds up independent signals; each one that fires adds its points
and one reason. `is_junk` is true when the score reaches JUNK_THRESHOLD or the sender is
blocked; blocked arrivals go straight to Deleted, other junk to the Junk folder.

Signals and points (threshold 50; strong signals reach it alone, weak ones need company):
- block list by email, member id or country: blocked (not scored)
- buyer's junk history 20 per earlier junk inquiry (max 60); blacklisted 25 per time (max 75)
- phishing: account verification / suspension / "click here to confirm" / update payment
  details / asks for login credentials 50; mentions a password 30; "log in to" 25
- suspicious links (raw IP host, link shortener, punycode, user@host, marketplace look-alike) 40
- SEO / web-design / marketing offers: SEO services 50, Google ranking 50, web development
  or design services 50, "website design" 30, traffic or backlinks 30, marketing 25,
  a bare upper-case "SEO" 20 (lower-case "seo" is left alone: Seo is a Korean surname)
- visa or invitation letter requests 60
- 5+ links in the body 50; 3-4 links 20
- empty body 40 (+20 if the subject is empty too); under 16 characters and 3 words 20
- body in capital letters only (5+ words) 10: some buyers write like that, so it only tips the scale

Inputs are hostile: text is matched by precompiled regexes without nested quantifiers
(linear time on 100 KB bodies), never evaluated. Matching is case-insensitive and
Unicode-aware; non-ASCII text is NFKC-normalised and stripped of zero-width characters
first so full-width letters and invisible separators do not hide a phrase.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

JUNK_THRESHOLD = 50

_LINKS_MANY, _LINKS_MANY_POINTS = 5, 50
_LINKS_SOME, _LINKS_SOME_POINTS = 3, 20
_LINKS_INSPECTED = 50
_NEAR_EMPTY_CHARS = 16  # "hi", "price?", "请报价": too little to answer


@dataclass(frozen=True)
class BlockList:
    """Senders the company refuses: lower-case emails, member ids as given, upper-case countries."""

    emails: frozenset[str] = frozenset()
    member_ids: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()


@dataclass(frozen=True)
class JunkInput:
    """One arrival as the filter sees it; counts come from the buyer's 90-day profile."""

    email: str
    member_id: str | None
    country: str | None
    subject: str
    body: str
    buyer_junk_count: int = 0
    buyer_blacklist_count: int = 0


@dataclass(frozen=True)
class JunkVerdict:
    """is_junk == blocked or score >= JUNK_THRESHOLD; reasons are plain sentences, block reasons first."""

    score: int
    reasons: tuple[str, ...]
    is_junk: bool
    blocked: bool


# (key, points, reason, anchors, patterns). Patterns run on lower-cased text. `anchors` is an
# AND of ORs of plain substrings without which no pattern can match (rarest group first):
# `in` checks run at C speed, so a typical inquiry rarely reaches the regex engine. Each
# pattern starts with a literal or one group of literals rather than \b, which lets the
# engine skip ahead to candidate positions; _found() checks the word boundary instead.
# Anchors only hold text a pattern matches literally (never across a \s+), so they are
# true preconditions and skipping a pattern never loses a match.
_PHRASES: tuple[tuple[str, int, str, tuple[tuple[str, ...], ...], tuple[str, ...]], ...] = (
    # phishing
    (
        "verify_account",
        50,
        "asks to verify an account or identity (phishing)",
        (
            ("verify", "confirm", "validate", "reactivate", "unlock"),
            ("account", "identity", "mailbox", "store", "login"),
            ("your",),
        ),
        # not "confirm your email": buyers ask that of sellers in good faith
        (
            r"(?:verify|confirm|validate|reactivate|unlock)\s+your\s+(?:account|identity|email\s+account|mailbox|store"
            r"|login)",
        ),
    ),
    (
        "suspension",
        50,
        "says an account will be suspended (phishing)",
        (
            ("account", "mailbox", "store"),
            ("your",),
            ("suspend", "lock", "close", "block", "disable", "deactivat", "restrict", "limit", "terminat"),
        ),
        (
            r"your\s+(?:account|mailbox|store)\s+(?:has\s+been|will\s+be|is|was)\s+(?:suspended|locked|closed|blocked"
            r"|disabled|deactivated|restricted|limited|terminated)",
        ),
    ),
    (
        "click_to_confirm",
        50,
        "asks to click a link to confirm or log in (phishing)",
        (("click",),),
        (
            r"click\s+(?:here|the\s+link|this\s+link|below|the\s+button)\s+to\s+(?:confirm|verify|log ?in|sign ?in"
            r"|unlock|update|validate|reactivate|restore|access)",
        ),
    ),
    (
        "update_payment",
        50,
        "asks to update payment or account details (phishing)",
        (("update",), ("payment", "billing", "bank", "account", "card")),
        (r"update\s+your\s+(?:payment|billing|bank|banking|account|card)\s+(?:details|information|info|data)",),
    ),
    (
        "credentials",
        50,
        "asks for login credentials (phishing)",
        (("login", "credentials", "username", "user", "pass"), ("your",)),
        (
            r"(?:enter|provide|send|share|confirm)\s+your\s+(?:login|credentials|username|user\s+name|password"
            r"|passcode)\b",
        ),
    ),
    (
        "password",
        30,
        "mentions a password",
        (("password", "passcode", "pass word", "pass code", "passwd"),),
        (r"pass ?(?:word|code)s?\b", r"passwd\b"),
    ),
    (
        "log_in",
        25,
        "asks to log in somewhere",
        (("login", "log in", "signin", "sign in"),),
        (r"(?:log ?in|sign ?in)\s+(?:to|at|here)\b",),
    ),
    # SEO, web design, marketing offers
    (
        "seo_services",
        50,
        "offers SEO services",
        (("seo", "engine"),),
        (
            r"seo\s+(?:services?|experts?|company|agency|team|packages?|specialists?|optimi[sz]ation|rankings?|audit)\b",
            r"search\s+engine\s+optimi[sz]ation\b",
        ),
    ),
    (
        "google_rank",
        50,
        "promises a Google ranking",
        (("google",),),
        (
            r"(?:rank|ranking|rankings|position)\s+(?:your\s+(?:website|site|store|shop|page|business|company)\s+)?"
            r"(?:higher\s+|better\s+|first\s+|top\s+)?(?:on|in|at)\s+(?:the\s+)?(?:top\s+of\s+)?google\b",
            r"(?:first|top|1st|front)\s+page\s+(?:of|on|in)\s+google\b",
        ),
    ),
    (
        "web_services",
        50,
        "offers web development or design services",
        (("design", "development"), ("web", "redesign")),
        (
            r"(?:web|website|web\s+site)\s+(?:development|design|designing|redesign)\s+(?:services?|company|agency"
            r"|packages?)\b",
            r"redesign\s+your\s+(?:web\s?site|site)\b",
        ),
    ),
    (
        "web_design",
        30,
        "mentions website design or development",
        (("design", "development"), ("web",)),
        (r"(?:web|website|web\s+site)\s+(?:development|design|redesign)\b",),
    ),
    (
        "traffic",
        30,
        "offers more website traffic",
        (("traffic", "visitors", "presence"),),
        (
            r"(?:increase|boost|drive|improve|grow|more)\s+(?:your\s+)?(?:website\s+|web\s+|online\s+|organic\s+"
            r"|site\s+)?(?:traffic|visitors|online\s+presence)\b",
        ),
    ),
    ("backlinks", 30, "offers backlinks", (("backlink", "back link"),), (r"back ?links?\b",)),
    (
        "marketing",
        25,
        "offers marketing services",
        (("marketing", "development"),),
        (r"(?:digital|social\s+media|online|email|seo)\s+marketing\b", r"app\s+development\s+services?\b"),
    ),
    # visa / invitation letters
    (
        "visa_letter",
        60,
        "asks for a visa invitation letter",
        (("visa", "invitation", "invite"),),
        (
            r"invitation\s+letters?\b",
            r"letters?\s+of\s+invitation\b",
            r"visa\s+(?:letters?|support|sponsor|sponsorship|invitation|application)\b",
            r"(?:sponsor|support)\s+(?:my|our|a|the)\s+(?:business\s+)?visa\b",
            r"invite\s+(?:me|us)\s+to\s+(?:visit\s+)?(?:china|your\s+country)\b",
        ),
    ),
)
_COMPILED = tuple(
    (key, points, reason, anchors, tuple(re.compile(p) for p in patterns))
    for key, points, reason, anchors, patterns in _PHRASES
)
# A more specific phrase already scored makes the general one redundant.
_SUBSUMED_BY = {"web_design": "web_services"}
_BARE_SEO_RE = re.compile(r"\bSEO\b")  # case-sensitive on purpose: "Seo" is a Korean surname

# A URL in lower-cased text: scheme or www., then non-space characters (one flat quantifier).
_URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"'()\[\]{}]{1,2048}")
_HOST_RE = re.compile(r"(?:https?://)?(?:[^/?#@\s]{0,256}@)?([^/?#:\s]{1,256})")
_IP_HOST_RE = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
_SHORTENERS = frozenset(
    {
        "bit.ly",
        "tinyurl.com",
        "goo.gl",
        "t.co",
        "ow.ly",
        "is.gd",
        "buff.ly",
        "cutt.ly",
        "rebrand.ly",
        "shorturl.at",
        "tiny.cc",
        "rb.gy",
        "t.ly",
        "s.id",
        "v.gd",
        "bl.ink",
        "lnkd.in",
    }
)
_MARKETPLACE_NAMES = ("alibaba", "aliexpress")
_MARKETPLACE_DOMAINS = ("alibaba.com", "aliexpress.com", "alibaba.com.cn", "alibabacloud.com", "aliexpress.us")
_INVISIBLE_RE = re.compile("[\u00ad\u200b-\u200f\u2060-\u2064\ufeff\u202a-\u202e]")


def _found(patterns: tuple[re.Pattern[str], ...], text: str) -> bool:
    """Whether a pattern matches somewhere starting at a word boundary."""
    for rx in patterns:
        for m in rx.finditer(text):
            i = m.start()
            if i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_"):
                return True
    return False


def _normalise(text: str) -> str:
    # str.isascii() is O(1) in CPython: the common ASCII case pays nothing here.
    if text.isascii():
        return text.lower()
    return _INVISIBLE_RE.sub("", unicodedata.normalize("NFKC", text)).lower()


def _suspicious_link(url: str) -> str | None:
    """Why a URL looks like a phishing link, or None."""
    m = _HOST_RE.match(url)
    if m is None:
        return None
    if "@" in url[: m.end()]:
        return "message has a link that hides its real host behind user@"
    host = m[1].lower().rstrip(".")
    if _IP_HOST_RE.fullmatch(host):
        return "message links to a bare IP address"
    if host.startswith("xn--") or ".xn--" in host:
        return "message links to a punycode (look-alike) domain"
    bare = host[4:] if host.startswith("www.") else host
    if bare in _SHORTENERS:
        return "message has a shortened link that hides where it goes"
    if any(n in bare for n in _MARKETPLACE_NAMES) and not any(
        bare == d or bare.endswith("." + d) for d in _MARKETPLACE_DOMAINS
    ):
        return "message links to a look-alike of the marketplace's domain"
    return None


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def block_reasons(
    email: str | None, member_id: str | None, country: str | None, block_list: BlockList
) -> tuple[str, ...]:
    """Why a sender is on the block list (its address, member id or country), in `judge`'s order; () if not."""
    reasons = []
    if email and email.strip().lower() in block_list.emails:
        reasons.append("sender's email address is on the block list")
    if member_id and member_id.strip() in block_list.member_ids:
        reasons.append("sender's member ID is on the block list")
    if country and (cc := country.strip().upper()) in block_list.countries:
        reasons.append(f"buyer's country ({cc}) is on the block list")
    return tuple(reasons)


def judge(item: JunkInput, block_list: BlockList, text: TextVerdict | None = None) -> JunkVerdict:
    """Score one arrival; never raises on any text. TEXT: `judge_text` of its subject and body, when the caller
    has it already (import maildir's parsing workers); the verdict is the same."""
    if text is None:
        text = judge_text(item.subject, item.body)
    return verdict_of(
        block_reasons(item.email, item.member_id, item.country, block_list),
        item.buyer_junk_count,
        item.buyer_blacklist_count,
        text,
    )


def verdict_of(
    blocks: tuple[str, ...], buyer_junk_count: int, buyer_blacklist_count: int, text: TextVerdict
) -> JunkVerdict:
    """`judge`'s verdict from its parts: the sender's block reasons, the buyer's junk and blacklist counts and the
    text's verdict. A bulk import remembers verdicts by these parts (services/arrivals/pipeline.py)."""
    reasons = list(blocks)
    blocked = bool(reasons)
    score = 0

    junk = max(0, buyer_junk_count)
    if junk:
        score += min(60, 20 * junk)
        reasons.append(f"buyer has sent {_count(junk, 'junk inquiry', 'junk inquiries')} before")
    black = max(0, buyer_blacklist_count)
    if black:
        score += min(75, 25 * black)
        reasons.append(f"buyer has been blacklisted {_count(black, 'time', 'times')}")

    score += text.score
    reasons.extend(text.reasons)
    return JunkVerdict(score, tuple(reasons), blocked or score >= JUNK_THRESHOLD, blocked)


@dataclass(frozen=True)
class TextVerdict:
    """What a subject and body alone score (phrases, links, an empty or shouting body), in `judge`'s order."""

    score: int
    reasons: tuple[str, ...]


def judge_text(subject: str, body: str) -> TextVerdict:
    """The part of `judge` that needs only the text (no buyer, no block list): it can run anywhere, ahead."""
    subject, body = subject or "", body or ""
    score = 0
    reasons: list[str] = []
    text = _normalise(subject + "\n" + body)
    seen: set[str] = set()
    for key, points, reason, anchors, patterns in _COMPILED:  # table order keeps reasons stable
        # every anchor group needs a member in text; inline loops, no helper call: this is the hot part
        for alternatives in anchors:
            for anchor in alternatives:
                if anchor in text:
                    break
            else:
                break
        else:
            if not _found(patterns, text):
                continue
            seen.add(key)
            if _SUBSUMED_BY.get(key) not in seen:
                score += points
                reasons.append(reason)
    if "seo_services" not in seen and (
        ("SEO" in subject and _BARE_SEO_RE.search(subject)) or ("SEO" in body and _BARE_SEO_RE.search(body))
    ):
        score += 20
        reasons.append("mentions SEO")

    if "://" in text or "www." in text:  # cheap pre-check: most inquiries have no link
        links = 0
        why_links: list[str] = []
        for m in _URL_RE.finditer(text):
            links += 1
            # past a few dozen links the body is junk anyway: stop paying for host checks
            if links <= _LINKS_INSPECTED and (why := _suspicious_link(m[0])) and why not in why_links:
                why_links.append(why)
        if "://" in subject or "www." in subject.lower():  # links in the subject are not body links
            links -= sum(1 for _ in _URL_RE.finditer(_normalise(subject)))
        if why_links:
            score += 40
            reasons.extend(why_links)
        if links >= _LINKS_MANY:
            score += _LINKS_MANY_POINTS
            reasons.append(f"body has {links} links")
        elif links >= _LINKS_SOME:
            score += _LINKS_SOME_POINTS
            reasons.append(f"body has {links} links")

    # split with a limit stops after a few words, so a 100 KB body costs no more than a short one
    words = len(body.split(None, 3))
    if words == 0:
        score += 40
        reasons.append("body is empty")
        if not subject.strip():
            score += 20
            reasons.append("subject is empty too")
    elif words < 3 and (chars := len(body.strip())) < _NEAR_EMPTY_CHARS:
        # characters, not words, decide: Chinese or Japanese text has no spaces between words
        score += 20
        reasons.append(f"body has only {_count(chars, 'character', 'characters')}")
    elif body.isupper() and len(body.split(None, 4)) >= 5:
        score += 10
        reasons.append("body is written in capital letters only")

    return TextVerdict(score, tuple(reasons))
