"""The record of a block-list entry (`block add`, the admin's block list): values as arrivals compare them."""

# No `from __future__ import annotations`: pydantic reads these annotations as objects.
from typing import Annotated, Any

from inquiry_tui.domain.vocabulary import BlockKind
from inquiry_tui.services.records import rules
from inquiry_tui.services.records.validate import RecordModel, rule

MAX_VALUE = 200
MAX_NOTE = 200


def _kind(value: Any) -> str:
    return rules.one_of(str(value).strip().lower().replace("-", "_"), tuple(BlockKind))


def _value(value: Any, record: dict[str, Any]) -> str:
    """An e-mail lower-cased, a country as its alpha-2 code, a member id as given (trimmed)."""
    kept = rules.line(value, MAX_VALUE)
    kind = record.get("kind")
    if kind == BlockKind.EMAIL:
        return rules.email(kept)
    if kind == BlockKind.COUNTRY:
        return rules.country(kept)
    return kept


class BlockEntryRecord(RecordModel):
    kind: Annotated[str, rule(_kind)]
    value: Annotated[str, rule(_value, with_record=True)]
    note: Annotated[str, rule(rules.line, MAX_NOTE, default="")] = ""
