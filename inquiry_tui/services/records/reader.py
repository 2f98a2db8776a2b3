"""Reading import files (JSON Lines or CSV) into records, and typed field access with one-line errors.

Both formats carry the same columns; CSV flattens nested keys as `buyer.email`, which
`iter_records` turns back into nested dicts, so callers see one shape. Accepted: UTF-8 with or
without a BOM, LF or CRLF line ends, newlines inside quoted CSV cells (a record's line is the
line it starts on). Anything else (not UTF-8, bad JSON, a line that is not a JSON object, a
CSV row with more cells than the header) is a `FileFormatError` naming the file and the line.

An empty CSV cell and a JSON null are both a missing value (None).

Usage (importers):

    for record in iter_records(path):
        f = Fields(path, record)
        email = f.required_str("buyer.email")
        at = f.time("received_at")
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from inquiry_tui.domain.countries import normalize_country
from inquiry_tui.domain.errors import ValidationError

__all__ = ["FORMATS", "Fields", "FileFormatError", "Record", "file_format", "iter_records", "read_records"]

FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}
_BOM = b"\xef\xbb\xbf"
_TRUE = {"true", "1", "yes", "y", "on"}
_FALSE = {"false", "0", "no", "n", "off"}


@dataclass(frozen=True)
class Record:
    """One record of a file: the line it starts on and its (nested) fields."""

    line: int
    data: dict[str, Any]


class FileFormatError(ValidationError):
    """A bad file: `inquiries.csv line 17, field received_at: 'yesterday' is not ...`."""

    def __init__(self, path: Path | str, line: int | None, field: str | None, message: str) -> None:
        self.path, self.line, self.field = Path(path), line, field
        where = Path(path).name
        if line is not None:
            where += f" line {line}"
        if field:
            where += f", field {field}"
        super().__init__(f"{where}: {message}")


def file_format(path: Path) -> str:
    """'jsonl' or 'csv' from the file name; anything else is an error that says what is accepted."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise FileFormatError(path, None, None, "unknown file type; use .jsonl (JSON Lines) or .csv")
    return fmt


def read_records(path: Path) -> list[Record]:
    """Every record of a .jsonl or .csv file (see iter_records for large files)."""
    return list(iter_records(path))


def iter_records(path: Path) -> Iterator[Record]:
    """Records one by one, so a million-line file never sits in memory at once."""
    fmt = file_format(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise FileFormatError(path, None, None, f"cannot be read ({exc.strerror or exc})") from None
    with handle:
        yield from (_jsonl(path, handle) if fmt == "jsonl" else _csv(path, handle))


def _decode(path: Path, number: int, raw: bytes) -> str:
    if number == 1 and raw.startswith(_BOM):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FileFormatError(
            path,
            number,
            None,
            f"is not UTF-8 text (byte 0x{raw[exc.start]:02x} at column {exc.start + 1}); save the file as UTF-8",
        ) from None


def _jsonl(path: Path, handle: BinaryIO) -> Iterator[Record]:
    for number, raw in enumerate(handle, 1):
        text = _decode(path, number, raw)
        if not text.strip():
            continue
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise FileFormatError(path, number, None, f"is not valid JSON ({exc.msg} at column {exc.colno})") from None
        if not isinstance(data, dict):
            raise FileFormatError(path, number, None, f"is not a JSON object (got {type(data).__name__})")
        yield Record(number, data)


def _csv(path: Path, handle: BinaryIO) -> Iterator[Record]:
    def lines() -> Iterator[str]:
        # Decoded line by line (ends kept, like newline=''), so a bad byte names its own line.
        for number, raw in enumerate(handle, 1):
            yield _decode(path, number, raw)

    reader = csv.reader(lines(), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            return
        names = [h.strip() for h in header]
        if any(not n for n in names) or len(set(names)) != len(names):
            raise FileFormatError(path, 1, None, "the header needs distinct, non-empty column names")
        start = reader.line_num + 1
        for row in reader:
            if any(cell.strip() for cell in row):
                if len(row) > len(names):
                    raise FileFormatError(path, start, None, f"has {len(row)} cells but the header has {len(names)}")
                yield Record(start, _unflatten(names, row))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise FileFormatError(path, reader.line_num, None, f"is not valid CSV ({exc})") from None


def _unflatten(names: Sequence[str], row: Sequence[str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, cell in zip(names, row):
        value: Any = cell if cell != "" else None
        if "." in name:
            head, _, rest = name.partition(".")
            node = data.setdefault(head, {})
            if isinstance(node, dict):
                node[rest] = value
        else:
            data[name] = value
    return data


_MISSING = object()


class Fields:
    """Typed getters over one record; a bad value raises FileFormatError naming file, line and field.

    Dotted names reach into nested objects (`buyer.email`). Getters with `default` make the
    field optional: a missing or null value gives the default.
    """

    def __init__(self, path: Path, record: Record) -> None:
        self.path, self.record = path, record

    def error(self, name: str, message: str) -> FileFormatError:
        return FileFormatError(self.path, self.record.line, name, message)

    def refuse_unknown(self, allowed: frozenset[str]) -> None:
        """Refuse a column outside ALLOWED (dotted for nested keys): a misspelt optional column
        would otherwise be dropped without a word."""
        groups = {name.partition(".")[0] for name in allowed if "." in name}
        names: list[str] = []
        for key, value in self.record.data.items():
            if isinstance(value, dict):
                names.extend(f"{key}.{sub}" for sub in value)
            elif key not in groups:  # a group given as a non-object is the getters' error to name
                names.append(key)
        unknown = sorted(name for name in names if name not in allowed)
        if unknown:
            raise self.error(unknown[0], f"unknown column; allowed: {', '.join(sorted(allowed))}")

    def raw(self, name: str) -> Any:
        node: Any = self.record.data
        for part in name.split("."):
            if not isinstance(node, dict) or node.get(part) is None:
                return None
            node = node[part]
        return node

    def _value(self, name: str, default: Any) -> Any:
        value = self.raw(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if default is _MISSING:
                raise self.error(name, "is missing")
            return default
        return value

    def required_str(self, name: str, *, max_len: int = 100_000) -> str:
        return self.text(name, max_len=max_len)

    def text(self, name: str, default: Any = _MISSING, *, max_len: int = 100_000) -> Any:
        """A string (JSON numbers are accepted as their text); required unless `default` is given."""
        value = self._value(name, default)
        if value is default and default is not _MISSING:
            return value
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise self.error(name, f"expected text, got {type(value).__name__}")
        out = str(value)
        if len(out) > max_len:
            raise self.error(name, f"is longer than {max_len} characters")
        return out

    def time(self, name: str, default: Any = _MISSING) -> Any:
        """An ISO 8601 time with a zone (`2026-11-23T09:30:00Z`, `...+08:00`), returned in UTC."""
        value = self._value(name, default)
        if value is default and default is not _MISSING:
            return value
        try:
            parsed = datetime.fromisoformat(str(value))
        except ValueError:
            parsed = None
        if parsed is None or parsed.tzinfo is None or parsed.utcoffset() is None:
            raise self.error(
                name, f"{str(value)[:60]!r} is not an ISO 8601 time with a zone (e.g. 2026-11-23T09:30:00Z)"
            )
        return parsed.astimezone(UTC)

    def boolean(self, name: str, default: Any = _MISSING) -> Any:
        value = self._value(name, default)
        if isinstance(value, bool) or value is default:
            return value
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise self.error(name, f"{str(value)[:40]!r} is not true or false")

    def integer(self, name: str, low: int, high: int, default: Any = _MISSING) -> Any:
        value = self._value(name, default)
        if value is default and default is not _MISSING:
            return value
        try:
            number = int(str(value).strip()) if not isinstance(value, bool) else None
        except ValueError:
            number = None
        if number is None or not low <= number <= high:
            raise self.error(name, f"{str(value)[:40]!r} is not a whole number from {low} to {high}")
        return number

    def number(self, name: str, default: Any = _MISSING) -> Any:
        """A non-negative number (quantities)."""
        value = self._value(name, default)
        if value is default and default is not _MISSING:
            return value
        try:
            number = float(str(value).strip()) if not isinstance(value, bool) else -1.0
        except ValueError:
            number = -1.0
        if not 0 <= number < 1e15:
            raise self.error(name, f"{str(value)[:40]!r} is not a number of 0 or more")
        return number

    def country(self, name: str, default: Any = _MISSING) -> Any:
        """An ISO 3166-1 alpha-2 code, upper-cased."""
        value = self._value(name, default)
        if value is default and default is not _MISSING:
            return value
        try:
            return normalize_country(str(value))
        except ValidationError:
            raise self.error(
                name, f"{str(value)[:40]!r} is not an ISO 3166-1 alpha-2 country code (e.g. DE, US)"
            ) from None

    def one_of(self, name: str, allowed: Sequence[str], default: Any = _MISSING) -> Any:
        value = self._value(name, default)
        if value is default and default is not _MISSING:
            return value
        text = str(value).strip()
        if text not in allowed:
            raise self.error(name, f"{text[:40]!r} is not allowed; allowed: {', '.join(allowed)}")
        return text

    def text_list(self, name: str) -> list[str]:
        """A JSON array of strings, or (CSV) one cell of values separated by ';' or ','."""
        value = self.raw(name)
        if value is None:
            return []
        if isinstance(value, list):
            if not all(isinstance(v, str) for v in value):
                raise self.error(name, "expected a list of text values")
            return [v.strip() for v in value if v.strip()]
        if isinstance(value, str):
            sep = ";" if ";" in value else ","
            return [v.strip() for v in value.split(sep) if v.strip()]
        raise self.error(name, f"expected a list, got {type(value).__name__}")
