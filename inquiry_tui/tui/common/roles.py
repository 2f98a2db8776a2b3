"""The keys only the admin uses: the footer, `?` help and the palette leave them out for a salesperson.

The key itself still works for everyone: pressed by a salesperson, its action says why it does
nothing ("Only the admin (main account) can ..."), so no key is silently dead.
"""

from __future__ import annotations

from typing import Protocol

# Binding ids (see each screen's BINDINGS).
ADMIN_ONLY_KEYS = frozenset(
    {
        "inbox-note",
        "inbox-purge",
        "customers-transfer",
        "customers-note",
        "profile-transfer",
        "profile-note",
    }
)


class _Actor(Protocol):
    @property
    def is_admin(self) -> bool: ...


def shown_to(actor: _Actor | None, binding_id: str | None) -> bool:
    """Is the key of BINDING_ID offered to ACTOR (None: no account known, e.g. a test host: shown)?"""
    return actor is None or actor.is_admin or binding_id not in ADMIN_ONLY_KEYS
