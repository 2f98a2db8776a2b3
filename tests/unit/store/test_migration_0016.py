"""Migration 0016_numbers on both engines: `inquiry.owned_at` backfilled from the allocation record (the last
move to the current owner), `buyer.last_contact_at` from the messages either way (auto-replies aside, never
back), the reply-day cache emptied, and its triggers dropping the days of a move's old and new times."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import text

from inquiry_tui.store.engine import make_engine
from inquiry_tui.store.migrate import head_revision, upgrade
from inquiry_tui.store.types import as_utc, db_text

T0 = datetime(2026, 11, 10, 8, 0)  # naive UTC, as the rows are written


def t(hours: float) -> str:
    return db_text(T0 + timedelta(hours=hours))


ACCOUNTS = ("boss", "ana", "ben", "cara")
# inquiry id -> (owner, [(hours, from, to)] of its allocation record); the arrival's row has no from
INQUIRIES = {
    1: ("ben", [(0, None, "ana"), (5, "ana", "ben")]),  # moved once
    2: ("ana", [(0, None, "ana"), (5, "ana", "ben"), (7, "ben", "ana")]),  # moved back
    3: ("ben", [(0, None, "ana"), (5, "ana", "ben"), (6, "ben", "cara"), (9, "cara", "ben")]),  # the last to ben
    4: ("ana", [(0, None, "ana")]),  # never moved
    5: ("ben", [(-2, "ana", "ben")]),  # a move recorded before the arrival (clock skew): the arrival
    6: ("cara", []),  # no record at all (an old store's import)
}
# buyer -> stored last contact (hours or None), messages [(hours, direction)]
BUYERS = {
    1: (0, [(0, "in"), (30, "out"), (31, "auto")]),  # a reply the old code did not count
    2: (50, [(1, "in"), (2, "out")]),  # stored later than its messages (a purged thread): kept
    3: (None, [(3, "auto")]),  # only an auto-reply: no contact
    4: (None, [(4, "in"), (40, "in"), (12, "out")]),  # never stored: the newest message either way
}


def test_owned_at_and_last_contact_are_backfilled_and_the_cache_follows_moves(empty_url: str) -> None:
    assert upgrade(empty_url, revision="0015_ux").after == "0015_ux"
    engine = make_engine(empty_url)
    p = {"yes": True, "no": False}
    with engine.begin() as conn:
        for login in ACCOUNTS:
            conn.execute(
                text(
                    "INSERT INTO account (login, name, role, active, away, created_at) "
                    "VALUES (:l, :l, :r, :yes, :no, :t)"
                ),
                {**p, "l": login, "r": "admin" if login == "boss" else "sales", "t": t(-100)},
            )
        ids = dict(conn.execute(text("SELECT login, id FROM account")).all())
        for b, (stored, _) in BUYERS.items():
            conn.execute(
                text(
                    "INSERT INTO buyer (id, email, name, company, phone, website, address, business_type, employees, "
                    "verified, is_customer, group_name, type, source, stars, notes, first_seen_at, version, "
                    "last_contact_at) VALUES (:id, :e, 'B', '', '', '', '', '', '', :no, :no, '', '', '', 0, '', :t, 1, :c)"
                ),
                {**p, "id": b, "e": f"b{b}@x.example", "t": t(-100), "c": None if stored is None else t(stored)},
            )
        for iid, (owner, moves) in INQUIRIES.items():
            conn.execute(
                text(
                    "INSERT INTO inquiry (id, channel, buyer_id, subject, received_at, owner_id, rule, folder, is_junk, "
                    "junk_score, junk_reasons, unread, tagged, replied, last_message_at, auto_replies, version) VALUES "
                    "(:id, 'inquiry', 1, 'S', :t, :o, 'product', 'inbox', :no, 0, '', :yes, :no, :no, :t, 0, 1)"
                ),
                {**p, "id": iid, "t": t(0), "o": ids[owner]},
            )
            for hours, src, dst in moves:
                conn.execute(
                    text(
                        "INSERT INTO allocation_record (at, inquiry_id, from_id, to_id, rule, actor, reason) "
                        "VALUES (:at, :i, :f, :to, 'manual', 'boss', '')"
                    ),
                    {"at": t(hours), "i": iid, "f": None if src is None else ids[src], "to": ids[dst]},
                )
        thread = 100
        for b, (_, messages) in BUYERS.items():
            thread += 1
            conn.execute(
                text(
                    "INSERT INTO inquiry (id, channel, buyer_id, subject, received_at, owner_id, rule, folder, is_junk, "
                    "junk_score, junk_reasons, unread, tagged, replied, last_message_at, auto_replies, version) VALUES "
                    "(:id, 'inquiry', :b, 'S', :t, :o, 'product', 'inbox', :no, 0, '', :yes, :no, :no, :t, 0, 1)"
                ),
                {**p, "id": thread, "b": b, "t": t(0), "o": ids["ana"]},
            )
            for hours, direction in messages:
                conn.execute(
                    text("INSERT INTO message (inquiry_id, direction, sent_at, body) VALUES (:i, :d, :t, 'x')"),
                    {"i": thread, "d": direction, "t": t(hours)},
                )
        conn.execute(
            text(
                "INSERT INTO reply_day (timezone, day, owner_id, day_start, day_end, answered, counted, delays, "
                "computed_at) VALUES ('UTC', '2026-11-10', 0, :s, :e, 1, 1, :d, :c)"
            ),
            {"s": t(-8), "e": t(16), "d": b"", "c": t(200)},
        )
    engine.dispose()

    result = upgrade(empty_url)
    assert (result.before, result.after) == ("0015_ux", head_revision())
    engine = make_engine(empty_url)
    with engine.connect() as conn:
        owned = {i: as_utc(v) for i, v in conn.execute(text("SELECT id, owned_at FROM inquiry WHERE id < 100"))}
        contact = {b: as_utc(v) for b, v in conn.execute(text("SELECT id, last_contact_at FROM buyer"))}
        cached = conn.execute(text("SELECT count(*) FROM reply_day")).scalar_one()

    def when(hours: float) -> datetime:
        found = as_utc(t(hours))
        assert found is not None
        return found

    assert owned == {1: when(5), 2: when(7), 3: when(9), 4: None, 5: when(0), 6: None}
    assert contact == {1: when(30), 2: when(50), 3: None, 4: when(40)}
    assert cached == 0  # counted from arrival for every owner: dropped, the next dashboard fills it again

    # The triggers now drop the days of a move's old and new owned_at as well as the arrival's.
    with engine.begin() as conn:
        for day, start in (("2026-11-09", -32), ("2026-11-10", -8), ("2026-11-11", 16), ("2026-11-12", 40)):
            conn.execute(
                text(
                    "INSERT INTO reply_day (timezone, day, owner_id, day_start, day_end, answered, counted, delays, "
                    "computed_at) VALUES ('UTC', :day, 0, :s, :e, 1, 1, :d, :c)"
                ),
                {"day": day, "s": t(start), "e": t(start + 24), "d": b"", "c": t(200)},
            )
    with engine.begin() as conn:  # inquiry 1 arrived on the 10th, was ben's since the 10th; now cara's from the 12th
        conn.execute(
            text("UPDATE inquiry SET owner_id = :o, owned_at = :at WHERE id = 1"),
            {"o": ids["cara"], "at": t(50)},
        )
    with engine.connect() as conn:
        left = [d for (d,) in conn.execute(text("SELECT day FROM reply_day ORDER BY day"))]
    assert left == ["2026-11-09", "2026-11-11"]
    engine.dispose()
