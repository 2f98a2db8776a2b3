"""The RFQ market and visitor details: RFQs with their full-text index, quotes, keyword subscriptions,
the quota month's lock row, the catalogue the fits were computed against, and one summary row per
store visitor (kept on write, so the Visitors list sorts by an index).

- `rfq`: buyers' requests for quotation (`import rfqs`), junk verdict and catalogue fit.
- `rfq_fts` (SQLite): FTS5 over title and description, an external-content index of `rfq` kept
  by triggers (rowid = rfq.id). PostgreSQL gets a tsvector index in its own revision; until
  then the market's keyword filter falls back to LIKE there (store/queries/rfq.py).
- `rfq_quote`, `rfq_subscription`, `rfq_quota`, `rfq_fit_state`.
- `visitor_summary`: filled here from the visits already in the store.

Revision ID: 0007_rfq
Revises: 0004
"""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa
from alembic import op

revision = "0007_rfq"
down_revision = "0006_deals"
branch_labels = None
depends_on = None

_RECOMMENDABLE = sa.text("NOT is_junk AND fit > 0")
TOP_TERMS = 5
TERM_CHARS = 40

FTS = (
    "CREATE VIRTUAL TABLE rfq_fts USING fts5(title, description, content = 'rfq', content_rowid = 'id', "
    "tokenize = 'unicode61 remove_diacritics 2', prefix = '3')",
    "CREATE TRIGGER rfq_fts_ai AFTER INSERT ON rfq BEGIN "
    "INSERT INTO rfq_fts (rowid, title, description) VALUES (new.id, new.title, new.description); END",
    "CREATE TRIGGER rfq_fts_ad AFTER DELETE ON rfq BEGIN "
    "INSERT INTO rfq_fts (rfq_fts, rowid, title, description) VALUES ('delete', old.id, old.title, old.description); END",
    "CREATE TRIGGER rfq_fts_au AFTER UPDATE OF title, description ON rfq BEGIN "
    "INSERT INTO rfq_fts (rfq_fts, rowid, title, description) VALUES ('delete', old.id, old.title, old.description); "
    "INSERT INTO rfq_fts (rowid, title, description) VALUES (new.id, new.title, new.description); END",
)


def upgrade() -> None:
    op.create_table(
        "rfq",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(), nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("posted_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("category", sa.String(), nullable=False),
        sa.Column("quantity", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(), nullable=False),
        sa.Column("destination", sa.String(length=2), nullable=True),
        sa.Column("target_price", sa.String(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("is_junk", sa.Boolean(), nullable=False),
        sa.Column("junk_score", sa.Integer(), nullable=False),
        sa.Column("junk_reasons", sa.String(), nullable=False),
        sa.Column("fit", sa.Integer(), nullable=False),
        sa.Column("fit_terms", sa.String(), nullable=False),
        sa.Column("fit_category", sa.String(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["buyer_id"], ["buyer.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("external_id"),
    )
    op.create_index("ix_rfq_buyer_id", "rfq", ["buyer_id"])
    op.create_index("ix_rfq_junk_posted", "rfq", ["is_junk", "posted_at", "id"])
    op.create_index("ix_rfq_category_posted", "rfq", ["category", "posted_at", "id"])
    op.create_index("ix_rfq_destination_posted", "rfq", ["destination", "posted_at", "id"])
    op.create_index(
        "ix_rfq_recommendable", "rfq", ["expires_at"], sqlite_where=_RECOMMENDABLE, postgresql_where=_RECOMMENDABLE
    )
    op.create_table(
        "rfq_quote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rfq_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("inquiry_id", sa.Integer(), nullable=False),
        sa.Column("price", sa.String(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("moq", sa.Integer(), nullable=False),
        sa.Column("lead_days", sa.Integer(), nullable=False),
        sa.Column("incoterm", sa.String(), nullable=True),
        sa.Column("message", sa.String(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.Column("edits", sa.Integer(), nullable=False),
        sa.Column("edited_at", sa.DateTime(), nullable=True),
        sa.Column("won_at", sa.DateTime(), nullable=True),
        sa.Column("order_ref", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"]),
        sa.ForeignKeyConstraint(["inquiry_id"], ["inquiry.id"]),
        sa.ForeignKeyConstraint(["rfq_id"], ["rfq.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("rfq_id"),
    )
    op.create_index("ix_rfq_quote_inquiry_id", "rfq_quote", ["inquiry_id"])
    op.create_index("ix_rfq_quote_sent", "rfq_quote", ["sent_at"])
    op.create_index("ix_rfq_quote_account_sent", "rfq_quote", ["account_id", "sent_at", "id"])
    op.create_table(
        "rfq_subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("word", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("account_id", "word"),
    )
    op.create_table(
        "rfq_quota",
        sa.Column("month", sa.String(), nullable=False),
        sa.Column("quotes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("month"),
    )
    op.create_table(
        "rfq_fit_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("catalogue", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "visitor_summary",
        sa.Column("buyer_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("visits", sa.Integer(), nullable=False),
        sa.Column("page_views", sa.Integer(), nullable=False),
        sa.Column("store_pages", sa.Integer(), nullable=False),
        sa.Column("site_products", sa.Integer(), nullable=False),
        sa.Column("site_sellers", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(), nullable=False),
        sa.Column("search_terms", sa.String(), nullable=False),
        sa.Column("last_visit_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["buyer_id"], ["buyer.id"]),
        sa.PrimaryKeyConstraint("buyer_id"),
    )
    op.create_index("ix_visitor_views", "visitor_summary", ["page_views", "buyer_id"])
    op.create_index("ix_visitor_recent", "visitor_summary", ["last_visit_at", "buyer_id"])
    op.create_index("ix_visitor_region_views", "visitor_summary", ["region", "page_views", "buyer_id"])
    op.create_index("ix_visitor_region_recent", "visitor_summary", ["region", "last_visit_at", "buyer_id"])
    _fill_visitor_summary()
    if op.get_bind().dialect.name == "sqlite":
        for statement in FTS:
            op.execute(statement)


def _fill_visitor_summary() -> None:
    """One summary per buyer with visits: totals, the latest region, the most common searches."""
    op.execute(
        "INSERT INTO visitor_summary (buyer_id, visits, page_views, store_pages, site_products, site_sellers, region, "
        "search_terms, last_visit_at) SELECT v.buyer_id, count(*), sum(v.page_views), sum(v.store_pages), "
        "sum(v.site_products), sum(v.site_sellers), COALESCE((SELECT v2.region FROM visitor_session v2 "
        "WHERE v2.buyer_id = v.buyer_id AND v2.region != '' ORDER BY v2.at DESC, v2.id DESC LIMIT 1), ''), '', max(v.at) "
        "FROM visitor_session v GROUP BY v.buyer_id"
    )
    conn = op.get_bind()
    counts: dict[int, Counter[str]] = {}
    for buyer_id, detail, count in conn.execute(
        sa.text(
            "SELECT d.buyer_id, d.detail, d.count FROM activity_detail d JOIN visitor_summary s ON s.buyer_id = d.buyer_id "
            "WHERE d.kind = 'search'"
        )
    ):
        counts.setdefault(buyer_id, Counter())[str(detail).strip().lower()[:TERM_CHARS]] += count
    for buyer_id, terms in conn.execute(
        sa.text("SELECT buyer_id, search_terms FROM visitor_session WHERE search_terms != ''")
    ):
        for term in {t.strip().lower()[:TERM_CHARS] for t in str(terms).split(",") if t.strip()}:
            counts.setdefault(buyer_id, Counter())[term] += 1
    rows = [
        {"b": buyer_id, "t": ", ".join(t for t, _ in sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_TERMS])}
        for buyer_id, c in counts.items()
    ]
    if rows:
        conn.execute(sa.text("UPDATE visitor_summary SET search_terms = :t WHERE buyer_id = :b"), rows)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("rfq_fts_ai", "rfq_fts_ad", "rfq_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS rfq_fts")
    for name in ("ix_visitor_region_recent", "ix_visitor_region_views", "ix_visitor_recent", "ix_visitor_views"):
        op.drop_index(name, table_name="visitor_summary")
    op.drop_table("visitor_summary")
    op.drop_table("rfq_fit_state")
    op.drop_table("rfq_quota")
    op.drop_table("rfq_subscription")
    for name in ("ix_rfq_quote_account_sent", "ix_rfq_quote_sent", "ix_rfq_quote_inquiry_id"):
        op.drop_index(name, table_name="rfq_quote")
    op.drop_table("rfq_quote")
    op.drop_index(
        "ix_rfq_recommendable", table_name="rfq", sqlite_where=_RECOMMENDABLE, postgresql_where=_RECOMMENDABLE
    )
    for name in ("ix_rfq_destination_posted", "ix_rfq_category_posted", "ix_rfq_junk_posted", "ix_rfq_buyer_id"):
        op.drop_index(name, table_name="rfq")
    op.drop_table("rfq")
