"""A generated store from a template at head: what the generator tests compare."""

from __future__ import annotations

import shutil
from pathlib import Path

from inquiry_tui.services.context import connect_system
from inquiry_tui.services.setup import seed as seed_service
from inquiry_tui.services.team.accounts import init_company
from tests.conftest import ctx_as, fixed_clock


def seed_copy(path: Path, template: Path, inquiries: int, seed: int, **options: int) -> None:
    """A copy of TEMPLATE at PATH with the main account `boss` and INQUIRIES generated with SEED (fixed clock)."""
    shutil.copy(template, path)
    system = connect_system(f"sqlite:///{path}")
    system.clock = fixed_clock
    try:
        init_company(system, "boss", "The Boss")
        seed_service.seed_synthetic(ctx_as(system, "boss"), inquiries, seed, **options)
    finally:
        system.close()
