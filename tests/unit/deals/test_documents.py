"""Documents: the PDF opens and holds the buyer's name (accented and CJK) and the total; no font is one clear error."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pypdf
import pytest

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.deals import documents, lois, orders
from inquiry_tui.services.deals.documents import FontMissing, find_fonts
from tests.conftest import ctx_as
from tests.deal_helpers import LINE, customer_with_inquiry, order_of

HOSTILE = "Evil [bold]x[/] \x1b]0;TITLE\x07 \u202etxt.exe"


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.mark.parametrize(
    ("name", "company"),
    [
        ("Inês Gonçalves", "Lumen Iluminação Lda"),
        ("张伟", "深圳光明照明有限公司"),
        ("Jürgen Weiß", "Müller Licht GmbH"),
    ],
)
def test_the_pdf_holds_the_buyers_name_and_the_total(admin_ctx: Ctx, name: str, company: str) -> None:
    ana = ctx_as(admin_ctx, "ana")
    _, inquiry = customer_with_inquiry(admin_ctx, name=name, company=company)
    view = lois.draft_loi(ana, inquiry_id=inquiry, data={"lines": [LINE]})
    pdf = lois.loi_pdf(ana, view.id)
    assert pdf.startswith(b"%PDF-")
    text = _text(pdf)
    assert name in text and company in text
    assert "6,250.00 USD" in text


def test_an_order_pdf_and_text(admin_ctx: Ctx) -> None:
    ana = ctx_as(admin_ctx, "ana")
    _, inquiry = customer_with_inquiry(admin_ctx, name="佐藤 由紀")
    order = order_of(ana, inquiry)
    assert order.total == Decimal("6250.00")
    text = _text(orders.order_pdf(ana, order.id))
    assert "佐藤 由紀" in text and "6,250.00 USD" in text and order.number in text
    assert orders.order_text(ana, order.id).startswith(f"ORDER — {order.number}")


def test_hostile_text_is_literal_in_the_pdf_and_the_text(admin_ctx: Ctx) -> None:
    ana = ctx_as(admin_ctx, "ana")
    _, inquiry = customer_with_inquiry(admin_ctx, name=HOSTILE)
    view = lois.draft_loi(ana, inquiry_id=inquiry, data={"lines": [LINE], "terms": HOSTILE})
    body = lois.loi_text(ana, view.id)
    assert "\x1b" not in body and "\u202e" not in body and "[bold]x[/]" in body and "␛]0;TITLE␇" in body
    text = _text(lois.loi_pdf(ana, view.id))
    assert (
        "\x1b" not in text and "[bold]x[/]" in text and "⟨U+001B⟩]0;TITLE⟨U+0007⟩" in text and "⟨U+202E⟩txt.exe" in text
    )


def test_no_font_is_one_clear_error(monkeypatch: pytest.MonkeyPatch, admin_ctx: Ctx) -> None:
    find_fonts.cache_clear()
    monkeypatch.setattr(documents, "LATIN_FONTS", ())
    monkeypatch.setattr(documents, "CJK_FONTS", ())
    monkeypatch.setattr(documents, "_fc_list", lambda spec: [])
    try:
        with pytest.raises(
            FontMissing, match=r"^no font for PDF documents: install fonts-dejavu-core fonts-droid-fallback"
        ):
            find_fonts()
        ana = ctx_as(admin_ctx, "ana")
        _, inquiry = customer_with_inquiry(admin_ctx)
        view = lois.draft_loi(ana, inquiry_id=inquiry, data={"lines": [LINE]})
        with pytest.raises(FontMissing):
            lois.send_loi(ana, view.id)
        assert lois.loi_detail(ana, view.id).status == "draft"  # nothing half-saved
    finally:
        find_fonts.cache_clear()


def test_a_configured_font_must_exist(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    find_fonts.cache_clear()
    monkeypatch.setenv(documents.ENV_FONT, str(tmp_path / "missing.ttf"))
    try:
        with pytest.raises(
            FontMissing, match=r"^INQUIRY_TUI_FONT: '.*missing\.ttf' is not a readable \.ttf or \.otf font file$"
        ):
            find_fonts()
        monkeypatch.setenv(documents.ENV_FONT, str(documents.LATIN_FONTS[0]))
        find_fonts.cache_clear()
        assert find_fonts().fallback is None
    finally:
        find_fonts.cache_clear()
