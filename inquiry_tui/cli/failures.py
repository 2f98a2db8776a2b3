"""What the command line says when a command ends in an error: one line and an exit code, never a traceback.

The root group (`cli/root.py`) and opening the TUI without typer (`cli/tui_entry.py`) both word their
errors here, so that a store that cannot be opened reads the same whichever way the TUI was started.
"""

from __future__ import annotations

from inquiry_tui.config import db_url, log_error
from inquiry_tui.domain.errors import InquiryError
from inquiry_tui.domain.text import safe_line
from inquiry_tui.services.context import describe_store_error, store_errors

# SQLite's INTEGER (and PostgreSQL's bigint): a larger whole number given on the command line is refused in words.
MAX_STORE_INT = 2**63 - 1


def failure(error: BaseException, words: list[str], db: str | None) -> tuple[str, int]:
    """The line to print after `error: ` and the exit code for ERROR, which ended the command line WORDS (below
    the program name and the root options) on store DB (`--db`).

    ctrl+c says what was kept (exit 130, the shell's code for it); a refusal, a store error or a number out
    of range is worded (exit 1); anything else is a bug: its traceback goes to the error log and the line
    says where. Every line but ctrl+c's fixed words is shown through `safe_line` (it can quote a file's or a
    buyer's text).
    """
    if isinstance(error, KeyboardInterrupt):
        return f"stopped (ctrl+c); {kept_after_interrupt(words)}", 130
    if isinstance(error, InquiryError):
        message = str(error)
    elif isinstance(error, store_errors()):
        message = describe_store_error(error, db_url(db))
    elif isinstance(error, OverflowError):
        # A whole number past what the store holds (an id such as 99999999999999999999999) or a date
        # pushed past year 9999 by arithmetic; nothing was written (the transaction rolled back).
        if "int" in str(error).lower():
            message = f"a number given is too large (at most {MAX_STORE_INT:,}); nothing was changed"
        else:
            message = f"a date or number is out of range ({error}); nothing was changed"
    else:  # the last resort: one line, the details in the log
        where = log_error(error)
        message = f"unexpected {type(error).__name__}: {error!r:.200}; nothing more was done. Details: {where}"
    return safe_line(message), 1


def kept_after_interrupt(argv: list[str]) -> str:
    """What an interrupted command kept: a file import and a seed are one transaction, rolled back whole; an
    export or a backup writes a temporary file renamed only when complete, so FILE was not written."""
    words = [a for a in argv if not a.startswith("-")]
    target = _output(argv)
    if words[:2] == ["import", "maildir"]:
        return "the messages written before it are kept; run it again to import the rest (each message once)"
    if "import" in words:
        return "nothing was imported (an import is all or nothing)"
    if words[:1] == ["seed"]:
        return "nothing was seeded (a seed is all or nothing)"
    if words[:1] == ["export"] or words[1:2] == ["export"]:  # export inquiries|allocations, loi|order export
        if target is None:
            return "the output stopped part-way (what was printed is incomplete)"
        return f"{target} was not written (the partial file was removed; an export is complete or not at all)"
    if words[:2] == ["db", "backup"] and len(words) > 2:
        return f"{words[2]} was not written (the partial archive was removed)"
    if words[:2] == ["db", "restore"]:
        return "no store was made (the partial store was removed; files already unpacked stay for the next try)"
    if words[:2] == ["db", "copy"] and target is not None:
        return f"the copy in {target} is not complete: remove or empty it before copying again"
    return "the step in progress was rolled back; what finished before it is kept"


def _output(argv: list[str]) -> str | None:
    """The value of -o/--output (an export's FILE) or --to (db copy's target), if the command line gives one."""
    for i, arg in enumerate(argv):
        for name in ("-o", "--output", "--to"):
            if arg == name and i + 1 < len(argv):
                return argv[i + 1]
            if arg.startswith(f"{name}=") and name.startswith("--"):
                return arg.split("=", 1)[1]
        if arg.startswith("-o") and len(arg) > 2 and not arg.startswith("--"):
            return arg[2:]
    return None
