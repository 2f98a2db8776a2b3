"""Places on the cloud disk: the shared library and private folders, the folder tree, who may do what, usage.

A place is a space (the shared library, or one account's private folder) and a folder in it
(None: the top). Paths read like `Catalogues/2026`, `~` (your private folder), `~/Drafts`,
`~ana/Drafts` (ana's, for the admin). Rules (docs/domain.md, Cloud disk):
- everyone uses the shared library: lists it, attaches from it, adds to it; renaming, moving
  and deleting there is for the admin and for whoever added the file (or made the folder);
- a private folder is its owner's; the admin sees and manages every space (the quota is the
  company's, and a departed salesperson's files stay reachable).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlmodel import Session

from inquiry_tui.domain.errors import NotFound, PermissionDenied, ValidationError
from inquiry_tui.domain.files import PRIVATE, FolderPath, parse_folder
from inquiry_tui.services.context import Ctx
from inquiry_tui.store.core import run_dml, table_of
from inquiry_tui.store.models import Account, DiskFile, DiskFolder

_fo = table_of(DiskFolder)
_fi = table_of(DiskFile)
_acc = table_of(Account)


@dataclass(frozen=True)
class Place:
    """A folder (None: the top) in a space (owner None: the shared library)."""

    owner_id: int | None
    owner_login: str | None
    folder_id: int | None
    path: str  # as people write it: "/", "Catalogues/2026", "~ana", "~ana/Drafts"


@dataclass(frozen=True)
class FolderNode:
    """A folder of the tree the disk screen shows (spaces are their own top nodes, id None)."""

    id: int | None
    name: str  # untrusted (a person typed it)
    parent_id: int | None
    owner_id: int | None
    owner_login: str | None
    path: str
    files: int  # directly inside, not in the trash
    depth: int


@dataclass(frozen=True)
class DiskUsage:
    used: int  # bytes of every entry, the trash included (it still counts until emptied)
    trash: int  # of which in the trash
    files: int
    quota: int  # bytes
    max_file: int  # bytes per file


def space_label(owner_login: str | None) -> str:
    return "/" if owner_login is None else PRIVATE + owner_login


def owner_for(session: Session, ctx: Ctx, fp: FolderPath) -> tuple[int | None, str | None]:
    """The space of a parsed path, checked against the actor."""
    if fp.owner is None:
        return None, None
    if fp.owner in ("", ctx.actor.login):
        if ctx.actor.id is None:
            raise ValidationError("the system account has no private folder")
        return ctx.actor.id, ctx.actor.login
    found = session.execute(select(_acc.c.id).where(_acc.c.login == fp.owner)).scalar_one_or_none()
    if found is None:
        raise NotFound(f"unknown account {fp.owner!r} in folder {str(fp)!r}")
    if not ctx.actor.is_admin:
        raise PermissionDenied(f"{PRIVATE}{fp.owner} is {fp.owner}'s private folder")
    return int(found), fp.owner


def may_see(ctx: Ctx, owner_id: int | None) -> bool:
    return owner_id is None or ctx.actor.is_admin or owner_id == ctx.actor.id


def may_change(ctx: Ctx, owner_id: int | None, added_by: str) -> bool:
    """Rename, move or delete: the admin; in a private folder its owner; in the shared library who added it."""
    if ctx.actor.is_admin:
        return True
    if owner_id is not None:
        return owner_id == ctx.actor.id
    return added_by == ctx.actor.login


def resolve(session: Session, ctx: Ctx, text: str | None, *, create: bool = False) -> Place:
    """The place a path names; missing folders are made when CREATE (like `mkdir -p`), else NotFound."""
    fp = parse_folder(text)
    owner_id, owner_login = owner_for(session, ctx, fp)
    parent: int | None = None
    walked: list[str] = []
    for part in fp.parts:
        walked.append(part)
        found = session.execute(
            select(_fo.c.id).where(
                _fo.c.owner_id.is_(None) if owner_id is None else _fo.c.owner_id == owner_id,
                _fo.c.parent_id.is_(None) if parent is None else _fo.c.parent_id == parent,
                _fo.c.name == part,
                _fo.c.deleted_at.is_(None),
            )
        ).first()
        if found is not None:
            parent = int(found[0])
            continue
        shown = str(FolderPath(fp.owner, tuple(walked)))
        if not create:
            raise NotFound(f"no folder {shown!r} on the cloud disk")
        if ctx.actor.id is None and owner_id is not None:
            raise ValidationError("the system account has no private folder")
        key = run_dml(
            session,
            insert(_fo).values(
                name=part, parent_id=parent, owner_id=owner_id, created_at=ctx.now(), created_by=ctx.actor.login
            ),
        ).inserted_primary_key
        assert key is not None
        parent = int(key[0])
    path = str(FolderPath(owner_login if owner_id is not None else None, fp.parts))
    return Place(owner_id, owner_login, parent, path)


def folder_paths(session: Session, ctx: Ctx, *, include_deleted: bool = False) -> dict[int, tuple[str, int | None]]:
    """Every folder the actor may see: id -> (path, owner id)."""
    logins = dict(session.execute(select(_acc.c.id, _acc.c.login)).all())
    rows = session.execute(select(_fo.c.id, _fo.c.name, _fo.c.parent_id, _fo.c.owner_id, _fo.c.deleted_at)).all()
    by_id = {r.id: r for r in rows}
    out: dict[int, tuple[str, int | None]] = {}

    def path_of(fid: int) -> str:
        names: list[str] = []
        seen: set[int] = set()
        node: int | None = fid
        while node is not None and node not in seen:
            seen.add(node)
            r = by_id[node]
            names.append(r.name)
            node = r.parent_id
        owner = by_id[fid].owner_id
        head = [] if owner is None else [space_label(logins.get(owner, "?"))]
        return "/".join([*head, *reversed(names)])

    for r in rows:
        if not may_see(ctx, r.owner_id):
            continue
        if not include_deleted and _in_trash(by_id, r.id):
            continue
        out[r.id] = (path_of(r.id), r.owner_id)
    return out


def _in_trash(by_id: dict[int, Any], fid: int) -> bool:
    """The folder or one above it is in the trash."""
    node: int | None = fid
    seen: set[int] = set()
    while node is not None and node not in seen:
        seen.add(node)
        r = by_id[node]
        if r.deleted_at is not None:
            return True
        node = r.parent_id
    return False


def folder_tree(ctx: Ctx) -> list[FolderNode]:
    """The spaces the actor may see with their folders, depth first, names in order (the disk screen's tree)."""
    with ctx.read() as session:
        logins = dict(session.execute(select(_acc.c.id, _acc.c.login)).all())
        rows = [
            r
            for r in session.execute(
                select(_fo.c.id, _fo.c.name, _fo.c.parent_id, _fo.c.owner_id).where(_fo.c.deleted_at.is_(None))
            )
            if may_see(ctx, r.owner_id)
        ]
        counts: dict[tuple[int | None, int | None], int] = {
            (owner, folder): n
            for owner, folder, n in session.execute(
                select(_fi.c.owner_id, _fi.c.folder_id, func.count())
                .where(_fi.c.deleted_at.is_(None))
                .group_by(_fi.c.owner_id, _fi.c.folder_id)
            )
        }
    children: dict[tuple[int | None, int | None], list[Any]] = defaultdict(list)
    for r in rows:
        children[(r.owner_id, r.parent_id)].append(r)
    spaces: list[int | None] = [None]
    if ctx.actor.id is not None:
        spaces.append(ctx.actor.id)
    if ctx.actor.is_admin:
        others = {r.owner_id for r in rows if r.owner_id is not None} | {o for o, _ in counts if o is not None}
        spaces += sorted((o for o in others if o != ctx.actor.id), key=lambda o: logins.get(o, ""))
    out: list[FolderNode] = []

    def walk(owner: int | None, login: str | None, parent: int | None, prefix: str, depth: int) -> None:
        for r in sorted(children.get((owner, parent), []), key=lambda r: (r.name.lower(), r.id)):
            path = r.name if prefix == "/" else f"{prefix}/{r.name}"
            out.append(FolderNode(r.id, r.name, parent, owner, login, path, counts.get((owner, r.id), 0), depth))
            walk(owner, login, r.id, path, depth + 1)

    for owner in spaces:
        login = logins.get(owner) if owner is not None else None
        label = "Shared library" if owner is None else ("My folder" if owner == ctx.actor.id else f"{login}'s folder")
        top = space_label(login)
        out.append(FolderNode(None, label, None, owner, login, top, counts.get((owner, None), 0), 0))
        walk(owner, login, None, top, 1)
    return out


def usage(session: Session, max_file: int, quota: int) -> DiskUsage:
    row = session.execute(
        select(
            func.coalesce(func.sum(_fi.c.size), 0),
            func.coalesce(func.sum(_fi.c.size).filter(_fi.c.deleted_at.is_not(None)), 0),
            func.count(),
        )
    ).one()
    return DiskUsage(int(row[0]), int(row[1]), int(row[2]), quota, max_file)


def deleted_at_of(session: Session, folder_id: int | None) -> datetime | None:
    if folder_id is None:
        return None
    return session.execute(select(_fo.c.deleted_at).where(_fo.c.id == folder_id)).scalar_one_or_none()
