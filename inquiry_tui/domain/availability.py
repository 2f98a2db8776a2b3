"""Who can take new work now: away (with an optional return date) and capacity (a limit of open inquiries).

Routing (`domain.allocation.route`) gets the result as a map login -> why ("is away until
2026-12-10", "is full (20/20)") and passes over those accounts to the next rule, saying so in
the reason. Rules (docs/domain.md, Away and capacity):

- **Away** is a state an account sets (or the admin sets for it), with an optional return
  date: the first day back, in the company time zone. An account is away while the state is
  set and today (local) is before the return date. On the return date the account is back:
  the state is cleared by the next sweep (`back_due`) and its buyers' waiting inquiries come
  back to it (services.allocation.supervision).
- **Capacity** is an optional limit of open inquiries (in the inbox, not answered by a
  person) per account. At or over the limit the account is full and gets nothing new until
  it answers, deletes or hands over enough to fall below it. A limit of 0 means "nothing new".
- Away comes before full in the reason (an away account is not counted).
- Inactive accounts are not in the map: routing never considers them anyway.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

MAX_LIMIT = 100_000  # a limit above this is a typing mistake, not a policy


@dataclass(frozen=True)
class Presence:
    """One account's availability inputs, as stored."""

    login: str
    active: bool = True
    away: bool = False
    away_until: date | None = None  # the first day back (company time zone), if known
    limit: int | None = None  # open inquiries at most; None: no limit


def is_away(away: bool, until: date | None, today: date) -> bool:
    """Away now: the state is set and today is before the return date (if one is given)."""
    return away and (until is None or today < until)


def back_due(away: bool, until: date | None, today: date) -> bool:
    """The state is still set but the return date has come: the account is back and the sweep clears it."""
    return away and until is not None and today >= until


def away_note(until: date | None) -> str:
    return f"is away until {until.isoformat()}" if until is not None else "is away"


def full_note(open_count: int, limit: int) -> str:
    return f"is full ({open_count}/{limit})"


def is_full(open_count: int, limit: int | None) -> bool:
    return limit is not None and open_count >= limit


def unavailable(presences: Iterable[Presence], today: date, open_counts: Mapping[str, int]) -> dict[str, str]:
    """login -> why, for every active account that gets nothing new now (away, or full)."""
    out: dict[str, str] = {}
    for p in presences:
        if not p.active:
            continue
        if is_away(p.away, p.away_until, today):
            out[p.login] = away_note(p.away_until)
        elif p.limit is not None and is_full(open_counts.get(p.login, 0), p.limit):
            out[p.login] = full_note(open_counts.get(p.login, 0), p.limit)
    return out


def away_reason_patterns(login: str) -> tuple[str, ...]:
    """SQL LIKE patterns (escape character backslash) of an allocation reason that passed LOGIN over because it
    was away, in the words domain.allocation writes: "ana is away...: region -> ...", "passed over ana (is away...)"."""
    name = login.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return (f"{name} is away%", f"%; {name} is away%", f"%over {name} (is away%", f"%, {name} (is away%")


def presence_label(p: Presence, today: date, open_count: int | None = None) -> str:
    """A short label for pickers and dashboards: "away until 12-10", "full 20/20", "" when available."""
    if is_away(p.away, p.away_until, today):
        return f"away until {p.away_until:%m-%d}" if p.away_until else "away"
    if p.limit is not None and open_count is not None and is_full(open_count, p.limit):
        return f"full {open_count}/{p.limit}"
    return ""
