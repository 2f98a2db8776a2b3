"""Admin › Products and Admin › Countries: who owns each product (one at a time or a whole category) and
each country (every ISO country, one owner each, searchable). Changes are audited and apply to the next arrival.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Input, Static

from inquiry_tui.domain.text import safe_line
from inquiry_tui.services.allocation.ownership import CountryRow, country_owners, set_category_owner, set_country_owner
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.setup.catalog import ProductInfo, list_products, set_product_owner
from inquiry_tui.tui.admin.panel import AccountPicker, AdminPanel, Picked
from inquiry_tui.tui.common.confirm import ConfirmScreen
from inquiry_tui.tui.common.table import Table


def _owner(login: str | None) -> Text:
    return Text(login) if login else Text("—", style="dim")


class ProductOwnersPanel(AdminPanel):
    FOCUS = "#products-table"
    BINDINGS = [
        Binding("o", "set_owner", "Owner", id="products-owner"),
        Binding("b", "set_category_owner", "Whole category", id="products-category-owner"),
        Binding("r", "refresh_products", "Refresh", id="products-refresh"),
    ]

    @dataclass
    class Loaded(Message):
        products: list[ProductInfo]

    @dataclass
    class Changed(Message):
        message: str

    def __init__(self, ctx: Ctx, *, id: str | None = None) -> None:
        super().__init__(ctx, id=id)
        self.products: list[ProductInfo] = []

    def compose(self) -> ComposeResult:
        yield Static(
            Text(
                "Inquiries about a product go to its owner when allocating by product. "
                "o: owner of this product   b: owner of its whole category",
                style="dim",
            ),
            classes="section-help",
        )
        yield Table(cursor_type="row", zebra_stripes=True, id="products-table")
        yield Static("", classes="status", id="products-status")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("SKU", "Product", "Category", "Owner")

    def reload(self) -> None:
        self._load()

    def action_refresh_products(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="admin-products", exit_on_error=False)
    def _load(self) -> None:
        self.post_message(self.Loaded(sorted(list_products(self.ctx), key=lambda p: (p.category, p.sku))))

    @on(Loaded)
    def _fill(self, event: Loaded) -> None:
        products = event.products
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        self.products = products
        for p in products:
            table.add_row(
                Text(safe_line(p.sku)),
                Text(safe_line(p.name)),
                Text(safe_line(p.category) or "—"),
                _owner(p.owner),
                key=p.sku,
            )
        if products:
            table.move_cursor(row=min(row, len(products) - 1))
        if not products:
            self.set_status("No products yet: add them with `inquiry-tui product add`.", selector="#products-status")

    def _current(self) -> ProductInfo | None:
        table = self.query_one(DataTable)
        if not self.products or table.cursor_row >= len(self.products):
            return None
        return self.products[table.cursor_row]

    def action_set_owner(self) -> None:
        product = self._current()
        if product is None:
            return

        def chosen(picked: Picked | None) -> None:
            if picked is not None:
                self._set_owner(product.sku, picked.login)

        self.app.push_screen(
            AccountPicker(self.ctx, f"Owner of {safe_line(product.sku)}", safe_line(product.name), allow_none=True),
            chosen,
        )

    @work(thread=True, exclusive=True, group="admin-products-write", exit_on_error=False)
    def _set_owner(self, sku: str, login: str | None) -> None:
        set_product_owner(self.ctx, sku, login)
        self.post_message(self.Changed(f"{sku} now belongs to {login or 'no one'}."))

    def action_set_category_owner(self) -> None:
        product = self._current()
        if product is None:
            return
        category = product.category
        count = sum(1 for p in self.products if p.category == category)

        def confirmed(login: str | None, ok: bool | None) -> None:
            if ok:
                self._set_category(category, login)

        def chosen(picked: Picked | None) -> None:
            if picked is None:
                return
            who = picked.login or "no one"
            self.app.push_screen(
                ConfirmScreen(
                    "Change a whole category",
                    Text(f"Give all {count} products in {category or '(no category)'!r} to {who}?"),
                ),
                lambda ok: confirmed(picked.login, ok),
            )

        self.app.push_screen(
            AccountPicker(
                self.ctx, f"Owner of every product in {safe_line(category) or '(no category)'}", allow_none=True
            ),
            chosen,
        )

    @work(thread=True, exclusive=True, group="admin-products-write", exit_on_error=False)
    def _set_category(self, category: str, login: str | None) -> None:
        changed = set_category_owner(self.ctx, category, login)
        self.post_message(self.Changed(f"{changed} products in {category!r} now belong to {login or 'no one'}."))

    @on(Changed)
    def _changed(self, event: Changed) -> None:
        self.set_status(event.message, selector="#products-status")
        self._load()


class CountryOwnersPanel(AdminPanel):
    FOCUS = "#countries-table"
    BINDINGS = [
        Binding("o", "set_owner", "Owner", id="countries-owner"),
        Binding("x", "clear_owner", "No owner", id="countries-clear"),
        Binding("slash", "search", "Search", id="countries-search"),
    ]

    @dataclass
    class Loaded(Message):
        rows: list[CountryRow]
        changed: CountryRow | None = None  # the country just given an owner (or none)

    def __init__(self, ctx: Ctx, *, id: str | None = None) -> None:
        super().__init__(ctx, id=id)
        self.countries: list[CountryRow] = []
        self.shown: list[CountryRow] = []

    def compose(self) -> ComposeResult:
        yield Static(
            Text(
                "When allocating by region, a buyer's inquiry goes to the owner of their country (one owner each). "
                "/: search   o: owner   x: no owner",
                style="dim",
            ),
            classes="section-help",
        )
        yield Input(placeholder="search: country, code or owner (enter goes to the list)", id="countries-search")
        yield Table(cursor_type="row", zebra_stripes=True, id="countries-table")
        yield Static("", classes="status", id="countries-status")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("Code", "Country", "Owner")

    def reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="admin-countries", exit_on_error=False)
    def _load(self) -> None:
        self.post_message(self.Loaded(country_owners(self.ctx)))

    @on(Loaded)
    def _fill(self, event: Loaded) -> None:
        self.countries = event.rows
        row = event.changed
        self._filter(row.code if row is not None else None)
        if row is not None:
            self.set_status(
                f"{row.name} ({row.code}) now belongs to {row.owner or 'no one'}.", selector="#countries-status"
            )

    def _filter(self, keep: str | None = None) -> None:
        term = self.query_one("#countries-search", Input).value.strip().lower()
        self.shown = [
            c
            for c in self.countries
            if not term or term in c.name.lower() or term == c.code.lower() or (c.owner and term == c.owner.lower())
        ]
        table = self.query_one(DataTable)
        table.clear()
        for c in self.shown:
            table.add_row(c.code, c.name, _owner(c.owner), key=c.code)
        owned = sum(1 for c in self.countries if c.owner)
        table.border_title = f"{len(self.shown)} of {len(self.countries)} countries, {owned} with an owner"
        if keep is not None:
            for i, c in enumerate(self.shown):
                if c.code == keep:
                    table.move_cursor(row=i)

    @on(Input.Changed, "#countries-search")
    def _search_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._filter()

    @on(Input.Submitted, "#countries-search")
    def _search_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one(DataTable).focus()

    def action_search(self) -> None:
        self.query_one("#countries-search", Input).focus()

    def _current(self) -> CountryRow | None:
        table = self.query_one(DataTable)
        if not self.shown or table.cursor_row >= len(self.shown):
            return None
        return self.shown[table.cursor_row]

    def action_set_owner(self) -> None:
        country = self._current()
        if country is None:
            return

        def chosen(picked: Picked | None) -> None:
            if picked is not None:
                self._set(country.code, picked.login)

        self.app.push_screen(
            AccountPicker(
                self.ctx, f"Owner of {country.name} ({country.code})", "One owner per country.", allow_none=True
            ),
            chosen,
        )

    def action_clear_owner(self) -> None:
        country = self._current()
        if country is not None and country.owner:
            self._set(country.code, None)

    @work(thread=True, exclusive=True, group="admin-countries-write", exit_on_error=False)
    def _set(self, code: str, login: str | None) -> None:
        row = set_country_owner(self.ctx, code, login)
        self.post_message(self.Loaded(country_owners(self.ctx), row))
