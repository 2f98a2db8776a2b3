"""E-mail rules: Message-IDs and threading, reply subjects, the outbox's states and its retry schedule.

Pure functions over text and times (docs/domain.md, E-mail). The e-mail services parse and
build messages with the standard library; what is decided here is independent of both.
"""

from __future__ import annotations

import re
from datetime import timedelta
from enum import StrEnum
from functools import lru_cache

from inquiry_tui.domain.countries import country_name

MAX_REFERENCES = 20  # ids kept in an outgoing References header: the root and the newest
FIRST_RETRY = timedelta(minutes=1)
LAST_RETRY = timedelta(hours=1)  # the wait between tries doubles up to this
INTERRUPTED_AFTER = timedelta(minutes=15)  # a send claimed this long ago and never marked was interrupted

_ID = re.compile(r"<([^<>\s]+)>")
# "Re:", "RE :", "Fwd:", "AW:" (German), "SV:" (Nordic), "回复：" (Chinese) ... repeated, with counters ("Re[2]:").
_PREFIX = re.compile(r"^\s*(?:(?:re|fwd?|aw|wg|sv|vs|tr|rv|antw|odp|回复|答复|转发)\s*(?:\[\d+\])?\s*[:：]\s*)+", re.I)
_SPACE = re.compile(r"\s+")
# Country-code top-level domains that are sold as generic names: no hint of where a buyer is.
_GENERIC_CC = frozenset({"co", "io", "ai", "me", "tv", "cc", "ws", "fm", "am", "to", "ly", "gg", "la", "nu", "eu"})
_CC_ALIASES = {"uk": "GB"}


class OutboxStatus(StrEnum):
    """Where an outgoing e-mail is: waiting, being handed to the server, held for a person, or sent."""

    QUEUED = "queued"  # waits for its next try (`next_attempt_at`)
    SENDING = "sending"  # a sender claimed it and is talking to the server
    HELD = "held"  # the server refused it for good, or a send was interrupted: a person decides
    SENT = "sent"  # the server accepted it


def message_ids(header: str | None) -> list[str]:
    """The Message-IDs in a References or In-Reply-To header, in order, without angle brackets.

    A header of one bare id (no brackets), as some clients write it, counts as that id.
    """
    if not header:
        return []
    found = _ID.findall(header)
    if found:
        return found
    bare = header.strip()
    return [bare] if bare and " " not in bare and "@" in bare else []


def clean_id(value: str | None) -> str | None:
    """A Message-ID header as the id it holds (no brackets), or None when it has none."""
    ids = message_ids(value)
    return ids[0][:998] if ids else None


def reply_subject(subject: str) -> str:
    """The subject of a reply: `Re: ` before the thread's subject, once (`Re: Re:` is never made)."""
    text = subject.strip()
    if _PREFIX.match(text):
        return "Re: " + thread_subject(text, keep_case=True)
    return f"Re: {text}" if text else "Re: your inquiry"


def thread_subject(subject: str, *, keep_case: bool = False) -> str:
    """SUBJECT without reply and forward prefixes, its white space single: what a thread is known by."""
    text = _SPACE.sub(" ", _PREFIX.sub("", subject)).strip()
    return text if keep_case else text.casefold()


def references(parent_references: list[str], parent_id: str | None) -> list[str]:
    """The References of a reply to a message: its own References then its id, at most MAX_REFERENCES
    (the first, which names the thread's root, and the newest)."""
    chain = [*parent_references, *([parent_id] if parent_id else [])]
    chain = list(dict.fromkeys(chain))  # a repeated id (a loop in a client's headers) once
    if len(chain) > MAX_REFERENCES:
        chain = [chain[0], *chain[-(MAX_REFERENCES - 1) :]]
    return chain


def retry_after(attempts: int) -> timedelta:
    """The wait before try ATTEMPTS + 1 after ATTEMPTS failed ones: 1, 2, 4, ... minutes, at most an hour."""
    if attempts <= 0:
        return timedelta(0)
    wait = FIRST_RETRY * (1 << min(attempts - 1, 12))
    return min(wait, LAST_RETRY)


@lru_cache(maxsize=4096)
def country_of_address(address: str) -> str | None:
    """The country an address's domain names by its country-code top level (`.de` -> DE), or None.

    A hint only, for routing by region when the buyer's country is not known otherwise; the
    generic ccTLDs (`.io`, `.co`, ...) and every other top level give None.
    """
    tld = address.rpartition(".")[2].lower()
    if len(tld) != 2 or not tld.isalpha() or tld in _GENERIC_CC:
        return None
    code = _CC_ALIASES.get(tld, tld.upper())
    return code if country_name(code) else None
