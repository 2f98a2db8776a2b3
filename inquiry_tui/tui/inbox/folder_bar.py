"""FolderBar: the folder sidebar (All, Unread, Sent, Tagged, E-mail, Junk, Deleted, Allocation record) with counts."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from inquiry_tui.services.inbox.listing import FOLDER_NAMES, FolderCounts

FOLDER_KEYS = {
    "all": "A",
    "unread": "U",
    "sent": "S",
    "tagged": "T",
    "email": "E",
    "junk": "J",
    "deleted": "D",
    "allocation": "R",
}
TITLES = {  # longest first; the widest that fits beside the count is shown
    "all": ("All",),
    "unread": ("Unread",),
    "sent": ("Sent",),
    "tagged": ("Tagged",),
    "email": ("E-mail",),
    "junk": ("Junk",),
    "deleted": ("Deleted",),
    "allocation": ("Allocation", "Alloc."),
}


def _count(n: int | None) -> str:
    if n is None:
        return "…"
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f}M"
    if n >= 100_000:
        return f"{n // 1000}k"
    return f"{n:,}"


class FolderBar(OptionList):
    """Folders with their key and count; choosing one (enter, click, or its key) opens it."""

    DEFAULT_CSS = """
    FolderBar { width: 22; height: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(*(Option(_prompt(name, None, 18), id=name) for name in FOLDER_NAMES), id=id)
        self.counts: FolderCounts | None = None

    def _redraw(self) -> None:
        width = max(10, self.scrollable_content_region.width - 2)
        for name in FOLDER_NAMES:
            self.replace_option_prompt(name, _prompt(name, self.counts.of(name) if self.counts else None, width))

    def set_counts(self, counts: FolderCounts) -> None:
        self.counts = counts
        self._redraw()

    def on_resize(self) -> None:
        self._redraw()

    def show_folder(self, folder: str) -> None:
        """Highlight FOLDER without choosing it again."""
        self.highlighted = FOLDER_NAMES.index(folder)


def _prompt(folder: str, count: int | None, width: int) -> Content:
    """`A All      1,856`: the key, the folder, its count at the right edge."""
    number = _count(count)
    titles = TITLES[folder]
    title = next((t for t in titles if 2 + len(t) + 1 + len(number) <= width), titles[-1])
    label = f"{FOLDER_KEYS[folder]} {title}"
    gap = max(1, width - len(label) - len(number))
    return Content.assemble((FOLDER_KEYS[folder], "bold $accent"), label[1:] + " " * gap, (number, "$text-muted"))
