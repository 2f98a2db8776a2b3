"""The cloud disk: the company's file library in folders, with a quota and a trash (docs/domain.md, Cloud disk).

One function per action, one transaction each, an audit row for every change. Who may do what
is in services.files.places. The quota (setting files.disk_quota_mb) counts every entry's size,
the trash included, until the trash is emptied; the bytes themselves are kept once per content
in the file store, shared with attachments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlmodel import Session

from inquiry_tui.domain.errors import NotFound, PermissionDenied, ValidationError
from inquiry_tui.domain.files import check_file_size, check_quota, plain_name
from inquiry_tui.domain.settings import FileSettings
from inquiry_tui.services.audit import audit
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.files import blobs
from inquiry_tui.services.files.attachments import SavedFile, save_stored
from inquiry_tui.services.files.places import (
    DiskUsage,
    Place,
    folder_paths,
    may_change,
    may_see,
    resolve,
    space_label,
    usage,
)
from inquiry_tui.services.setup.settings import load_settings
from inquiry_tui.store.core import run_dml, table_of
from inquiry_tui.store.models import Account, DiskFile, DiskFolder, StoredFile

MB = 1024 * 1024
PAGE = 200
_fi = table_of(DiskFile)
_fo = table_of(DiskFolder)
_sf = table_of(StoredFile)
_acc = table_of(Account)


@dataclass(frozen=True)
class DiskEntry:
    id: int
    name: str  # a person or a file gave it: show through safe_text
    folder: str  # the folder's path ("/" the shared top, "~ana" ana's private top)
    folder_id: int | None
    owner_login: str | None  # None: the shared library
    size: int
    mime: str  # sniffed from the content
    sha256: str
    added_at: datetime
    added_by: str
    deleted_at: datetime | None


@dataclass(frozen=True)
class DiskPage:
    rows: tuple[DiskEntry, ...]
    next_key: tuple[str, int] | None  # (name, id) after the last row; None: no more


@dataclass(frozen=True)
class TrashItem:
    kind: str  # file | folder
    id: int
    name: str
    folder: str  # where it was
    size: int  # a folder's: what its files hold
    deleted_at: datetime


@dataclass(frozen=True)
class EmptiedTrash:
    files: int
    folders: int
    bytes: int


def file_settings(session: Session) -> FileSettings:
    return load_settings(session).files


def _limits(session: Session) -> tuple[int, int]:
    f = file_settings(session)
    return f.max_mb * MB, f.disk_quota_mb * MB


def disk_usage(ctx: Ctx) -> DiskUsage:
    with ctx.read() as session:
        max_file, quota = _limits(session)
        return usage(session, max_file, quota)


# --- reading -------------------------------------------------------------------------------------

_COLUMNS = (
    _fi.c.id,
    _fi.c.name,
    _fi.c.folder_id,
    _fi.c.owner_id,
    _fi.c.size,
    _sf.c.mime,
    _fi.c.sha256,
    _fi.c.added_at,
    _fi.c.added_by,
    _fi.c.deleted_at,
)


def _entries(session: Session, ctx: Ctx, rows: list[Any]) -> list[DiskEntry]:
    paths = folder_paths(session, ctx, include_deleted=True)
    logins = dict(session.execute(select(_acc.c.id, _acc.c.login)).all())
    out = []
    for r in rows:
        owner = logins.get(r.owner_id) if r.owner_id is not None else None
        folder = paths[r.folder_id][0] if r.folder_id in paths else space_label(owner)
        out.append(
            DiskEntry(
                r.id,
                r.name,
                folder,
                r.folder_id,
                owner,
                r.size,
                r.mime,
                r.sha256,
                r.added_at,
                r.added_by,
                r.deleted_at,
            )
        )
    return out


def _load(session: Session, ctx: Ctx, entry_id: int, *, trash: bool | None = False) -> DiskEntry:
    row = session.execute(select(*_COLUMNS).join(_sf, _sf.c.sha256 == _fi.c.sha256).where(_fi.c.id == entry_id)).first()
    if row is None or not may_see(ctx, row.owner_id) or (trash is not None and (row.deleted_at is not None) != trash):
        raise NotFound(f"no file {entry_id} on the cloud disk" + (" trash" if trash else ""))
    return _entries(session, ctx, [row])[0]


def entry(ctx: Ctx, entry_id: int) -> DiskEntry:
    with ctx.read() as session:
        return _load(session, ctx, entry_id, trash=None)


def folder_page(
    ctx: Ctx, owner_id: int | None, folder_id: int | None, after: tuple[str, int] | None = None, limit: int = PAGE
) -> DiskPage:
    """One keyset page of a folder's files (not in the trash), by name (the disk screen's list)."""
    if not may_see(ctx, owner_id):
        raise NotFound("no such folder on the cloud disk")
    with ctx.read() as session:
        query = (
            select(*_COLUMNS)
            .join(_sf, _sf.c.sha256 == _fi.c.sha256)
            .where(
                _fi.c.owner_id.is_(None) if owner_id is None else _fi.c.owner_id == owner_id,
                _fi.c.folder_id.is_(None) if folder_id is None else _fi.c.folder_id == folder_id,
                _fi.c.deleted_at.is_(None),
            )
            .order_by(_fi.c.name, _fi.c.id)
            .limit(limit + 1)
        )
        if after is not None:
            name, last = after
            query = query.where((_fi.c.name > name) | ((_fi.c.name == name) & (_fi.c.id > last)))
        rows = list(session.execute(query))
        more = len(rows) > limit
        entries = _entries(session, ctx, rows[:limit])
    key = (entries[-1].name, entries[-1].id) if more and entries else None
    return DiskPage(tuple(entries), key)


def count_in_folder(ctx: Ctx, owner_id: int | None, folder_id: int | None) -> int:
    with ctx.read() as session:
        return int(
            session.execute(
                select(func.count())
                .select_from(_fi)
                .where(
                    _fi.c.owner_id.is_(None) if owner_id is None else _fi.c.owner_id == owner_id,
                    _fi.c.folder_id.is_(None) if folder_id is None else _fi.c.folder_id == folder_id,
                    _fi.c.deleted_at.is_(None),
                )
            ).scalar_one()
        )


def list_disk(ctx: Ctx, folder: str | None = None) -> list[DiskEntry]:
    """Every file the actor may see (or those directly in FOLDER), by folder then name (`disk list`)."""
    with ctx.read() as session:
        query = select(*_COLUMNS).join(_sf, _sf.c.sha256 == _fi.c.sha256).where(_fi.c.deleted_at.is_(None))
        if folder is not None:
            place = resolve(session, ctx, folder)
            query = query.where(
                _fi.c.owner_id.is_(None) if place.owner_id is None else _fi.c.owner_id == place.owner_id,
                _fi.c.folder_id.is_(None) if place.folder_id is None else _fi.c.folder_id == place.folder_id,
            )
        paths = folder_paths(session, ctx)
        rows = [
            r
            for r in session.execute(query)
            if may_see(ctx, r.owner_id) and (r.folder_id is None or r.folder_id in paths)
        ]
        entries = _entries(session, ctx, rows)
    return sorted(entries, key=lambda e: (e.owner_login is not None, e.owner_login or "", e.folder, e.name, e.id))


def list_trash(ctx: Ctx) -> list[TrashItem]:
    """What the actor may see in the trash: files and folders deleted (not those inside a deleted folder)."""
    with ctx.read() as session:
        paths = folder_paths(session, ctx, include_deleted=True)
        items: list[TrashItem] = []
        query = select(*_COLUMNS).join(_sf, _sf.c.sha256 == _fi.c.sha256).where(_fi.c.deleted_at.is_not(None))
        for e in _entries(session, ctx, [r for r in session.execute(query) if may_see(ctx, r.owner_id)]):
            assert e.deleted_at is not None
            items.append(TrashItem("file", e.id, e.name, e.folder, e.size, e.deleted_at))
        for r in session.execute(
            select(_fo.c.id, _fo.c.name, _fo.c.deleted_at, _fo.c.parent_id, _fo.c.owner_id).where(
                _fo.c.deleted_at.is_not(None)
            )
        ):
            if r.id not in paths:
                continue
            path = paths[r.id][0]
            parent = path.rpartition("/")[0] or ("/" if r.owner_id is None else path)
            size = sum(e.size for e in list_inside(session, ctx, r.id))
            items.append(TrashItem("folder", r.id, r.name, parent, size, r.deleted_at))
    return sorted(items, key=lambda t: (t.deleted_at, t.kind, t.id), reverse=True)


def list_inside(session: Session, ctx: Ctx, folder_id: int) -> list[DiskEntry]:
    ids = _subtree(session, folder_id)
    rows = list(
        session.execute(select(*_COLUMNS).join(_sf, _sf.c.sha256 == _fi.c.sha256).where(_fi.c.folder_id.in_(ids)))
    )
    return _entries(session, ctx, rows)


def _subtree(session: Session, folder_id: int) -> list[int]:
    rows = session.execute(select(_fo.c.id, _fo.c.parent_id)).all()
    kids: dict[int, list[int]] = {}
    for fid, parent in rows:
        if parent is not None:
            kids.setdefault(parent, []).append(fid)
    out, todo = [], [folder_id]
    while todo:
        fid = todo.pop()
        if fid in out:
            continue
        out.append(fid)
        todo.extend(kids.get(fid, []))
    return out


# --- changing ------------------------------------------------------------------------------------


def _no_clash(session: Session, place: Place, name: str, *, but: int | None = None) -> None:
    clash = session.execute(
        select(_fi.c.id).where(
            _fi.c.owner_id.is_(None) if place.owner_id is None else _fi.c.owner_id == place.owner_id,
            _fi.c.folder_id.is_(None) if place.folder_id is None else _fi.c.folder_id == place.folder_id,
            _fi.c.name == name,
            _fi.c.deleted_at.is_(None),
        )
    ).first()
    if clash is not None and clash[0] != but:
        raise ValidationError(f"{place.path} already has a file named {name!r} (id {clash[0]}); rename one of them")


def _may_add(ctx: Ctx, place: Place) -> None:
    if place.owner_id is not None and not ctx.actor.is_admin and place.owner_id != ctx.actor.id:
        raise PermissionDenied(f"{place.path} is someone else's private folder")


def add_file(ctx: Ctx, path: Path, folder: str | None = None, name: str | None = None) -> DiskEntry:
    """`disk add PATH [--folder F]`: a local file onto the disk (missing folders are made), within the limits."""
    clean = plain_name(name if name is not None else path.name)
    size = blobs.check_local_file(path)
    root = blobs.files_dir(ctx.url)
    with ctx.write() as session:
        max_file, quota = _limits(session)
        check_file_size(size, max_file, str(path))
        check_quota(usage(session, max_file, quota).used, size, quota // MB)
        place = resolve(session, ctx, folder, create=True)
        _may_add(ctx, place)
        _no_clash(session, place, clean)
        staged = blobs.stage_path(root, path, max_bytes=max_file)
        try:
            info = blobs.commit(session, root, staged, at=ctx.now())
        finally:
            blobs.discard(staged)
        return _insert(session, ctx, place, clean, info)


def add_data(ctx: Ctx, data: bytes, name: str, folder: str | None = None) -> DiskEntry:
    """Bytes onto the disk (the sample company's library), within the limits."""
    clean = plain_name(name)
    with ctx.write() as session:
        max_file, quota = _limits(session)
        check_file_size(len(data), max_file, clean)
        check_quota(usage(session, max_file, quota).used, len(data), quota // MB)
        place = resolve(session, ctx, folder, create=True)
        _may_add(ctx, place)
        _no_clash(session, place, clean)
        info = blobs.put(session, ctx.url, data, at=ctx.now(), max_bytes=max_file)
        return _insert(session, ctx, place, clean, info)


def _insert(session: Session, ctx: Ctx, place: Place, name: str, info: blobs.FileInfo) -> DiskEntry:
    key = run_dml(
        session,
        insert(_fi).values(
            name=name,
            folder_id=place.folder_id,
            owner_id=place.owner_id,
            sha256=info.sha256,
            size=info.size,
            added_at=ctx.now(),
            added_by=ctx.actor.login,
        ),
    ).inserted_primary_key
    assert key is not None
    entry_id = int(key[0])
    audit(
        session,
        ctx,
        "disk_add",
        "disk_file",
        entry_id,
        after={"name": name, "folder": place.path, "sha256": info.sha256, "size": info.size, "mime": info.mime},
    )
    return _load(session, ctx, entry_id)


def _changeable(session: Session, ctx: Ctx, entry_id: int, *, trash: bool = False) -> DiskEntry:
    e = _load(session, ctx, entry_id, trash=trash)
    owner_id = None if e.owner_login is None else _owner_id(session, e.owner_login)
    if not may_change(ctx, owner_id, e.added_by):
        raise PermissionDenied(f"{e.name!r} was added by {e.added_by}; only they or the admin can change it")
    return e


def _owner_id(session: Session, login: str) -> int:
    return int(session.execute(select(_acc.c.id).where(_acc.c.login == login)).scalar_one())


def rename_file(ctx: Ctx, entry_id: int, new_name: str) -> DiskEntry:
    clean = plain_name(new_name)
    with ctx.write() as session:
        e = _changeable(session, ctx, entry_id)
        if clean == e.name:
            return e
        place = Place(
            None if e.owner_login is None else _owner_id(session, e.owner_login), e.owner_login, e.folder_id, e.folder
        )
        _no_clash(session, place, clean, but=entry_id)
        session.execute(update(_fi).where(_fi.c.id == entry_id).values(name=clean))
        audit(session, ctx, "disk_rename", "disk_file", entry_id, before={"name": e.name}, after={"name": clean})
        return _load(session, ctx, entry_id)


def move_file(ctx: Ctx, entry_id: int, folder: str) -> DiskEntry:
    """Move a file to another folder (made if missing), within its space or to another the actor may use."""
    with ctx.write() as session:
        e = _changeable(session, ctx, entry_id)
        place = resolve(session, ctx, folder, create=True)
        _may_add(ctx, place)
        _no_clash(session, place, e.name, but=entry_id)
        session.execute(
            update(_fi).where(_fi.c.id == entry_id).values(folder_id=place.folder_id, owner_id=place.owner_id)
        )
        audit(
            session, ctx, "disk_move", "disk_file", entry_id, before={"folder": e.folder}, after={"folder": place.path}
        )
        return _load(session, ctx, entry_id)


def delete_file(ctx: Ctx, entry_id: int) -> DiskEntry:
    """To the trash (`disk rm ID`): restore brings it back; it counts for the quota until the trash is emptied."""
    with ctx.write() as session:
        e = _changeable(session, ctx, entry_id)
        session.execute(update(_fi).where(_fi.c.id == entry_id).values(deleted_at=ctx.now()))
        audit(session, ctx, "disk_delete", "disk_file", entry_id, before={"name": e.name, "folder": e.folder})
        return _load(session, ctx, entry_id, trash=True)


def restore_file(ctx: Ctx, entry_id: int) -> DiskEntry:
    """Back from the trash to its folder (the folder too, if it was deleted meanwhile)."""
    with ctx.write() as session:
        e = _changeable(session, ctx, entry_id, trash=True)
        place = Place(
            None if e.owner_login is None else _owner_id(session, e.owner_login), e.owner_login, e.folder_id, e.folder
        )
        _restore_chain(session, e.folder_id)
        _no_clash(session, place, e.name, but=entry_id)
        session.execute(update(_fi).where(_fi.c.id == entry_id).values(deleted_at=None))
        audit(session, ctx, "disk_restore", "disk_file", entry_id, after={"name": e.name, "folder": e.folder})
        return _load(session, ctx, entry_id)


def _restore_chain(session: Session, folder_id: int | None) -> None:
    node = folder_id
    while node is not None:
        row = session.execute(select(_fo.c.parent_id, _fo.c.deleted_at).where(_fo.c.id == node)).one()
        if row.deleted_at is not None:
            session.execute(update(_fo).where(_fo.c.id == node).values(deleted_at=None))
        node = row.parent_id


def make_folder(ctx: Ctx, folder: str) -> Place:
    with ctx.write() as session:
        place = resolve(session, ctx, folder, create=False) if _exists(session, ctx, folder) else None
        if place is not None:
            raise ValidationError(f"the folder {place.path!r} exists already")
        place = resolve(session, ctx, folder, create=True)
        _may_add(ctx, place)
        audit(session, ctx, "disk_mkdir", "disk_folder", place.folder_id or "", after={"folder": place.path})
        return place


def _exists(session: Session, ctx: Ctx, folder: str) -> bool:
    try:
        resolve(session, ctx, folder)
    except NotFound:
        return False
    return True


def _folder(session: Session, ctx: Ctx, folder_id: int, *, trash: bool = False) -> Any:
    row = session.execute(
        select(_fo.c.id, _fo.c.name, _fo.c.parent_id, _fo.c.owner_id, _fo.c.created_by, _fo.c.deleted_at).where(
            _fo.c.id == folder_id
        )
    ).first()
    if row is None or not may_see(ctx, row.owner_id) or (row.deleted_at is not None) != trash:
        raise NotFound(f"no folder {folder_id} on the cloud disk" + (" trash" if trash else ""))
    if not may_change(ctx, row.owner_id, row.created_by):
        raise PermissionDenied(
            f"the folder {row.name!r} was made by {row.created_by}; only they or the admin can change it"
        )
    return row


def rename_folder(ctx: Ctx, folder_id: int, new_name: str) -> None:
    clean = plain_name(new_name, "folder name")
    with ctx.write() as session:
        row = _folder(session, ctx, folder_id)
        clash = session.execute(
            select(_fo.c.id).where(
                _fo.c.owner_id.is_(None) if row.owner_id is None else _fo.c.owner_id == row.owner_id,
                _fo.c.parent_id.is_(None) if row.parent_id is None else _fo.c.parent_id == row.parent_id,
                _fo.c.name == clean,
                _fo.c.deleted_at.is_(None),
                _fo.c.id != folder_id,
            )
        ).first()
        if clash is not None:
            raise ValidationError(f"there is a folder named {clean!r} there already")
        session.execute(update(_fo).where(_fo.c.id == folder_id).values(name=clean))
        audit(
            session,
            ctx,
            "disk_rename_folder",
            "disk_folder",
            folder_id,
            before={"name": row.name},
            after={"name": clean},
        )


def delete_folder(ctx: Ctx, folder_id: int) -> None:
    """The folder and everything in it to the trash (restore brings them back together)."""
    with ctx.write() as session:
        row = _folder(session, ctx, folder_id)
        session.execute(update(_fo).where(_fo.c.id == folder_id).values(deleted_at=ctx.now()))
        audit(session, ctx, "disk_delete_folder", "disk_folder", folder_id, before={"name": row.name})


def restore_folder(ctx: Ctx, folder_id: int) -> None:
    with ctx.write() as session:
        row = _folder(session, ctx, folder_id, trash=True)
        _restore_chain(session, folder_id)
        audit(session, ctx, "disk_restore_folder", "disk_folder", folder_id, after={"name": row.name})


def empty_trash(ctx: Ctx) -> EmptiedTrash:
    """Remove for good what is in the trash: everything for the admin, your private folder's for a salesperson.

    The bytes leave the file store with the next purge (`disk purge`), once nothing else uses them.
    """
    with ctx.write() as session:
        folders = [
            r
            for r in session.execute(select(_fo.c.id, _fo.c.owner_id).where(_fo.c.deleted_at.is_not(None)))
            if ctx.actor.is_admin or (r.owner_id is not None and r.owner_id == ctx.actor.id)
        ]
        folder_ids: list[int] = []
        for r in folders:
            folder_ids += _subtree(session, r.id)
        files = [
            r
            for r in session.execute(select(_fi.c.id, _fi.c.owner_id, _fi.c.size, _fi.c.deleted_at, _fi.c.folder_id))
            if (r.deleted_at is not None or r.folder_id in folder_ids)
            and (ctx.actor.is_admin or (r.owner_id is not None and r.owner_id == ctx.actor.id))
        ]
        file_ids = [r.id for r in files]
        for start in range(0, len(file_ids), 500):
            session.execute(delete(_fi).where(_fi.c.id.in_(file_ids[start : start + 500])))
        # Children first: a folder row is removed after the folders inside it.
        for fid in reversed(list(dict.fromkeys(folder_ids))):
            session.execute(delete(_fo).where(_fo.c.id == fid))
        result = EmptiedTrash(len(file_ids), len(set(folder_ids)), sum(r.size for r in files))
        audit(session, ctx, "disk_empty_trash", "disk_file", "", after=result.__dict__)
        return result


def save_file(ctx: Ctx, entry_id: int, path: Path, *, force: bool = False) -> SavedFile:
    """Write a disk file to PATH (a file, or a folder to put it in); never over a file without FORCE."""
    e = entry(ctx, entry_id)
    return save_stored(ctx, e.sha256, e.name, path, force=force)


def find_files(ctx: Ctx, words: str = "", limit: int = 100) -> list[DiskEntry]:
    """Files the actor may use whose name holds WORDS (any case), newest first, LIMIT at most (the attach picker)."""
    with ctx.read() as session:
        query = select(*_COLUMNS).join(_sf, _sf.c.sha256 == _fi.c.sha256).where(_fi.c.deleted_at.is_(None))
        if not ctx.actor.is_admin:
            query = query.where(_fi.c.owner_id.is_(None) | (_fi.c.owner_id == ctx.actor.id))
        phrase = " ".join(words.split()).lower()
        if phrase:
            like = phrase.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            query = query.where(func.lower(_fi.c.name).like(f"%{like}%", escape="\\"))
        paths = folder_paths(session, ctx)
        rows = [
            r
            for r in session.execute(query.order_by(_fi.c.added_at.desc(), _fi.c.id.desc()).limit(limit * 2))
            if r.folder_id is None or r.folder_id in paths  # not inside a folder in the trash
        ]
        return _entries(session, ctx, rows[:limit])
