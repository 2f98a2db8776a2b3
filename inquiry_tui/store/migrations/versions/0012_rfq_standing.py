"""The RFQ market at scale: each RFQ's standing kept on its row, and full-text search on PostgreSQL.

- `rfq.buyer_points` (the buyer's verification and tier as the recommendation counts them:
  verified 10, tier Ln 5 per level) and `rfq.standing` (`fit + buyer_points`), kept by triggers:
  when an RFQ is added or its fit or buyer changes, and when a buyer's `verified` or `tier`
  changes (on every RFQ of theirs). Rows already there are filled here.
- `ix_rfq_standing`: open-or-not, fitting, non-junk RFQs by standing, then newest posted (with
  fit and expiry in the index, so expired and too-weak rows are passed over without reading
  the row). The recommendation walks it best first and stops early; it replaces
  `ix_rfq_recommendable`, which served a sort of every open candidate.
- PostgreSQL: `rfq.search`, a generated `tsvector` of title and description through
  `inquiry_fts_text()` and the `inquiry_search` configuration of 0002, under a GIN index
  (`ix_rfq_search`), and `rfq_fts_query(words)`, the keyword filter's query with the FTS5
  path's rules (each word a phrase of its tokens, all required, words of 3 or more characters
  as prefixes). SQLite keeps `rfq_fts` (0007_rfq).

Revision ID: 0012_rfq_standing
Revises: 0010_routing
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_rfq_standing"
down_revision = "0011_order_day_sums"
branch_labels = None
depends_on = None

_FITTING = sa.text("NOT is_junk AND fit > 0")
STANDING_COLUMNS = ["standing", "posted_at", "id", "fit", "expires_at"]

# The buyer's points (domain.rfq.fit.buyer_points without the activity level), from a buyer row B.
_POINTS = (
    "(CASE WHEN {b}.verified THEN 10 ELSE 0 END + "
    "CASE {b}.tier WHEN 'L1' THEN 5 WHEN 'L2' THEN 10 WHEN 'L3' THEN 15 WHEN 'L4' THEN 20 ELSE 0 END)"
)
_OF_BUYER = f"COALESCE((SELECT {_POINTS.format(b='b')} FROM buyer b WHERE b.id = {{id}}), 0)"

SQLITE = (
    f"CREATE TRIGGER rfq_standing_ai AFTER INSERT ON rfq BEGIN UPDATE rfq SET buyer_points = "
    f"{_OF_BUYER.format(id='new.buyer_id')}, standing = new.fit + {_OF_BUYER.format(id='new.buyer_id')} "
    "WHERE id = new.id; END",
    f"CREATE TRIGGER rfq_standing_au AFTER UPDATE OF fit, buyer_id ON rfq BEGIN UPDATE rfq SET buyer_points = "
    f"{_OF_BUYER.format(id='new.buyer_id')}, standing = new.fit + {_OF_BUYER.format(id='new.buyer_id')} "
    "WHERE id = new.id; END",
    "CREATE TRIGGER buyer_standing_au AFTER UPDATE OF verified, tier ON buyer "
    "WHEN old.verified IS NOT new.verified OR old.tier IS NOT new.tier BEGIN "
    f"UPDATE rfq SET buyer_points = {_POINTS.format(b='new')}, standing = fit + {_POINTS.format(b='new')} "
    "WHERE buyer_id = new.id; END",
)

POSTGRES = (
    "CREATE FUNCTION rfq_standing_rfq() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"NEW.buyer_points := {_OF_BUYER.format(id='NEW.buyer_id')}; NEW.standing := NEW.fit + NEW.buyer_points; "
    "RETURN NEW; END $$",
    "CREATE TRIGGER rfq_standing_biu BEFORE INSERT OR UPDATE OF fit, buyer_id ON rfq FOR EACH ROW "
    "EXECUTE FUNCTION rfq_standing_rfq()",
    "CREATE FUNCTION rfq_standing_buyer() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"UPDATE rfq SET buyer_points = {_POINTS.format(b='NEW')}, standing = fit + {_POINTS.format(b='NEW')} "
    "WHERE buyer_id = NEW.id; RETURN NULL; END $$",
    "CREATE TRIGGER buyer_standing_au AFTER UPDATE OF verified, tier ON buyer FOR EACH ROW "
    "WHEN (OLD.verified IS DISTINCT FROM NEW.verified OR OLD.tier IS DISTINCT FROM NEW.tier) "
    "EXECUTE FUNCTION rfq_standing_buyer()",
    # Title and description as one document, split and folded as the inquiries' search does (0002).
    "ALTER TABLE rfq ADD COLUMN search tsvector GENERATED ALWAYS AS ("
    "to_tsvector('inquiry_search', inquiry_fts_text(title)) || "
    "to_tsvector('inquiry_search', inquiry_fts_text(description))) STORED",
    "CREATE INDEX ix_rfq_search ON rfq USING gin (search)",
    # The keyword filter's words as one tsquery: each a phrase of its tokens, a prefix from 3 characters
    # (as store.queries.rfq.fts_match writes them for FTS5), all required; NULL when no word has a token.
    "CREATE FUNCTION rfq_fts_query(words text[]) RETURNS tsquery LANGUAGE plpgsql STABLE AS $$ "
    "DECLARE q tsquery; part tsquery; n integer := COALESCE(array_length(words, 1), 0); BEGIN "
    "FOR k IN 1..n LOOP "
    "part := phraseto_tsquery('inquiry_search', inquiry_fts_text(words[k])); "
    "CONTINUE WHEN numnode(part) = 0; "
    "IF char_length(words[k]) >= 3 THEN part := (part::text || ':*')::tsquery; END IF; "
    "q := CASE WHEN q IS NULL THEN part ELSE q && part END; "
    "END LOOP; RETURN q; END $$",
)


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.add_column("rfq", sa.Column("buyer_points", sa.Integer(), nullable=False, server_default=sa.text("0")))
    op.add_column("rfq", sa.Column("standing", sa.Integer(), nullable=False, server_default=sa.text("0")))
    points = _OF_BUYER.format(id="rfq.buyer_id")
    op.execute(f"UPDATE rfq SET buyer_points = {points}, standing = fit + {points}")
    op.drop_index("ix_rfq_recommendable", table_name="rfq", sqlite_where=_FITTING, postgresql_where=_FITTING)
    op.create_index("ix_rfq_standing", "rfq", STANDING_COLUMNS, sqlite_where=_FITTING, postgresql_where=_FITTING)
    for statement in SQLITE if sqlite else POSTGRES:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("rfq_standing_ai", "rfq_standing_au", "buyer_standing_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS buyer_standing_au ON buyer")
        op.execute("DROP TRIGGER IF EXISTS rfq_standing_biu ON rfq")
        op.execute("DROP FUNCTION IF EXISTS rfq_standing_buyer()")
        op.execute("DROP FUNCTION IF EXISTS rfq_standing_rfq()")
        op.execute("DROP FUNCTION IF EXISTS rfq_fts_query(text[])")
        op.execute("DROP INDEX IF EXISTS ix_rfq_search")
        op.execute("ALTER TABLE rfq DROP COLUMN IF EXISTS search")
    op.drop_index("ix_rfq_standing", table_name="rfq", sqlite_where=_FITTING, postgresql_where=_FITTING)
    op.create_index("ix_rfq_recommendable", "rfq", ["expires_at"], sqlite_where=_FITTING, postgresql_where=_FITTING)
    # In place on both engines (SQLite 3.35+): a batch copy of `rfq` would lose its FTS5 triggers.
    op.execute("ALTER TABLE rfq DROP COLUMN standing")
    op.execute("ALTER TABLE rfq DROP COLUMN buyer_points")
