"""Records of `import calls` and `import notices` (docs/cli.md, File formats): a call or appointment request, a platform notice."""

# No `from __future__ import annotations`: pydantic reads these annotations as objects.
from datetime import datetime
from typing import Annotated

from inquiry_tui.domain.calls import IMPORTED_OUTCOMES, CallKind, Scenario
from inquiry_tui.services.records import rules
from inquiry_tui.services.records.inquiries import BuyerRecord
from inquiry_tui.services.records.validate import RecordModel, rule

MAX_NOTE = 2_000
MAX_NOTICE = 2_000


def _trimmed(value: object, max_len: int) -> str:
    return rules.text(value, max_len).strip()


class CallRecord(RecordModel):
    """One line of a calls file: a call (answered or missed) or an appointment request (pending)."""

    external_id: Annotated[str | None, rule(_trimmed, 200, default=None)] = None
    kind: Annotated[str, rule(rules.one_of, tuple(CallKind))]
    scenario: Annotated[str, rule(rules.one_of, tuple(Scenario))]
    buyer: BuyerRecord
    requested_at: Annotated[datetime, rule(rules.time_with_zone)]
    outcome: Annotated[str, rule(rules.one_of, IMPORTED_OUTCOMES)]
    appointment_at: Annotated[datetime | None, rule(rules.time_with_zone, default=None)] = None
    product: Annotated[str | None, rule(_trimmed, 100, default=None)] = None  # a SKU
    note: Annotated[str, rule(rules.text, MAX_NOTE, default="")] = ""


class NoticeRecord(RecordModel):
    """One line of a platform notices file; `to` is one login, or everyone when missing."""

    external_id: Annotated[str, rule(_trimmed, 200)]
    posted_at: Annotated[datetime, rule(rules.time_with_zone)]
    text: Annotated[str, rule(_trimmed, MAX_NOTICE)]
    to: Annotated[str | None, rule(rules.line, 64, default=None)] = None
