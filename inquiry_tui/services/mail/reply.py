"""`inquiry reply ID (--text | --file) [--attach PATH]...`: a reply as the TUI sends it, with files attached.

One transaction: the message (services/inbox/triage.add_reply, which also saves an e-mail
thread's reply to the outbox), then each file into the file store and onto the message. The
files are read and checked before the transaction, so a missing or unreadable file refuses
the reply with nothing saved. Who may reply is triage's rule: one's own inquiries; the admin any.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.domain.filenames import safe_filename
from inquiry_tui.domain.vocabulary import Channel
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.files import blobs
from inquiry_tui.services.files.attachments import attach
from inquiry_tui.services.inbox.triage import InquiryState, _done, add_reply, reply_text

MAX_FILES = 20


@dataclass(frozen=True)
class ReplyResult:
    state: InquiryState
    message_id: int
    channel: str
    queued: bool  # an e-mail waits in the outbox
    attached: tuple[str, ...]  # the files' names as kept


def _read(paths: Sequence[Path]) -> list[tuple[str, bytes]]:
    if len(paths) > MAX_FILES:
        raise ValidationError(f"at most {MAX_FILES} files may be attached to one reply")
    files = []
    for path in paths:
        try:
            data = path.read_bytes()
        except IsADirectoryError:
            raise ValidationError(f"{path} is a folder; attach files") from None
        except OSError as exc:
            raise ValidationError(f"{path}: {exc.strerror or exc}") from None
        if len(data) > blobs.DEFAULT_MAX_BYTES:
            raise ValidationError(
                f"{path} is {len(data) / 1048576:.1f} MB, over the {blobs.DEFAULT_MAX_BYTES // 1048576} MB a file may have"
            )
        files.append((path.name, data))
    return files


def reply_with_files(ctx: Ctx, inquiry_id: int, body: str, attach_paths: Sequence[Path] = ()) -> ReplyResult:
    text = reply_text(body, with_files=bool(attach_paths))
    files = _read(attach_paths)
    with ctx.write() as session:
        inquiry, message = add_reply(session, ctx, inquiry_id, text)
        assert message.id is not None  # add_reply flushes the message
        for name, data in files:
            attach(session, ctx.url, message.id, name, data, at=ctx.now())
        state = _done(session, ctx, inquiry)
        return ReplyResult(
            state,
            message.id,
            inquiry.channel,
            inquiry.channel == Channel.EMAIL,
            tuple(safe_filename(name) for name, _ in files),
        )
