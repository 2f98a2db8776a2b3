"""Reading import files (JSON Lines or CSV) into records; the records' models check them (records.validate).

Both formats carry the same columns; CSV flattens nested keys as `buyer.email`, which
`iter_records` turns back into nested dicts, so callers see one shape. Accepted: UTF-8 with or
without a BOM, LF or CRLF line ends, newlines inside quoted CSV cells (a record's line is the
line it starts on). Anything else (not UTF-8, bad JSON, a line that is not a JSON object, a
CSV row with more cells than the header) is a `FileFormatError` naming the file and the line.

An empty CSV cell and a JSON null are both a missing value (None).

Usage (importers):

    for record in iter_records(path):
        inquiry = check_record(InquiryRecord, path, record)  # RecordError names file, line and field
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from inquiry_tui.domain import json_input
from inquiry_tui.services.records.errors import FileFormatError

__all__ = ["FORMATS", "FileFormatError", "Record", "file_format", "iter_records", "read_records", "reading_progress"]

FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}
_BOM = b"\xef\xbb\xbf"
# A lone surrogate in parsed JSON can only come from a `\uD800`-`\uDFFF` escape (UTF-8 text cannot hold
# one): lines without such an escape skip the walk over every value (json_input.lone_surrogate).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


@dataclass(frozen=True)
class Record:
    """One record of a file: the line it starts on and its (nested) fields."""

    line: int
    data: dict[str, Any]


def file_format(path: Path) -> str:
    """'jsonl' or 'csv' from the file name; anything else is an error that says what is accepted."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise FileFormatError(path, None, None, "unknown file type; use .jsonl (JSON Lines) or .csv")
    return fmt


def read_records(path: Path) -> list[Record]:
    """Every record of a .jsonl or .csv file (see iter_records for large files)."""
    return list(iter_records(path))


Progress = Callable[[str, int, int], None]  # (part, done, total), as cli/progress.py draws it
_READING: ContextVar[Progress | None] = ContextVar("inquiry_tui_reading_progress", default=None)
READ_EVERY = 1_000  # records between two reports of the bytes read


@contextmanager
def reading_progress(report: Progress | None) -> Iterator[None]:
    """While inside, every file read by `iter_records` reports ("reading NAME", bytes read, file size) to REPORT.

    For import commands that report nothing themselves (`import inquiries` reports checking and
    importing): a command's CLI can wrap its service call in it with `cli/progress.progress_bar`'s callback."""
    token = _READING.set(report)
    try:
        yield
    finally:
        _READING.reset(token)


def iter_records(path: Path) -> Iterator[Record]:
    """Records one by one, so a million-line file never sits in memory at once."""
    fmt = file_format(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise FileFormatError(path, None, None, f"cannot be read ({exc.strerror or exc})") from None
    report = _READING.get()
    with handle:
        records = _jsonl(path, handle) if fmt == "jsonl" else _csv(path, handle)
        if report is None:
            yield from records
            return
        label, size = f"reading {path.name}", os.fstat(handle.fileno()).st_size
        for n, record in enumerate(records, 1):
            if n % READ_EVERY == 0:
                report(label, handle.tell(), size)
            yield record
        report(label, size, size)


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


def jsonl_records(path: Path, handle: BinaryIO, first_line: int = 1) -> Iterator[Record]:
    """The records of JSON Lines read from HANDLE, whose first line is line FIRST_LINE of PATH
    (a part of a big file read in a worker process: services/arrivals/checking.py)."""
    return _jsonl(path, handle, first_line)


def _jsonl(path: Path, handle: BinaryIO, first_line: int = 1) -> Iterator[Record]:
    for number, raw in enumerate(handle, first_line):
        text = _decode(path, number, raw)
        if not text.strip():
            continue
        try:
            data = json_input.loads(text)
        except json.JSONDecodeError as exc:
            raise FileFormatError(path, number, None, f"is not valid JSON ({exc.msg} at column {exc.colno})") from None
        if not isinstance(data, dict):
            raise FileFormatError(path, number, None, f"is not a JSON object (got {type(data).__name__})")
        bad = json_input.lone_surrogate(data) if _SURROGATE_ESCAPE.search(text) else None
        if bad is not None:  # "\ud800" is valid JSON but not text: no file or store could hold it
            raise FileFormatError(
                path, number, bad or None, "holds a lone surrogate (a \\uD800-style escape), not text"
            )
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
