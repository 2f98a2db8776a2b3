"""The cloud disk: folders and spaces, quota and size limit, roles, hostile names, the trash."""

from __future__ import annotations

from pathlib import Path

import pytest

from inquiry_tui.domain.errors import NotFound, PermissionDenied, ValidationError
from inquiry_tui.domain.files import parse_folder
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.files import disk
from inquiry_tui.services.files.places import folder_tree
from inquiry_tui.services.setup.settings import set_setting
from tests.conftest import ctx_as
from tests.unit.files.helpers import PDF, rows


def local(tmp_path: Path, name: str, data: bytes = PDF) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_folders_are_made_and_listed_by_space(admin_ctx: Ctx, sales_ctx: Ctx, tmp_path: Path) -> None:
    shared = disk.add_file(admin_ctx, local(tmp_path, "catalogue.pdf"), "Catalogues/2026")
    mine = disk.add_file(sales_ctx, local(tmp_path, "draft.pdf", PDF + b"x"), "~/Drafts")
    assert (shared.folder, shared.owner_login, shared.mime) == ("Catalogues/2026", None, "application/pdf")
    assert (mine.folder, mine.owner_login) == ("~ana/Drafts", "ana")
    # The salesperson sees the shared library and her folder; the admin every space.
    assert [e.id for e in disk.list_disk(sales_ctx)] == [shared.id, mine.id]
    assert [e.id for e in disk.list_disk(ctx_as(admin_ctx, "ben"))] == [shared.id]
    assert [e.id for e in disk.list_disk(admin_ctx, "~ana/Drafts")] == [mine.id]
    with pytest.raises(PermissionDenied, match="ana's private folder"):
        disk.list_disk(ctx_as(admin_ctx, "ben"), "~ana")
    tree = [(n.path, n.files) for n in folder_tree(sales_ctx)]
    assert tree == [("/", 0), ("Catalogues", 0), ("Catalogues/2026", 1), ("~ana", 0), ("~ana/Drafts", 1)]


def test_quota_and_size_limit_are_one_clear_line(admin_ctx: Ctx, tmp_path: Path) -> None:
    set_setting(admin_ctx, "files.disk_quota_mb", "1")
    set_setting(admin_ctx, "files.max_mb", "1")
    disk.add_file(admin_ctx, local(tmp_path, "a.bin", b"a" * 700_000))
    with pytest.raises(ValidationError, match=r"over its quota: 683\.6 KB of 1 MB used, the file is 683\.6 KB"):
        disk.add_file(admin_ctx, local(tmp_path, "b.bin", b"b" * 700_000))
    with pytest.raises(ValidationError, match=r"over the limit of 1\.0 MB per file \(files\.max_mb\)"):
        disk.add_file(admin_ctx, local(tmp_path, "c.bin", b"c" * (1024 * 1024 + 1)))
    assert rows(admin_ctx) == {"StoredFile": 1, "Attachment": 0, "DiskFile": 1}
    with pytest.raises(ValidationError, match=r"files\.max_mb: 0 is outside 1 to 2048"):
        set_setting(admin_ctx, "files.max_mb", "0")


def test_hostile_names_and_bad_paths_are_refused(admin_ctx: Ctx, tmp_path: Path) -> None:
    source = local(tmp_path, "ok.pdf")
    for name in ("../../etc/passwd", "a/b.pdf", "line\nbreak.pdf", "\u202etxt.exe", "..", ""):
        with pytest.raises(ValidationError):
            disk.add_file(admin_ctx, source, name=name)
    with pytest.raises(ValidationError, match="not a plain file name"):
        disk.add_file(admin_ctx, source, folder="Catalogues/../../x")
    with pytest.raises(ValidationError, match="is a folder, not a file"):
        disk.add_file(admin_ctx, tmp_path)
    with pytest.raises(ValidationError, match="no such file"):
        disk.add_file(admin_ctx, tmp_path / "missing.pdf")
    assert rows(admin_ctx)["DiskFile"] == 0
    assert parse_folder("~ana/Drafts/2026").owner == "ana"


def test_who_may_change_what(admin_ctx: Ctx, sales_ctx: Ctx, tmp_path: Path) -> None:
    ben = ctx_as(admin_ctx, "ben")
    by_ana = disk.add_file(sales_ctx, local(tmp_path, "spec.pdf"), "Specs")
    with pytest.raises(PermissionDenied, match="added by ana"):
        disk.rename_file(ben, by_ana.id, "mine.pdf")
    with pytest.raises(PermissionDenied):
        disk.delete_file(ben, by_ana.id)
    assert disk.rename_file(sales_ctx, by_ana.id, "spec v2.pdf").name == "spec v2.pdf"
    assert disk.move_file(admin_ctx, by_ana.id, "Catalogues").folder == "Catalogues"  # the admin may
    private = disk.add_file(sales_ctx, local(tmp_path, "notes.pdf", PDF + b"n"), "~")
    with pytest.raises(NotFound):
        disk.delete_file(ben, private.id)  # ben cannot even see it
    with pytest.raises(PermissionDenied, match="~ana is ana's private folder"):
        disk.add_file(ben, local(tmp_path, "x.pdf"), "~ana")
    assert disk.move_file(admin_ctx, by_ana.id, "~ben").owner_login == "ben"  # the admin manages every space
    with pytest.raises(ValidationError, match=r"already has a file named 'spec v2\.pdf'"):
        disk.add_file(ben, local(tmp_path, "spec v2.pdf"), "~")


def test_trash_restore_and_empty(admin_ctx: Ctx, sales_ctx: Ctx, tmp_path: Path) -> None:
    entry = disk.add_file(sales_ctx, local(tmp_path, "old.pdf"), "Archive/2025")
    disk.delete_file(sales_ctx, entry.id)
    assert disk.list_disk(sales_ctx) == [] and disk.disk_usage(sales_ctx).trash == len(PDF)
    assert [(t.kind, t.name, t.folder) for t in disk.list_trash(sales_ctx)] == [("file", "old.pdf", "Archive/2025")]
    assert disk.restore_file(sales_ctx, entry.id).folder == "Archive/2025"
    folder = next(n for n in folder_tree(sales_ctx) if n.path == "Archive")
    assert folder.id is not None
    disk.delete_folder(sales_ctx, folder.id)  # the folder and what is in it
    assert disk.list_disk(sales_ctx) == []
    assert [t.kind for t in disk.list_trash(sales_ctx)] == ["folder"]
    disk.restore_folder(sales_ctx, folder.id)
    assert [e.name for e in disk.list_disk(sales_ctx)] == ["old.pdf"]
    disk.delete_folder(sales_ctx, folder.id)
    assert disk.empty_trash(sales_ctx).files == 0  # the shared trash is the admin's to empty
    emptied = disk.empty_trash(admin_ctx)
    assert (emptied.files, emptied.folders, emptied.bytes) == (1, 2, len(PDF))
    assert disk.list_trash(admin_ctx) == [] and disk.disk_usage(admin_ctx).used == 0


def test_save_a_disk_file_never_overwrites_without_force(admin_ctx: Ctx, tmp_path: Path) -> None:
    entry = disk.add_file(admin_ctx, local(tmp_path, "c.pdf"))
    out = tmp_path / "out"
    out.mkdir()
    saved = disk.save_file(admin_ctx, entry.id, out)
    assert saved.path == out / "c.pdf" and saved.path.read_bytes() == PDF
    saved.path.write_bytes(b"mine")
    with pytest.raises(ValidationError, match="exists"):
        disk.save_file(admin_ctx, entry.id, out / "c.pdf")
    assert (out / "c.pdf").read_bytes() == b"mine"
    disk.save_file(admin_ctx, entry.id, out / "c.pdf", force=True)
    assert (out / "c.pdf").read_bytes() == PDF
