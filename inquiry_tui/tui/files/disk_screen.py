"""DiskScreen (`6`): the cloud disk. Folders of the shared library and private folders on the left, the chosen
folder's files on the right (virtual, keyset pages by name), the quota's usage on top, and the trash.

Every store call runs in a thread worker whose result comes back as a message. Names are
literal text (they come from people and files).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Static, Tree

from inquiry_tui.domain.filenames import user_path
from inquiry_tui.domain.files import size_text
from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.files import disk
from inquiry_tui.services.files.disk import PAGE, DiskEntry, TrashItem
from inquiry_tui.services.files.places import DiskUsage, FolderNode, folder_tree
from inquiry_tui.tui.common import clock
from inquiry_tui.tui.common.confirm import ConfirmScreen
from inquiry_tui.tui.common.errors import WorkerErrors
from inquiry_tui.tui.common.footer import KeysFooter
from inquiry_tui.tui.common.paged_rows import PagedRows
from inquiry_tui.tui.files import FILES_CSS
from inquiry_tui.tui.files.labels import kind_of
from inquiry_tui.tui.files.prompt import PromptScreen
from inquiry_tui.tui.files.save import default_folder

TRASH = "trash"
NARROW = 110


def file_text(row: DiskEntry | TrashItem, width: int) -> Text:
    size = size_text(row.size).rjust(9)
    if isinstance(row, TrashItem):
        kind, when = ("📁 " if row.kind == "folder" else "  "), clock.day(row.deleted_at)
        room = max(8, width - 9 - 12 - 4)
        text = Text(" " + kind)
        text.append(truncate(safe_line(row.name), room).ljust(room - 2))
        text.append(size, style="dim")
        text.append("  " + when, style="dim")
        return text
    kind = kind_of(row.mime)
    wide = width >= 70
    room = max(8, width - 9 - (18 if wide else 0) - (12 if width >= 90 else 0) - 3)
    text = Text(" ")
    text.append(truncate(safe_line(row.name), room).ljust(room))
    text.append(size, style="dim")
    if wide:
        text.append("  " + truncate(kind, 16).ljust(16), style="red" if "program" in kind else "dim")
    if width >= 90:
        text.append("  " + clock.day(row.added_at), style="dim")
    return text


def usage_text(u: DiskUsage) -> Text:
    share = u.used / u.quota if u.quota else 0
    bar = round(min(1.0, share) * 12)
    text = Text("Disk ", style="bold")
    text.append("█" * bar, style="red" if share > 0.9 else "green")
    text.append("░" * (12 - bar), style="dim")
    text.append(f" {size_text(u.used)} of {size_text(u.quota)}")
    if u.trash:
        text.append(f" ({size_text(u.trash)} in the trash)", style="dim")
    return text


def _label(node: FolderNode, files: int) -> Text:
    """A folder in the tree: its (cleaned) name and how many files it holds."""
    label = Text(("📁 " if node.id is not None else "🗄 ") + safe_line(node.name))
    if files:
        label.append(f" {files}", style="dim")
    return label


class DiskScreen(Screen[None], WorkerErrors):
    CSS_PATH = FILES_CSS
    BINDINGS = [
        Binding("a", "add", "Add file", id="disk-add", tooltip="add a local file to this folder"),
        Binding("n", "new_folder", "New folder", id="disk-new-folder"),
        Binding("r", "rename", "Rename", id="disk-rename", tooltip="rename the file (or the folder, from the tree)"),
        Binding("m", "move", "Move", id="disk-move", tooltip="move the file to another folder"),
        Binding("d", "delete", "Delete", id="disk-delete", tooltip="to the trash (the folder, from the tree)"),
        Binding("u", "restore", "Restore", id="disk-restore", tooltip="back from the trash"),
        Binding("w", "save", "Save to…", id="disk-save", tooltip="write the file to a local path"),
        Binding("E", "empty_trash", "Empty trash", show=False, id="disk-empty-trash"),
    ]

    @dataclass
    class TreeLoaded(Message):
        nodes: list[FolderNode]
        usage: DiskUsage

    @dataclass
    class FilesLoaded(Message):
        generation: int
        total: int
        rows: list[Any]
        next_key: tuple[str, int] | None

    @dataclass
    class MoreLoaded(Message):
        generation: int
        start: tuple[str, int]
        rows: list[DiskEntry]
        next_key: tuple[str, int] | None

    @dataclass
    class Changed(Message):
        """A change went through: MESSAGE says what; the list (and the folder tree when FOLDERS) are read again."""

        message: str
        folders: bool

    @dataclass
    class UsageLoaded(Message):
        usage: DiskUsage

    def __init__(self, ctx: Ctx) -> None:
        super().__init__()
        self.ctx = ctx
        self.place: FolderNode | str | None = None  # a folder (or space top), or TRASH
        self.generation = 0
        self.next_key: tuple[str, int] | None = None
        self._restoring = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="disk-body"):
            yield Tree("Cloud disk", id="disk-tree")
            with Vertical(id="disk-main"):
                yield Static("", id="disk-status")
                yield PagedRows(file_text, empty="No files here (a adds one)", id="disk-files")
                yield Static("", id="disk-detail")
        yield KeysFooter()

    @property
    def files(self) -> PagedRows:
        return self.query_one("#disk-files", PagedRows)

    def on_mount(self) -> None:
        tree = self.query_one(Tree)
        tree.show_root = False
        self.files.focus()
        self.set_class(self.size.width < NARROW, "-narrow")
        self._load_tree()

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW, "-narrow")

    # --- the tree ---------------------------------------------------------------------------------

    @on(clock.ZoneChanged)
    def _zone_changed(self) -> None:
        """The reader chose another zone (`Z`): the times again."""
        self._load_tree()

    @work(thread=True, exclusive=True, group="disk-tree", exit_on_error=False)
    def _load_tree(self) -> None:
        clock.load(self.ctx)  # the times are the reader's
        self.post_message(self.TreeLoaded(folder_tree(self.ctx), disk.disk_usage(self.ctx)))

    @on(TreeLoaded)
    def _tree_loaded(self, event: TreeLoaded) -> None:
        tree: Tree[FolderNode | str] = self.query_one(Tree)
        tree.clear()
        parents: dict[tuple[int | None, int | None], Any] = {}
        wanted = self._place_key(self.place)
        select = None
        has_kids = {(n.owner_id, n.parent_id) for n in event.nodes if n.id is not None}
        for node in event.nodes:
            label = _label(node, node.files)
            parent = tree.root if node.id is None else parents.get((node.owner_id, node.parent_id), tree.root)
            item = parent.add(label, data=node, expand=True, allow_expand=(node.owner_id, node.id) in has_kids)
            parents[(node.owner_id, node.id)] = item
            if self._place_key(node) == wanted or (wanted is None and select is None):
                select = item
        trash = tree.root.add(Text("🗑 Trash"), data=TRASH, allow_expand=False)
        if self.place == TRASH:
            select = trash
        tree.root.expand()
        self.query_one("#disk-status", Static).update(usage_text(event.usage))
        self.usage = event.usage
        if select is not None:
            # The new nodes have their lines once the tree has laid them out; until the cursor is
            # back on the open folder, the tree's own highlight messages are not the user's.
            self._restoring = True
            chosen = select

            def restore() -> None:
                tree.move_cursor(chosen)
                self.call_after_refresh(self._restored)

            self.call_after_refresh(restore)
            self._open(select.data)

    def _restored(self) -> None:
        self._restoring = False

    @staticmethod
    def _place_key(place: FolderNode | str | None) -> Any:
        if isinstance(place, FolderNode):
            return (place.owner_id, place.id)
        return place

    @on(Tree.NodeHighlighted)
    def _node_highlighted(self, event: Tree.NodeHighlighted[FolderNode | str]) -> None:
        if self._restoring or event.node is not self.query_one(Tree).cursor_node:
            return  # the tree is being read again: not the user's move
        if event.node.data is not None and self._place_key(event.node.data) != self._place_key(self.place):
            self._open(event.node.data)

    def _open(self, place: FolderNode | str | None) -> None:
        self.place = place
        self.generation += 1
        self._load_files(self.generation, place)

    # --- the files ---------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="disk-files", exit_on_error=False)
    def _load_files(self, generation: int, place: FolderNode | str | None) -> None:
        if place == TRASH:
            items: list[Any] = list(disk.list_trash(self.ctx))
            self.post_message(self.FilesLoaded(generation, len(items), items, None))
            return
        if not isinstance(place, FolderNode):
            return
        total = disk.count_in_folder(self.ctx, place.owner_id, place.id)
        page = disk.folder_page(self.ctx, place.owner_id, place.id, None, PAGE)
        self.post_message(self.FilesLoaded(generation, total, list(page.rows), page.next_key))

    @on(FilesLoaded)
    def _files_loaded(self, event: FilesLoaded) -> None:
        if event.generation != self.generation:
            return
        self.next_key = event.next_key
        if isinstance(self.place, FolderNode):  # a file added, deleted or restored here: its count in the tree
            node = self.query_one(Tree).cursor_node
            if node is not None and self._place_key(node.data) == self._place_key(self.place):
                node.set_label(_label(self.place, event.total))
        self.files.empty = "The trash is empty" if self.place == TRASH else "No files here (a adds one)"
        self.files.reset(event.total, event.rows, complete=event.next_key is None)

    @on(PagedRows.RowsWanted)
    def _rows_wanted(self, event: PagedRows.RowsWanted) -> None:
        if self.next_key is not None and isinstance(self.place, FolderNode):
            self._more(self.generation, self.place, self.next_key, event.upto - len(self.files.rows))

    @work(thread=True, exclusive=True, group="disk-more", exit_on_error=False)
    def _more(self, generation: int, place: FolderNode, key: tuple[str, int], wanted: int) -> None:
        page = disk.folder_page(self.ctx, place.owner_id, place.id, key, max(PAGE, wanted))
        self.post_message(self.MoreLoaded(generation, key, list(page.rows), page.next_key))

    @on(MoreLoaded)
    def _more_loaded(self, event: MoreLoaded) -> None:
        if event.generation == self.generation and event.start == self.next_key:
            self.next_key = event.next_key
            self.files.add_rows(event.rows, event.next_key is None)

    @on(PagedRows.Highlighted)
    def _file_highlighted(self, event: PagedRows.Highlighted) -> None:
        row = event.row
        detail = self.query_one("#disk-detail", Static)
        if isinstance(row, DiskEntry):
            text = Text(safe_line(row.name), style="bold")
            text.append(f"\n{size_text(row.size)} · {kind_of(row.mime)} · in {safe_line(row.folder)}", style="dim")
            text.append(f" · added by {row.added_by} {clock.stamp(row.added_at)} · id {row.id}", style="dim")
            detail.update(text)
        elif isinstance(row, TrashItem):
            text = Text(f"{row.kind} ", style="dim")
            text.append(safe_line(row.name), style="bold")
            text.append(
                f"\nwas in {safe_line(row.folder)} · deleted {clock.stamp(row.deleted_at)} · u restores", style="dim"
            )
            detail.update(text)
        else:
            detail.update("")

    # --- actions ---------------------------------------------------------------------------------

    def _folder_path(self) -> str | None:
        return self.place.path if isinstance(self.place, FolderNode) else None

    def _tree_folder(self) -> FolderNode | None:
        if not isinstance(self.focused, Tree):
            return None
        node = self.query_one(Tree).cursor_node
        return (
            node.data if node is not None and isinstance(node.data, FolderNode) and node.data.id is not None else None
        )

    def _file(self) -> DiskEntry | None:
        row = self.files.current
        if not isinstance(row, DiskEntry):
            self.notify("No file selected.", severity="warning")
            return None
        return row

    def _run(self, call: Any, message: str, *, folders: bool = False) -> None:
        self._change(call, message, folders)

    @work(thread=True, exclusive=False, group="disk-change", exit_on_error=False)
    def _change(self, call: Any, message: str, folders: bool) -> None:
        call()
        self.post_message(self.Changed(message, folders))

    @on(Changed)
    def _changed(self, event: Changed) -> None:
        self.notify(event.message, markup=False)
        if event.folders:
            self._load_tree()
            return
        self._open(self.place)
        self._load_usage()

    @work(thread=True, exclusive=True, group="disk-usage", exit_on_error=False)
    def _load_usage(self) -> None:
        self.post_message(self.UsageLoaded(disk.disk_usage(self.ctx)))

    @on(UsageLoaded)
    def _usage_loaded(self, event: UsageLoaded) -> None:
        self.query_one("#disk-status", Static).update(usage_text(event.usage))

    def action_add(self) -> None:
        folder = self._folder_path()
        if folder is None:
            self.notify("Choose a folder to add to first.", severity="warning")
            return

        def given(text: str | None) -> None:
            if text:
                path = user_path(text)
                self._run(lambda: disk.add_file(self.ctx, path, folder), f"Added {path.name} to {folder}")

        self.app.push_screen(PromptScreen(f"Add a file to {folder}", "a local file's path"), given)

    def action_new_folder(self) -> None:
        base = self._folder_path()
        if base is None:
            self.notify("Choose where to make the folder first.", severity="warning")
            return

        def given(name: str | None) -> None:
            if name:
                path = name if base == "/" else f"{base}/{name}"
                self._run(lambda: disk.make_folder(self.ctx, path), f"Made {path}", folders=True)

        self.app.push_screen(PromptScreen(f"New folder in {base}", "a plain name"), given)

    def action_rename(self) -> None:
        folder = self._tree_folder()
        if folder is not None:

            def given_folder(name: str | None) -> None:
                if name and folder.id is not None:
                    fid = folder.id
                    self._run(
                        lambda: disk.rename_folder(self.ctx, fid, name), f"Renamed the folder to {name}", folders=True
                    )

            self.app.push_screen(PromptScreen("Rename folder", "a plain name", folder.name), given_folder)
            return
        if (row := self._file()) is None:
            return

        def given(name: str | None) -> None:
            if name:
                self._run(lambda: disk.rename_file(self.ctx, row.id, name), f"Renamed to {name}")

        self.app.push_screen(PromptScreen("Rename file", "a plain name", row.name), given)

    def action_move(self) -> None:
        if (row := self._file()) is None:
            return

        def given(folder: str | None) -> None:
            if folder:
                self._run(lambda: disk.move_file(self.ctx, row.id, folder), f"Moved to {folder}", folders=True)

        self.app.push_screen(
            PromptScreen("Move to folder", "e.g. Catalogues/2026, ~ (your folder), ~/Drafts", row.folder), given
        )

    def action_delete(self) -> None:
        folder = self._tree_folder()
        if folder is not None and folder.id is not None:
            fid = folder.id

            def answered(yes: bool | None) -> None:
                if yes:
                    self._run(lambda: disk.delete_folder(self.ctx, fid), "Folder moved to the trash", folders=True)

            self.app.push_screen(
                ConfirmScreen("Delete folder", Text(f"Move {folder.path} and its files to the trash?"), yes="Delete"),
                answered,
            )
            return
        if (row := self._file()) is not None:
            self._run(lambda: disk.delete_file(self.ctx, row.id), "Moved to the trash (u restores it)")

    def action_restore(self) -> None:
        row = self.files.current
        if not isinstance(row, TrashItem):
            self.notify("Open the trash and choose what to restore.", severity="warning")
            return
        if row.kind == "folder":
            self._run(lambda: disk.restore_folder(self.ctx, row.id), "Folder restored", folders=True)
        else:
            self._run(lambda: disk.restore_file(self.ctx, row.id), "File restored", folders=True)  # its folder's count

    def action_save(self) -> None:
        if (row := self._file()) is None:
            return

        def given(text: str | None) -> None:
            if text:
                path = user_path(text)
                self._run(lambda: disk.save_file(self.ctx, row.id, path), f"Saved to {path}")

        self.app.push_screen(
            PromptScreen(
                "Save to", "a file or a folder; an existing file is not overwritten", str(default_folder() / row.name)
            ),
            given,
        )

    def action_empty_trash(self) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self._run(lambda: disk.empty_trash(self.ctx), "The trash was emptied", folders=True)

        self.app.push_screen(
            ConfirmScreen("Empty trash", Text("Remove what is in the trash for good?"), yes="Empty", danger=True),
            answered,
        )
