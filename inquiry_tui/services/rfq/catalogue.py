"""The catalogue RFQs are fitted against, and keeping stored fits current when it changes.

An RFQ's fit is computed when it arrives (importing.py) and stored, so the recommendation is
an indexed read. The products' SKUs, names, categories and keywords are digested; when the
digest differs from the one the fits were computed against (`rfq_fit_state`), the open RFQs
are fitted again in one write transaction (expired ones are never recommended).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from sqlalchemy import Connection, bindparam, text, update

from inquiry_tui.domain.rfq.fit import Catalogue, Fit, fit, product
from inquiry_tui.services.context import Ctx
from inquiry_tui.store.core import table_of
from inquiry_tui.store.models import Rfq
from inquiry_tui.store.types import UTCDateTime

_Q_PRODUCTS = text("SELECT sku, name, category, keywords FROM product ORDER BY sku")
_Q_STATE = text("SELECT catalogue FROM rfq_fit_state WHERE id = 1")
_Q_OPEN = text("SELECT id, title, description, category FROM rfq WHERE expires_at > :now").bindparams(
    bindparam("now", type_=UTCDateTime())
)
_rfq = table_of(Rfq)
_SET_FIT = (
    update(_rfq)
    .where(_rfq.c.id == bindparam("rid"))
    .values(fit=bindparam("f"), fit_terms=bindparam("t"), fit_category=bindparam("c"))
)


def load_catalogue(conn: Connection) -> tuple[Catalogue, str]:
    """The catalogue and its digest."""
    rows = [tuple(str(v or "") for v in r) for r in conn.execute(_Q_PRODUCTS)]
    digest = hashlib.sha256(json.dumps(rows).encode()).hexdigest()
    return Catalogue.of(product(sku, name, category, keywords) for sku, name, category, keywords in rows), digest


def fit_values(f: Fit) -> dict[str, object]:
    """The stored columns of a fit."""
    return {"fit": f.score, "fit_terms": "\n".join(f.terms), "fit_category": f.category}


def refit_if_changed(conn: Connection, now: datetime) -> tuple[Catalogue, bool]:
    """Fit the open RFQs again if the catalogue changed since they were fitted (caller holds a write
    transaction); the current catalogue, and whether anything was refitted."""
    catalogue, digest = load_catalogue(conn)
    stored = conn.execute(_Q_STATE).scalar_one_or_none()
    if stored == digest:
        return catalogue, False
    updates = []
    for rid, title, description, category in conn.execute(_Q_OPEN, {"now": now}):
        f = fit(title, description, category, catalogue)
        updates.append({"rid": rid, "f": f.score, "t": "\n".join(f.terms), "c": f.category})
    if updates:
        conn.execute(_SET_FIT, updates)
    if stored is None:
        conn.execute(text("INSERT INTO rfq_fit_state (id, catalogue) VALUES (1, :d)"), {"d": digest})
    else:
        conn.execute(text("UPDATE rfq_fit_state SET catalogue = :d WHERE id = 1"), {"d": digest})
    return catalogue, True


def fits_are_current(ctx: Ctx) -> bool:
    with ctx.read() as session:
        conn = session.connection()
        return conn.execute(_Q_STATE).scalar_one_or_none() == load_catalogue(conn)[1]


def ensure_fitted(ctx: Ctx) -> None:
    """Bring the stored fits up to the catalogue (a read when nothing changed)."""
    if fits_are_current(ctx):
        return
    with ctx.write() as session:
        refit_if_changed(session.connection(), ctx.now())
