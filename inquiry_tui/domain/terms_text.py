"""What a buyer's message states about the deal, read by rules: quantity, price, destination, date, terms.

`read_terms(text)` reads an inquiry (subject and body); `read_answer(text, asked)` reads a
buyer's reply to smart questions, where a short answer ("500", "Germany", "15 March") is taken
as the answer to what was asked. The phrases understood are listed in docs/domain.md
(Smart questions); in short, in English:

- quantity: a number with a unit (`3000 pcs`, `3,000 pieces`, `5k units`, `200 sets`,
  `2 containers`), or after `qty` / `quantity` / `order quantity` (`quantity: 500`);
- target price: an amount with a currency (`USD 2.50`, `$2.5`, `2.50 USD`, `€1,20`, `RMB 15`)
  after `price`, `target`, `budget`, `pay`, `offer`, `cost` or `at`, or followed by `/pc`,
  `per unit`, `each`;
- incoterm: `EXW FCA FAS FOB CFR (CNF, C&F) CIF CPT CIP DAP DPU DDP DDU`;
- destination: the place after `ship to`, `deliver to`, `send to`, `import to`,
  `destination`, `port of discharge` / `destination`, or after a C- or D-term (`CIF Hamburg`);
  a country's name becomes its ISO code (`Nigeria` -> NG), a port or city stays as written;
- delivery date: a date after `delivery`, `deliver by`, `need ... by`, `arrive before`,
  `ship by`, `ETA`, `deadline`, `no later than`: `2026-12-15`, `15 December 2026`,
  `Dec 15`, `15th of March`, `end of January`, `mid March`, `early April`, `March 2027`;
  or `within 30 days` / `in 6 weeks` after one of those words (from the day it arrived). A
  date without a year is the next one on or after the day the message arrived;
- payment: `T/T`, `TT`, wire or bank transfer, `L/C`, `LC`, letter of credit, `D/P`, `D/A`,
  PayPal, Western Union, Trade Assurance, escrow, credit card;
- sample: the word `sample(s)` (a request), unless `no sample(s)` / `don't need samples`;
- product: a SKU of the catalogue (3 characters or more), or a product's name from it (6 or more).

Only the first MAX_CHARS characters are read (terms sit at the start; a 100 KB body must not
slow an import). Pure and stdlib only, like the rest of the domain.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from inquiry_tui.domain.countries import country_by_name, country_names
from inquiry_tui.domain.terms import Terms
from inquiry_tui.domain.vocabulary import Ask

MAX_CHARS = 4_000
ANSWER_CHARS = 300  # a reply this short may be a bare answer ("500", "Germany")

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_UNITS = {
    "pcs": "pcs",
    "pc": "pcs",
    "pieces": "pcs",
    "piece": "pcs",
    "units": "units",
    "unit": "units",
    "sets": "sets",
    "set": "sets",
    "pairs": "pairs",
    "pair": "pairs",
    "cartons": "cartons",
    "carton": "cartons",
    "ctns": "cartons",
    "boxes": "boxes",
    "box": "boxes",
    "rolls": "rolls",
    "roll": "rolls",
    "meters": "m",
    "metres": "m",
    "meter": "m",
    "metre": "m",
    "kg": "kg",
    "kgs": "kg",
    "tons": "t",
    "tonnes": "t",
    "ton": "t",
    "tonne": "t",
    "containers": "containers",
    "container": "containers",
    "lots": "lots",
    "dozens": "dozens",
    "dozen": "dozens",
    "bags": "bags",
    "bottles": "bottles",
    "sheets": "sheets",
}
_UNIT_RE = "|".join(sorted(_UNITS, key=len, reverse=True))
_UNIT_WORDS = frozenset(_UNITS)
_NUM_BEFORE = re.compile(rf"({_NUM})\s*(k\s*)?$")  # a number ending where a unit starts
_NUMBER_GLUE = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_.,-/")  # "v2.500 pcs" is no quantity
_QTY_LABEL = re.compile(  # after "quantity" (lower-cased text)
    rf"\s*(?:[:=]|is|of|will be|would be)?\s*"
    rf"(?:about|around|approx(?:imately)?\.?|roughly|at least)?\s*({_NUM})\s*(k\b\s*)?(?:({_UNIT_RE})\b)?"
)
_FIRST_NUMBER = re.compile(rf"(?<![\w.,])({_NUM})\s*(k\b\s*)?(?:({_UNIT_RE})\b)?", re.IGNORECASE)

_CURRENCIES = {
    "us$": "USD",
    "usd": "USD",
    "$": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "eur": "EUR",
    "€": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "gbp": "GBP",
    "£": "GBP",
    "cny": "CNY",
    "rmb": "CNY",
    "¥": "CNY",
    "jpy": "JPY",
    "aud": "AUD",
    "cad": "CAD",
    "inr": "INR",
    "aed": "AED",
}
_CUR_BEFORE = r"US\$|USD|EUR|GBP|CNY|RMB|JPY|AUD|CAD|INR|AED|\$|€|£|¥"
_CUR_AFTER = r"USD|EUR|GBP|CNY|RMB|JPY|AUD|CAD|INR|AED|dollars?|euros?|\$|€"
_AMT = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[.,]\d{1,2})?(?!\d)"
_MONEY = re.compile(
    rf"(?:(?<![A-Za-z])({_CUR_BEFORE})\s?({_AMT})|(?<![\w.,])({_AMT})\s?({_CUR_AFTER})(?![A-Za-z]))", re.IGNORECASE
)
_PRICE_BEFORE = re.compile(r"\b(?:target|price[sd]?|budget|pay|offer|cost|at|around|about|below|under)\b[^.\n]{0,20}$")
_PRICE_AFTER = re.compile(
    r"\s*(?:/\s*[a-z]+|per\b|each\b|a (?:piece|unit|set|pc)\b)", re.IGNORECASE
)  # matched at the end

_PLACE = r"([^\W\d_][\w'.\-]*(?:[ \-][^\W\d_][\w'.\-]*){0,3})"
_TERM_PLACE = re.compile(
    rf"(?:CFR|CNF|C&F|CIF|CPT|CIP|DAP|DPU|DDP|DDU)\s+(?:port\s+(?:of\s+)?)?{_PLACE}", re.IGNORECASE
)
_DEST = re.compile(  # matched where one of its leading words stands
    r"(?:(?:ship(?:ped|ping)?|deliver(?:ed|y)?|send|sent|export(?:ed)?|import(?:ed|ing)?|transport(?:ed)?)"
    r"\s+(?:it\s+|them\s+|the goods\s+|the order\s+)?to"
    r"|(?:final destination|destination(?: port| country)?|port of (?:discharge|destination)|delivery (?:port|place))"
    r"\s*(?:is|will be|:|=|-)?)"
    rf"\s+(?:the\s+)?(?:port of\s+)?{_PLACE}",
    re.IGNORECASE,
)
_CONNECTORS = frozenset({"of", "de", "del", "la", "el", "do", "da", "al"})

_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        1,
    )
    for m in names
}
_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_DATE_FORMS = (
    ("iso", re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b")),
    ("dmy", re.compile(rf"(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s*(\d{{4}})?\b", re.IGNORECASE)),
    ("mdy", re.compile(rf"{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b,?\s*(\d{{4}})?", re.IGNORECASE)),
    (
        "part",
        re.compile(
            rf"(end of|the end of|late|mid|mid-|middle of|early|beginning of)\s*{_MONTH}\s*(\d{{4}})?", re.IGNORECASE
        ),
    ),
    ("my", re.compile(rf"{_MONTH}\s+(\d{{4}})\b", re.IGNORECASE)),
    ("within", re.compile(r"(?:within|in)\s+(\d{1,3})\s+(days?|weeks?|months?)\b", re.IGNORECASE)),
)
_YEAR = re.compile(r"\d{4}")
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)|\n")
DATE_WINDOW = 60  # characters after a delivery word searched for its date
_PAYMENT_PHRASES = (
    "telegraphic transfer",
    "wire transfer",
    "bank transfer",
    "letter of credit",
    "paypal",
    "western union",
    "trade assurance",
    "escrow",
    "credit card",
)
_PAYMENT_FIRST = frozenset(p.split(" ", 1)[0] for p in _PAYMENT_PHRASES)
_PAYMENT_SHORT = frozenset({"t/t", "tt", "l/c", "lc", "d/p", "d/a"})
_PAYMENT_CODES = re.compile(r"(?<![\w/])(T/T|TT|L/C|LC|D/P|D/A)(?![\w/])")
_PAYMENT_NAMES = {
    "telegraphic transfer": "T/T",
    "wire transfer": "T/T",
    "bank transfer": "T/T",
    "tt": "T/T",
    "t/t": "T/T",
    "letter of credit": "L/C",
    "lc": "L/C",
    "l/c": "L/C",
    "d/p": "D/P",
    "d/a": "D/A",
    "paypal": "PayPal",
    "western union": "Western Union",
    "trade assurance": "Trade Assurance",
    "escrow": "Escrow",
    "credit card": "Credit card",
}
_NO_SAMPLE = re.compile(
    r"\b(?:no|without|don'?t need|do not need|not need|no need for)\s+(?:any\s+|a\s+)?samples?\b", re.IGNORECASE
)
_YES = re.compile(r"^\s*(?:yes|yeah|yep|sure|please|ok|okay)\b", re.IGNORECASE)
_NO = re.compile(r"^\s*(?:no|nope|not needed|no need)\b", re.IGNORECASE)


# Quick looks: a rule runs only when the text has one of its words (split on spaces and punctuation).
_SPLIT = re.compile(r"[\s,;:!?()\"'.]+")
_MONTH_HINT = re.compile("jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec")  # before splitting into words
_WITHIN_WORD = re.compile(r"(?<![^\s,;:!?()\"'.])(?:within|in)(?![^\s,;:!?()\"'.])")  # one of the words
_DIGIT = re.compile(r"\d")
_CURRENCY_HINT = re.compile(r"usd|eur|gbp|cny|rmb|jpy|aud|cad|inr|aed|dollar|[$€£¥]")
_INCOTERM_WORDS = frozenset(
    {"exw", "fca", "fas", "fob", "cfr", "cnf", "c&f", "cif", "cpt", "cip", "dap", "dpu", "ddp", "ddu"}
)
_DEST_LEADS = frozenset(
    {
        "ship",
        "shipped",
        "shipping",
        "deliver",
        "delivered",
        "delivery",
        "send",
        "sent",
        "export",
        "exported",
        "import",
        "imported",
        "importing",
        "transport",
        "transported",
        "destination",
        "port",
        "final",
    }
)
_ARRIVAL_WORDS = frozenset({"cfr", "cnf", "c&f", "cif", "cpt", "cip", "dap", "dpu", "ddp", "ddu"})
_MONTH_NAMES = frozenset(_MONTHS)
_DATE_WORDS = frozenset(
    {
        "deliver",
        "delivery",
        "delivered",
        "arrive",
        "arrival",
        "ship",
        "shipment",
        "shipped",
        "shipping",
        "need",
        "needed",
        "eta",
        "deadline",
        "required",
        "latest",
        "later",
        "warehouse",
        "lead",
    }
)


@dataclass(frozen=True)
class Catalogue:
    """The company's products for matching: SKUs as words, names as phrases (lower-cased)."""

    skus: tuple[str, ...]
    names: tuple[tuple[str, frozenset[str], str], ...]  # (name lower-cased, its words, SKU), longest first
    lower: frozenset[str] = frozenset()  # the SKUs lower-cased, for a quick look among a text's words
    by_word: Mapping[str, tuple[tuple[str, frozenset[str], str], ...]] = field(
        default_factory=dict
    )  # a name's longest word

    def find(self, text: str, low: str | None = None, words: frozenset[str] | None = None) -> str | None:
        """The SKU of the first product TEXT names (LOW: TEXT lower-cased; WORDS: its words), or None."""
        low = text.lower() if low is None else low
        words = _words(low) if words is None else words
        best: tuple[int, str] | None = None
        for sku in self.lower & words:
            at = next(_occurrences(low, sku), -1)
            if at >= 0 and (best is None or at < best[0]):
                best = (at, self._sku_of(sku))
        for key in words & self.by_word.keys():
            for name, name_words, sku in self.by_word[key]:
                if not name_words <= words:
                    continue
                at = low.find(name)
                if at >= 0 and (best is None or at < best[0]):
                    best = (at, sku)
        return best[1] if best else None

    def _sku_of(self, found: str) -> str:
        upper = found.upper()
        return next((s for s in self.skus if s.upper() == upper), found)


def catalogue(products: Iterable[tuple[str, str]]) -> Catalogue:
    """A Catalogue of (SKU, name) pairs; SKUs shorter than 3 characters and names shorter than 6 are not matched
    (they would match ordinary words)."""
    pairs = sorted(set(products))
    names = sorted(
        ((n.lower(), _words(n.lower()), s) for s, n in pairs if len(n.strip()) >= 6), key=lambda p: -len(p[0])
    )
    skus = tuple(s for s, _ in pairs)
    shortest = 3  # "A" or "B2" would match ordinary words
    by_word: dict[str, list[tuple[str, frozenset[str], str]]] = {}
    for entry in names:
        by_word.setdefault(max(entry[1], key=len), []).append(entry)
    words = frozenset(s.lower() for s in skus if len(s) >= shortest)
    return Catalogue(skus, tuple(names), words, {k: tuple(v) for k, v in by_word.items()})


# --- the rules, one per field -----------------------------------------------------------------


def _number(text: str, k: str | None = None) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None
    return value * 1000 if k and k.strip() else value


def _occurrences(low: str, word: str) -> Iterator[int]:
    """Where WORD stands as a word in LOW (a digit may lead into it: "500pcs")."""
    start, size = 0, len(word)
    while (at := low.find(word, start)) >= 0:
        end = at + size
        if (at == 0 or not low[at - 1].isalpha()) and (end == len(low) or not low[end].isalnum()):
            yield at
        start = at + 1


def _quantity(text: str, low: str, words: frozenset[str]) -> tuple[Decimal, str | None] | None:
    found: list[tuple[int, Decimal, str | None]] = []
    for label in ("order quantity", "quantity", "qty"):
        if label.rsplit(" ", 1)[-1] in words:
            for at in _occurrences(low, label):
                m = _QTY_LABEL.match(low, at + len(label))
                if m is not None and (value := _number(m.group(1), m.group(2))) is not None and value > 0:
                    found.append((at, value, _UNITS[m.group(3)] if m.group(3) else None))
                    break
    units = [*(_UNIT_WORDS & words), *_glued_units(words)]
    for unit in units:
        for at in _occurrences(low, unit):
            m = _NUM_BEFORE.search(low, max(0, at - 24), at)
            if m is None or (m.start() and low[m.start() - 1] in _NUMBER_GLUE):
                continue
            value = _number(m.group(1), m.group(2))
            if value is not None and value > 0:
                found.append((m.start(), value, _UNITS[unit]))
                break
    if not found:
        return None
    first = min(found, key=lambda f: f[0])
    return first[1], first[2]


def _amount(text: str) -> Decimal | None:
    if re.fullmatch(r"\d+,\d{1,2}", text):  # a decimal comma: 1,20
        text = text.replace(",", ".")
    return _number(text)


def _money(m: re.Match[str]) -> tuple[Decimal, str] | None:
    cur, amt = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
    value = _amount(amt)
    if value is None or value <= 0:
        return None
    return value, _CURRENCIES[cur.lower()]


def _price(text: str, *, loose: bool = False) -> tuple[Decimal, str] | None:
    for m in _MONEY.finditer(text):
        before = text[max(0, m.start() - 30) : m.start()].lower()
        if loose or _PRICE_BEFORE.search(before) or _PRICE_AFTER.match(text, m.end()):
            found = _money(m)
            if found is not None:
                return found
    return None


def _incoterm(low: str, words: frozenset[str]) -> str | None:
    found = [(next(_occurrences(low, w), len(low)), w) for w in _INCOTERM_WORDS & words]
    if not found:
        return None
    word = min(found)[1].upper()
    return "CFR" if word in ("CNF", "C&F") else word


def _capitalised(raw: str) -> str | None:
    """The leading capitalised words of RAW ("Port Louis", "Rio de Janeiro"), stopping at a sentence's end."""
    words: list[str] = []
    for word in raw.split():
        if word[:1].isupper() or (word.lower() in _CONNECTORS and words):
            words.append(word)
        else:
            break
        if word[-1] in ".,;:":
            break
    while words and words[-1].lower() in _CONNECTORS:
        words.pop()
    place = " ".join(words).rstrip(".,;:-'")
    return place or None


def _place(raw: str, after: str) -> str | None:
    """A captured place cut to its capitalised words; a country becomes its code; ", Country" is kept."""
    place = _capitalised(raw)
    if place is None:
        return None
    code = country_by_name(place)
    if code is not None:
        return code
    if not raw.split()[len(place.split()) - 1].endswith((".", ";", ":")):
        rest = raw[len(place) :] + after if raw.startswith(place) else after
        tail = re.match(r"\s*,\s*(.*)", rest, re.DOTALL)
        country = _capitalised(tail.group(1)) if tail is not None else None
        if country is not None and country_by_name(country) is not None:
            return f"{place}, {country}"[:60]
    return place[:60]


def _destination(text: str, low: str, words: frozenset[str]) -> str | None:
    """The place after the first shipping phrase; else the place after the first C- or D-term."""
    best: tuple[int, str] | None = None
    for word in _DEST_LEADS & words:
        for at in _occurrences(low, word):
            if best is not None and at > best[0]:
                break
            m = _DEST.match(text, at)
            if m is not None and (found := _place(m.group(1), text[m.end() :])) is not None:
                best = (at, found)
                break
    if best is not None:
        return best[1]
    for word in _ARRIVAL_WORDS & words:
        for at in _occurrences(low, word):
            m = _TERM_PLACE.match(text, at)
            if m is not None and (found := _place(m.group(1), text[m.end() :])) is not None:
                if best is None or at < best[0]:
                    best = (at, found)
                break
    return best[1] if best else None


def _year_for(month: int, day: int, today: date) -> date | None:
    for year in (today.year, today.year + 1):
        try:
            d = date(year, month, day)
        except ValueError:
            return None
        if d >= today:
            return d
    return None


def _last_day(year: int, month: int) -> date:
    return (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)


def _first_date(text: str, today: date) -> date | None:
    """The first date written in TEXT, in any of the forms above (each tried only when its words are there)."""
    low = text.lower()
    # The same looks as among the words, without splitting the text unless a month's name may be there.
    months = _MONTH_HINT.search(low) is not None and not _MONTH_NAMES.isdisjoint(_words(low))
    year = _YEAR.search(text) is not None
    within = _DIGIT.search(text) is not None and _WITHIN_WORD.search(low) is not None
    best: tuple[int, int, date] | None = None
    for rank, (kind, pattern) in enumerate(_DATE_FORMS):
        if (
            (kind == "iso" and not year)
            or (kind == "within" and not within)
            or (kind not in ("iso", "within") and not months)
        ):
            continue
        for m in pattern.finditer(text):
            if best is not None and m.start() > best[0]:
                break
            try:
                found = _date_of(kind, m, today)
            except ValueError:
                found = None
            if found is not None:
                if best is None or (m.start(), rank) < best[:2]:
                    best = (m.start(), rank, found)
                break
    return best[2] if best else None


def _date_of(kind: str, m: re.Match[str], today: date) -> date | None:
    if kind == "iso":
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if kind == "within":
        n, unit = int(m.group(1)), m.group(2).lower()
        days = n * (7 if unit.startswith("week") else 30 if unit.startswith("month") else 1)
        return today + timedelta(days=days)
    if kind in ("dmy", "mdy"):
        day, month_word, year = (
            (m.group(1), m.group(2), m.group(3)) if kind == "dmy" else (m.group(2), m.group(1), m.group(3))
        )
        month = _MONTHS[_month_key(month_word)]
        if year:
            return date(int(year), month, int(day))
        return _year_for(month, int(day), today)
    month = _MONTHS[_month_key(m.group(2) if kind == "part" else m.group(1))]
    year_text = m.group(3) if kind == "part" else m.group(2)
    year = int(year_text) if year_text else (today.year if month >= today.month else today.year + 1)
    if kind == "my":
        return _last_day(year, month)
    part = m.group(1).lower()
    if part.startswith(("end", "the end", "late")):
        return _last_day(year, month)
    if part.startswith("mid"):
        return date(year, month, 15)
    return date(year, month, 10)  # early, beginning of


def _month_key(word: str) -> str:
    w = word.lower().rstrip(".")
    return w if w in _MONTHS else w[:3]


def _delivery_date(text: str, low: str, words: frozenset[str], today: date) -> date | None:
    """The first date in the rest of the sentence after a delivery word."""
    best: tuple[int, date] | None = None
    for word in _DATE_WORDS & words:
        for at in _occurrences(low, word):
            if best is not None and at > best[0]:
                break
            start = at + len(word)
            window = text[start : start + DATE_WINDOW]
            end = _SENTENCE_END.search(window)
            window = window[: end.start()] if end else window
            found = _first_date(window, today)
            if found is not None:
                best = (at, found)
                break
    return best[1] if best else None


def _payment(text: str, low: str, words: frozenset[str]) -> str | None:
    found: list[tuple[int, str]] = []
    if not _PAYMENT_FIRST.isdisjoint(words):
        for phrase in _PAYMENT_PHRASES:
            if phrase.split(" ", 1)[0] in words:
                at = next(_occurrences(low, phrase), -1)
                if at >= 0:
                    found.append((at, _PAYMENT_NAMES[phrase]))
    if not _PAYMENT_SHORT.isdisjoint(words):
        m = _PAYMENT_CODES.search(text)  # TT and LC only in capitals: "tt" and "lc" are too common
        if m is not None:
            found.append((m.start(), _PAYMENT_NAMES[m.group(1).lower()]))
    return min(found)[1] if found else None


def _sample(text: str, words: frozenset[str]) -> bool | None:
    if "sample" not in words and "samples" not in words:
        return None
    return _NO_SAMPLE.search(text) is None


def _words(low: str) -> frozenset[str]:
    return frozenset(_SPLIT.split(low))


def _glued_units(words: frozenset[str]) -> list[str]:
    """Units written together with their number ("500pcs", "2ksets")."""
    out = []
    for w in words:
        if w[:1].isdigit():
            suffix = w.lstrip("0123456789,")
            suffix = suffix[1:] if suffix[:1] == "k" and suffix[1:] in _UNITS else suffix
            if suffix in _UNITS:
                out.append(suffix)
    return out


def read_terms(text: str, *, today: date, products: Catalogue | None = None, known: Terms | None = None) -> Terms:
    """What TEXT (an inquiry's subject and body) states, by the rules above; TODAY resolves dates without a year.

    Each rule's pattern runs only when the text holds one of its words (a quick look among the
    text's words first): most inquiries state two or three things, and the others cost nothing.
    KNOWN: what the caller already knows and will put over the result (an import's own fields,
    `Terms.merged`); the rules for fields it states in full are not run, and those fields stay
    unread (None) here. The merged answer is the same as reading everything first.
    """
    text = text[:MAX_CHARS]
    if not text.strip():
        return Terms()
    low = text.lower()
    words = _words(low)
    digits = _DIGIT.search(text) is not None
    k = known or _NOTHING_KNOWN
    quantity = _quantity(text, low, words) if digits and (k.quantity is None or k.unit is None) else None
    money = digits and (k.target_price is None or k.currency is None) and _CURRENCY_HINT.search(low) is not None
    price = _price(text) if money else None
    # A date needs a digit or a month's name (months: a substring look, looser than the words).
    dates = k.delivery_date is None and (digits or _MONTH_HINT.search(low) is not None)
    return Terms(
        quantity=quantity[0] if quantity else None,
        unit=quantity[1] if quantity else None,
        destination=_destination(text, low, words) if k.destination is None else None,
        target_price=price[0] if price else None,
        currency=price[1] if price else None,
        incoterm=_incoterm(low, words) if k.incoterm is None else None,
        payment_terms=_payment(text, low, words) if k.payment_terms is None else None,
        delivery_date=_delivery_date(text, low, words, today) if dates else None,
        sample_requested=_sample(text, words) if k.sample_requested is None else None,
        product=products.find(text, low, words) if products is not None and k.product is None else None,
    )


_NOTHING_KNOWN = Terms()


def read_answer(text: str, asked: frozenset[Ask], *, today: date, products: Catalogue | None = None) -> Terms:
    """A buyer's reply to smart questions ASKED: what it states, and a short reply as the answer to what was asked."""
    terms = read_terms(text, today=today, products=products)
    body = text.strip()
    if not asked or len(body) > ANSWER_CHARS:
        return terms
    loose: dict[str, object] = {}
    if Ask.TARGET_PRICE in asked and terms.target_price is None:
        price = _price(body, loose=True)
        if price is not None:
            loose["target_price"], loose["currency"] = price
    if Ask.QUANTITY in asked and terms.quantity is None:
        m = _FIRST_NUMBER.search(_MONEY.sub(" ", body))  # an amount of money is not a quantity
        if m is not None and (value := _number(m.group(1), m.group(2))) is not None and value > 0:
            loose["quantity"] = value
            if m.group(3):
                loose["unit"] = _UNITS[m.group(3).lower()]
    if Ask.DESTINATION in asked and terms.destination is None:
        found = _country_in(body)
        if found is None and "\n" not in body and len(body) <= 60 and not re.search(r"\d", body):
            found = body.strip(" .!,;") or None
        if found is not None:
            loose["destination"] = found
    if Ask.DELIVERY_DATE in asked and terms.delivery_date is None:
        found_date = _first_date(body, today)
        if found_date is not None:
            loose["delivery_date"] = found_date
    if Ask.SAMPLE in asked and terms.sample_requested is None:
        if _YES.match(body):
            loose["sample_requested"] = True
        elif _NO.match(body):
            loose["sample_requested"] = False
    if Ask.PRODUCT in asked and terms.product is None:
        first = re.split(r"[,;\n]", body)[0].strip(" .!") if body else ""
        if first and len(first) <= 80:
            loose["product"] = first
    if not loose:
        return terms
    return terms.merged(Terms(**loose))  # type: ignore[arg-type]  # the keys are Terms fields with their types


@lru_cache(maxsize=1)
def _country_pattern() -> re.Pattern[str]:
    names = sorted(country_names(), key=len, reverse=True)
    return re.compile(r"(?<![\w])(" + "|".join(re.escape(n) for n in names) + r")(?![\w])", re.IGNORECASE)


def _country_in(text: str) -> str | None:
    m = _country_pattern().search(text)
    return country_by_name(m.group(1)) if m is not None else None
