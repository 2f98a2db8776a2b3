"""Company settings as value objects, and parsing/validation of `settings set KEY VALUE`."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field, replace
from datetime import date, time
from typing import Any, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.domain.questions import declared, parse_question

AllocationMode = Literal["product", "region"]
ReceptionMode = Literal["off", "all_day", "custom"]
WindowKind = Literal["workday", "holiday"]
MAX_FAQ = 5
MAX_REASSIGN_HOURS = 720  # 30 days, the escalation window (domain.escalation.WINDOW)
END_OF_DAY = time(23, 59, 59, 999999)  # a window written as ending at 24:00


@dataclass(frozen=True)
class TimeWindow:
    """A daily window [start, end) on workdays or on holidays, in the company time zone."""

    kind: WindowKind
    start: time
    end: time

    def __str__(self) -> str:
        end = "24:00" if self.end == END_OF_DAY else f"{self.end:%H:%M}"
        return f"{self.kind} {self.start:%H:%M}-{end}"


@dataclass(frozen=True)
class FaqEntry:
    q: str
    a: str


@dataclass(frozen=True)
class AllocationSettings:
    """How arrivals are routed (docs/domain.md, Allocation, steps 1-5)."""

    mode: AllocationMode = "product"
    sticky: bool = True
    company_contact: str | None = None  # login; None means the main account
    rotation: bool = False
    rotation_members: tuple[str, ...] = ()
    chats_follow_rules: bool = False
    rotation_includes_chats: bool = False
    reassign_after_hours: int | None = None  # escalation (domain.escalation); None: off


@dataclass(frozen=True)
class ContactCard:
    """The company contact's card, as the marketplace shows it on the company page (validated by
    services.records.contact: one-line name, phone characters, an e-mail address)."""

    name: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class ReceptionSettings:
    """Smart reception (auto-reply) settings."""

    mode: ReceptionMode = "off"
    timezone: str = "Asia/Shanghai"
    windows: tuple[TimeWindow, ...] = ()
    holidays: tuple[date, ...] = ()
    welcome: str = ""
    faq: tuple[FaqEntry, ...] = ()
    smart_questions: tuple[str, ...] = ()


@dataclass(frozen=True)
class CallSettings:
    """Voice and video call reception: on/off and availability windows."""

    voice: bool = False
    video: bool = False
    windows: tuple[TimeWindow, ...] = ()


@dataclass(frozen=True)
class Settings:
    allocation: AllocationSettings = field(default_factory=AllocationSettings)
    reception: ReceptionSettings = field(default_factory=ReceptionSettings)
    calls: CallSettings = field(default_factory=CallSettings)
    contact: ContactCard = field(default_factory=ContactCard)


# --- parsing helpers -------------------------------------------------------------------

_BOOL = {"true": True, "false": False, "on": True, "off": False, "yes": True, "no": False, "1": True, "0": False}
_WINDOW_RE = re.compile(r"^\s*(workday|holiday)\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def parse_bool(key: str, value: str) -> bool:
    try:
        return _BOOL[value.strip().lower()]
    except KeyError:
        raise ValidationError(f"{key}: {value!r} is not a boolean; allowed: true, false") from None


_Choice = TypeVar("_Choice", bound=str)


def parse_choice(key: str, value: str, allowed: tuple[_Choice, ...]) -> _Choice:
    v = value.strip()
    for choice in allowed:
        if v == choice:
            return choice
    raise ValidationError(f"{key}: {value!r} is not allowed; allowed: {', '.join(allowed)}")


def parse_list(key: str, value: str) -> list[Any]:
    """A JSON array, or comma-separated values; any other JSON value (a quoted string, an object) is refused
    rather than stored as a list of its text."""
    v = value.strip()
    if v.startswith("["):
        try:
            parsed = json.loads(v)
        except json.JSONDecodeError as exc:
            raise ValidationError(f"{key}: not a valid JSON array ({exc.msg})") from None
        if not isinstance(parsed, list):
            raise ValidationError(f"{key}: expected a JSON array or comma-separated values")
        return parsed
    if v[:1] in ('"', "{"):
        try:
            parsed = json.loads(v)
        except json.JSONDecodeError:
            pass  # not JSON: text that starts with a quote, taken as comma-separated values
        else:
            kind = "string" if isinstance(parsed, str) else "object" if isinstance(parsed, dict) else "value"
            raise ValidationError(
                f'{key}: expected a JSON array or comma-separated values, got a JSON {kind}; e.g. ["first", "second"]'
            )
    return [part.strip() for part in v.split(",") if part.strip()]


def _parse_clock(key: str, hh: str, mm: str, *, allow_24: bool) -> time:
    h, m = int(hh), int(mm)
    if allow_24 and h == 24 and m == 0:
        return END_OF_DAY
    if not (0 <= h <= 23 and 0 <= m <= 59):
        raise ValidationError(f"{key}: {hh}:{mm} is not a time of day (00:00-23:59)")
    return time(h, m)


def parse_window(key: str, text: str) -> TimeWindow:
    """Parse `workday 09:00-18:00` (end may be 24:00); start must be before end."""
    m = _WINDOW_RE.match(text)
    if not m:
        raise ValidationError(
            f"{key}: {text.strip()!r} is not a window; expected e.g. 'workday 09:00-18:00' or 'holiday 10:00-14:00'"
        )
    start = _parse_clock(key, m[2], m[3], allow_24=False)
    end = _parse_clock(key, m[4], m[5], allow_24=True)
    if not start < end:
        raise ValidationError(f"{key}: window {text.strip()!r} must start before it ends")
    kind: WindowKind = "workday" if m[1] == "workday" else "holiday"  # the pattern admits only these two
    return TimeWindow(kind, start, end)


def parse_windows(key: str, value: str) -> tuple[TimeWindow, ...]:
    items = parse_list(key, value)
    return tuple(parse_window(key, str(item)) for item in items)


def parse_timezone(key: str, value: str) -> str:
    v = value.strip()
    if v not in available_timezones():
        raise ValidationError(f"{key}: {value!r} is not a known time zone; expected Area/City, e.g. Asia/Shanghai")
    try:
        ZoneInfo(v)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"{key}: {value!r} is not a known time zone") from None
    return v


def parse_holidays(key: str, value: str) -> tuple[date, ...]:
    out = []
    for item in parse_list(key, value):
        try:
            out.append(date.fromisoformat(str(item)))
        except ValueError:
            raise ValidationError(f"{key}: {item!r} is not a date; expected YYYY-MM-DD") from None
    return tuple(sorted(set(out)))


def parse_faq(key: str, value: str) -> tuple[FaqEntry, ...]:
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError as exc:
        raise ValidationError(f'{key}: expected a JSON list of {{"q": ..., "a": ...}} ({exc.msg})') from None
    if not isinstance(parsed, list) or not all(
        isinstance(e, dict) and isinstance(e.get("q"), str) and isinstance(e.get("a"), str) and e["q"].strip()
        for e in parsed
    ):
        raise ValidationError(f'{key}: expected a JSON list of {{"q": TEXT, "a": TEXT}} objects')
    if len(parsed) > MAX_FAQ:
        raise ValidationError(f"{key}: at most {MAX_FAQ} FAQ entries are allowed, got {len(parsed)}")
    return tuple(FaqEntry(e["q"], e["a"]) for e in parsed)


def parse_text_list(key: str, value: str) -> tuple[str, ...]:
    v = value.strip()
    if v.startswith("["):
        items = parse_list(key, v)
        if not all(isinstance(i, str) for i in items):
            raise ValidationError(f"{key}: expected a JSON list of strings")
        return tuple(i for i in items if i.strip())
    return tuple(i for i in parse_list(key, v) if str(i).strip())


def parse_hours(key: str, value: str) -> int | None:
    """A whole number of hours 1..MAX_REASSIGN_HOURS, or off (also empty, 0, none, false)."""
    v = value.strip().lower()
    if v in ("", "off", "none", "false", "0", "null"):
        return None
    try:
        hours = int(v)
    except ValueError:
        raise ValidationError(
            f"{key}: {value!r} is not a whole number of hours; allowed: 1-{MAX_REASSIGN_HOURS}, or off"
        ) from None
    if not 1 <= hours <= MAX_REASSIGN_HOURS:
        raise ValidationError(f"{key}: {hours} is outside 1-{MAX_REASSIGN_HOURS} hours; or off")
    return hours


def parse_questions(key: str, value: str) -> tuple[str, ...]:
    """Smart questions: a JSON list of TEXT or of {"text", "asks"} objects, or comma-separated TEXT.

    Each is kept as text, with its declaration as a prefix (`[quantity, product] Which ...?`,
    domain.questions); a declaration naming an unknown field is refused with the allowed ones.
    """
    items = parse_list(key, value)
    out: list[str] = []
    for item in items:
        if isinstance(item, dict):
            text, asks = item.get("text"), item.get("asks", [])
            if not isinstance(text, str) or not isinstance(asks, list) or not all(isinstance(x, str) for x in asks):
                raise ValidationError(f'{key}: expected a JSON list of TEXT or {{"text": TEXT, "asks": [FIELD, ...]}}')
            item = declared(text, asks, key=key)
        elif not isinstance(item, str):
            raise ValidationError(f"{key}: expected a JSON list of strings")
        if item.strip():
            parse_question(item, key=key)  # refuses an unknown field in a declaration
            out.append(item.strip())
    return tuple(out)


# --- the keys of `settings set` ----------------------------------------------------------

SETTING_KEYS: dict[str, str] = {
    "allocation.mode": "product|region",
    "allocation.sticky": "true|false",
    "allocation.company_contact": "LOGIN",
    "allocation.rotation": "true|false",
    "allocation.rotation_members": "LOGIN,... (JSON array or comma-separated)",
    "allocation.chats_follow_rules": "true|false",
    "allocation.rotation_includes_chats": "true|false",
    "allocation.reassign_after_hours": f"HOURS (1-{MAX_REASSIGN_HOURS}) or off",
    "reception.mode": "off|all_day|custom",
    "reception.timezone": "Area/City",
    "reception.windows": '"workday 09:00-18:00, holiday 10:00-14:00"',
    "reception.holidays": "YYYY-MM-DD,...",
    "reception.welcome": "TEXT",
    "reception.faq": 'JSON list of {"q","a"} (at most 5)',
    "reception.smart_questions": "JSON list of TEXT",
    "calls.voice": "true|false",
    "calls.video": "true|false",
    "calls.windows": '"workday 09:00-18:00, ..."',
    "contact.name": "TEXT (one line)",
    "contact.phone": "PHONE (digits, spaces and + ( ) . / -)",
    "contact.email": "E-MAIL",
}


def apply_setting(settings: Settings, key: str, value: str) -> Settings:
    """Return settings with KEY set from its text VALUE; account logins are checked by the caller."""
    if key not in SETTING_KEYS:
        allowed = ", ".join(SETTING_KEYS)
        raise ValidationError(f"unknown setting {key!r}; allowed keys: {allowed}")
    section, name = key.split(".", 1)
    a, r, c, card = settings.allocation, settings.reception, settings.calls, settings.contact
    if section == "contact":
        # Trimmed here; the values are checked as a whole card by services.records.contact.
        card = replace(card, **{name: value.strip()})
    elif section == "allocation":
        if name == "mode":
            a = replace(a, mode=parse_choice(key, value, ("product", "region")))
        elif name == "company_contact":
            login = value.strip()
            if not login:
                raise ValidationError(f"{key}: a login is required")
            a = replace(a, company_contact=login)
        elif name == "rotation_members":
            members = [str(m).strip() for m in parse_list(key, value)]
            if len(set(members)) != len(members):
                raise ValidationError(f"{key}: a member is listed twice")
            a = replace(a, rotation_members=tuple(members))
        elif name == "sticky":
            a = replace(a, sticky=parse_bool(key, value))
        elif name == "rotation":
            a = replace(a, rotation=parse_bool(key, value))
        elif name == "chats_follow_rules":
            a = replace(a, chats_follow_rules=parse_bool(key, value))
        elif name == "reassign_after_hours":
            a = replace(a, reassign_after_hours=parse_hours(key, value))
        else:
            a = replace(a, rotation_includes_chats=parse_bool(key, value))
    elif section == "reception":
        if name == "mode":
            r = replace(r, mode=parse_choice(key, value, ("off", "all_day", "custom")))
        elif name == "timezone":
            r = replace(r, timezone=parse_timezone(key, value))
        elif name == "windows":
            r = replace(r, windows=parse_windows(key, value))
        elif name == "holidays":
            r = replace(r, holidays=parse_holidays(key, value))
        elif name == "welcome":
            r = replace(r, welcome=value)
        elif name == "faq":
            r = replace(r, faq=parse_faq(key, value))
        else:
            r = replace(r, smart_questions=parse_questions(key, value))
    else:
        if name == "windows":
            c = replace(c, windows=parse_windows(key, value))
        elif name == "voice":
            c = replace(c, voice=parse_bool(key, value))
        else:
            c = replace(c, video=parse_bool(key, value))
    return Settings(a, r, c, card)


# --- (de)serialisation for the store and `settings show --json` ---------------------------


def settings_to_dict(settings: Settings) -> dict[str, Any]:
    """A JSON-ready, stable dict (times as HH:MM, dates ISO)."""

    def windows(ws: tuple[TimeWindow, ...]) -> list[str]:
        return [str(w) for w in ws]

    a = asdict(settings.allocation)
    a["rotation_members"] = list(settings.allocation.rotation_members)
    r = settings.reception
    return {
        "allocation": a,
        "reception": {
            "mode": r.mode,
            "timezone": r.timezone,
            "windows": windows(r.windows),
            "holidays": [d.isoformat() for d in r.holidays],
            "welcome": r.welcome,
            "faq": [{"q": e.q, "a": e.a} for e in r.faq],
            "smart_questions": list(r.smart_questions),
        },
        "calls": {
            "voice": settings.calls.voice,
            "video": settings.calls.video,
            "windows": windows(settings.calls.windows),
        },
        "contact": asdict(settings.contact),
    }


def settings_from_dict(data: dict[str, Any]) -> Settings:
    """Inverse of settings_to_dict; missing keys take defaults (older stores)."""
    a = data.get("allocation", {})
    r = data.get("reception", {})
    c = data.get("calls", {})
    card = data.get("contact", {})
    defaults = Settings()
    # Stored JSON: each value is whatever the store holds under a known field name.
    stored: dict[str, Any] = {
        k: (tuple(v) if k == "rotation_members" else v) for k, v in a.items() if hasattr(defaults.allocation, k)
    }
    alloc = replace(defaults.allocation, **stored)
    rec = ReceptionSettings(
        mode=r.get("mode", "off"),
        timezone=r.get("timezone", defaults.reception.timezone),
        windows=tuple(parse_window("reception.windows", w) for w in r.get("windows", [])),
        holidays=tuple(date.fromisoformat(d) for d in r.get("holidays", [])),
        welcome=r.get("welcome", ""),
        faq=tuple(FaqEntry(e["q"], e["a"]) for e in r.get("faq", [])),
        smart_questions=tuple(r.get("smart_questions", [])),
    )
    calls = CallSettings(
        voice=bool(c.get("voice", False)),
        video=bool(c.get("video", False)),
        windows=tuple(parse_window("calls.windows", w) for w in c.get("windows", [])),
    )
    contact = ContactCard(**{k: str(v) for k, v in card.items() if k in ("name", "phone", "email") and v is not None})
    return Settings(alloc, rec, calls, contact)
