"""services.templates: shared and personal templates, permissions, versions, placeholder filling."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inquiry_tui.domain.errors import NotFound, PermissionDenied, StaleWrite, ValidationError
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.inbox import listing as inbox
from inquiry_tui.services.inbox import templates
from tests.conftest import ctx_as


def test_the_sample_templates_are_shared(sample_ctx: Ctx) -> None:
    found = templates.list_templates(sample_ctx)
    assert {"Quote follow-up", "Catalogue"} <= {t.name for t in found}
    assert all(t.shared and t.editable for t in found)
    assert not any(t.editable for t in templates.list_templates(ctx_as(sample_ctx, "ana")))


def test_personal_templates_are_private(sample_ctx: Ctx) -> None:
    ana, ben = ctx_as(sample_ctx, "ana"), ctx_as(sample_ctx, "ben")
    mine = templates.create_template(ana, "Ana's hello", "Hi {buyer_first_name}!")
    assert not mine.shared and mine.editable
    assert "Ana's hello" in {t.name for t in templates.list_templates(ana)}
    assert "Ana's hello" not in {t.name for t in templates.list_templates(ben)}
    with pytest.raises(NotFound):
        templates.update_template(ben, mine.id, "x", "y", mine.version)
    with pytest.raises(NotFound):
        templates.delete_template(ben, mine.id, mine.version)
    with pytest.raises(PermissionDenied):
        templates.create_template(ana, "Team one", "x", shared=True)


def test_shared_templates_are_the_admins_to_edit(sample_ctx: Ctx) -> None:
    shared = templates.create_template(sample_ctx, "Price list", "Dear {buyer_name}, see attached.")
    assert shared.shared
    with pytest.raises(PermissionDenied):
        templates.update_template(ctx_as(sample_ctx, "ana"), shared.id, "Price list", "changed", shared.version)
    edited = templates.update_template(sample_ctx, shared.id, "Price list 2026", "Dear {buyer_name}!", shared.version)
    assert edited.name == "Price list 2026" and edited.version == shared.version + 1
    with pytest.raises(StaleWrite):
        templates.update_template(sample_ctx, shared.id, "again", "x", shared.version)
    templates.delete_template(sample_ctx, shared.id, edited.version)
    assert "Price list 2026" not in {t.name for t in templates.list_templates(sample_ctx)}


def test_names_are_unique_and_checked(sample_ctx: Ctx) -> None:
    with pytest.raises(ValidationError, match="already exists"):
        templates.create_template(sample_ctx, "Catalogue", "x")
    with pytest.raises(ValidationError):
        templates.create_template(sample_ctx, "  ", "x")
    with pytest.raises(ValidationError):
        templates.create_template(sample_ctx, "Empty", " \n ")
    made = templates.create_template(sample_ctx, "  Two   words\x1b ", "x")
    assert made.name == "Two words␛"


def test_placeholders_are_filled_for_an_inquiry(sample_ctx: Ctx) -> None:
    row = next(r for r in inbox.page_after(sample_ctx, "all", None, 200) if r.buyer_company)
    values = templates.placeholder_values(sample_ctx, row.id)
    assert values["buyer_name"] == row.buyer_name and values["buyer_first_name"] == row.buyer_name.split()[0]
    assert values["company_of_buyer"] == row.buyer_company and values["my_name"] == "The Boss"
    body = "Dear {buyer_name}, about {product} for {company_of_buyer}. {unknown} {my_name} {"
    filled = templates.fill(body, values)
    assert filled == (
        f"Dear {row.buyer_name}, about {values['product']} for {row.buyer_company}. {{unknown}} The Boss {{"
    )
    with pytest.raises(NotFound):
        templates.placeholder_values(
            ctx_as(sample_ctx, "ana"),
            next(r.id for r in inbox.page_after(sample_ctx, "all", None, 200) if r.owner_login != "ana"),
        )


def test_a_company_inquiry_gets_fallbacks(sample_ctx: Ctx) -> None:
    with sample_ctx.read() as session:
        from sqlalchemy import text

        inquiry_id = session.execute(text("SELECT id FROM inquiry WHERE product_id IS NULL LIMIT 1")).scalar_one()
    values = templates.placeholder_values(sample_ctx, inquiry_id)
    assert values["product"] == "our products" and values["sku"] == ""


@given(st.text(max_size=60), st.dictionaries(st.sampled_from(["buyer_name", "product"]), st.text(max_size=10)))
def test_fill_never_raises_and_keeps_unknown_braces(body: str, values: dict[str, str]) -> None:
    filled = templates.fill(body, values)
    if not values:
        assert filled == body


def test_the_reply_point_is_the_cursor_mark_or_the_end() -> None:
    assert templates.reply_point("Dear Ana,\n\n{cursor}\n\nBest regards") == ("Dear Ana,\n\n\n\nBest regards", 11)
    assert templates.reply_point("Dear Ana,\n") == ("Dear Ana,\n", 10)
    assert templates.reply_point("{cursor}a{cursor}b") == ("ab", 0)  # the first mark; the others vanish
