"""Maildir benchmark: `import maildir` throughput (messages/s) and peak RSS, then a second, incremental run.

    python benchmarks/bench_mail.py [--sizes 100000] [--out benchmarks/out]

For each size: a Maildir of N messages built with the standard library's MIME classes
(`email.mime`) under --out (gitignored; kept and reused by later runs), named as a mail fetcher
names them, 300 to a delivery second: about 70% plain-text inquiries (UTF-8 and Latin-1 in
quoted-printable, GB18030 in base64, some with an RFC 2047 subject), 15% answers to one of the
500 messages before (In-Reply-To; half with References too, some delivered in the same second
as their parent and listed before it), 10% multipart/alternative (text and HTML), 4% HTML only,
1% without a From (skipped); 1 in 50 with a small attachment; ~N/10 senders. Then a fresh store
with the sample company (smart reception on: each new thread queues an auto-reply e-mail), and
`import maildir` in a child process, timed end to end (listing, reading, MIME, terms, pipeline,
FTS, attachments, commit); the child's peak RSS and CPU (its own and its parsing workers') are
read from the OS. A second run of the same Maildir shows the cost of an incremental run that
finds nothing new.
Target (docs/performance.md): >= 2,000 messages/s.
"""

from __future__ import annotations

import argparse
import mailbox
import os
import random
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from email import charset as email_charset
from email.header import Header
from email.message import Message
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime
from pathlib import Path

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)

_CHILD = """
import sys, time, resource
from pathlib import Path
from datetime import UTC, datetime
from inquiry_tui.services.context import actor_from, connect_system
from inquiry_tui.services.mail.maildir import import_maildir
from inquiry_tui.store.models import Account
from sqlmodel import select
db, box = sys.argv[1], Path(sys.argv[2])
system = connect_system(f"sqlite:///{db}")
system.clock = lambda: datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
with system.read() as s:
    ctx = system.as_actor(actor_from(s.exec(select(Account).where(Account.login == "grace")).one()))
t = time.perf_counter()
r = import_maildir(ctx, box)
seconds = time.perf_counter() - t
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
main_cpu, kids_cpu = me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime
print(f"{seconds} {me.ru_maxrss / 1024} {kids.ru_maxrss / 1024} {main_cpu} {kids_cpu} {r.read} {r.new_threads} {r.joined} {r.skipped} {r.attachments}")
"""


_QP = email_charset.Charset("utf-8")
_QP.body_encoding = email_charset.QP
_LATIN1 = email_charset.Charset("iso-8859-1")  # quoted-printable by the standard library's table
_GB = email_charset.Charset("gb18030")  # base64 (a charset the standard library has no table for)
PER_SECOND = 300  # messages a fetch delivers per second (keys share a second, as an mbsync burst gives)


def write_maildir(path: Path, n: int, seed: int = 11) -> None:
    """N messages built with the standard library's MIME classes (compat32: 4x faster to build than EmailMessage)."""
    rng = random.Random(seed)
    mailbox.Maildir(str(path), create=True)  # cur/, new/, tmp/
    delivered = int((NOW + timedelta(minutes=1)).timestamp())
    skus = ["FL-100W", "FL-200W", "SL-60W", "HB-150W", "PL-18W-RD"]
    senders = max(20, n // 10)
    start = NOW - timedelta(days=20)
    step = (NOW - start) / n
    for i in range(n):
        b = int(rng.random() ** 2 * senders)
        roll = rng.random()
        sku = skus[i % len(skus)]
        text = f"Hello,\n\nplease quote {rng.choice([100, 500, 1000])} pcs {sku}, FOB Ningbo, with lead time.\n\nRegards\nBuyer {b}"
        html = f"<html><body><p>{text.replace(chr(10), '<br>')}</p><ul><li>{sku}</li></ul></body></html>"
        parent = -1
        msg: Message
        if 0.70 <= roll < 0.85 and i > 10:  # an answer (7-bit plain text)
            parent = rng.randrange(max(1, i - 500), i)
            msg, subject = MIMEText("And the price for 2,000 pcs?", "plain", "us-ascii"), f"Re: Quote for {sku}"
        elif 0.85 <= roll < 0.95:  # multipart/alternative: quoted-printable text and HTML
            msg, subject = MIMEMultipart("alternative"), f"Quote for {sku}"
            msg.attach(MIMEText(text + "\nGrüße", "plain", _QP))
            msg.attach(MIMEText(html, "html", _QP))
        elif roll >= 0.95:  # HTML only
            msg, subject = MIMEText(html, "html", _QP), f"Quote for {sku}"
        else:  # plain text: UTF-8 or Latin-1 quoted-printable, GB18030 base64
            subject = f"Quote for {sku} – Anfrage" if i % 7 == 0 else f"Quote for {sku}"
            charset = _LATIN1 if i % 13 == 0 else _GB if i % 17 == 0 else _QP
            msg = MIMEText(text + ("\n谢谢" if charset is _GB else "\nGrüße"), "plain", charset)
        if i % 50 == 0:  # multipart/mixed with a small attachment (base64)
            inner, msg = msg, MIMEMultipart("mixed")
            msg.attach(inner)
            spec = MIMEApplication(f"spec {i}".encode() * 50, "pdf")
            spec.add_header("Content-Disposition", "attachment", filename=f"spec-{i}.pdf")
            msg.attach(spec)
        if roll >= 0.01:  # 1% have no From (skipped)
            msg["From"] = f"Buyer {b} <buyer{b}@{'abcdefghij'[b % 10]}-trade.example>"
        msg["To"] = "sales@brightway.example"
        msg["Message-ID"] = f"<m{i}@bench.example>"
        msg["Date"] = format_datetime(start + step * i)
        msg["Subject"] = Header(subject, "utf-8") if not subject.isascii() else subject
        if parent >= 0:
            msg["In-Reply-To"] = f"<m{parent}@bench.example>"
            if i % 2:  # half the answers also carry References (an earlier message, then the parent)
                msg["References"] = f"<m{max(0, parent - 7)}@bench.example> <m{parent}@bench.example>"
        # The file as a mail tool writes it into new/, named by the Maildir rule (time.M<usec>P<pid>Q<n>.host,
        # the microseconds unpadded as the standard library writes them, so names within a second do not
        # sort in delivery order), without mailbox.Maildir.add's fsync per message (26 ms each here).
        key = f"{delivered + i // PER_SECOND}.M{(i % PER_SECOND) * 3331 % 1_000_000}P4242Q{i}.bench"
        (path / "new" / key).write_bytes(msg.as_bytes())


def fresh_store(path: Path) -> None:
    from inquiry_tui.services.context import actor_from, connect_system
    from inquiry_tui.services.setup.company import load_json, set_up_company
    from inquiry_tui.services.setup.settings import set_setting
    from inquiry_tui.services.team.accounts import init_company
    from inquiry_tui.store.models import Account

    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    files = path.with_name(path.stem + ".files")
    if files.exists():
        import shutil

        shutil.rmtree(files)
    system = connect_system(f"sqlite:///{path}")
    system.clock = lambda: NOW
    init_company(system, "grace", "Grace")
    with system.read() as s:
        from sqlmodel import select

        ctx = system.as_actor(actor_from(s.exec(select(Account).where(Account.login == "grace")).one()))
    set_up_company(ctx, load_json("company.json"))
    set_setting(ctx, "reception.mode", "all_day")
    system.close()


def run_child(db: Path, box: Path) -> list[float]:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(db), str(box)], check=True, text=True, capture_output=True
    ).stdout.split()
    return [float(v) for v in out]


def bench(n: int, out: Path) -> None:
    box = out / f"maildir-{n}"
    if not (box / "cur").is_dir():
        t = time.perf_counter()
        write_maildir(box, n)
        print(f"  wrote {box} in {time.perf_counter() - t:.1f} s")
    db = out / f"mail-{n}.db"
    fresh_store(db)
    load_before = os.getloadavg()[0]
    seconds, rss, worker_rss, main_cpu, workers_cpu, read, new, joined, skipped, files = run_child(db, box)
    cpu = main_cpu + workers_cpu
    print(
        f"import maildir {n:>9,}: {seconds:6.2f} s  {read / seconds:>8,.0f} messages/s  "
        f"(new threads {int(new)}, answers joined {int(joined)}, skipped {int(skipped)}, attachments {int(files)})"
    )
    # CPU seconds (the process and its parsing workers) say what the run costs on a machine others share;
    # on an idle machine of C cores the wall time is about max(importing process, all / C) (the writer is serial).
    print(
        f"  CPU {cpu:.2f} s in all (importing process {main_cpu:.2f} s, parsing workers {workers_cpu:.2f} s): "
        f"{read / cpu:,.0f} messages per CPU-second; load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    )
    print(f"peak RSS of the importing process: {rss:,.0f} MB; of its largest parsing worker: {worker_rss:,.0f} MB")
    again, _, _, _, _, read2, *_ = run_child(db, box)
    print(f"second run (nothing new), {n:>9,} messages: {again:.2f} s, read {int(read2)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    print(
        f"maildir import (target: >= 2,000 messages/s); this process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB"
    )
    for n in args.sizes:
        bench(n, args.out)


if __name__ == "__main__":
    main()
