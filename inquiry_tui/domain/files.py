"""Rules of the file store and the cloud disk: plain names, folder paths, sizes, the per-file limit and the quota."""

from __future__ import annotations

from dataclasses import dataclass

from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.domain.filenames import safe_filename

MB = 1024 * 1024
PRIVATE = "~"  # a folder path starting with `~` is a private folder: `~` your own, `~ana` ana's
MAX_FOLDER_DEPTH = 8
# What the file store's sniffing calls a program: shown with a warning whatever the file's name says.
EXECUTABLE_TYPES = frozenset(
    {"application/x-executable", "application/x-msdownload", "application/x-mach-binary", "application/x-sharedlib"}
)


def is_plain_name(name: str) -> bool:
    """NAME is already a plain file name: no folders, traversal, control or invisible characters, not blank."""
    return bool(name) and safe_filename(name) == name and name not in (".", "..")


def plain_name(name: str, what: str = "name") -> str:
    """NAME, trimmed, if it is a plain file name; otherwise a ValidationError saying why."""
    text = (name or "").strip()
    if not text:
        raise ValidationError(f"the {what} is empty")
    if not is_plain_name(text):
        shown = text.encode("unicode_escape").decode("ascii")[:80]
        raise ValidationError(
            f"the {what} '{shown}' is not a plain file name (no folders, '..', control or invisible characters)"
        )
    return text


@dataclass(frozen=True)
class FolderPath:
    """A place on the cloud disk: the shared library (`owner` None) or someone's private folder, and the folders below."""

    owner: str | None  # None: the shared library; "" the actor's own private folder; else that login's
    parts: tuple[str, ...]

    def __str__(self) -> str:
        head = "" if self.owner is None else PRIVATE + self.owner
        if not self.parts:
            return head or "/"
        return "/".join([head, *self.parts]) if head else "/".join(self.parts)


def parse_folder(text: str | None) -> FolderPath:
    """`Catalogues/2026` (shared), `~` or `~/Drafts` (your private folder), `~ana/Drafts` (ana's); `` or `/` the shared root."""
    raw = (text or "").strip().strip("/")
    owner: str | None = None
    pieces = [p for p in raw.split("/") if p.strip()] if raw else []
    if pieces and pieces[0].startswith(PRIVATE):
        owner = pieces.pop(0)[len(PRIVATE) :].strip()
    if len(pieces) > MAX_FOLDER_DEPTH:
        raise ValidationError(f"folder {raw[:80]!r} is deeper than {MAX_FOLDER_DEPTH} levels")
    return FolderPath(owner, tuple(plain_name(p, "folder name") for p in pieces))


def size_text(n: int) -> str:
    """A byte count for people: 512 B, 14.2 KB, 3.1 MB, 1.20 GB."""
    if n < 1024:
        return f"{n} B"
    if n < MB:
        return f"{n / 1024:.1f} KB"
    if n < 1024 * MB:
        return f"{n / MB:.1f} MB"
    return f"{n / (1024 * MB):.2f} GB"


def check_file_size(size: int, limit: int, what: str = "the file") -> None:
    """Refuse a file of SIZE bytes over the per-file LIMIT in bytes (setting files.max_mb)."""
    if size > limit:
        raise ValidationError(
            f"{what} is {size_text(size)}, over the limit of {size_text(limit)} per file (files.max_mb)"
        )


def check_quota(used: int, adding: int, quota_mb: int) -> None:
    """Refuse adding ADDING bytes to a disk holding USED when it would pass the quota (setting files.disk_quota_mb)."""
    quota = quota_mb * MB
    if used + adding > quota:
        raise ValidationError(
            f"the cloud disk is over its quota: {size_text(used)} of {quota_mb} MB used, the file is "
            f"{size_text(adding)}; delete files and empty the trash, or raise files.disk_quota_mb"
        )
