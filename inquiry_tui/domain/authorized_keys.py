"""OpenSSH `authorized_keys` lines: parse them, tell ours apart, and write the forced-command line of service-account mode.

A line is `[options] keytype base64 [comment]` (sshd(8), "AUTHORIZED_KEYS FILE FORMAT");
options are comma-separated and may hold double-quoted values (`command="..."`, where `\\"` is
a quote). Ours are the lines whose forced command runs `inquiry-tui ... ssh-session LOGIN`;
every other line (the service account's own keys, other tools' lines, comments) is kept as
it is, byte for byte. Pure: the services read and write the file.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import shlex
import struct
from dataclasses import dataclass

from inquiry_tui.domain.errors import ValidationError

KEY_TYPES = frozenset(
    {
        "ssh-ed25519",
        "ssh-rsa",
        "ecdsa-sha2-nistp256",
        "ecdsa-sha2-nistp384",
        "ecdsa-sha2-nistp521",
        "sk-ssh-ed25519@openssh.com",
        "sk-ecdsa-sha2-nistp256@openssh.com",
    }
)
SESSION_COMMAND = "ssh-session"
# `restrict` turns off forwarding, X11, agent, pty and ~/.ssh/rc; `pty` gives the TUI its terminal back.
OPTIONS = "restrict,pty"
_UNSAFE = re.compile(r'["\\\x00-\x1f\x7f]')  # cannot sit inside command="..." as plain text


@dataclass(frozen=True)
class PublicKey:
    type: str
    blob: str  # base64, as in the file
    comment: str = ""

    @property
    def fingerprint(self) -> str:
        """As `ssh-keygen -lf` prints it: `SHA256:` and the unpadded base64 of the blob's sha256."""
        digest = hashlib.sha256(base64.b64decode(self.blob)).digest()
        return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")


@dataclass(frozen=True)
class KeyLine:
    """One line of the file as read (without its line end)."""

    text: str
    key: PublicKey | None  # None: blank, a comment, or not a key line sshd would use
    command: str | None  # the forced command, if any
    login: str | None  # ours: the LOGIN its `ssh-session LOGIN` acts as

    @property
    def ours(self) -> bool:
        return self.login is not None


def _split_first(text: str) -> tuple[str, str]:
    """The first whitespace-separated field (quotes kept together) and the rest."""
    quoted = False
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and quoted and i + 1 < len(text) and text[i + 1] == '"':
            i += 2
            continue
        if c == '"':
            quoted = not quoted
        elif c in " \t" and not quoted:
            return text[:i], text[i:].lstrip(" \t")
        i += 1
    return text, ""


def _options(field: str) -> list[tuple[str, str | None]]:
    """`restrict,pty,command="a b"` as [(name, value)], values unquoted (`\\"` -> `"`)."""
    out: list[tuple[str, str | None]] = []
    i = 0
    while i < len(field):
        j = i
        while j < len(field) and field[j] not in ',="':
            j += 1
        name = field[i:j].lower()
        value: str | None = None
        if j < len(field) and field[j] == "=":
            j += 1
            if j < len(field) and field[j] == '"':
                j += 1
                chars = []
                while j < len(field) and field[j] != '"':
                    if field[j] == "\\" and j + 1 < len(field) and field[j + 1] == '"':
                        j += 1
                    chars.append(field[j])
                    j += 1
                j += 1  # the closing quote
                value = "".join(chars)
            else:
                k = j
                while j < len(field) and field[j] != ",":
                    j += 1
                value = field[k:j]
        out.append((name, value))
        while j < len(field) and field[j] != ",":
            j += 1
        i = j + 1
    return out


def _key(key_type: str, rest: str) -> PublicKey | None:
    blob, _, comment = rest.partition(" ")
    blob = blob.strip()
    if key_type not in KEY_TYPES or not blob:
        return None
    try:
        raw = base64.b64decode(blob, validate=True)
    except (binascii.Error, ValueError):
        return None
    if len(raw) < 4:
        return None
    (length,) = struct.unpack(">I", raw[:4])
    if raw[4 : 4 + length] != key_type.encode("ascii"):
        return None  # the blob names another type: a damaged or mislabelled key
    return PublicKey(key_type, blob, comment.strip())


def login_of(command: str | None) -> str | None:
    """The LOGIN of a forced command `... ssh-session LOGIN`, else None."""
    if not command:
        return None
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    if SESSION_COMMAND in words[1:]:
        i = words.index(SESSION_COMMAND, 1)
        if i + 1 < len(words):
            return words[i + 1]
    return None


def parse_line(text: str) -> KeyLine:
    stripped = text.strip()
    if not stripped or stripped.startswith("#"):
        return KeyLine(text, None, None, None)
    first, rest = _split_first(stripped)
    if first in KEY_TYPES:
        return KeyLine(text, _key(first, rest), None, None)
    key_type, rest = _split_first(rest)
    key = _key(key_type, rest)
    command = next((value for name, value in _options(first) if name == "command"), None)
    return KeyLine(text, key, command, login_of(command) if key is not None else None)


def parse_public_key(text: str, source: str) -> PublicKey:
    """The one public key in TEXT (a `.pub` file; SOURCE names it in errors)."""
    if "PRIVATE KEY" in text:
        raise ValidationError(f"{source} is a private key; give the public one (the .pub file beside it)")
    lines = [parse_line(line) for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise ValidationError(f"{source} holds no public key")
    if len(lines) > 1:
        raise ValidationError(f"{source} holds {len(lines)} lines; give one public key per file")
    key = lines[0].key
    if key is None:
        first = lines[0].text.split()[0] if lines[0].text.split() else ""
        if first == "ssh-dss":
            raise ValidationError(f"{source}: DSA keys are refused by current OpenSSH; make an ed25519 key")
        raise ValidationError(
            f"{source} is not an OpenSSH public key (expected e.g. `ssh-ed25519 AAAA... you@laptop`; "
            f"types: {', '.join(sorted(KEY_TYPES))})"
        )
    comment = "".join(c for c in key.comment if c.isprintable())
    return PublicKey(key.type, key.blob, comment[:200])


def forced_command(program: str, db: str, login: str) -> str:
    """The shell command sshd runs for a key: `PROGRAM --db DB ssh-session LOGIN`, each part quoted."""
    for what, value in (("program", program), ("store", db), ("login", login)):
        if _UNSAFE.search(value):
            raise ValidationError(
                f"the {what} {value!r} holds a quote, backslash or control character; use a plain path"
            )
    return " ".join(shlex.quote(part) for part in (program, "--db", db, SESSION_COMMAND, login))


def render_line(command: str, key: PublicKey) -> str:
    """The authorized_keys line that lets KEY in only to run COMMAND (no quotes to escape: see `forced_command`)."""
    comment = f" {key.comment}" if key.comment else ""
    return f'{OPTIONS},command="{command}" {key.type} {key.blob}{comment}'
