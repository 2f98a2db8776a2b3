"""The inbox's keys (DESIGN's keyboard): the footer, `?` help and the palette all read these bindings.

Ids are "<category>-<name>": the help and the palette file each key under its category.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

from inquiry_tui.services.inbox import listing as inbox
from inquiry_tui.tui.inbox.folder_bar import FOLDER_KEYS

INBOX_KEYS: list[BindingType] = [
    # `?` is the app's; repeated here so that the footer shows it first
    Binding("question_mark", "app.show_keys", "Keys", id="help-keys", tooltip="the keys that work here"),
    # A priority key: the app runs it as it reads it, before it hands the next keys of a burst to the list
    # (`/solar` together would give "solar" to the list, where s marks junk, a assigns and r replies).
    Binding(
        "slash",
        "search",
        "Search",
        id="inbox-search",
        tooltip="search subject, messages and buyer company",
        priority=True,
    ),
    Binding("r", "triage('reply')", "Reply", id="inbox-reply", tooltip="reply, with templates"),
    Binding("t", "triage('toggle_tag')", "Tag", id="inbox-tag", tooltip="tag / untag"),
    Binding("s", "triage('toggle_junk')", "Junk", id="inbox-junk", tooltip="junk / not junk"),
    Binding("d", "triage('delete')", "Delete", id="inbox-delete", tooltip="move to Deleted"),
    Binding(
        "u", "triage('restore')", "Restore", id="inbox-restore", tooltip="restore from Deleted (junk returns to Junk)"
    ),
    Binding("a", "triage('assign')", "Assign", id="inbox-assign", tooltip="reassign (admin) / hand over (salesperson)"),
    Binding("c", "triage('add_customer')", "Customer", id="inbox-customer", tooltip="add the buyer as a customer"),
    Binding("m", "triage('toggle_read')", "Read", id="inbox-read", tooltip="mark read / unread"),
    Binding("e", "triage('export')", "Export", id="inbox-export", tooltip="export this folder to a file"),
    Binding("L", "draft_loi", "LOI", id="inbox-loi", tooltip="draft a letter of intent from this inquiry"),
    Binding("w", "save_attachment", "Save file", id="inbox-save-file", tooltip="save an attachment of this inquiry"),
    Binding("p", "toggle_profile", "Profile", id="inbox-profile", tooltip="show / hide the buyer profile"),
    Binding(
        "tab",
        "focus_next",
        "Next pane",
        show=False,
        id="inbox-next-pane",
        tooltip="next pane (folders, list, thread, profile)",
    ),
    Binding(
        "escape",
        "clear_search",
        "Clear search",
        show=False,
        id="inbox-clear-search",
        tooltip="clear the search / back to the list",
    ),
    Binding(
        "o",
        "rank_search",
        "Rank by relevance",
        show=False,
        id="inbox-rank",
        tooltip="rank the newest 500 hits of the current search",
    ),
    Binding(
        "N",
        "triage('note')",
        "Note",
        show=False,
        id="inbox-note",
        tooltip="leave a note on it for its owner (admin); ✎ marks it until they read it",
    ),
    Binding(
        "P",
        "triage('purge')",
        "Purge deleted",
        show=False,
        id="inbox-purge",
        tooltip="remove inquiries deleted over 30 days ago (admin)",
    ),
    *(
        Binding(key, f"folder('{folder}')", inbox.FOLDER_TITLES[folder], show=False, id=f"folder-{folder}")
        for folder, key in FOLDER_KEYS.items()
    ),
]
