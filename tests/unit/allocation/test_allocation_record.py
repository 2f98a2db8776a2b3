"""The allocation record service: 30 days, filters, keyset pages, and the export (formula cells neutralised)."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest

from inquiry_tui.domain.errors import NotFound, ValidationError
from inquiry_tui.services.allocation.assignment import assign_inquiry
from inquiry_tui.services.allocation.record import (
    EXPORT_COLUMNS,
    AllocationFilter,
    allocation_choices,
    allocation_page,
    export_allocations,
    export_allocations_text,
)
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.setup.catalog import add_product
from inquiry_tui.store.models import AllocationRecord
from tests.admin_helpers import arrive
from tests.conftest import FIXED_NOW, ctx_as

T = FIXED_NOW - timedelta(days=2)


@pytest.fixture
def history(admin_ctx: Ctx) -> dict[str, int]:
    add_product(admin_ctx, "A", "Flood light", "ana")
    old = arrive(admin_ctx, FIXED_NOW - timedelta(days=31), "old@x.example", product="A")
    ids = {"old": old}
    for n in range(12):
        ids[f"a{n}"] = arrive(admin_ctx, T + timedelta(minutes=n), f"a{n}@x.example", product="A")
    ids["company"] = arrive(admin_ctx, T + timedelta(hours=1), "c@x.example")
    assign_inquiry(admin_ctx, ids["a0"], "ben")  # manual, by boss
    assign_inquiry(ctx_as(admin_ctx, "ana"), ids["a1"], "cara")  # handover, by ana
    return ids


def test_the_record_covers_30_days_newest_first(admin_ctx: Ctx, history: dict[str, int]) -> None:
    rows = allocation_page(admin_ctx, limit=500).rows
    assert history["old"] not in {r.inquiry_id for r in rows}
    assert len(rows) == 12 + 1 + 2
    assert [r.at for r in rows] == sorted((r.at for r in rows), reverse=True)
    assert (rows[0].rule, rows[0].actor, rows[0].from_login, rows[0].to_login) in {
        ("manual", "boss", "ana", "ben"),
        ("handover", "ana", "ana", "cara"),
    }
    longer = allocation_page(admin_ctx, AllocationFilter(days=40), limit=500).rows
    assert history["old"] in {r.inquiry_id for r in longer}


def test_filters_by_account_rule_and_actor(admin_ctx: Ctx, history: dict[str, int]) -> None:
    by_ben = allocation_page(admin_ctx, AllocationFilter(account="ben")).rows
    assert [(r.inquiry_id, r.rule) for r in by_ben] == [(history["a0"], "manual")]
    handovers = allocation_page(admin_ctx, AllocationFilter(actor="ana")).rows
    assert [(r.from_login, r.to_login, r.rule) for r in handovers] == [("ana", "cara", "handover")]
    contact = allocation_page(admin_ctx, AllocationFilter(rule="company_contact")).rows
    assert [r.inquiry_id for r in contact] == [history["company"]]
    mixed = allocation_page(admin_ctx, AllocationFilter(account="ana", rule="product", actor="system")).rows
    assert len(mixed) == 12
    with pytest.raises(ValidationError, match="rule 'nonsense'"):
        allocation_page(admin_ctx, AllocationFilter(rule="nonsense"))
    with pytest.raises(NotFound):
        allocation_page(admin_ctx, AllocationFilter(account="nobody"))


def test_keyset_pages_cover_everything_once(admin_ctx: Ctx, history: dict[str, int]) -> None:
    seen: list[int] = []
    after = None
    while True:
        page = allocation_page(admin_ctx, after=after, limit=4)
        seen.extend(r.id for r in page.rows)
        if page.next_cursor is None:
            break
        after = page.next_cursor
    assert len(seen) == len(set(seen)) == 15


def test_a_salesperson_sees_only_what_came_to_them_or_left_them(admin_ctx: Ctx, history: dict[str, int]) -> None:
    ana = ctx_as(admin_ctx, "ana")
    rows = allocation_page(ana, limit=500).rows
    assert {r.inquiry_id for r in rows} == {history[f"a{n}"] for n in range(12)}
    assert allocation_choices(ana)[0] == ("ana",)
    assert allocation_page(ctx_as(admin_ctx, "cara")).rows[0].rule == "handover"


def test_export_csv_neutralises_formula_cells_and_jsonl_keeps_values(
    admin_ctx: Ctx, history: dict[str, int], tmp_path: Path
) -> None:
    with admin_ctx.write() as session:
        # A reason is our own text today, but an export must be safe whatever a column holds.
        session.add(
            AllocationRecord(
                at=T,
                inquiry_id=history["a2"],
                from_id=None,
                to_id=2,
                rule="manual",
                actor="boss",
                reason='=HYPERLINK("http://evil.example","x")',
            )
        )
    target = tmp_path / "alloc.csv"
    count = export_allocations(admin_ctx, target, days=30, fmt="csv")
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert tuple(rows[0]) == EXPORT_COLUMNS and len(rows) == count + 1 == 17
    evil = next(r for r in rows if "HYPERLINK" in r[-1])
    assert evil[-1].startswith("'=")
    lines = export_allocations_text(admin_ctx, fmt="jsonl").splitlines()
    records = [json.loads(line) for line in lines]
    assert set(records[0]) == set(EXPORT_COLUMNS)
    assert any(r["reason"].startswith("=HYPERLINK") for r in records)
    filtered = export_allocations_text(admin_ctx, fmt="jsonl", flt=AllocationFilter(rule="handover"))
    assert [json.loads(line)["actor"] for line in filtered.splitlines()] == ["ana"]


def test_a_bad_format_writes_no_file(admin_ctx: Ctx, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(ValidationError, match="csv, jsonl"):
        export_allocations(admin_ctx, folder / "alloc.xlsx", fmt="xlsx")
    assert list(folder.iterdir()) == []
