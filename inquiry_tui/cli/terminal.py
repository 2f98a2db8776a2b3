"""Standard output and error made inert when they are a terminal: no raw control, bidi or invisible character reaches it.

Buyer text reaches the command line's output on many paths: tables, one-line messages, CSV and
JSON exports to the screen, errors that quote a value. Each path already passes it through
`safe_line` or an escaping encoder where it knows the text is the buyer's; this guard is the
one place that holds for all of them (docs/untrusted-text.md, "The command line"). When a
command runs with stdout or stderr on a terminal, the stream is wrapped so that every write goes
through `safe_text`: ESC, BEL, the one-byte CSI, OSC 52 payloads, bidi overrides and zero-width
characters arrive as visible placeholders (`␛`, `⟨U+202E⟩`), newline and tab stay, CRLF becomes a
newline. Pipes and files are left alone: they carry data, not display.

A guarded stream says it is not a terminal (`isatty()` is False), so typer and rich print no
colour codes into it; `on_terminal()` answers for the stream underneath. The TUI gets the real
streams back before it starts (`release()`).
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

from inquiry_tui.domain.text import safe_text

__all__ = ["TerminalGuard", "guard_terminal", "on_terminal", "release"]


class TerminalGuard:
    """A text stream that writes through `safe_text` to the terminal stream it wraps."""

    def __init__(self, raw: TextIO) -> None:
        self.raw = raw
        self._pending_cr = False  # a CR that ended a write: CRLF split over two writes (the csv module's line end)

    # -- what click and print need of a text stream --
    @property
    def encoding(self) -> str:
        return self.raw.encoding

    @property
    def errors(self) -> str | None:
        return self.raw.errors

    def isatty(self) -> bool:
        return False

    def writable(self) -> bool:
        return True

    def readable(self) -> bool:
        return False

    def fileno(self) -> int:
        return self.raw.fileno()

    def write(self, text: str) -> int:
        if not isinstance(text, str):  # click probes with b"" to tell text streams from binary ones
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if not text:
            return 0
        data = text
        if self._pending_cr:
            data = "\r" + data
            self._pending_cr = False
        if data.endswith("\r"):
            data = data[:-1]
            self._pending_cr = True
        self.raw.write(safe_text(data))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        if self._pending_cr:  # a CR that nothing followed: shown, never obeyed
            self._pending_cr = False
            self.raw.write(safe_text("\r"))
        self.raw.flush()

    def close(self) -> None:
        self.flush()

    @property
    def closed(self) -> bool:
        return bool(self.raw.closed)

    def __getattr__(self, name: str) -> Any:  # anything else (e.g. `buffer` is refused below) from the raw stream
        if name == "buffer":  # bytes written past the guard would reach the terminal raw
            raise AttributeError("a guarded terminal stream has no binary buffer")
        return getattr(self.raw, name)


def on_terminal(stream: object) -> bool:
    """Is STREAM (guarded or not) a terminal underneath?"""
    raw = stream.raw if isinstance(stream, TerminalGuard) else stream
    try:
        return bool(raw.isatty()) if hasattr(raw, "isatty") else False
    except (ValueError, OSError):  # a closed stream
        return False


def guard_terminal() -> None:
    """Wrap sys.stdout and sys.stderr in a TerminalGuard where they are terminals (idempotent)."""
    if not isinstance(sys.stdout, TerminalGuard) and on_terminal(sys.stdout):
        sys.stdout = TerminalGuard(sys.stdout)  # a text stream in all that is used of one
    if not isinstance(sys.stderr, TerminalGuard) and on_terminal(sys.stderr):
        sys.stderr = TerminalGuard(sys.stderr)


def release() -> None:
    """Give the TUI the real streams back (it writes escape sequences of its own)."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if isinstance(stream, TerminalGuard):
            stream.flush()
            setattr(sys, name, stream.raw)
