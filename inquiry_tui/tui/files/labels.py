"""How a file is shown: its (untrusted) name as literal text, its size and its real (sniffed) type."""

from __future__ import annotations

from rich.text import Span, Text

from inquiry_tui.domain.files import EXECUTABLE_TYPES, size_text
from inquiry_tui.domain.text import safe_line, truncate

KINDS = {
    "application/pdf": "PDF",
    "image/png": "PNG image",
    "image/jpeg": "JPEG image",
    "image/gif": "GIF image",
    "image/webp": "WebP image",
    "video/mp4": "MP4 video",
    "video/quicktime": "QuickTime video",
    "text/plain": "text",
    "text/csv": "CSV",
    "application/zip": "ZIP archive",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel workbook",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint",
}


def kind_of(mime: str) -> str:
    """A short name of a media type for people ("PDF", "JPEG image"), or the type itself."""
    if mime in EXECUTABLE_TYPES:
        return "program (executable)"
    return KINDS.get(mime, mime)


def attachment_line(name: str, size: int, mime: str, *, width: int = 60) -> Text:
    """`  📎 drawing.pdf · 1.2 MB · PDF`, with a warning when the content is a program whatever its name."""
    line = Text("  📎 ", style="cyan")
    line.append(truncate(safe_line(name), width), style="bold")
    line.append(f" · {size_text(size)} · ", style="dim")
    if mime in EXECUTABLE_TYPES:
        line.append("⚠ " + kind_of(mime), style="bold red")
    else:
        line.append(kind_of(mime), style="dim")
    line.append("\n")
    return line


def append_attachment_line(out: Text, name: str, size: int, mime: str, *, width: int = 60) -> None:
    """`out.append_text(attachment_line(...))` without the Text in between (a thread may list many)."""
    shown = truncate(safe_line(name), width)
    middle = f" · {size_text(size)} · "
    kind, kind_style = ("⚠ " + kind_of(mime), "bold red") if mime in EXECUTABLE_TYPES else (kind_of(mime), "dim")
    start = len(out)
    # attachment_line's base style, under its other styles as append_text puts it
    out.spans.append(Span(start, start + 4 + len(shown) + len(middle) + len(kind) + 1, "cyan"))
    out.append("  📎 ")
    out.append(shown, style="bold")
    out.append(middle, style="dim")
    out.append(kind, style=kind_style)
    out.append("\n")
