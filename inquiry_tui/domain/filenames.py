"""File names from outside (attachments, uploads) made safe to store, show and write out.

A name is only a label: files are kept by content hash, never under the name they came with.
Still, a name is shown in the thread and suggested when a file is saved, so it must not carry
a path (`../../etc/passwd`, `C:\\x`), control or invisible characters, or be empty or a dot name.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

MAX_NAME_BYTES = 255  # what common file systems allow for one name
FALLBACK = "file"


def user_path(given: str | os.PathLike[str]) -> Path:
    """A path a person gave (a dialog, a setting, `--db`), with a leading `~` or `~user` expanded.

    `~name` of no known user stays as written, as the shell leaves it: pathlib's `expanduser`
    raises there instead, which would end a command or a dialog with a traceback.
    """
    return Path(os.path.expanduser(given))


# Controls (C0, DEL, C1), bidi marks and overrides, zero-width and other invisible format
# characters (Unicode category Cc/Cf), and line/paragraph separators.
_BAD_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
_SEPARATORS = re.compile(r"[\\/]+")
_SPACES = re.compile(r"\s+")


def safe_filename(name: str | None) -> str:
    """NAME as a plain file name: no directories, no control or invisible characters.

    The last path component is kept (`a/b/c.pdf` -> `c.pdf`, `..\\..\\x.exe` -> `x.exe`),
    unsafe characters are dropped, runs of white space become one space, leading dots and
    spaces go (no hidden or dot names), and the name is cut to 255 UTF-8 bytes keeping its
    extension. Nothing usable left gives "file". Idempotent.
    """
    text = unicodedata.normalize("NFC", name or "")
    text = _SEPARATORS.split(text)[-1] if text else ""
    # White space of any kind (a line break, a tab) reads as a space; other unsafe characters go.
    text = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or (unicodedata.category(ch) not in _BAD_CATEGORIES and ch != ":")
    )
    text = _SPACES.sub(" ", text).strip().lstrip(". ").rstrip(" .")
    if not text:
        return FALLBACK
    return _cut(text)


def _cut(text: str) -> str:
    if len(text.encode("utf-8")) <= MAX_NAME_BYTES:
        return text
    stem, dot, ext = text.rpartition(".")
    if not dot or not stem or len(ext) > 16:
        stem, ext = text, ""
    suffix = f".{ext}" if ext else ""
    budget = MAX_NAME_BYTES - len(suffix.encode("utf-8"))
    cut = stem.encode("utf-8")[:budget].decode("utf-8", errors="ignore").rstrip(" .")
    return (cut or FALLBACK) + suffix
