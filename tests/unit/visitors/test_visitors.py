"""Visitor details: the summary kept on write by `import activity`, the list's orders, filters, roles and CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from inquiry_tui.cli import app
from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.customers.importing import import_activity
from inquiry_tui.services.customers.input import CustomerInput
from inquiry_tui.services.customers.manage import add_customer, buyer_id_by_email
from inquiry_tui.services.customers.profile import buyer_profile
from inquiry_tui.services.setup.company import load_json, set_up_company
from inquiry_tui.services.setup.synthetic import generate
from inquiry_tui.services.visitors.listing import VisitorQuery, VisitorRow, count_visitors, visitor_page
from inquiry_tui.store.queries import visitors as q_visitors
from tests.conftest import ctx_as

VISITOR_KEYS = {
    "email",
    "customer",
    "page_views",
    "region",
    "search_terms",
    "store_pages",
    "site_products",
    "site_sellers",
    "last_visit",
}


def _write(path: Path, events: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    return path


def _events() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for n in range(12):
        email = f"v{n}@visitor.example"
        out.append(
            {
                "email": email,
                "at": f"2026-11-{10 + n:02d}T08:00:00Z",
                "kind": "visit",
                "detail": str(n + 1),
                "region": "DE" if n % 2 else "br",
                "site_products": n * 3,
                "site_sellers": n,
            }
        )
        out.append(
            {
                "email": email,
                "at": f"2026-11-{10 + n:02d}T08:05:00Z",
                "kind": "search",
                "detail": "Flood Light" if n % 3 else "car tyres",
            }
        )
    out.append(
        {"email": "v0@visitor.example", "at": "2026-11-22T09:00:00Z", "kind": "visit", "detail": "4"}
    )  # no region
    return out


@pytest.fixture
def visited(admin_ctx: Ctx, tmp_path: Path) -> Ctx:
    import_activity(admin_ctx, _write(tmp_path / "activity.jsonl", _events()))
    return admin_ctx


def _all(ctx: Ctx, query: VisitorQuery, limit: int = 5) -> list[VisitorRow]:
    rows: list[VisitorRow] = []
    key = None
    while True:
        page = visitor_page(ctx, query, key, limit)
        rows.extend(page.rows)
        key = page.next_key
        if key is None:
            return rows


def test_the_summary_holds_what_the_file_said_and_nothing_made_up(visited: Ctx) -> None:
    rows = {r.email: r for r in _all(visited, VisitorQuery())}
    assert len(rows) == 12
    v5 = rows["v5@visitor.example"]
    assert (v5.visits, v5.page_views, v5.store_pages, v5.site_products, v5.site_sellers) == (1, 6, 6, 15, 5)
    assert (v5.region, v5.search_terms, v5.customer) == ("DE", ("flood light",), False)
    v0 = rows["v0@visitor.example"]
    # Two visits; the later one gave no region: the latest known region stays, never the buyer's country.
    assert (v0.visits, v0.page_views, v0.region, v0.search_terms) == (2, 5, "BR", ("car tyres",))
    profile = buyer_profile(visited, v0.buyer_id)
    assert profile.visitor.regions == ("BR",) and profile.visitor.site_products == 0


def test_sorted_by_views_or_recent_with_keyset_pages(visited: Ctx) -> None:
    by_views = _all(visited, VisitorQuery(sort="views"), limit=5)
    assert [r.page_views for r in by_views] == sorted((r.page_views for r in by_views), reverse=True)
    assert len({r.buyer_id for r in by_views}) == 12  # no row twice, none lost across pages
    recent = _all(visited, VisitorQuery(sort="recent"), limit=4)
    assert [r.last_visit for r in recent] == sorted((r.last_visit for r in recent), reverse=True)
    assert recent[0].email == "v0@visitor.example"


def test_filters_by_region_term_and_customer(visited: Ctx) -> None:
    assert {r.region for r in _all(visited, VisitorQuery(country="de"))} == {"DE"}
    assert count_visitors(visited, VisitorQuery(country="DE")) == 6
    assert {r.search_terms for r in _all(visited, VisitorQuery(term="TYRES"))} == {("car tyres",)}
    add_customer(visited, CustomerInput(email="v3@visitor.example", name="V3", source="manual"))
    assert [r.email for r in _all(visited, VisitorQuery(customer=True))] == ["v3@visitor.example"]
    assert count_visitors(visited, VisitorQuery(customer=False)) == 11
    with pytest.raises(ValidationError, match="country"):
        visitor_page(visited, VisitorQuery(country="Atlantis"))
    with pytest.raises(ValidationError, match="sort"):
        visitor_page(visited, VisitorQuery(sort="name"))


def test_a_salesperson_sees_their_own_and_unowned_visitors(visited: Ctx) -> None:
    ana = ctx_as(visited, "ana")
    add_customer(ctx_as(visited, "ben"), CustomerInput(email="v4@visitor.example", name="V4", source="manual"))
    seen = {r.email for r in _all(ana, VisitorQuery())}
    assert "v4@visitor.example" not in seen and len(seen) == 11  # ben's buyer is his
    assert "v4@visitor.example" in {r.email for r in _all(visited, VisitorQuery())}
    assert buyer_id_by_email(visited, "v4@visitor.example")


def test_visit_fields_are_checked_and_only_on_a_visit(admin_ctx: Ctx, tmp_path: Path) -> None:
    base = {"email": "x@visitor.example", "at": "2026-11-20T08:00:00Z", "kind": "visit", "detail": "3"}
    cases = [
        ({"region": "Atlantis"}, "field region: 'Atlantis' is not an ISO 3166-1"),
        ({"site_products": "-1"}, "field site_products: -1 is outside 0 to"),
        ({"site_sellers": "lots"}, "field site_sellers: 'lots' is not a whole number"),
        ({"kind": "search", "detail": "x", "region": "DE"}, "field region: is given only with a visit"),
    ]
    for change, message in cases:
        with pytest.raises(ValidationError) as caught:
            import_activity(admin_ctx, _write(tmp_path / "activity.jsonl", [{**base, **change}]))
        assert str(caught.value) == f"activity.jsonl line 1, {message}" or message in str(caught.value), str(
            caught.value
        )
    assert count_visitors(admin_ctx, VisitorQuery()) == 0


def test_visitor_list_on_the_command_line(tmp_path: Path) -> None:
    runner = CliRunner()
    db = tmp_path / "cli.db"
    assert runner.invoke(app, ["--db", str(db), "init", "--name", "Boss"]).exit_code == 0
    path = _write(tmp_path / "activity.jsonl", _events())
    assert runner.invoke(app, ["--db", str(db), "import", "activity", str(path)]).exit_code == 0
    result = runner.invoke(app, ["--db", str(db), "visitor", "list", "--sort", "recent", "--limit", "3", "--json"])
    rows = json.loads(result.output)
    assert len(rows) == 3 and all(r.keys() >= VISITOR_KEYS for r in rows)
    assert rows[0]["email"] == "v0@visitor.example" and rows[0]["customer"] is False
    text = runner.invoke(app, ["--db", str(db), "visitor", "list", "--country", "DE", "--term", "flood"])
    assert text.exit_code == 0 and "visitors" in text.output.splitlines()[-1]
    bad = runner.invoke(app, ["--db", str(db), "visitor", "list", "--sort", "name"])
    assert bad.exit_code == 1 and bad.output.startswith("error: sort: 'name' is not allowed")


def test_a_small_seed_writes_its_rfqs_and_visitors(admin_ctx: Ctx) -> None:
    # Fewer rows than store.bulk.COPY_FROM: a plain INSERT, where PostgreSQL takes no 0/1 for a boolean.
    set_up_company(admin_ctx, load_json("company.json"))
    generate(admin_ctx, 30, 7, rfqs=5, visitors=3)
    with admin_ctx.read() as session:
        assert session.execute(text("SELECT count(*) FROM rfq")).scalar_one() == 5
        visitors = text("SELECT count(*) FROM buyer WHERE email LIKE 'visitor%' AND is_customer = :no AND NOT verified")
        assert session.execute(visitors, {"no": False}).scalar_one() == 3


def test_customers_read_from_the_customer_index_or_walked_give_the_same_pages(
    visited: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in (1, 3, 5, 8):
        add_customer(visited, CustomerInput(email=f"v{n}@visitor.example", name=f"V{n}", source="manual"))
    ana = ctx_as(visited, "ana")
    seen = {}
    for walk_from in (10**6, 1):  # few customers: sorted from the index; many: the sort's index walked
        monkeypatch.setattr(q_visitors, "WALK_CUSTOMERS_FROM", walk_from)
        seen[walk_from] = [
            [r.buyer_id for r in _all(ctx, VisitorQuery(sort=sort, customer=True, country=country), limit=2)]
            for ctx in (visited, ana)
            for sort in ("views", "recent")
            for country in (None, "DE")
        ]
    assert seen[1] == seen[10**6]
    assert sorted(seen[1][0]) == sorted(buyer_id_by_email(visited, f"v{n}@visitor.example") for n in (1, 3, 5, 8))
