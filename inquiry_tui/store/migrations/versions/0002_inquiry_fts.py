"""Full-text search: FTS5 over subject, message bodies and buyer company, kept in sync by triggers.

One FTS document per inquiry with rowid = inquiry.id, so "newest first" is a descending rowid
scan that stops after the first page (never a ranking over every hit).

Bulk loads (store.bulk) insert a row into `inquiry_fts_pause` inside their own write
transaction, write their rows, index the new range with one INSERT ... SELECT, and delete the
row again before commit. Other processes never see the pause (they wait on the write lock),
and FTS5 writes in one statement cost a quarter of the per-row trigger's (which flushes the
FTS5 buffer at every row's statement savepoint).

PostgreSQL gets the same documents as `tsvector`s with a GIN index (`POSTGRES` below): a
table `inquiry_fts (id, subject, body, company, doc)` whose `doc` is generated from the three
parts, the text search configuration `inquiry_search` (the `simple` dictionary after
`simple` dictionary: lower case, no stemming), and `inquiry_fts_text()`, which removes
diacritics as unicode61's remove_diacritics does (canonical decomposition, combining marks
dropped) and turns punctuation and symbols into spaces before PostgreSQL's parser sees the
text, so that words split where unicode61 splits them (an e-mail address or a host name is
several words, not one token). No extension is needed. The same triggers keep
it in sync; bulk loads pause them with the transaction-local setting `inquiry_tui.fts_pause`
instead of a table row.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Bodies of human and buyer messages only: auto-replies are the same boilerplate everywhere.
_BODIES = (
    "COALESCE((SELECT group_concat(m.body, char(10)) FROM message m "
    "WHERE m.inquiry_id = {id} AND m.direction != 'auto'), '')"
)
_COMPANY = "COALESCE((SELECT b.company FROM buyer b WHERE b.id = {buyer}), '')"

_LIVE = "WHEN NOT EXISTS (SELECT 1 FROM inquiry_fts_pause)"

STATEMENTS = (
    "CREATE VIRTUAL TABLE inquiry_fts USING fts5(subject, body, company, "
    "tokenize = 'unicode61 remove_diacritics 2', prefix = '3')",
    "CREATE TABLE inquiry_fts_pause (id INTEGER PRIMARY KEY)",
    "INSERT INTO inquiry_fts(rowid, subject, body, company) "
    f"SELECT i.id, i.subject, {_BODIES.format(id='i.id')}, {_COMPANY.format(buyer='i.buyer_id')} FROM inquiry i",
    # An inquiry row picks up messages already written (bulk loads write messages first).
    f"CREATE TRIGGER inquiry_fts_ai AFTER INSERT ON inquiry {_LIVE} BEGIN "
    "INSERT INTO inquiry_fts(rowid, subject, body, company) VALUES (new.id, new.subject, "
    f"{_BODIES.format(id='new.id')}, {_COMPANY.format(buyer='new.buyer_id')}); END",
    "CREATE TRIGGER inquiry_fts_ad AFTER DELETE ON inquiry BEGIN DELETE FROM inquiry_fts WHERE rowid = old.id; END",
    "CREATE TRIGGER inquiry_fts_au AFTER UPDATE OF subject ON inquiry BEGIN "
    "UPDATE inquiry_fts SET subject = new.subject WHERE rowid = new.id; END",
    "CREATE TRIGGER message_fts_ai AFTER INSERT ON message WHEN new.direction != 'auto' AND NOT EXISTS "
    "(SELECT 1 FROM inquiry_fts_pause) BEGIN "
    "UPDATE inquiry_fts SET body = CASE WHEN body = '' THEN new.body ELSE body || char(10) || new.body END "
    "WHERE rowid = new.inquiry_id; END",
    "CREATE TRIGGER buyer_fts_au AFTER UPDATE OF company ON buyer BEGIN "
    "UPDATE inquiry_fts SET company = new.company "
    "WHERE rowid IN (SELECT id FROM inquiry WHERE buyer_id = new.id); END",
)


# Separators besides white space, as unicode61 has them: ASCII and Latin-1 punctuation and
# symbols (not the letters and digits among them), general punctuation, arrows and other
# symbol blocks, CJK and full-width punctuation, emoji. PostgreSQL's regular expressions take
# the ranges as written, whatever the database's locale.
PG_SEPARATORS = (
    r"[\x01-\x2F\x3A-\x40\x5B-\x60\x7B-\xA9\xAB-\xB1\xB4\xB6-\xB8\xBB\xBF\xD7\xF7"
    r"\u2000-\u206F\u20A0-\u20CF\u2100-\u214F\u2190-\u2BFF\u2E00-\u2E7F\u3000-\u303F"
    r"\uFE30-\uFE4F\uFF00-\uFF0F\uFF1A-\uFF20\uFF3B-\uFF40\uFF5B-\uFF65\U0001F000-\U0001FAFF]+"
)
_PG_DOC = "to_tsvector('inquiry_search', inquiry_fts_text({}))"
_PG_BODIES = (
    "COALESCE((SELECT string_agg(m.body, chr(10) ORDER BY m.id) FROM message m "
    "WHERE m.inquiry_id = {id} AND m.direction != 'auto'), '')"
)
_PG_LIVE = "COALESCE(current_setting('inquiry_tui.fts_pause', true), '') != 'on'"

POSTGRES = (
    "CREATE TEXT SEARCH CONFIGURATION inquiry_search (COPY = simple)",
    # Diacritics as unicode61 removes them: decompose (NFD), drop the combining marks; then separators.
    "CREATE FUNCTION inquiry_fts_text(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS "
    "$$ SELECT regexp_replace(regexp_replace(normalize(COALESCE(t, ''), NFD), '[\u0300-\u036f]', '', 'g'), "
    f"'{PG_SEPARATORS}', ' ', 'g') $$",
    # A search's words (each a phrase of its tokens, the last one a prefix), all of which must match.
    "CREATE FUNCTION inquiry_fts_query(words text[]) RETURNS tsquery LANGUAGE plpgsql STABLE AS $$ "
    "DECLARE q tsquery; part tsquery; n integer := COALESCE(array_length(words, 1), 0); BEGIN "
    "FOR k IN 1..n LOOP "
    "part := phraseto_tsquery('inquiry_search', inquiry_fts_text(words[k])); "
    "CONTINUE WHEN numnode(part) = 0; "
    "IF k = n THEN part := (part::text || ':*')::tsquery; END IF; "
    "q := CASE WHEN q IS NULL THEN part ELSE q && part END; "
    "END LOOP; RETURN q; END $$",
    "CREATE TABLE inquiry_fts (id integer PRIMARY KEY, subject tsvector NOT NULL, body tsvector NOT NULL, "
    "company tsvector NOT NULL, doc tsvector GENERATED ALWAYS AS (subject || body || company) STORED)",
    "CREATE INDEX ix_inquiry_fts_doc ON inquiry_fts USING gin (doc)",
    "INSERT INTO inquiry_fts (id, subject, body, company) SELECT i.id, "
    f"{_PG_DOC.format('i.subject')}, {_PG_DOC.format(_PG_BODIES.format(id='i.id'))}, "
    f"{_PG_DOC.format('b.company')} FROM inquiry i JOIN buyer b ON b.id = i.buyer_id",
    # One function per table, as SQLite has one trigger per event.
    "CREATE FUNCTION inquiry_fts_inquiry() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "IF TG_OP = 'DELETE' THEN DELETE FROM inquiry_fts WHERE id = OLD.id; RETURN NULL; END IF; "
    f"IF TG_OP = 'INSERT' AND NOT ({_PG_LIVE}) THEN RETURN NULL; END IF; "
    "IF TG_OP = 'UPDATE' THEN "
    f"UPDATE inquiry_fts SET subject = {_PG_DOC.format('NEW.subject')} WHERE id = NEW.id; RETURN NULL; END IF; "
    "INSERT INTO inquiry_fts (id, subject, body, company) VALUES (NEW.id, "
    f"{_PG_DOC.format('NEW.subject')}, {_PG_DOC.format(_PG_BODIES.format(id='NEW.id'))}, "
    f"{_PG_DOC.format('(SELECT b.company FROM buyer b WHERE b.id = NEW.buyer_id)')}); RETURN NULL; END $$",
    "CREATE TRIGGER inquiry_fts_ai AFTER INSERT ON inquiry FOR EACH ROW EXECUTE FUNCTION inquiry_fts_inquiry()",
    "CREATE TRIGGER inquiry_fts_ad AFTER DELETE ON inquiry FOR EACH ROW EXECUTE FUNCTION inquiry_fts_inquiry()",
    "CREATE TRIGGER inquiry_fts_au AFTER UPDATE OF subject ON inquiry FOR EACH ROW "
    "WHEN (OLD.subject IS DISTINCT FROM NEW.subject) EXECUTE FUNCTION inquiry_fts_inquiry()",
    "CREATE FUNCTION inquiry_fts_message() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"IF NEW.direction != 'auto' AND {_PG_LIVE} THEN "
    f"UPDATE inquiry_fts SET body = body || {_PG_DOC.format('NEW.body')} WHERE id = NEW.inquiry_id; "
    "END IF; RETURN NULL; END $$",
    "CREATE TRIGGER message_fts_ai AFTER INSERT ON message FOR EACH ROW EXECUTE FUNCTION inquiry_fts_message()",
    "CREATE FUNCTION inquiry_fts_buyer() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"UPDATE inquiry_fts SET company = {_PG_DOC.format('NEW.company')} "
    "WHERE id IN (SELECT id FROM inquiry WHERE buyer_id = NEW.id); RETURN NULL; END $$",
    "CREATE TRIGGER buyer_fts_au AFTER UPDATE OF company ON buyer FOR EACH ROW "
    "WHEN (OLD.company IS DISTINCT FROM NEW.company) EXECUTE FUNCTION inquiry_fts_buyer()",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        for statement in POSTGRES:
            op.execute(statement)
        return
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        for trigger, table in (
            ("inquiry_fts_ai", "inquiry"),
            ("inquiry_fts_ad", "inquiry"),
            ("inquiry_fts_au", "inquiry"),
            ("message_fts_ai", "message"),
            ("buyer_fts_au", "buyer"),
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        for function in ("inquiry_fts_inquiry", "inquiry_fts_message", "inquiry_fts_buyer"):
            op.execute(f"DROP FUNCTION IF EXISTS {function}()")
        op.execute("DROP TABLE IF EXISTS inquiry_fts")
        op.execute("DROP FUNCTION IF EXISTS inquiry_fts_query(text[])")
        op.execute("DROP FUNCTION IF EXISTS inquiry_fts_text(text)")
        op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS inquiry_search")
        return
    for name in ("inquiry_fts_ai", "inquiry_fts_ad", "inquiry_fts_au", "message_fts_ai", "buyer_fts_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS inquiry_fts")
    op.execute("DROP TABLE IF EXISTS inquiry_fts_pause")
