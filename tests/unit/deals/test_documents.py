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


def _embedded_fonts(pdf: bytes) -> set[str]:
    """The base names of the fonts on the PDF's pages, without their subset prefix."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return names


def test_the_cjk_fallback_is_loaded_and_embedded_only_when_the_main_font_lacks_a_character(
    admin_ctx: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Loading the CJK fallback costs ten times the main font: a Latin document never loads it."""
    import fpdf

    fonts = find_fonts()
    if fonts.fallback is None:
        pytest.skip("no CJK fallback font on this machine")
    loaded: list[str] = []
    add_font = fpdf.FPDF.add_font

    def counting(self: fpdf.FPDF, family: str, *args: object, **kwargs: object) -> None:
        loaded.append(family)
        add_font(self, family, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(fpdf.FPDF, "add_font", counting)
    ana = ctx_as(admin_ctx, "ana")
    _, latin = customer_with_inquiry(admin_ctx, "latin@buyers.example", name="Jürgen Weiß")
    _, cjk = customer_with_inquiry(admin_ctx, "cjk@buyers.example", name="张伟")
    latin_pdf = lois.loi_pdf(ana, lois.draft_loi(ana, inquiry_id=latin, data={"lines": [LINE]}).id)
    assert loaded == ["main"] and len(_embedded_fonts(latin_pdf)) == 1
    loaded.clear()
    cjk_pdf = lois.loi_pdf(ana, lois.draft_loi(ana, inquiry_id=cjk, data={"lines": [LINE]}).id)
    assert "cjk" in loaded and len(_embedded_fonts(cjk_pdf)) == 2
    assert "张伟" in _text(cjk_pdf)
