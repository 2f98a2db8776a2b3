"""Customer services: add, merge by e-mail, imports all or nothing, tags, transfer, list pages."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import func, select

from inquiry_tui.domain.errors import NotFound, PermissionDenied, StaleWrite, ValidationError
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.customers.importing import import_activity, import_customers
from inquiry_tui.services.customers.input import CustomerInput, FieldErrors
from inquiry_tui.services.customers.listing import CustomerQuery, count_customers, customer_page
from inquiry_tui.services.customers.manage import (
    add_customer,
    add_customer_from_inquiry,
    add_customers_from_chats,
    buyer_id_by_email,
    customer_draft,
    save_customer,
    set_customer_tags,
    transfer_customer,
)
from inquiry_tui.services.customers.profile import buyer_profile
from inquiry_tui.store.models import (
    ActivityDaily,
    ActivityDetail,
    ActivityEvent,
    AuditLog,
    Buyer,
    BuyerTag,
    VisitorSession,
)
from tests.conftest import FIXED_NOW, ctx_as
from tests.customer_helpers import make_buyer, make_thread


def count(ctx: Ctx, model: type) -> int:
    with ctx.read() as s:
        return s.exec(select(func.count()).select_from(model)).one()


def test_add_by_hand_normalises_and_records(sales_ctx: Ctx) -> None:
    row = add_customer(
        sales_ctx,
        CustomerInput("  Amir@Sahara.DZ ", name="Amir", country="dz", stars="4", tags=("vip", " vip ", "solar")),
    )
    assert (row.email, row.country, row.stars, row.tags, row.owner_login, row.source) == (
        "amir@sahara.dz",
        "DZ",
        4,
        ("solar", "vip"),
        "ana",
        "manual",
    )
    with sales_ctx.read() as s:
        assert s.exec(select(AuditLog).where(AuditLog.action == "customer_add")).one().entity_id == "amir@sahara.dz"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (CustomerInput("not-an-email", name="x"), "email"),
        (CustomerInput("a@b.com", country="XX"), "country"),
        (CustomerInput("a@b.com", stars="6"), "stars"),
        (CustomerInput("a@b.com", stars="many"), "stars"),
        (CustomerInput("a@b.com", phone="call me"), "phone"),
        (CustomerInput("a@b.com", tags=("x" * 41,)), "tags"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(sales_ctx: Ctx, data: CustomerInput, field: str) -> None:
    with pytest.raises(FieldErrors) as caught:
        add_customer(sales_ctx, data)
    assert field in caught.value.errors
    assert count(sales_ctx, Buyer) == 0


def test_same_email_merges_into_one_buyer(admin_ctx: Ctx) -> None:
    b = make_buyer(admin_ctx, "buyer@x.com", owner="ana", name="From inquiry")
    row = add_customer(ctx_as(admin_ctx, "ana"), CustomerInput("BUYER@x.com", name="Bee", company="X Ltd"))
    assert row.buyer_id == b and count(admin_ctx, Buyer) == 1
    assert (row.name, row.company, row.owner_login) == ("Bee", "X Ltd", "ana")


def test_salesperson_cannot_take_a_colleagues_buyer(admin_ctx: Ctx) -> None:
    make_buyer(admin_ctx, "theirs@x.com", owner="ben")
    with pytest.raises(FieldErrors) as caught:
        add_customer(ctx_as(admin_ctx, "ana"), CustomerInput("theirs@x.com", name="x"))
    assert "email" in caught.value.errors


def test_add_from_inquiry(admin_ctx: Ctx) -> None:
    b = make_buyer(admin_ctx, "inq@x.com", owner="ana", name="Ina", company="Inq Co", country="FR")
    inquiry = make_thread(admin_ctx, b, "ana", FIXED_NOW)
    ana = ctx_as(admin_ctx, "ana")
    draft = customer_draft(ana, inquiry_id=inquiry)
    assert (draft.buyer_id, draft.data.company, draft.data.source, draft.is_customer) == (b, "Inq Co", "inquiry", False)
    row = add_customer_from_inquiry(ana, inquiry)
    assert (row.buyer_id, row.source) == (b, "inquiry")
    with pytest.raises(NotFound):
        add_customer_from_inquiry(ctx_as(admin_ctx, "ben"), inquiry)
    with pytest.raises(FieldErrors):
        save_customer(ana, CustomerInput("other@x.com", name="x"), inquiry_id=inquiry)


def test_tags_edit_with_version_check(sales_ctx: Ctx) -> None:
    row = add_customer(sales_ctx, CustomerInput("t@x.com", name="T", tags=("old",)))
    edited = set_customer_tags(
        sales_ctx,
        row.buyer_id,
        row.version,
        group="Projects",
        type="distributor",
        source="fair",
        stars="5",
        tags="new, vip",
    )
    assert (edited.group, edited.type, edited.source, edited.stars, edited.tags) == (
        "Projects",
        "distributor",
        "fair",
        5,
        ("new", "vip"),
    )
    assert edited.version > row.version
    with pytest.raises(StaleWrite):
        set_customer_tags(sales_ctx, row.buyer_id, row.version, group="", type="", source="", stars=0, tags="")
    with pytest.raises(FieldErrors):
        set_customer_tags(sales_ctx, row.buyer_id, edited.version, group="", type="", source="", stars=7, tags="")
    # Searchable by tag and name.
    assert [r.email for r in customer_page(sales_ctx, CustomerQuery(tags=("vip",))).rows] == ["t@x.com"]
    assert customer_page(sales_ctx, CustomerQuery(tags=("old",))).rows == ()


def test_transfer_by_admin_and_refusal_for_salesperson(admin_ctx: Ctx) -> None:
    ana = ctx_as(admin_ctx, "ana")
    row = add_customer(ana, CustomerInput("move@x.com", name="Mo"))
    with pytest.raises(PermissionDenied):
        transfer_customer(ana, row.buyer_id, "ben")
    result = transfer_customer(admin_ctx, row.buyer_id, "ben")
    assert (result.from_login, result.to_login) == ("ana", "ben")
    assert buyer_profile(admin_ctx, row.buyer_id).owner_login == "ben"
    with pytest.raises(NotFound):
        buyer_id_by_email(ana, "move@x.com")  # no longer hers
    with admin_ctx.read() as s:
        entry = s.exec(select(AuditLog).where(AuditLog.action == "buyer_transfer")).one()
    assert json.loads(entry.before) == {"owner": "ana"} and json.loads(entry.after)["owner"] == "ben"
    with pytest.raises(ValidationError):
        transfer_customer(admin_ctx, row.buyer_id, "ben")


def test_list_pages_by_keyset_and_filters(admin_ctx: Ctx) -> None:
    ana = ctx_as(admin_ctx, "ana")
    for i in range(25):
        add_customer(
            ana, CustomerInput(f"c{i:02d}@x.com", name=f"Name {i:02d}", group="A" if i % 2 else "B", stars=str(i % 6))
        )
    add_customer(ctx_as(admin_ctx, "ben"), CustomerInput("bens@x.com", name="Ben's"))
    for sort in ("last_contact", "stars", "name", "activity"):
        seen, key = [], None
        while True:
            page = customer_page(ana, CustomerQuery(sort=sort), key, limit=7)
            seen += [r.email for r in page.rows]
            key = page.next_key
            if key is None:
                break
        assert len(seen) == len(set(seen)) == 25, sort
    names = [r.name for r in customer_page(ana, CustomerQuery(sort="name"), limit=3).rows]
    assert names == ["Name 00", "Name 01", "Name 02"]
    assert count_customers(ana, CustomerQuery(group="a")) == 12
    assert count_customers(ana, CustomerQuery(stars=5)) == 4
    assert count_customers(ana, CustomerQuery(search="NAME 1")) == 10
    assert count_customers(ana, CustomerQuery(search="%")) == 0  # LIKE wildcards are literal
    assert count_customers(admin_ctx, CustomerQuery()) == 26
    assert count_customers(admin_ctx, CustomerQuery(owner="ben")) == 1
    assert CustomerQuery().with_tag_filter("stars=3").with_tag_filter("vip").stars == 3
    with pytest.raises(ValidationError):
        CustomerQuery().with_tag_filter("colour=red")


def test_customers_from_chats(admin_ctx: Ctx) -> None:
    a = make_buyer(admin_ctx, "chat1@x.com", owner="ana")
    b = make_buyer(admin_ctx, "chat2@x.com", owner="ana", is_customer=True, source="trade show")
    assert add_customers_from_chats(admin_ctx, [a, b, a]) == 1
    with admin_ctx.read() as s:
        assert s.get(Buyer, a).source == "chat" and s.get(Buyer, b).source == "trade show"
    with admin_ctx.write() as session:  # inside an importer's transaction
        assert add_customers_from_chats(session, [a], now=FIXED_NOW) == 0


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_customers_merges_by_email(admin_ctx: Ctx, tmp_path: Path) -> None:
    make_buyer(admin_ctx, "known@x.com", owner="ana", name="Known", company="Old Co")
    path = write(
        tmp_path,
        "c.csv",
        "email,name,company,country,stars,tags\nKNOWN@x.com,,New Co,de,3,a;b\nfresh@x.com,Fresh,,,,\nfresh@x.com,Fresh Again,F Co,,2,c\n",
    )
    result = import_customers(admin_ctx, path)
    assert (result.rows, result.added, result.merged) == (3, 2, 1)
    assert count(admin_ctx, Buyer) == 2
    with admin_ctx.read() as s:
        known = s.exec(select(Buyer).where(Buyer.email == "known@x.com")).one()
        assert (known.name, known.company, known.country, known.stars, known.is_customer) == (
            "Known",
            "New Co",
            "DE",
            3,
            True,
        )
        fresh = s.exec(select(Buyer).where(Buyer.email == "fresh@x.com")).one()
        assert (fresh.name, fresh.company, fresh.stars) == ("Fresh Again", "F Co", 2)
    jsonl = write(tmp_path, "c.jsonl", json.dumps({"email": "known@x.com", "tags": ["z"]}) + "\n")
    import_customers(admin_ctx, jsonl)
    assert count(admin_ctx, BuyerTag) == 4  # a, b, c, z: tags are added by files, never removed


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("email,name,country\nok@x.com,Ok,DE\nbad@x.com,Bad,XX\n", "c.csv line 3, field country"),
        ("email,name,stars\nok@x.com,Ok,1\nnope,Bad,1\n", "c.csv line 3, field email"),
        ("email,name,stars\nok@x.com,Ok,9\n", "c.csv line 2, field stars"),
        ("email,name,colour\nok@x.com,Ok,red\n", "c.csv line 2, field colour"),
    ],
)
def test_import_customers_all_or_nothing(admin_ctx: Ctx, tmp_path: Path, text: str, where: str) -> None:
    with pytest.raises(ValidationError) as caught:
        import_customers(admin_ctx, write(tmp_path, "c.csv", text))
    assert str(caught.value).startswith(where)
    assert count(admin_ctx, Buyer) == 0


def test_import_activity_updates_raw_and_aggregates(admin_ctx: Ctx, tmp_path: Path) -> None:
    b = make_buyer(admin_ctx, "act@x.com", owner="ana")
    at = (FIXED_NOW - timedelta(days=1)).isoformat()
    lines = [
        {"email": "ACT@x.com", "at": at, "kind": "search", "detail": "flood light"},
        {"email": "act@x.com", "at": at, "kind": "search", "detail": "flood light"},
        {"email": "act@x.com", "at": at, "kind": "visit", "detail": "7"},
        {"email": "new.visitor@x.com", "at": at, "kind": "rfq"},
    ]
    result = import_activity(admin_ctx, write(tmp_path, "a.jsonl", "".join(json.dumps(x) + "\n" for x in lines)))
    assert (result.events, result.buyers_created) == (4, 1)
    assert count(admin_ctx, ActivityEvent) == 4 and count(admin_ctx, VisitorSession) == 1
    with admin_ctx.read() as s:
        assert s.get(ActivityDaily, (b, (FIXED_NOW - timedelta(days=1)).date().isoformat(), "search")).count == 2
        assert s.get(ActivityDetail, (b, "search", "flood light")).count == 2
    p = buyer_profile(admin_ctx, b)
    assert p.visitor.page_views == 7 and p.activity.dimension("searches").count == 2


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({"email": "a@x.com", "at": "2026-11-20T10:00:00", "kind": "visit"}, "at"),
        ({"email": "a@x.com", "at": "yesterday", "kind": "visit"}, "at"),
        ({"email": "a@x.com", "at": "2026-11-20T10:00:00Z", "kind": "dance"}, "kind"),
        ({"email": "", "at": "2026-11-20T10:00:00Z", "kind": "visit"}, "email"),
        ({"email": "a@x.com", "at": "2026-11-20T10:00:00Z", "kind": "visit", "detail": "many"}, "detail"),
    ],
)
def test_import_activity_all_or_nothing(admin_ctx: Ctx, tmp_path: Path, line: dict[str, str], field: str) -> None:
    good = {"email": "a@x.com", "at": "2026-11-20T10:00:00Z", "kind": "login"}
    path = write(tmp_path, "a.jsonl", json.dumps(good) + "\n" + json.dumps(line) + "\n")
    with pytest.raises(ValidationError) as caught:
        import_activity(admin_ctx, path)
    assert str(caught.value).startswith(f"a.jsonl line 2, field {field}")
    assert count(admin_ctx, ActivityEvent) == 0 and count(admin_ctx, Buyer) == 0


def test_import_activity_is_admin_only_and_bad_files(admin_ctx: Ctx, tmp_path: Path) -> None:
    with pytest.raises(PermissionDenied):
        import_activity(ctx_as(admin_ctx, "ana"), write(tmp_path, "a.jsonl", ""))
    with pytest.raises(ValidationError, match=re.escape("a.txt")):
        import_customers(admin_ctx, write(tmp_path, "a.txt", "x"))
    (tmp_path / "latin.csv").write_bytes("email,name\nj@x.com,Jos\xe9\n".encode("latin-1"))
    with pytest.raises(ValidationError, match=re.escape("latin.csv line 2")):
        import_customers(admin_ctx, tmp_path / "latin.csv")


def test_sample_files_import(admin_ctx: Ctx) -> None:
    root = Path(__file__).resolve().parents[3] / "sample_data"
    assert import_customers(admin_ctx, root / "customers.csv").rows == 5
    assert import_activity(admin_ctx, root / "activity.jsonl").events > 10
