"""A big import gives way to colleagues waiting for SQLite's write lock (store/write_gate.py)."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from pathlib import Path

from sqlalchemy import text

from inquiry_tui.store import write_gate
from inquiry_tui.store.engine import make_engine, yield_to_writers

WAIT_S = 60  # an upper bound for a loaded machine, never a timing assertion


def _nobody_waiting(store: Path) -> bool:
    fd = write_gate.open_gate(store)
    assert fd is not None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # also drops the probe's lock
    return True


def test_the_import_waits_while_a_colleague_waits_and_goes_when_they_are_through(tmp_path: Path) -> None:
    store = tmp_path / "s.db"
    store.touch()
    colleague = write_gate.open_gate(store)
    assert colleague is not None
    write_gate.waiting(colleague)
    returned = threading.Event()

    def importer() -> None:
        fd = write_gate.open_gate(store)
        assert fd is not None
        write_gate.yield_to_writers(fd, max_seconds=WAIT_S)
        returned.set()

    thread = threading.Thread(target=importer)
    thread.start()
    assert not returned.wait(0.3)  # still giving way: the colleague has not got the lock yet
    write_gate.done_waiting(colleague)
    thread.join(WAIT_S)
    assert returned.is_set()
    os.close(colleague)


def test_a_steady_stream_of_colleagues_holds_the_import_up_only_so_long(tmp_path: Path) -> None:
    store = tmp_path / "s.db"
    store.touch()
    colleague = write_gate.open_gate(store)
    assert colleague is not None
    write_gate.waiting(colleague)
    probe = write_gate.open_gate(store)
    assert probe is not None
    assert write_gate.yield_to_writers(probe, max_seconds=0.05) >= 0.05  # then it goes anyway
    os.close(probe)
    os.close(colleague)


def test_the_gate_file_has_the_store_files_mode(tmp_path: Path) -> None:
    store = tmp_path / "s.db"
    store.touch()
    os.chmod(store, 0o660)
    old = os.umask(0o077)
    try:
        fd = write_gate.open_gate(store)
    finally:
        os.umask(old)
    assert fd is not None
    os.close(fd)
    assert write_gate.gate_path(store).stat().st_mode & 0o777 == 0o660


def test_a_write_transaction_waiting_for_the_lock_is_seen_by_the_import(tmp_path: Path) -> None:
    store = tmp_path / "s.db"
    url = f"sqlite:///{store}"
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (v INTEGER)"))
    holder = sqlite3.connect(store, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another session holds the write lock
    assert _nobody_waiting(store)
    done = threading.Event()

    def colleague() -> None:
        with engine.begin() as conn:  # waits in BEGIN IMMEDIATE, and says so on the gate
            conn.execute(text("INSERT INTO t VALUES (1)"))
        done.set()

    thread = threading.Thread(target=colleague)
    thread.start()
    try:
        for _ in range(WAIT_S * 100):  # until the colleague is in its wait
            if not _nobody_waiting(store):
                break
            threading.Event().wait(0.01)
        assert not _nobody_waiting(store)
        assert not done.is_set()
    finally:
        holder.execute("COMMIT")
    thread.join(WAIT_S)
    assert done.is_set()
    assert _nobody_waiting(store)  # it has the lock and wrote: no longer waiting
    assert yield_to_writers(engine) < WAIT_S
    holder.close()
    engine.dispose()


def test_the_write_lock_is_tried_until_the_deadline_and_taken_once_free(tmp_path: Path) -> None:
    store = tmp_path / "s.db"
    holder = sqlite3.connect(store, isolation_level=None)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("BEGIN IMMEDIATE")
    waiter = sqlite3.connect(store, isolation_level=None, timeout=0, check_same_thread=False)
    assert not write_gate.take_write_lock(waiter, seconds=0.05)  # still held at the deadline
    assert not waiter.in_transaction
    taken = threading.Event()

    def wait() -> None:
        if write_gate.take_write_lock(waiter, seconds=WAIT_S):
            taken.set()

    thread = threading.Thread(target=wait)
    thread.start()
    holder.execute("COMMIT")
    thread.join(WAIT_S)
    assert taken.is_set() and waiter.in_transaction
    waiter.execute("ROLLBACK")
    holder.close()
    waiter.close()
