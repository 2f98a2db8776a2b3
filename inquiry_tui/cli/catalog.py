"""`product add|list|owner` and `region assign|unassign|list`."""

from __future__ import annotations

from typing import Annotated

import typer

from inquiry_tui.cli.common import echo_rows, state
from inquiry_tui.services.setup import catalog

product_app = typer.Typer(help="Products (SKUs) and their owners.", no_args_is_help=True)
region_app = typer.Typer(help="Country owners for allocation by region (one owner per country).", no_args_is_help=True)


@product_app.command("add")
def product_add(
    sku: str,
    name: Annotated[str, typer.Option("--name")],
    owner: Annotated[str | None, typer.Option(help="Login of the product owner.")] = None,
    category: Annotated[str, typer.Option(help="Product category.")] = "",
) -> None:
    """Add a product (admin only)."""
    p = catalog.add_product(state.ctx(), sku, name, owner, category)
    typer.echo(f"added {p.sku} ({p.name}) owner {p.owner or '-'}")


@product_app.command("owner")
def product_owner(sku: str, owner: Annotated[str | None, typer.Argument(help="Login; omit to clear.")] = None) -> None:
    """Set or clear a product's owner (admin only)."""
    p = catalog.set_product_owner(state.ctx(), sku, owner)
    typer.echo(f"{p.sku} owner {p.owner or '-'}")


@product_app.command("list")
def product_list() -> None:
    """List products with their owners."""
    echo_rows(
        [[p.sku, p.name, p.category, p.owner or "-"] for p in catalog.list_products(state.ctx())],
        ["SKU", "NAME", "CATEGORY", "OWNER"],
    )


@region_app.command("assign")
def region_assign(country: str, login: str) -> None:
    """Give a country to an account; an owned country moves (admin only)."""
    r = catalog.assign_region(state.ctx(), country, login)
    typer.echo(f"{r.country} ({r.country_name}) -> {r.owner}")


@region_app.command("unassign")
def region_unassign(country: str) -> None:
    """Remove a country's owner (admin only)."""
    before = catalog.unassign_region(state.ctx(), country)
    typer.echo(f"{country.upper()} no longer owned by {before}")


@region_app.command("list")
def region_list() -> None:
    """List country owners."""
    echo_rows(
        [[r.country, r.country_name, r.owner] for r in catalog.list_regions(state.ctx())], ["CC", "COUNTRY", "OWNER"]
    )
