"""`attachment list|save` and `disk add|list|rm|restore|mv|rename|mkdir|usage|save|empty-trash|purge` (docs/cli.md)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from inquiry_tui.cli.common import echo_rows, state
from inquiry_tui.domain.files import size_text
from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.services.files import attachments, disk
from inquiry_tui.services.files.purge import purge_files

attachment_app = typer.Typer(help="Files on messages: list an inquiry's, save one.", no_args_is_help=True)
disk_app = typer.Typer(
    help="The cloud disk: the company's file library (shared and private folders).", no_args_is_help=True
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON (stable keys, see docs/cli.md).")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Overwrite PATH if it exists.")]
FolderOpt = Annotated[
    str | None,
    typer.Option("--folder", help="e.g. Catalogues/2026 (shared), ~ or ~/Drafts (your private folder), ~ana (admin)."),
]


def dumps(value: Any) -> str:
    # ensure_ascii (the default): names from outside are escaped, never raw control or bidi characters.
    return json.dumps(value, indent=2, sort_keys=True, default=_default)


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


# --- attachment --------------------------------------------------------------------------------


@attachment_app.command("list")
def attachment_list(inquiry_id: int, as_json: JsonOpt = False) -> None:
    """The attachments of one inquiry (yours, or any for the admin): id, name, size, type, sha256."""
    rows = attachments.list_attachments(state.ctx(), inquiry_id)
    if as_json:
        typer.echo(
            dumps(
                [
                    {
                        "id": r.id,
                        "inquiry_id": r.inquiry_id,
                        "message_id": r.message_id,
                        "direction": r.direction,
                        "sent_at": r.sent_at,
                        "name": r.name,
                        "size": r.size,
                        "type": r.mime,
                        "sha256": r.sha256,
                    }
                    for r in rows
                ]
            )
        )
        return
    if not rows:
        typer.echo(f"inquiry {inquiry_id} has no attachments")
        return
    echo_rows(
        [
            [str(r.id), truncate(safe_line(r.name), 40), size_text(r.size), r.mime, r.direction, r.sha256[:12]]
            for r in rows
        ],
        ["ID", "NAME", "SIZE", "TYPE", "FROM", "SHA256"],
    )


@attachment_app.command("save")
def attachment_save(
    attachment_id: Annotated[int, typer.Argument(metavar="ID")], path: Path, force: ForceOpt = False
) -> None:
    """Write one attachment to PATH (a file, or a folder to put it in under its name); never overwrites without --force."""
    saved = attachments.save_attachment(state.ctx(), attachment_id, path, force=force)
    typer.echo(f"saved {safe_line(saved.name)} ({size_text(saved.size)}) to {saved.path}")


# --- disk --------------------------------------------------------------------------------------


def entry_dict(e: disk.DiskEntry) -> dict[str, Any]:
    return {
        "id": e.id,
        "name": e.name,
        "folder": e.folder,
        "owner": e.owner_login,
        "size": e.size,
        "type": e.mime,
        "sha256": e.sha256,
        "added_at": e.added_at,
        "added_by": e.added_by,
    }


@disk_app.command("add")
def disk_add(
    path: Annotated[Path, typer.Argument(help="A local file.")],
    folder: FolderOpt = None,
    name: Annotated[str | None, typer.Option("--name", help="Store it under this name (default: the file's).")] = None,
) -> None:
    """Add a file to the cloud disk (missing folders are made); within files.max_mb and files.disk_quota_mb."""
    e = disk.add_file(state.ctx(), path, folder, name)
    typer.echo(f"added {e.id}: {safe_line(e.name)} ({size_text(e.size)}, {e.mime}) in {safe_line(e.folder)}")


@disk_app.command("list")
def disk_list(
    folder: FolderOpt = None,
    trash: Annotated[bool, typer.Option("--trash", help="List what is in the trash instead.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Files you may use (shared, your private folder; the admin every one), by folder and name."""
    ctx = state.ctx()
    if trash:
        items = disk.list_trash(ctx)
        if as_json:
            typer.echo(dumps([item.__dict__ for item in items]))
            return
        echo_rows(
            [
                [t.kind, str(t.id), truncate(safe_line(t.name), 40), safe_line(t.folder), size_text(t.size)]
                for t in items
            ],
            ["KIND", "ID", "NAME", "WAS IN", "SIZE"],
        )
        return
    entries = disk.list_disk(ctx, folder)
    if as_json:
        typer.echo(dumps([entry_dict(e) for e in entries]))
        return
    echo_rows(
        [
            [str(e.id), truncate(safe_line(e.folder), 30), truncate(safe_line(e.name), 40), size_text(e.size), e.mime]
            for e in entries
        ],
        ["ID", "FOLDER", "NAME", "SIZE", "TYPE"],
    )


@disk_app.command("rm")
def disk_rm(entry_id: Annotated[int, typer.Argument(metavar="ID")]) -> None:
    """Move a file to the trash (`disk restore ID` brings it back)."""
    e = disk.delete_file(state.ctx(), entry_id)
    typer.echo(f"moved {e.id}: {safe_line(e.name)} to the trash")


@disk_app.command("restore")
def disk_restore(entry_id: Annotated[int, typer.Argument(metavar="ID")]) -> None:
    """Bring a file back from the trash to its folder."""
    e = disk.restore_file(state.ctx(), entry_id)
    typer.echo(f"restored {e.id}: {safe_line(e.name)} to {safe_line(e.folder)}")


@disk_app.command("mv")
def disk_mv(entry_id: Annotated[int, typer.Argument(metavar="ID")], folder: str) -> None:
    """Move a file to FOLDER (made if missing)."""
    e = disk.move_file(state.ctx(), entry_id, folder)
    typer.echo(f"moved {e.id}: {safe_line(e.name)} to {safe_line(e.folder)}")


@disk_app.command("rename")
def disk_rename(entry_id: Annotated[int, typer.Argument(metavar="ID")], name: str) -> None:
    """Rename a file (a plain name: no folders, no control characters)."""
    e = disk.rename_file(state.ctx(), entry_id, name)
    typer.echo(f"renamed {e.id} to {safe_line(e.name)}")


@disk_app.command("mkdir")
def disk_mkdir(folder: str) -> None:
    """Make a folder (and those above it)."""
    place = disk.make_folder(state.ctx(), folder)
    typer.echo(f"made {safe_line(place.path)}")


@disk_app.command("save")
def disk_save(entry_id: Annotated[int, typer.Argument(metavar="ID")], path: Path, force: ForceOpt = False) -> None:
    """Write a disk file to PATH (a file, or a folder); never overwrites without --force."""
    saved = disk.save_file(state.ctx(), entry_id, path, force=force)
    typer.echo(f"saved {safe_line(saved.name)} ({size_text(saved.size)}) to {saved.path}")


@disk_app.command("usage")
def disk_usage(as_json: JsonOpt = False) -> None:
    """How much of the quota the disk uses (the trash counts until it is emptied)."""
    u = disk.disk_usage(state.ctx())
    if as_json:
        typer.echo(dumps(u.__dict__))
        return
    typer.echo(
        f"{size_text(u.used)} of {size_text(u.quota)} used by {u.files} files ({size_text(u.trash)} in the trash); "
        f"at most {size_text(u.max_file)} per file"
    )


@disk_app.command("empty-trash")
def disk_empty_trash() -> None:
    """Remove what is in the trash for good (admin: all of it; a salesperson: their private folder's)."""
    r = disk.empty_trash(state.ctx())
    typer.echo(f"removed {r.files} files and {r.folders} folders ({size_text(r.bytes)}) from the trash")


@disk_app.command("purge")
def disk_purge() -> None:
    """Admin: remove from the file store the files no message and no disk entry uses."""
    r = purge_files(state.ctx())
    typer.echo(
        f"purged {r.files} files ({size_text(r.bytes)}) no message or disk entry uses"
        + (f"; {r.staged} leftover uploads" if r.staged else "")
    )
