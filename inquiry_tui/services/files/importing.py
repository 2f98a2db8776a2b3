"""Attachments of an import file: read in (staged) as each record is checked, put on messages as they are written.

`Stager` reads each record's `attachments` (a path, relative to the import file's folder, or
base64) into the file store's staging folder at once, so an import holds at most one file in
memory whatever its size; errors name the import file, its line and the field. Staged files
are not fsynced one by one: the arrival pipeline commits them with their attachment rows in
the import's transaction through blobs.commit_many, which fsyncs them in a batch before they
get their names and each folder once before the transaction commits.
If the import fails, `close` drops what was staged and removes the files this import moved
into place that no row names (nothing is half-stored).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection

from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.domain.filenames import user_path
from inquiry_tui.domain.files import MB
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.files import blobs
from inquiry_tui.services.files.attachments import attach_staged
from inquiry_tui.services.records.errors import FileFormatError
from inquiry_tui.services.records.files import AttachmentSpec
from inquiry_tui.store.queries.files import known_hashes, lock_files


@dataclass(frozen=True)
class StagedAttachment:
    name: str
    staged: blobs.Staged


class Stager:
    """The attachments of one import (see the module docstring)."""

    def __init__(self, ctx: Ctx, *, max_mb: int) -> None:
        self.ctx = ctx
        self.max_bytes = max_mb * MB
        self._root: Path | None = None
        self.staged: list[blobs.Staged] = []
        self.created: list[str] = []  # hashes this import moved into place
        self.count = 0
        self.bytes = 0

    @property
    def root(self) -> Path:
        if self._root is None:
            self._root = blobs.files_dir(self.ctx.url)
        return self._root

    def stage(self, specs: Sequence[AttachmentSpec], *, source: Path | None, line: int) -> tuple[StagedAttachment, ...]:
        out = []
        for n, spec in enumerate(specs, 1):
            try:
                if spec.path is not None:
                    path = user_path(spec.path)
                    if not path.is_absolute() and source is not None:
                        path = source.parent / path
                    staged = blobs.stage_path(self.root, path, max_bytes=self.max_bytes, sync=False)
                else:
                    assert spec.base64 is not None  # the record's rule: exactly one of path and base64
                    staged = blobs.stage_base64(
                        self.root, spec.base64, max_bytes=self.max_bytes, what=spec.name, sync=False
                    )
            except ValidationError as exc:
                message = f"item {n} ({spec.name}): {exc}"
                if source is not None:
                    raise FileFormatError(source, line, "attachments", message) from None
                raise ValidationError(f"arrival {line}, field attachments: {message}") from None
            self.staged.append(staged)
            out.append(StagedAttachment(spec.name, staged))
        return tuple(out)

    def attach(self, conn: Connection, rows: Sequence[tuple[int, StagedAttachment]], *, at: datetime) -> None:
        """Commit the staged files of ROWS (message id, staged attachment) in CONN's transaction."""
        if not rows:
            return
        for _, a in rows:
            if not blobs.blob_path(self.root, a.staged.info.sha256).is_file():
                self.created.append(a.staged.info.sha256)
        self.count += attach_staged(conn, self.root, [(m, a.name, a.staged) for m, a in rows], at=at, by=None)
        self.bytes += sum(a.staged.info.size for _, a in rows)

    def close(self, *, failed: bool) -> None:
        """Drop what is still staged; after a failed import, remove the files it placed that no row names."""
        for staged in self.staged:
            blobs.discard(staged)
        self.staged.clear()
        if failed and self.created:
            with self.ctx.engine.begin() as conn:
                lock_files(conn, exclusive=True)
                known = known_hashes(conn, self.created)
                for sha in set(self.created) - known:
                    blobs.blob_path(self.root, sha).unlink(missing_ok=True)
            self.created.clear()
