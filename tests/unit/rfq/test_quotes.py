"""Quoting: one quote per RFQ, one edit, the company's monthly quota, the rfq thread, roles, answers, my quotes."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from inquiry_tui.domain.errors import NotFound, PermissionDenied, ValidationError
from inquiry_tui.domain.vocabulary import QuoteStatus
from inquiry_tui.services.arrivals.importing import import_inquiries
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.inbox.thread import thread_detail as load_thread
from inquiry_tui.services.records.errors import RecordError
from inquiry_tui.services.rfq.market import RfqQuery, rfq_id_of, rfq_page
from inquiry_tui.services.rfq.quotes import edit_quote, mark_won, my_quotes, quota, quote_of, send_quote
from inquiry_tui.services.rfq.recommend import recommended_rfqs
from inquiry_tui.services.setup.settings import set_setting
from tests.conftest import FIXED_NOW, ctx_as
from tests.unit.rfq.conftest import QUOTE


def _id(ctx: Ctx, external: str) -> int:
    return rfq_id_of(ctx, external)


def _rows(ctx: Ctx, sql: str, **params: object) -> list[tuple[object, ...]]:
    with ctx.read() as session:
        return [tuple(r) for r in session.execute(text(sql), params)]


def test_a_quote_opens_an_rfq_thread_owned_by_the_quoting_salesperson(market: Ctx) -> None:
    ana = ctx_as(market, "ana")
    rid = _id(market, "RFQ-2026-118801")
    before = quota(ana)
    result = send_quote(ana, rid, {**QUOTE, "message": "DALI driver included."})
    assert result.quota.used == before.used + 1 == quota(market).used  # the quota is the company's
    thread = load_thread(ana, result.inquiry_id)
    assert thread.channel == "rfq" and thread.owner_login == "ana"
    assert [m.direction for m in thread.messages] == ["in", "out"]
    assert "2,000 recessed LED downlights" in thread.messages[0].body
    assert thread.messages[1].body.startswith("Quotation: 6.45 USD per pcs CIF")
    assert "DALI driver included." in thread.messages[1].body
    (rule,) = _rows(market, "SELECT rule FROM allocation_record WHERE inquiry_id = :i", i=result.inquiry_id)
    assert rule == ("rfq_quote",)
    (owner,) = _rows(
        market,
        "SELECT a.login FROM buyer b JOIN account a ON a.id = b.owner_id WHERE b.email = :e",
        e="j.miller@northlight-supply.example",
    )
    assert owner == ("ana",)  # the buyer nobody served is now ana's
    ben = ctx_as(market, "ben")
    assert [r.external_id for r in rfq_page(ben, RfqQuery(words=("DALI",))).rows] == ["RFQ-2026-118801"]
    assert rfq_page(ben, RfqQuery(words=("DALI",))).rows[0].quoted_by == "ana"  # everyone sees it is taken
    assert _rows(market, "SELECT count(*) FROM audit_log WHERE action = 'rfq_quote'") == [(1,)]


def test_bad_quotes_are_one_line_each_and_save_nothing(market: Ctx) -> None:
    ana = ctx_as(market, "ana")
    rid = _id(market, "RFQ-2026-118802")
    cases = [
        ({**QUOTE, "price": "0"}, "price: 0 must be more than 0"),
        ({**QUOTE, "price": "-2"}, "price: -2 must be more than 0"),
        ({**QUOTE, "price": "cheap"}, "price: 'cheap' is not a number"),
        ({**QUOTE, "currency": "XYZ"}, "currency: 'XYZ' is not an ISO 4217 currency code"),
        ({**QUOTE, "moq": "0"}, "moq: 0 is outside 1 to"),
        ({**QUOTE, "incoterm": "FOBX"}, "incoterm: 'FOBX' is not allowed"),
    ]
    for data, message in cases:
        with pytest.raises(RecordError) as caught:
            send_quote(ana, rid, data)
        assert str(caught.value).startswith(message), str(caught.value)
    with pytest.raises(ValidationError, match="expired on 2026-11-04"):
        send_quote(ana, _id(market, "RFQ-2026-118809"), QUOTE)
    with pytest.raises(ValidationError, match=r"is junk \(.*price probing"):
        send_quote(ana, _id(market, "RFQ-2026-118805"), QUOTE)
    with pytest.raises(NotFound, match="no RFQ 999"):
        send_quote(ana, 999, QUOTE)
    assert _rows(market, "SELECT count(*) FROM rfq_quote") == [(0,)]
    assert _rows(market, "SELECT count(*) FROM inquiry WHERE channel = 'rfq'") == [(0,)]


def test_one_quote_per_rfq_and_one_edit(market: Ctx) -> None:
    ana, ben = ctx_as(market, "ana"), ctx_as(market, "ben")
    rid = _id(market, "RFQ-2026-118808")
    first = send_quote(ana, rid, QUOTE)
    with pytest.raises(ValidationError, match="already quoted by ana"):
        send_quote(ben, rid, QUOTE)
    with pytest.raises(PermissionDenied, match="sent by someone else"):
        edit_quote(ben, rid, {**QUOTE, "price": "6.10"})
    edited = edit_quote(ana, rid, {**QUOTE, "price": "6.10", "moq": "400"})
    assert edited.edited and edited.quota.used == first.quota.used  # an edit does not count
    (row,) = my_quotes(ana)
    assert (str(row.price), row.moq, row.edits) == ("6.10", 400, 1)
    with pytest.raises(ValidationError, match="edited only once"):
        edit_quote(ana, rid, {**QUOTE, "price": "5.90"})
    with pytest.raises(ValidationError, match="edited only once"):
        edit_quote(market, rid, {**QUOTE, "price": "5.90"})  # the admin too
    bodies = [m.body for m in load_thread(ana, first.inquiry_id).messages]
    assert bodies[-1].startswith("Updated quotation: 6.10 USD")
    assert _rows(market, "SELECT count(*) FROM audit_log WHERE action = 'rfq_quote_edit'") == [(1,)]


def test_the_monthly_quota_is_the_companys_and_over_quota_is_refused_with_the_count(market: Ctx) -> None:
    set_setting(market, "rfq.monthly_quota", "2")
    ana, ben = ctx_as(market, "ana"), ctx_as(market, "ben")
    send_quote(ana, _id(market, "RFQ-2026-118801"), QUOTE)
    send_quote(ben, _id(market, "RFQ-2026-118802"), QUOTE)
    with pytest.raises(ValidationError, match="2 of 2 quotes sent in 2026-11; nothing was sent"):
        send_quote(ana, _id(market, "RFQ-2026-118803"), QUOTE)
    assert (quota(ben).used, quota(ben).limit, quota(ben).month) == (2, 2, "2026-11")
    assert _rows(market, "SELECT count(*) FROM rfq_quote") == [(2,)]
    # Next month (in the company's zone, Asia/Shanghai) the count starts again.
    later = ctx_as(market, "ana")
    later.clock = lambda: FIXED_NOW.replace(day=30, hour=16, minute=30)  # 00:30 on 1 December in Shanghai
    assert quota(later).month == "2026-12" and quota(later).used == 0
    send_quote(later, _id(market, "RFQ-2026-118803"), QUOTE)


def test_the_quota_setting_is_validated() -> None:
    from inquiry_tui.domain.settings import Settings, apply_setting

    assert apply_setting(Settings(), "rfq.monthly_quota", "35").rfq.monthly_quota == 35
    assert Settings().rfq.monthly_quota == 20
    for bad in ("-1", "many", "100001"):
        with pytest.raises(ValidationError, match=r"rfq\.monthly_quota"):
            apply_setting(Settings(), "rfq.monthly_quota", bad)


def test_a_salesperson_sees_the_market_and_their_own_quotes_the_admin_all(market: Ctx) -> None:
    ana, ben = ctx_as(market, "ana"), ctx_as(market, "ben")
    send_quote(ana, _id(market, "RFQ-2026-118801"), QUOTE)
    send_quote(ben, _id(market, "RFQ-2026-118802"), QUOTE)
    assert len(rfq_page(ben, RfqQuery()).rows) == len(rfq_page(market, RfqQuery()).rows) == 8
    assert [q.by for q in my_quotes(ana)] == ["ana"]
    assert sorted(q.by for q in my_quotes(market, everyone=True)) == ["ana", "ben"]
    with pytest.raises(PermissionDenied):
        my_quotes(ana, everyone=True)
    assert quote_of(ben, _id(market, "RFQ-2026-118801")) is None  # ana's quote: not ben's to see
    assert quote_of(market, _id(market, "RFQ-2026-118801")) is not None


def test_the_buyers_answer_joins_the_quote_thread_and_the_quote_is_answered_then_won(
    market: Ctx, tmp_path: Path
) -> None:
    ana = ctx_as(market, "ana")
    result = send_quote(ana, _id(market, "RFQ-2026-118802"), QUOTE)
    answer = {
        "external_id": "AB-ANSWER-1",
        "channel": "rfq",
        "received_at": "2026-11-23T11:00:00Z",
        "buyer": {"email": "k.schmidt@lichtwerk.example"},
        "product": None,
        "subject": "Re: street lights",
        "body": "Thanks, can you do 46 EUR DDP?",
        "rfq": "RFQ-2026-118802",
    }
    path = tmp_path / "answers.jsonl"
    path.write_text(json.dumps(answer) + "\n", encoding="utf-8")
    later = ctx_as(market, "boss")
    later.clock = lambda: FIXED_NOW + timedelta(hours=3)
    report = import_inquiries(later, path)
    assert (report.received, report.rfq_answers) == (0, 1)
    thread = load_thread(ana, result.inquiry_id)
    assert [m.direction for m in thread.messages] == ["in", "out", "in"] and thread.unread
    assert import_inquiries(later, path).rfq_answers == 0  # the same line again adds nothing
    assert my_quotes(later.as_actor(ana.actor))[0].status is QuoteStatus.ANSWERED
    won = mark_won(ana, _id(market, "RFQ-2026-118802"), " PO-2026-0042 ")
    assert won.status is QuoteStatus.WON and won.order_ref == "PO-2026-0042"
    with pytest.raises(ValidationError, match="already won"):
        mark_won(ana, _id(market, "RFQ-2026-118802"), "PO-2")


def test_an_answer_naming_an_unquoted_or_unknown_rfq_or_from_another_buyer_is_refused(
    market: Ctx, tmp_path: Path
) -> None:
    send_quote(ctx_as(market, "ana"), _id(market, "RFQ-2026-118802"), QUOTE)
    base = {
        "external_id": "AB-ANSWER-2",
        "channel": "rfq",
        "received_at": "2026-11-23T11:00:00Z",
        "buyer": {"email": "k.schmidt@lichtwerk.example"},
        "subject": "Re",
        "body": "Hello",
    }
    cases = [
        ({"rfq": "RFQ-NOPE"}, "field rfq: no RFQ 'RFQ-NOPE'"),
        ({"rfq": "RFQ-2026-118803"}, "field rfq: RFQ 'RFQ-2026-118803' has no quote of ours"),
        (
            {"rfq": "RFQ-2026-118802", "buyer": {"email": "other@x.example"}},
            "field buyer.email: RFQ 'RFQ-2026-118802' was posted by another buyer",
        ),
    ]
    for change, message in cases:
        path = tmp_path / "answers.jsonl"
        path.write_text(json.dumps({**base, **change}) + "\n", encoding="utf-8")
        with pytest.raises(ValidationError) as caught:
            import_inquiries(market, path)
        assert str(caught.value) == f"answers.jsonl line 1, {message}" or message in str(caught.value), str(
            caught.value
        )
    assert _rows(
        market, "SELECT count(*) FROM message m JOIN inquiry i ON i.id = m.inquiry_id WHERE i.channel = 'rfq'"
    ) == [(2,)]


def test_a_quote_expires_with_its_rfq(market: Ctx) -> None:
    ana = ctx_as(market, "ana")
    send_quote(ana, _id(market, "RFQ-2026-118803"), QUOTE)
    later = ana.as_actor(ana.actor)
    later.clock = lambda: FIXED_NOW + timedelta(days=30)
    assert my_quotes(later)[0].status is QuoteStatus.EXPIRED
    with pytest.raises(ValidationError, match="expired"):
        edit_quote(later, _id(market, "RFQ-2026-118803"), QUOTE)


def test_recommendation_skips_quoted_expired_and_junk_rfqs_and_follows_the_catalogue(market: Ctx) -> None:
    ana = ctx_as(market, "ana")
    found = recommended_rfqs(ana, wait_for_activity=False)
    names = [r.external_id for r in found]
    assert "RFQ-2026-118809" not in names and "RFQ-2026-118811" not in names  # expired; cookware
    assert not {"RFQ-2026-118805", "RFQ-2026-118806", "RFQ-2026-118807"} & set(names)  # junk
    assert all(r.reason.startswith("matches ") for r in found)
    assert [r.score for r in found] == sorted((r.score for r in found), reverse=True)
    send_quote(ana, found[0].id, QUOTE)
    assert found[0].external_id not in [r.external_id for r in recommended_rfqs(ana, wait_for_activity=False)]
    # A new product in the catalogue: the stored fits follow it at the next read.
    with market.write() as session:
        session.execute(
            text(
                "INSERT INTO product (sku, name, category, keywords) VALUES ('KW-POT', 'Stainless Steel Cookware Set', "
                "'Kitchenware', 'cookware')"
            )
        )
    again = [r.external_id for r in recommended_rfqs(ana, wait_for_activity=False)]
    assert "RFQ-2026-118811" in again
