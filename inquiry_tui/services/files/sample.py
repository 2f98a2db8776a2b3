"""The sample company's files (`seed --sample`): a small cloud disk library and a few attachments on chats and inquiries.

Made from bytes written here (a one-page PDF, a PNG, a CSV price list), so the package ships no
binary files; deterministic, and idempotent (a second seed adds nothing).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.files import disk
from inquiry_tui.services.files.attachments import attach
from inquiry_tui.store.core import table_of
from inquiry_tui.store.models import Attachment, DiskFile, Inquiry, Message

_df = table_of(DiskFile)


def pdf(title: str) -> bytes:
    """A valid one-page PDF showing TITLE (ASCII)."""
    text = title.replace("\\", "").replace("(", "").replace(")", "")
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A plain PNG of one colour."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


LIBRARY: tuple[tuple[str, str, Callable[[], bytes]], ...] = (
    ("Catalogues", "Brightway LED catalogue 2026.pdf", lambda: pdf("Brightway LED Lighting - Catalogue 2026")),
    (
        "Catalogues",
        "Price list FOB Ningbo.csv",
        lambda: b"sku,name,usd_fob\nDL-12W,Downlight 12W,2.10\nFL-100W,Floodlight 100W,11.80\n",
    ),
    ("Certificates", "CE certificate.pdf", lambda: pdf("CE Declaration of Conformity")),
    ("Certificates", "RoHS test report.pdf", lambda: pdf("RoHS Test Report")),
    ("Photos", "Factory floor.png", lambda: png(64, 40, (200, 170, 60))),
    ("Photos", "Floodlight FL-100W.png", lambda: png(48, 48, (40, 90, 160))),
)


@dataclass(frozen=True)
class SampleFiles:
    disk_files: int
    attachments: int


def seed_files(ctx: Ctx) -> SampleFiles:
    """The library on the disk, and the catalogue and a drawing on a few threads (once)."""
    with ctx.read() as session:
        if session.execute(select(_df.c.id).limit(1)).first() is not None:
            return SampleFiles(0, 0)
    added = [disk.add_data(ctx, make(), name, folder) for folder, name, make in LIBRARY]
    catalogue = added[0]
    attached = 0
    with ctx.write() as session:
        inq, msg, att = table_of(Inquiry), table_of(Message), table_of(Attachment)
        if session.execute(select(att.c.id).limit(1)).first() is not None:
            return SampleFiles(len(added), 0)
        outgoing = session.execute(
            select(msg.c.id, msg.c.sent_at)
            .join(inq, inq.c.id == msg.c.inquiry_id)
            .where(msg.c.direction == "out", inq.c.channel == "tm")
            .order_by(msg.c.sent_at.desc())
            .limit(3)
        ).all()
        drawing = png(80, 50, (230, 230, 230))
        incoming = session.execute(
            select(msg.c.id, msg.c.sent_at)
            .join(inq, inq.c.id == msg.c.inquiry_id)
            .where(msg.c.direction == "in", inq.c.channel == "inquiry")
            .order_by(msg.c.sent_at.desc())
            .limit(3)
        ).all()
        for message_id, sent_at in outgoing:
            attach(
                session,
                ctx.url,
                message_id,
                catalogue.name,
                pdf("Brightway LED Lighting - Catalogue 2026"),
                at=sent_at,
                by=None,
            )
            attached += 1
        for n, (message_id, sent_at) in enumerate(incoming, 1):
            attach(session, ctx.url, message_id, f"site drawing {n}.png", drawing, at=sent_at, by=None)
            attached += 1
    return SampleFiles(len(added), attached)
