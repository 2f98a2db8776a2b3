"""`seed --sample` (the LED exporter sample company) and `seed --inquiries N --seed S`."""

from __future__ import annotations

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.setup.company import CompanySetup, load_json, set_up_company
from inquiry_tui.services.setup.routing_sample import add_routing_sample
from inquiry_tui.services.setup.synthetic import SeedResult, generate

SAMPLE_INQUIRIES = 2_000
SAMPLE_SEED = 20261123


def seed_sample(ctx: Ctx) -> tuple[CompanySetup, SeedResult]:
    """The sample company with ~2,000 inquiries over 120 days (deterministic but relative to now)."""
    ctx.require_admin("seed the store")
    setup = set_up_company(ctx, load_json("company.json"))
    result = generate(ctx, SAMPLE_INQUIRIES, SAMPLE_SEED)
    add_routing_sample(ctx)  # away, capacity, escalation, notes: after the inquiries they act on
    return setup, result


def seed_synthetic(ctx: Ctx, inquiries: int, seed: int) -> tuple[CompanySetup, SeedResult]:
    ctx.require_admin("seed the store")
    setup = set_up_company(ctx, load_json("company.json"))
    return setup, generate(ctx, inquiries, seed)
