"""The one error shape of bad input: each bad field with what is wrong, and where it came from.

A file's error reads as one line naming file, line and field
(`inquiries.csv line 17, field received_at: 'yesterday' is not ...`); a form shows `errors`
beside each field, and its one-line form (CLI) names them all (`email: ...; stars: ...`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.domain.text import safe_line

__all__ = ["FieldErrors", "FileFormatError", "RecordError"]


class RecordError(ValidationError):
    """Bad input; `errors` maps each bad field ("" for the record or file as a whole) to its message."""

    def __init__(self, errors: Mapping[str, str], *, path: Path | str | None = None, line: int | None = None) -> None:
        self.errors = dict(errors)
        self.path = Path(path) if path is not None else None
        self.line = line
        self.field = next(iter(self.errors), "") or None
        super().__init__(self._describe())

    def _describe(self) -> str:
        if self.path is None:
            return "; ".join(f"{name}: {message}" if name else message for name, message in self.errors.items())
        where = self.path.name
        if self.line is not None:
            where += f" line {self.line}"
        if self.field:
            # The field's name can come from the file (an unknown column): its controls shown, never sent raw
            # (a vertical tab in a CSV header broke the one-line error in two).
            where += f", field {safe_line(self.field)}"
        return f"{where}: {next(iter(self.errors.values()), 'is not valid')}"


class FileFormatError(RecordError):
    """A bad file or record: `FileFormatError(path, line, field, message)`."""

    def __init__(self, path: Path | str, line: int | None, field: str | None, message: str) -> None:
        super().__init__({field or "": message}, path=path, line=line)


FieldErrors = RecordError
"""What the forms catch: `errors` holds a message per field."""
