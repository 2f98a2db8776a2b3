"""A generator function run beside the caller, in a thread or in a process of its own: its items in order.

The generator builds a big load's rows while the loading connection writes the ones before.
In a thread it shares the interpreter's lock with the loader (sqlite3 binds every value with
the lock held): at a million inquiries some 45 s of Python against the loader's own. In a
process of its own (`process=True`: a fresh interpreter, not a fork of the loader, which holds
threads and database connections) it runs on the other core, and its items come through files
(marshal for plain rows, else pickle) named down a pipe. Either way `produced` yields an iterator of the items in the order the function
yielded them; an exception in the function is raised from that iterator, and a process that
dies without one raises `ProducerDied`. When the block ends, however it ends, the thread is
stopped (the function's generator closed, its `finally` blocks run) or the process ended and
waited for: nothing is left running.

The function and its argument must be picklable for a process (a module's top-level function).
"""

from __future__ import annotations

import gc
import marshal
import os
import pickle
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

Producer = Callable[[Any], Generator[Any, None, None]]
_ITEM, _DONE, _ERROR = "item", "done", "error"
_STOP_POLL = 0.1  # seconds between a blocked thread's looks at its stop flag
_END_WAIT = 5.0  # seconds a terminated process is given before it is killed


class ProducerDied(RuntimeError):
    """The producing process ended without its items or an exception (killed, or out of memory)."""


@contextmanager
def produced(
    fn: Producer,
    arg: Any,
    *,
    process: bool,
    ahead: int = 1,
    switch_interval: float | None = None,
    collect: bool = True,
) -> Iterator[Iterator[Any]]:
    """FN(ARG)'s items, built in a thread (or a process, PROCESS) at most AHEAD items ahead of the reader.

    SWITCH_INTERVAL, when given, is the process's interpreter switch interval (sys.setswitchinterval).
    COLLECT false: the process runs FN without cyclic garbage collection (gc.disable), for a function
    that makes many objects and no cycles; a thread shares the caller's collector, which the caller sets.
    """
    if process:
        with _in_process(fn, arg, ahead, switch_interval, collect) as items:
            yield items
    else:
        with _in_thread(fn, arg, ahead) as items:
            yield items


@contextmanager
def _in_thread(fn: Producer, arg: Any, ahead: int) -> Iterator[Iterator[Any]]:
    handed: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=max(1, ahead))
    stop = threading.Event()

    def put(message: tuple[str, Any]) -> bool:
        while not stop.is_set():
            try:
                handed.put(message, timeout=_STOP_POLL)
                return True
            except queue.Full:
                continue
        return False

    def run() -> None:
        items = fn(arg)
        try:
            for item in items:
                if not put((_ITEM, item)):
                    return
            put((_DONE, None))
        except BaseException as exc:  # raised from the reader's iterator
            put((_ERROR, exc))
        finally:
            items.close()  # stopped early: the function's finally blocks run here

    thread = threading.Thread(target=run, name="producer", daemon=True)
    thread.start()
    try:
        yield _read(handed.get)
    finally:
        stop.set()
        thread.join()


@contextmanager
def _in_process(
    fn: Producer, arg: Any, ahead: int, switch_interval: float | None, collect: bool
) -> Iterator[Iterator[Any]]:
    # A plain interpreter that reads its work from stdin: not multiprocessing's spawn, which runs the
    # caller's main script again in the child. Each item goes through a file in a spool directory (in
    # memory where /dev/shm is) and only its name through the pipe: a chunk of tens of MB pushed through
    # a 64 KB pipe took hundreds of turns of both processes, each a wait for a core on a busy machine.
    # The reader acknowledges each item it takes on the child's stdin; the child writes at most AHEAD
    # items the reader has not taken.
    spool = Path(tempfile.mkdtemp(prefix="inquiry-tui-producer-", dir=_spool_parent()))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p or os.getcwd() for p in sys.path))  # the same modules
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, close_fds=True
    )
    try:
        assert child.stdin is not None and child.stdout is not None
        acks, out = child.stdin, child.stdout
        pickle.dump((fn, arg, switch_interval, str(spool), ahead, collect), acks, protocol=pickle.HIGHEST_PROTOCOL)
        acks.flush()

        def receive() -> tuple[str, Any]:
            try:
                kind, value = pickle.load(out)
            except (EOFError, pickle.UnpicklingError):
                child.wait(_END_WAIT)
                raise ProducerDied(f"the producing process ended (exit code {child.returncode})") from None
            if kind != _ITEM:
                return kind, value
            item = Path(value)
            data = item.read_bytes()
            item.unlink()
            with suppress(BrokenPipeError):  # it ended: the next receive says how
                acks.write(b"+")
                acks.flush()
            return kind, _decode(data)

        yield _read(receive)
    finally:
        for stream in (child.stdin, child.stdout):
            if stream is not None:
                with suppress(BrokenPipeError):
                    stream.close()
        if child.poll() is None:
            child.terminate()
            try:
                child.wait(_END_WAIT)
            except subprocess.TimeoutExpired:
                child.kill()
        child.wait()
        shutil.rmtree(spool, ignore_errors=True)


_SHM = "/dev/shm"
_SHM_ROOM = 1 << 30  # free bytes /dev/shm must have to take the spool (two chunks of a big load in flight)


def _spool_parent(shm: str = _SHM) -> str | None:
    """Where the spool goes: /dev/shm (memory) when it is writable with room, else the temporary directory.

    A container's /dev/shm is often 64 MB, less than two chunks of a million-inquiry load: the load
    would fail there on a full disk instead of going a little slower through the temporary directory."""
    try:
        roomy = os.access(shm, os.W_OK) and shutil.disk_usage(shm).free >= _SHM_ROOM
    except OSError:
        roomy = False
    return shm if roomy else None


# An item's file: a tag, then the item. marshal writes and reads plain rows (tuples and lists of str, int,
# float, bool, None) in about half pickle's time: its format has no classes and no memo to keep, and it
# refuses any other type, even a subclass of one of those, which then goes by pickle.
_MARSHAL, _PICKLE = b"m", b"p"


def _encode(item: Any) -> bytes:
    """ITEM as a spool file's bytes: marshal when every object in it is of a plain built-in type, else pickle."""
    try:
        return _MARSHAL + marshal.dumps(item)
    except ValueError:  # "unmarshallable object"
        return _PICKLE + pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)


def _decode(data: bytes) -> Any:
    """The item `_encode` wrote as DATA."""
    body = memoryview(data)[1:]
    return marshal.loads(body) if data[:1] == _MARSHAL else pickle.loads(body)


_CHILD = "from inquiry_tui.services.setup.producer import _child; _child()"


def _read(receive: Callable[[], tuple[str, Any]]) -> Iterator[Any]:
    while True:
        kind, value = receive()
        if kind == _DONE:
            return
        if kind == _ERROR:
            raise value
        yield value


def _child() -> None:
    """The producing process: (fn, arg, switch interval, spool, ahead, collect) from stdin; each item of fn(arg) into a
    file of the spool and its name to stdout, then done, or the exception it raised. Anything else written
    to stdout goes to stderr (fd 1 is the reader's pipe)."""
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    acks = sys.stdin.buffer
    fn, arg, switch_interval, spool, ahead, collect = pickle.load(acks)
    if switch_interval is not None:
        sys.setswitchinterval(switch_interval)
    if not collect:
        gc.disable()

    def send(message: tuple[str, Any]) -> None:
        pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()

    try:
        for n, item in enumerate(fn(arg)):
            if n >= ahead and not acks.read(1):  # wait for the reader to take item n - ahead
                return  # the reader is gone
            path = os.path.join(spool, f"{n}.pickle")
            with open(path, "wb") as f:
                f.write(_encode(item))
            send((_ITEM, path))
        send((_DONE, None))
    except BaseException as exc:
        try:
            error = pickle.dumps((_ERROR, exc), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # an exception that does not pickle: its text
            error = pickle.dumps((_ERROR, RuntimeError(f"{type(exc).__name__}: {exc}")))
        out.write(error)
    finally:
        out.close()
