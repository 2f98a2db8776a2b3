"""The `attachments` field of inquiry and chat records: a list of {name, path} or {name, base64}.

In JSON Lines it is an array of objects; in CSV one cell holding that array as JSON. A name
must already be a plain file name (no folders, `..`, control or invisible characters): an
import file is ours to fix, so a hostile name is refused with the line, not silently changed.
Whether a path exists and a base64 field decodes is checked when the file is read in
(services.files.importing), with the same file, line and field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from inquiry_tui.domain import json_input
from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.domain.files import plain_name
from inquiry_tui.services.records.rules import RuleError

MAX_ATTACHMENTS = 50
_KEYS = {"name", "path", "base64"}


@dataclass(frozen=True)
class AttachmentSpec:
    name: str
    path: str | None = None  # relative to the import file's folder, or absolute
    base64: str | None = None


def attachments(value: Any) -> tuple[AttachmentSpec, ...]:
    """The rule of the `attachments` field."""
    if isinstance(value, str):
        try:
            value = json_input.loads(value)
        except json.JSONDecodeError as exc:
            raise RuleError(f"is not a JSON array of {{name, path}} or {{name, base64}} ({exc.msg})") from None
    if not isinstance(value, list):
        raise RuleError(f"expected a list of {{name, path}} or {{name, base64}}, got {type(value).__name__}")
    if len(value) > MAX_ATTACHMENTS:
        raise RuleError(f"at most {MAX_ATTACHMENTS} attachments per message, got {len(value)}")
    return tuple(_one(n, item) for n, item in enumerate(value, 1))


def _one(n: int, item: Any) -> AttachmentSpec:
    where = f"item {n}"
    if not isinstance(item, dict):
        raise RuleError(f"{where}: expected an object with name and path or base64")
    unknown = set(item) - _KEYS
    if unknown:
        raise RuleError(f"{where}: unknown key {sorted(unknown)[0]!r}; allowed: name, path, base64")
    name = item.get("name")
    if not isinstance(name, str):
        raise RuleError(f"{where}: name is missing")
    try:
        clean = plain_name(name)
    except ValidationError as exc:
        raise RuleError(f"{where}: {exc}") from None
    path, data = item.get("path"), item.get("base64")
    if (path is None) == (data is None):
        raise RuleError(f"{where}: give exactly one of path or base64")
    if path is not None and (not isinstance(path, str) or not path.strip()):
        raise RuleError(f"{where}: path must be a non-empty text")
    if data is not None and not isinstance(data, str):
        raise RuleError(f"{where}: base64 must be a text")
    return AttachmentSpec(clean, path.strip() if isinstance(path, str) else None, data)
