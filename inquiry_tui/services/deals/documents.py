"""An LOI or an order as a document: plain text (for a reply, the terminal) and PDF (fpdf2).

The PDF needs a font with the buyer's letters: accented Latin and CJK names must render. The
font is the file named by INQUIRY_TUI_FONT or the setting deals.font; otherwise DejaVu Sans
(Latin, Greek, Cyrillic) with Droid Sans Fallback for CJK (Debian's fonts-dejavu-core and
fonts-droid-fallback), or what fontconfig lists. No usable font is one clear error naming what to
install. Text from outside (names, descriptions, terms) goes through safe_text first, so
control and bidi characters show as visible placeholders in the PDF too, never as commands.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from inquiry_tui.domain import money
from inquiry_tui.domain.countries import country_name
from inquiry_tui.domain.deals import DealDoc
from inquiry_tui.domain.errors import InquiryError
from inquiry_tui.domain.filenames import user_path
from inquiry_tui.domain.text import safe_line, safe_text
from inquiry_tui.services.deals.views import Party

if TYPE_CHECKING:
    from fpdf import FPDF

ENV_FONT = "INQUIRY_TUI_FONT"
DEBIAN_FONTS = "fonts-dejavu-core fonts-droid-fallback"
LATIN_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
)
CJK_FONTS = (
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/google-droid-sans-fonts/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)


class FontMissing(InquiryError):
    """No font for PDF documents."""


@dataclass(frozen=True)
class Fonts:
    main: Path
    fallback: Path | None  # for characters the main font lacks (CJK)


@dataclass(frozen=True)
class Document:
    """What a document shows besides the deal's own content."""

    title: str  # "Letter of intent" | "Order"
    reference: str  # "LOI 12, version 3" | "Order SO-20261123-12"
    status: str
    date: datetime
    seller: str
    buyer: Party
    doc: DealDoc


def _usable(path: str | Path) -> Path | None:
    p = user_path(path)
    return p if p.is_file() and p.suffix.lower() in (".ttf", ".otf") else None


def _fc_list(spec: str) -> list[str]:
    if shutil.which("fc-list") is None:
        return []
    try:
        out = subprocess.run(["fc-list", spec, "file"], capture_output=True, text=True, timeout=10, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted(line.split(":", 1)[0].strip() for line in out.splitlines() if line.strip())


@lru_cache(maxsize=8)
def find_fonts(configured: str = "") -> Fonts:
    """The fonts for PDFs: INQUIRY_TUI_FONT, else CONFIGURED (deals.font), else the system's."""
    chosen = os.environ.get(ENV_FONT, "").strip() or configured.strip()
    if chosen:
        path = _usable(chosen)
        if path is None:
            source = ENV_FONT if os.environ.get(ENV_FONT, "").strip() else "deals.font"
            raise FontMissing(f"{source}: {chosen!r} is not a readable .ttf or .otf font file")
        return Fonts(path, None)
    latin = next((p for p in map(_usable, LATIN_FONTS) if p), None)
    cjk = next((p for p in map(_usable, CJK_FONTS) if p), None)
    if latin is None:
        latin = next((p for p in map(_usable, _fc_list(":lang=de:spacing=proportional")) if p), None)
    if cjk is None:
        cjk = next((p for p in map(_usable, _fc_list(":lang=zh-cn")) if p), None)
    main = latin or cjk
    if main is None:
        raise FontMissing(
            f"no font for PDF documents: install {DEBIAN_FONTS} (Debian/Ubuntu), "
            f"or set {ENV_FONT} (or deals.font) to a .ttf file with the buyers' letters"
        )
    return Fonts(main, cjk if cjk != main else None)


# --- plain text --------------------------------------------------------------------------------


def _buyer_line(b: Party) -> str:
    who = safe_line(b.name) or safe_line(b.email)
    if b.company:
        who += f", {safe_line(b.company)}"
    who += f" <{safe_line(b.email)}>"
    if b.country:
        who += f" ({country_name(b.country) or b.country})"
    return who


def _shipping(doc: DealDoc) -> str:
    s = doc.shipping
    parts = [safe_line(s.incoterm)] if s.incoterm else []
    if s.port:
        parts.append(f"port of loading {safe_line(s.port)}")
    if s.destination:
        dest = safe_line(s.destination)
        parts.append(f"to {country_name(dest) if len(dest) == 2 and country_name(dest) else dest}")
    if s.ship_by:
        parts.append(f"ship by {s.ship_by.isoformat()}")
    return ", ".join(parts) or "to be agreed"


def _payment(doc: DealDoc) -> str:
    p = doc.payment
    parts = [safe_line(p.method)] if p.method else []
    deposit = doc.deposit()
    if p.deposit_percent is not None and deposit is not None:
        parts.append(f"deposit {money.text(p.deposit_percent)}% ({money.shown(deposit, doc.currency)})")
    return ", ".join(parts) or "to be agreed"


def line_rows(doc: DealDoc) -> list[tuple[str, str, str, str, str, str, str]]:
    """(n, SKU, description, quantity, unit, unit price, amount) of each line, as shown."""
    code = doc.currency
    return [
        (
            str(n),
            safe_line(line.sku),
            safe_line(line.description),
            f"{line.quantity.normalize():,f}",
            safe_line(line.unit),
            f"{money.quantize(line.unit_price, code):,.{money.minor_units(code)}f}",
            f"{amount:,.{money.minor_units(code)}f}",
        )
        for n, (line, amount) in enumerate(zip(doc.lines, doc.amounts()), 1)
    ]


def render_text(d: Document) -> str:
    """The document as plain text (made safe): the body of the message that sends an LOI."""
    doc = d.doc
    out = [
        f"{d.title.upper()} — {d.reference}",
        f"Date: {d.date:%Y-%m-%d}   Status: {d.status}",
        f"Seller: {safe_line(d.seller)}",
        f"Buyer: {_buyer_line(d.buyer)}",
        "",
        f"Subject: {safe_line(doc.subject) or '—'}",
        "",
    ]
    headers = ("#", "SKU", "Description", "Qty", "Unit", "Unit price", "Amount")
    rows = line_rows(doc)
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    right = {0, 3, 5, 6}

    def fmt(cells: tuple[str, ...]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))
        ).rstrip()

    out.append(fmt(headers))
    out.extend(fmt(r) for r in rows)
    out.append(f"Total: {money.shown(doc.total(), doc.currency)}")
    out += ["", f"Shipping: {_shipping(doc)}", f"Payment: {_payment(doc)}"]
    if doc.contacts.seller or doc.contacts.buyer:
        out.append(
            f"Contacts: seller {safe_line(doc.contacts.seller) or '—'}; buyer {safe_line(doc.contacts.buyer) or '—'}"
        )
    if doc.terms.strip():
        out += ["", "Terms:", safe_text(doc.terms)]
    return "\n".join(out) + "\n"


# --- PDF ---------------------------------------------------------------------------------------


# safe_text shows a control character as its Control Pictures glyph (ESC as U+241B), which the
# usual text fonts lack; in a PDF it is written as its code point instead, in brackets they have.
_PICTURES = {c: f"⟨U+{c - 0x2400:04X}⟩" for c in range(0x2400, 0x2420)} | {0x2421: "⟨U+007F⟩"}


def _pdf_text(text: str) -> str:
    return text.translate(_PICTURES)


def render_pdf(d: Document, fonts: Fonts) -> bytes:
    """The document as a PDF a buyer can open (A4, the fonts embedded as subsets).

    Drawn with the main font alone first, and again with the fallback only when the main font lacks a
    character: loading the CJK fallback (some 4 MB of glyphs) costs ten times the main font, and most
    documents need none of it.
    """
    import logging

    logging.getLogger("fpdf").setLevel(logging.ERROR)  # a glyph no font has is drawn as a box, not reported
    pdf = _drawn(d, fonts.main, None)
    if fonts.fallback is not None and _lacked_glyphs(pdf):
        pdf = _drawn(d, fonts.main, fonts.fallback)
    return bytes(pdf.output())


def _lacked_glyphs(pdf: FPDF) -> bool:
    """Whether PDF's main font lacked a character it was asked to draw (fpdf notes each one as it draws)."""
    from fpdf.fonts import TTFFont

    main = pdf.fonts["main"]
    return isinstance(main, TTFFont) and bool(main.missing_glyphs)


def _drawn(d: Document, main: Path, fallback: Path | None) -> FPDF:
    """The document laid out on A4 with MAIN, and FALLBACK for the characters MAIN lacks when given."""
    from fpdf import FPDF  # imported here: only documents need it
    from fpdf.enums import XPos, YPos
    from fpdf.fonts import FontFace

    pdf = FPDF(format="A4")
    pdf.set_title(f"{d.title} {d.reference}")
    pdf.set_creator("inquiry-tui")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font("main", "", str(main))
    families = ["main"]
    if fallback is not None:
        pdf.add_font("cjk", "", str(fallback))
        pdf.set_fallback_fonts(["cjk"], exact_match=False)
    pdf.add_page()
    doc = d.doc
    code = doc.currency

    def para(text: str, size: float = 10, height: float = 5.5) -> None:
        pdf.set_font(families[0], size=size)
        pdf.multi_cell(0, height, _pdf_text(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    para(f"{d.title} — {d.reference}", size=16, height=9)
    para(f"Date: {d.date:%Y-%m-%d}    Status: {d.status}")
    para(f"Seller: {safe_line(d.seller)}")
    para(f"Buyer: {_buyer_line(d.buyer)}")
    pdf.ln(3)
    para(f"Subject: {safe_line(doc.subject) or '—'}", size=12, height=7)
    pdf.ln(2)
    pdf.set_font(families[0], size=9)
    with pdf.table(
        col_widths=(6, 22, 62, 18, 12, 22, 26),
        text_align=("RIGHT", "LEFT", "LEFT", "RIGHT", "LEFT", "RIGHT", "RIGHT"),
        first_row_as_headings=True,
        headings_style=FontFace(emphasis="", fill_color=(230, 230, 230)),  # one weight: no bold face is needed
    ) as table:
        header = table.row()
        for title in ("#", "SKU", "Description", "Qty", "Unit", f"Unit price ({code})", f"Amount ({code})"):
            header.cell(title)
        for cells in line_rows(doc):
            row = table.row()
            for cell in cells:
                row.cell(_pdf_text(cell))
    pdf.ln(2)
    pdf.set_font(families[0], size=12)
    pdf.cell(0, 7, f"Total: {money.shown(doc.total(), code)}", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    para(f"Shipping: {_shipping(doc)}")
    para(f"Payment: {_payment(doc)}")
    if doc.contacts.seller or doc.contacts.buyer:
        para(f"Contacts: seller {safe_line(doc.contacts.seller) or '—'}; buyer {safe_line(doc.contacts.buyer) or '—'}")
    if doc.terms.strip():
        pdf.ln(2)
        para("Terms", size=11, height=6)
        para(safe_text(doc.terms))
    return pdf


def total_text(total: Decimal, code: str) -> str:
    return money.shown(total, code)
