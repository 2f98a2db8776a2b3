"""Company settings as value objects, and parsing/validation of `settings set KEY VALUE`."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field, replace
from datetime import date, time
from email.utils import parseaddr
from typing import Any, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from inquiry_tui.domain import json_input
from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.domain.questions import declared, parse_question

AllocationMode = Literal["product", "region"]
ReceptionMode = Literal["off", "all_day", "custom"]
WindowKind = Literal["workday", "holiday"]
MAX_FAQ = 5
MAX_FILE_MB = 2048
MAX_QUOTA_MB = 16 * 1024 * 1024  # 16 TB
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
    """Voice and video call reception: on/off, availability windows, the answer rate the marketplace expects."""

    voice: bool = False
    video: bool = False
    windows: tuple[TimeWindow, ...] = ()
    min_answer_rate: int = 80  # percent; below it the marketplace suspends calls (a warning, docs/domain.md)


@dataclass(frozen=True)
class MailSettings:
    """Sending e-mail by SMTP. The password is never a setting: it comes from the environment or a
    file only its owner can read (docs/cli.md, E-mail)."""

    smtp_host: str = ""  # "" : e-mail replies wait in the outbox until a server is set
    smtp_port: int = 587
    starttls: bool = True
    from_address: str = ""  # `Name <address>` or `address`; the setting `mail.from`
    smtp_user: str = ""  # "" : no login
    password_file: str = ""
    timeout: int = 30  # seconds for each step of a conversation with the server


@dataclass(frozen=True)
class DealSettings:
    """Letters of intent and orders: our company's name on documents, the default currency, a PDF font."""

    company: str = ""  # {seller.company}; empty: the main account's name
    currency: str = "USD"  # ISO 4217, for a new LOI that names none
    font: str = ""  # a .ttf for PDF documents; empty: found on the system (INQUIRY_TUI_FONT overrides)


@dataclass(frozen=True)
class RfqSettings:
    """The RFQ market: how many quotes the company may send per month (months of reception.timezone)."""

    monthly_quota: int = 20


@dataclass(frozen=True)
class FileSettings:
    """The file store and the cloud disk: the size limit of one file and the disk's quota, in MB."""

    max_mb: int = 25
    disk_quota_mb: int = 1024


@dataclass(frozen=True)
class Settings:
    allocation: AllocationSettings = field(default_factory=AllocationSettings)
    reception: ReceptionSettings = field(default_factory=ReceptionSettings)
    calls: CallSettings = field(default_factory=CallSettings)
    deals: DealSettings = field(default_factory=DealSettings)
    rfq: RfqSettings = field(default_factory=RfqSettings)
    files: FileSettings = field(default_factory=FileSettings)
    mail: MailSettings = field(default_factory=MailSettings)
    contact: ContactCard = field(default_factory=ContactCard)


# --- parsing helpers -------------------------------------------------------------------

_BOOL = {"true": True, "false": False, "on": True, "off": False, "yes": True, "no": False, "1": True, "0": False}
_HOST_RE = re.compile(
    r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$|^\[?[0-9A-Fa-f:.]+\]?$"
)
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
            parsed = json_input.loads(v)
        except json.JSONDecodeError as exc:
            raise ValidationError(f"{key}: not a valid JSON array ({exc.msg})") from None
        if not isinstance(parsed, list):
            raise ValidationError(f"{key}: expected a JSON array or comma-separated values")
        return parsed
    if v[:1] in ('"', "{"):
        try:
            parsed = json_input.loads(v)
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


def parse_count(key: str, value: str, low: int, high: int) -> int:
    v = value.strip()
    if not v.isdigit() or not low <= int(v) <= high:
        raise ValidationError(f"{key}: {value!r} is not a whole number from {low} to {high}")
    return int(v)


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
        parsed = json_input.loads(value)
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


def parse_whole(key: str, value: str, low: int, high: int) -> int:
    try:
        number = int(value.strip())
    except ValueError:
        raise ValidationError(f"{key}: {value!r} is not a whole number; allowed: {low} to {high}") from None
    if not low <= number <= high:
        raise ValidationError(f"{key}: {number} is outside {low} to {high}")
    return number


def parse_int(key: str, value: str, low: int, high: int) -> int:
    v = value.strip().removesuffix("%").strip()
    try:
        number = int(v)
    except ValueError:
        raise ValidationError(f"{key}: {value!r} is not a whole number from {low} to {high}") from None
    if not low <= number <= high:
        raise ValidationError(f"{key}: {number} is outside {low} to {high}")
    return number


def parse_address(key: str, value: str, *, display_name: bool) -> str:
    """An e-mail address (`name@example.com`), or with DISPLAY_NAME also `Name <name@example.com>`; "" clears it."""
    v = value.strip()
    if not v:
        return ""
    name, address = parseaddr(v)
    local, at, domain = address.rpartition("@")
    if not (at and local and "." in domain and " " not in address) or (name and not display_name):
        form = "Name <sales@example.com> or sales@example.com" if display_name else "sales@example.com"
        raise ValidationError(f"{key}: {value!r} is not an e-mail address; expected e.g. {form}")
    return v


def parse_host(key: str, value: str) -> str:
    v = value.strip()
    if v and not _HOST_RE.match(v):
        raise ValidationError(f"{key}: {value!r} is not a host name or address (e.g. smtp.example.com)")
    return v


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
    "deals.company": "TEXT (our company on LOIs and orders)",
    "deals.currency": "ISO 4217 code, e.g. USD",
    "deals.font": "PATH of a .ttf font for PDF documents (empty: found on the system)",
    "rfq.monthly_quota": "0-100000 (quotes per month, company-wide)",
    "files.max_mb": f"MB per file, 1-{MAX_FILE_MB}",
    "files.disk_quota_mb": f"MB for the cloud disk, 1-{MAX_QUOTA_MB}",
    "calls.min_answer_rate": "PERCENT (0-100; below it a warning that calls will be suspended)",
    "mail.smtp_host": "HOST (empty: e-mail replies wait in the outbox)",
    "mail.smtp_port": "PORT (587; 465 means TLS from the start)",
    "mail.starttls": "true|false",
    "mail.from": "Name <address> | address",
    "mail.smtp_user": "LOGIN (empty: no login)",
    "mail.password_file": "PATH (a file only its owner can read; or env INQUIRY_TUI_SMTP_PASSWORD)",
    "mail.timeout": "SECONDS (1-300)",
    "contact.name": "TEXT (one line)",
    "contact.phone": "PHONE (digits, spaces and + ( ) . / -)",
    "contact.email": "E-MAIL",
}
MAX_MONTHLY_QUOTA = 100_000


def apply_setting(settings: Settings, key: str, value: str) -> Settings:
    """Return settings with KEY set from its text VALUE; account logins are checked by the caller."""
    if key not in SETTING_KEYS:
        allowed = ", ".join(SETTING_KEYS)
        raise ValidationError(f"unknown setting {key!r}; allowed keys: {allowed}")
    if json_input.lone_surrogate(value) is not None:  # undecodable bytes in the argument: no store can hold them
        raise ValidationError(f"{key}: {value!r} is not UTF-8 text")
    section, name = key.split(".", 1)
    if section == "deals":
        return replace(settings, deals=_apply_deals(settings.deals, key, name, value))
    a, r, c, q, f, m = (
        settings.allocation,
        settings.reception,
        settings.calls,
        settings.rfq,
        settings.files,
        settings.mail,
    )
    card = settings.contact
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
    elif section == "rfq":
        q = replace(q, monthly_quota=parse_count(key, value, 0, MAX_MONTHLY_QUOTA))
    elif section == "files":
        if name == "max_mb":
            f = replace(f, max_mb=parse_whole(key, value, 1, MAX_FILE_MB))
        else:
            f = replace(f, disk_quota_mb=parse_whole(key, value, 1, MAX_QUOTA_MB))
    elif section == "calls":
        if name == "windows":
            c = replace(c, windows=parse_windows(key, value))
        elif name == "voice":
            c = replace(c, voice=parse_bool(key, value))
        elif name == "min_answer_rate":
            c = replace(c, min_answer_rate=parse_int(key, value, 0, 100))
        else:
            c = replace(c, video=parse_bool(key, value))
    else:
        if name == "smtp_host":
            m = replace(m, smtp_host=parse_host(key, value))
        elif name == "smtp_port":
            m = replace(m, smtp_port=parse_int(key, value, 1, 65535))
        elif name == "starttls":
            m = replace(m, starttls=parse_bool(key, value))
        elif name == "from":
            m = replace(m, from_address=parse_address(key, value, display_name=True))
        elif name == "smtp_user":
            m = replace(m, smtp_user=value.strip())
        elif name == "password_file":
            m = replace(m, password_file=value.strip())
        else:
            m = replace(m, timeout=parse_int(key, value, 1, 300))
    return replace(settings, allocation=a, reception=r, calls=c, rfq=q, files=f, mail=m, contact=card)


def _apply_deals(d: DealSettings, key: str, name: str, value: str) -> DealSettings:
    from inquiry_tui.domain.money import currency  # pycountry's tables: only when a deal setting changes

    v = value.strip()
    if name == "company":
        if "\n" in v or len(v) > 200:
            raise ValidationError(f"{key}: one line of at most 200 characters")
        return replace(d, company=v)
    if name == "currency":
        return replace(d, currency=currency(v, field=key))
    if v and not v.lower().endswith((".ttf", ".otf")):
        raise ValidationError(f"{key}: {value!r} is not a .ttf or .otf font file")
    return replace(d, font=v)


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
            "min_answer_rate": settings.calls.min_answer_rate,
        },
        "mail": {
            "smtp_host": settings.mail.smtp_host,
            "smtp_port": settings.mail.smtp_port,
            "starttls": settings.mail.starttls,
            "from": settings.mail.from_address,
            "smtp_user": settings.mail.smtp_user,
            "password_file": settings.mail.password_file,
            "timeout": settings.mail.timeout,
        },
        "deals": asdict(settings.deals),
        "rfq": {"monthly_quota": settings.rfq.monthly_quota},
        "files": asdict(settings.files),
        "contact": asdict(settings.contact),
    }


def settings_from_dict(data: dict[str, Any]) -> Settings:
    """Inverse of settings_to_dict; missing keys take defaults (older stores)."""
    a = data.get("allocation", {})
    r = data.get("reception", {})
    c = data.get("calls", {})
    q = data.get("rfq", {})
    f = data.get("files", {})
    m = data.get("mail", {})
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
        min_answer_rate=int(c.get("min_answer_rate", defaults.calls.min_answer_rate)),
    )
    d = data.get("deals", {})
    deals = replace(defaults.deals, **{k: str(v) for k, v in d.items() if hasattr(defaults.deals, k)})
    rfq = RfqSettings(monthly_quota=int(q.get("monthly_quota", defaults.rfq.monthly_quota)))
    files = replace(defaults.files, **{k: int(v) for k, v in f.items() if hasattr(defaults.files, k)})
    md = defaults.mail
    mail = MailSettings(
        smtp_host=str(m.get("smtp_host", md.smtp_host)),
        smtp_port=int(m.get("smtp_port", md.smtp_port)),
        starttls=bool(m.get("starttls", md.starttls)),
        from_address=str(m.get("from", md.from_address)),
        smtp_user=str(m.get("smtp_user", md.smtp_user)),
        password_file=str(m.get("password_file", md.password_file)),
        timeout=int(m.get("timeout", md.timeout)),
    )
    contact = ContactCard(**{k: str(v) for k, v in card.items() if k in ("name", "phone", "email") and v is not None})
    return Settings(alloc, rec, calls, deals, rfq, files, mail, contact)
