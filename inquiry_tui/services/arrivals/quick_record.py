"""An inquiry record of an import file checked field by field, written out: the checking workers' fast path.

`records.validate.check_record(InquiryRecord, ...)` walks a plan of the model's fields per record
(a loop, a call per field through `rule`'s wrapper, the blank test, the model built): at 100k
records that walk cost the checking workers more than the rules it calls. `checked` calls the same
rules (records.rules) for the same fields in the same way, written out for this one model, and
returns the plain values the workers pack (services/arrivals/checking.py), no model made.

It only accepts: for anything it does not take whole (an unknown or missing field, a value of an
unusual type, a bad value, attachments) it returns None and the caller goes the usual way, which
names the error. So every accepted value is the usual path's, and every error its own; a property
test holds both equal on arbitrary records. If `InquiryRecord` or `BuyerRecord` gains or loses a
field, `checked` takes nothing (FIELDS no longer match) until it is written out again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from inquiry_tui.domain.json_input import lone_surrogate
from inquiry_tui.domain.vocabulary import Channel, Tier
from inquiry_tui.services.records import rules
from inquiry_tui.services.records.inquiries import MAX_BODY, MAX_SUBJECT, BuyerRecord, InquiryRecord

__all__ = ["BUYER_FIELDS", "FIELDS", "checked"]

# The models' fields as written out below, in their order: `checked` takes records only while they match.
FIELDS = (
    "external_id",
    "channel",
    "received_at",
    "buyer",
    "product",
    "subject",
    "body",
    "quantity",
    "unit",
    "target_price",
    "currency",
    "payment_terms",
    "incoterm",
    "destination",
    "sample_requested",
    "rfq",
    "attachments",
)
BUYER_FIELDS = ("email", "name", "company", "country", "member_id", "verified", "tier")
_MATCH = tuple(InquiryRecord.model_fields) == FIELDS and tuple(BuyerRecord.model_fields) == BUYER_FIELDS
_KEYS = frozenset(FIELDS)
_BUYER_KEYS = frozenset(BUYER_FIELDS)
_CHANNELS = {str(c): str(c) for c in Channel}
_TIERS = {str(t): str(t) for t in Tier}


class _Slow(Exception):
    """Not taken here: the usual path checks this record (and names its error)."""


_MISSING: Any = object()


def _blank(value: Any) -> bool:
    """`rules.is_blank`."""
    return value is None or (isinstance(value, str) and (not value or value.isspace()))


def _trimmed(value: Any, max_len: int, default: Any) -> Any:
    """`records.inquiries._trimmed(value, MAX_LEN)` behind `rule(..., default=DEFAULT)`, for text values."""
    if value is None:
        if default is _MISSING:
            raise _Slow
        return default
    if type(value) is not str or len(value) > max_len or not (value.isascii() or lone_surrogate(value) is None):
        raise _Slow
    out = value.strip()
    if not out:
        if default is _MISSING:
            raise _Slow
        return default
    return out


def _text(value: Any, max_len: int) -> str:
    """`rules.text(value, MAX_LEN)` behind `rule(..., default="")`, for text values (not trimmed)."""
    if value is None:
        return ""
    if type(value) is not str or len(value) > max_len or not (value.isascii() or lone_surrogate(value) is None):
        raise _Slow
    return "" if not value or value.isspace() else value


def _ruled(value: Any, check: Any, *args: Any) -> Any:
    """An optional field (default None) through its rule, as `rule` calls it."""
    return None if _blank(value) else check(value, *args)


def _buyer(data: Any) -> tuple[Any, ...]:
    if type(data) is not dict or not _BUYER_KEYS.issuperset(data):
        raise _Slow
    email = data.get("email")
    if type(email) is not str or _blank(email):
        raise _Slow
    tier = data.get("tier")
    if not _blank(tier):
        if type(tier) is not str or (tier := _TIERS.get(tier.strip())) is None:
            raise _Slow
    else:
        tier = None
    verified = data.get("verified")
    if not (verified is None or type(verified) is bool):
        raise _Slow
    return (
        rules.email(email),
        _trimmed(data.get("name"), 200, ""),
        _trimmed(data.get("company"), 300, ""),
        _ruled(data.get("country"), rules.country),
        _trimmed(data.get("member_id"), 64, None),
        verified,
        tier,
    )


# The fields most records leave out: when none is there, all are None without a call each.
_SELDOM = frozenset(("target_price", "currency", "payment_terms", "incoterm", "destination", "sample_requested", "rfq"))
_NONE_STATED = (None,) * len(_SELDOM)


def _stated(data: dict[str, Any]) -> tuple[Any, ...]:
    """target_price, currency, payment_terms, incoterm, destination, sample_requested, rfq."""
    if _SELDOM.isdisjoint(data):
        return _NONE_STATED
    return (
        _ruled(data.get("target_price"), rules.price),
        _ruled(data.get("currency"), rules.currency),
        _trimmed(data.get("payment_terms"), 60, None),
        _ruled(data.get("incoterm"), rules.incoterm),
        _trimmed(data.get("destination"), 100, None),
        _ruled(data.get("sample_requested"), rules.boolean),
        _trimmed(data.get("rfq"), 200, None),
    )


# (external_id, channel, received_at, buyer's fields in BUYER_FIELDS' order, product, subject, body, quantity,
# unit, target_price, currency, payment_terms, incoterm, destination, sample_requested, rfq)
Checked = tuple[Any, ...]


def checked(data: Any) -> Checked | None:
    """DATA (a record of an inquiries file) checked as `check_record(InquiryRecord, ...)` checks it, as the
    values of its fields but attachments; None for a record this path does not take whole."""
    if not _MATCH or type(data) is not dict or not _KEYS.issuperset(data):
        return None
    try:
        if not _blank(data.get("attachments")):
            raise _Slow  # staged where the stager is
        channel = data.get("channel")
        if type(channel) is not str or (channel := _CHANNELS.get(channel.strip())) is None:
            raise _Slow
        received_at = data.get("received_at")
        if type(received_at) is not str or _blank(received_at):
            raise _Slow
        external_id = _trimmed(data.get("external_id"), 200, _MISSING)
        received: datetime = rules.time_with_zone(received_at)
        buyer = _buyer(data.get("buyer"))
        return (
            external_id,
            channel,
            received,
            buyer,
            _trimmed(data.get("product"), 100, None),
            _text(data.get("subject"), MAX_SUBJECT),
            _text(data.get("body"), MAX_BODY),
            _ruled(data.get("quantity"), rules.quantity),
            _trimmed(data.get("unit"), 40, None),
            *_stated(data),
        )
    except Exception:  # a bad value (a RuleError, or _Slow): the usual path names it
        return None
