"""One e-mail (the bytes of a Maildir file) as what a thread keeps: sender, subject, text, ids, attachments.

MIME is decoded by the standard library's `email` package: multipart structure, base64 and
quoted-printable, RFC 2047 headers and RFC 2231 file names, each text part's charset. The
message is parsed with the `compat32` policy and its headers decoded with `email.header` and
`email.utils`: the `default` policy re-parses Content-Type through its header registry on
every look-up, about 0.6 ms a message here against 0.07 ms, which alone would hold a Maildir
import under the 2,000 messages/s it must reach (docs/performance.md). Outgoing mail is
built with the `default` policy (services/mail/smtp.py), where that cost does not matter.

Bad input never raises anything but MailError (one line, the reason a message is skipped):
no usable sender, a message too large to read. Everything else is imported as well as it
can be, with a note at the end of the text: an unknown charset (decoded as UTF-8, else
Windows-1252), an attachment over the file store's limit (not kept), a cut body.
"""

from __future__ import annotations

import codecs
import hashlib
import mimetypes
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import policy
from email.header import Header, decode_header
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime

from inquiry_tui.domain.mail import clean_id, message_ids
from inquiry_tui.services.files.blobs import DEFAULT_MAX_BYTES
from inquiry_tui.services.mail.html import html_to_text
from inquiry_tui.services.records import rules

MAX_MESSAGE_BYTES = 64 * 1024 * 1024  # larger files are skipped unread
MAX_SUBJECT = 1_000  # an inquiry's subject, as `import inquiries` allows
MAX_BODY = 100_000  # characters of text kept (the rest is cut, with a note)
CLOCK_SKEW = timedelta(minutes=15)  # a Date later than the delivery by more than this is not believed
SYNTHETIC_DOMAIN = "inquiry-tui.invalid"  # ids made for messages that carry none

_PARSER = BytesParser(policy=policy.compat32)
_SURROGATE = re.compile("[\udc80-\udcff]")  # 8-bit header bytes, as the parser keeps them (surrogateescape)
_PLAIN_ADDRESS = re.compile(
    r'\s*(?:"?([^"<>,;:@\\]*?)"?\s*<([^<>\s@,;:"]+@[^<>\s@,;:"]+)>|([^<>\s@,;:"]+@[^<>\s@,;:"]+))\s*'
)
# Charset names seen in mail that Python does not know, or knows as a smaller set than senders mean.
_CHARSET_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "ks_c_5601-1987": "cp949",
    "iso-8859-8-i": "iso-8859-8",
    "x-sjis": "shift_jis",
    "unicode-1-1-utf-7": "utf-7",
    "utf8": "utf-8",
    "us-ascii": "utf-8",  # 8-bit bytes labelled ASCII are nearly always UTF-8
    "ascii": "utf-8",
}


class MailError(ValueError):
    """A message that cannot be imported; the one-line reason is the message."""


@dataclass(frozen=True)
class ParsedMail:
    rfc_id: str  # its Message-ID without brackets, or one made from its bytes
    sender: str  # the From address, checked and lower-cased
    sender_name: str
    reply_to: str  # where an answer goes: Reply-To, else From
    subject: str
    body: str
    sent_at: datetime  # UTC: the Date header, or the delivery time when Date is missing or not believable
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    attachments: tuple[tuple[str, bytes], ...]  # (name as given, bytes)
    notes: tuple[str, ...]  # what was not imported as it came (also at the end of `body`)


def parse_mail(raw: bytes, *, delivered: datetime, max_attachment: int = DEFAULT_MAX_BYTES) -> ParsedMail:
    """RAW (one message) as a ParsedMail; MailError with a one-line reason when it cannot be imported."""
    if len(raw) > MAX_MESSAGE_BYTES:
        raise MailError(f"the message is {_mb(len(raw))}, over the {_mb(MAX_MESSAGE_BYTES)} a message may have")
    msg = _PARSER.parsebytes(raw)
    head = _headers(msg)
    notes: list[str] = []
    sender_name, sender = _address(head, "from")
    if not sender:
        found = header_text(head, "from").strip()
        raise MailError(f"no sender address in From ({found[:60]!r})" if found else "no From header")
    _, reply_to = _address(head, "reply-to")
    rfc_id = clean_id(header_text(head, "message-id")) or f"{hashlib.sha256(raw).hexdigest()[:40]}@{SYNTHETIC_DOMAIN}"
    subject = " ".join(header_text(head, "subject").split())
    if len(subject) > MAX_SUBJECT:
        subject = subject[: MAX_SUBJECT - 1] + "…"
    plain: list[str] = []
    html: list[str] = []
    attachments: list[tuple[str, bytes]] = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        kind = part.get_content_type()  # each of these parses Content-Type again: asked once, and only when needed
        name = _filename(part)
        disposition = part.get_content_disposition() if "content-disposition" in part else None
        if disposition != "attachment" and not name and kind in ("text/plain", "text/html"):
            (plain if kind == "text/plain" else html).append(_text(part, notes))
            continue
        if kind == "message/delivery-status" or kind.startswith("multipart/"):
            continue
        data = _payload(part)
        if not data:
            continue
        name = name or f"attachment-{len(attachments) + 1}{mimetypes.guess_extension(kind) or '.bin'}"
        if len(data) > max_attachment:
            notes.append(f"attachment {name!r} ({_mb(len(data))}) not kept: over the {_mb(max_attachment)} limit")
            continue
        attachments.append((name, data))
    body = "\n\n".join(p.strip("\n") for p in plain if p.strip()) if plain else ""
    if not body and html:
        body = html_to_text("\n".join(html))
    if len(body) > MAX_BODY:
        notes.append(f"the text was cut at {MAX_BODY:,} of {len(body):,} characters")
        body = body[:MAX_BODY]
    if notes:
        body = (body + "\n\n" if body else "") + "\n".join(f"— inquiry-tui: {note}" for note in notes)
    return ParsedMail(
        rfc_id=rfc_id,
        sender=sender,
        sender_name=sender_name,
        reply_to=reply_to or sender,
        subject=subject,
        body=body,
        sent_at=_sent_at(head, delivered),
        in_reply_to=tuple(message_ids(header_text(head, "in-reply-to"))),
        references=tuple(message_ids(header_text(head, "references"))),
        attachments=tuple(attachments),
        notes=tuple(notes),
    )


# --- headers ---------------------------------------------------------------------------------


def _headers(msg: Message) -> dict[str, object]:
    """The message's headers by lower-case name, the first of each (as Message.get finds it, without a scan per name)."""
    found: dict[str, object] = {}
    for name, value in msg.items():  # a str, or a Header when the raw header has 8-bit bytes
        found.setdefault(name.lower(), value)
    return found


def header_text(head: dict[str, object], name: str) -> str:
    """A header's value (NAME in lower case) with RFC 2047 words decoded; raw 8-bit bytes read as UTF-8, else Windows-1252."""
    value = head.get(name)
    if value is None:
        return ""
    if isinstance(value, str) and "=?" not in value and not _has_surrogates(value):
        return value
    try:
        chunks = decode_header(value if isinstance(value, (str, Header)) else str(value))
    except Exception:  # a malformed encoded word: the raw text is still better than nothing
        return _unescape(str(value))
    out = []
    for chunk, charset in chunks:
        if isinstance(chunk, bytes):
            out.append(_decode(chunk, charset))
        else:
            out.append(_unescape(chunk))
    # decode_header drops the white space between an encoded word and plain text: keep words apart
    return "".join(out) if len(out) < 2 else _join(chunks, out)


def _join(chunks: list[tuple[bytes | str, str | None]], texts: list[str]) -> str:
    joined = texts[0]
    for (_, charset), (_, before), text in zip(chunks[1:], chunks, texts[1:]):
        if (charset is None) != (before is None) and not joined.endswith(" ") and not text.startswith(" "):
            joined += " "
        joined += text
    return joined


def _has_surrogates(text: str) -> bool:
    return not text.isascii() and _SURROGATE.search(text) is not None


def _unescape(text: str) -> str:
    """Undo surrogateescape (8-bit header bytes) as UTF-8, else Windows-1252."""
    if not _has_surrogates(text):
        return text
    raw = text.encode("utf-8", "surrogateescape")
    return _decode(raw, None)


def _decode(data: bytes, charset: str | None, notes: list[str] | None = None) -> str:
    name = (charset or "").strip().lower()
    codec = _codec(name) if name and name != "unknown-8bit" else None
    if codec is not None:
        return data.decode(codec, "replace")
    if name and name != "unknown-8bit" and notes is not None:
        notes.append(f"unknown charset {name[:40]!r}: read as UTF-8 or Windows-1252")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def _codec(name: str) -> str | None:
    name = _CHARSET_ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _address(head: dict[str, object], name: str) -> tuple[str, str]:
    """(display name, checked lower-case address) of a From-like header; ("", "") when it has no usable one."""
    text = header_text(head, name)
    if not text:
        return "", ""
    plain = _PLAIN_ADDRESS.fullmatch(text)  # `Name <a@b>` or `a@b`: most mail; the stdlib parser for the rest
    if plain is not None:
        try:
            return " ".join((plain[1] or "").split())[:200], rules.email(plain[2] or plain[3])
        except rules.RuleError:
            pass
    try:
        pairs = getaddresses([text])
    except Exception:  # the stdlib's address parser on hostile input
        return "", ""
    for display, address in pairs:
        if "@" not in address:
            continue
        try:
            return " ".join(display.split())[:200], rules.email(address)
        except rules.RuleError:
            continue
    return "", ""


def _sent_at(head: dict[str, object], delivered: datetime) -> datetime:
    delivered = delivered.astimezone(UTC)
    value = header_text(head, "date")
    try:
        sent = parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError, IndexError, OverflowError):
        sent = None
    if sent is None:
        return delivered
    sent = sent.replace(tzinfo=UTC) if sent.tzinfo is None else sent.astimezone(UTC)
    return sent if sent <= delivered + CLOCK_SKEW else delivered


# --- parts -----------------------------------------------------------------------------------


def _filename(part: Message) -> str:
    if "content-disposition" not in part and "name" not in str(part.get("content-type", "")).lower():
        return ""  # neither header can name a file (the common text part): no parameter parsing
    try:
        name = part.get_filename()
    except Exception:  # a malformed RFC 2231 parameter
        name = None
    if not name:
        return ""
    if "=?" in name or _has_surrogates(name):
        try:
            return "".join(
                _decode(c, cs) if isinstance(c, bytes) else _unescape(c) for c, cs in decode_header(name)
            ).strip()
        except Exception:
            return _unescape(name).strip()
    return name.strip()


def _payload(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:  # a broken transfer encoding: the part is dropped, the rest stays
        return b""
    return data if isinstance(data, bytes) else b""


def _text(part: Message, notes: list[str]) -> str:
    data = _payload(part)
    if not data:
        return ""
    try:
        charset = part.get_content_charset()
    except Exception:
        charset = None
    return _decode(data, charset, notes)


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"
