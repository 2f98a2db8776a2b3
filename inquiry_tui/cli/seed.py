"""`seed --sample | --inquiries N --seed S`."""

from __future__ import annotations

from typing import Annotated

import typer

from inquiry_tui.cli.common import QuietOpt, fail, state
from inquiry_tui.cli.progress import progress_bar
from inquiry_tui.services.setup import seed as seed_service
from inquiry_tui.services.setup.synthetic import seeding_progress

top_level = typer.Typer()


@top_level.command()
def seed(
    sample: Annotated[bool, typer.Option("--sample", help="Load the sample LED-lighting exporter.")] = False,
    inquiries: Annotated[int | None, typer.Option("--inquiries", help="Generate N synthetic inquiries.")] = None,
    seed_value: Annotated[int, typer.Option("--seed", min=0, max=2**63 - 1, help="Random seed of the generator.")] = 1,
    rfqs: Annotated[
        int | None,
        typer.Option("--rfqs", min=0, help="With --inquiries: this many RFQs (default a tenth, at most 2,000)."),
    ] = None,
    visitors: Annotated[
        int, typer.Option("--visitors", min=0, help="With --inquiries: this many buyers known only from visits.")
    ] = 0,
    quiet: QuietOpt = False,
) -> None:
    """Fill an initialised store with the sample company or synthetic data."""
    if sample == (inquiries is not None):
        fail("give exactly one of --sample or --inquiries N")
    if inquiries is not None:
        seed_service.check_bounds(inquiries, rfqs, visitors)  # before the store is opened
    ctx = state.ctx()
    # On a terminal: the inquiries written, rate and time left (one transaction: ctrl+c keeps nothing).
    with progress_bar(quiet=quiet) as report, seeding_progress(report):
        if sample:
            _, result = seed_service.seed_sample(ctx)
        else:
            _, result = seed_service.seed_synthetic(ctx, inquiries or 0, seed_value, rfqs=rfqs, visitors=visitors)
    extra = f", {result.visitors} more visitors" if result.visitors else ""
    typer.echo(
        f"seeded {result.inquiries} inquiries, {result.messages} messages, {result.buyers} buyers, "
        f"{result.rfqs} RFQs{extra} in {result.seconds:.1f} s"
    )
