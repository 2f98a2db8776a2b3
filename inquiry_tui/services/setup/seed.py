"""`seed --sample` (the LED exporter sample company) and `seed --inquiries N --seed S`."""

from __future__ import annotations

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.setup.channels import seed_channels
from inquiry_tui.services.setup.company import CompanySetup, load_json, set_up_company
from inquiry_tui.services.setup.synthetic import SeedResult, generate

SAMPLE_INQUIRIES = 2_000
SAMPLE_SEED = 20261123


def seed_sample(ctx: Ctx) -> tuple[CompanySetup, SeedResult]:
    """The sample company with ~2,000 inquiries over 120 days (deterministic but relative to now), and a
    little e-mail, a call log with appointment requests, and platform notices (setup/channels.py)."""
    ctx.require_admin("seed the store")
    setup = set_up_company(ctx, load_json("company.json"))
    result = generate(ctx, SAMPLE_INQUIRIES, SAMPLE_SEED)
    seed_channels(ctx)
    return setup, result


def seed_synthetic(ctx: Ctx, inquiries: int, seed: int) -> tuple[CompanySetup, SeedResult]:
    ctx.require_admin("seed the store")
    setup = set_up_company(ctx, load_json("company.json"))
    return setup, generate(ctx, inquiries, seed)
