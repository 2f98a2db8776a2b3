"""`notice list [--unread] [--json]`, `notice read ID|--all` and `import notices FILE`: the account's feed."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from inquiry_tui.cli.common import FileArg, QuietOpt, echo_rows, fail, require_file, state
from inquiry_tui.cli.progress import import_progress
from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.services.notices import feed, importing
from inquiry_tui.services.notices.producers import check_overdue

imports = typer.Typer()
notice_app = typer.Typer(help="Your notices (push information): list, mark read.", no_args_is_help=True)


def notice_dict(n: feed.NoticeRow) -> dict[str, Any]:
    return {
        "id": n.id,
        "kind": n.kind.value,
        "title": n.title,
        "text": n.text,
        "ref_kind": n.ref_kind or None,
        "ref_id": n.ref_id or None,
        "created_at": n.created_at.isoformat(),
        "read": n.read,
    }


@notice_app.command("list")
def notice_list(
    unread: Annotated[bool, typer.Option("--unread", help="Unread notices only.")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, max=100_000, help="At most this many, newest first.")] = 200,
    as_json: Annotated[bool, typer.Option("--json", help="Stable JSON for scripts.")] = False,
) -> None:
    """Your notices, newest first (overdue warnings are checked first)."""
    ctx = state.ctx()
    check_overdue(ctx)
    rows: list[feed.NoticeRow] = []
    before = None
    while len(rows) < limit:
        page = feed.notices(ctx, unread_only=unread, before_id=before, limit=min(feed.PAGE, limit - len(rows)))
        rows.extend(page)
        if not page or len(page) < min(feed.PAGE, limit):
            break
        before = page[-1].id
    rows = rows[:limit]
    if as_json:
        typer.echo(json.dumps([notice_dict(n) for n in rows], indent=2, sort_keys=True))
        return
    if not rows:
        typer.echo("no unread notices" if unread else "no notices")
        return
    echo_rows(
        [
            [
                str(n.id),
                "" if n.read else "•",
                n.created_at.strftime("%Y-%m-%d %H:%M"),
                n.title,
                truncate(safe_line(n.text), 100),
            ]
            for n in rows
        ],
        ["ID", "NEW", "AT (UTC)", "KIND", "TEXT"],
    )


@notice_app.command("read")
def notice_read(
    notice_id: Annotated[int | None, typer.Argument(help="The notice to mark read.")] = None,
    read_all: Annotated[bool, typer.Option("--all", help="Mark every notice read.")] = False,
) -> None:
    """Mark one notice (or --all) read."""
    if (notice_id is None) == (not read_all):
        fail("give a notice id or --all")
    changed = feed.mark_read(state.ctx(), None if read_all else [notice_id or 0])
    typer.echo(f"marked {changed} notice{'s' if changed != 1 else ''} read")


@imports.command("notices")
def import_notices(file: FileArg, quiet: QuietOpt = False) -> None:
    """Import platform notices into the feeds (to one account, or everyone; each notice once)."""
    require_file(file)
    with import_progress(quiet=quiet):  # on a terminal: the file read, rate and time left
        r = importing.import_notices(state.ctx(), file)
    typer.echo(f"imported {r.records} platform notices: {r.delivered} delivered, {r.already} delivered before")
