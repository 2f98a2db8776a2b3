"""Opening a SQLite store without SQLAlchemy: `connect` on a plain sqlite3 connection, the inbox's reads on plain ones.

The inbox's reads give the same rows, counts and keys on a plain connection (`Ctx.read_plain`, a context
from `connect`) as on SQLAlchemy's read engine (a context from `connect_system`, as the other tests use);
the engines are made when first used and shared with the contexts made from it; the acting account is
checked in every plain read as in every other transaction.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import make_url

from inquiry_tui.domain.errors import AccountDeactivated, NotFound
from inquiry_tui.domain.vocabulary import View
from inquiry_tui.services.context import Ctx, connect, connect_system
from inquiry_tui.services.customers.profile import BuyerProfile, buyer_profile
from inquiry_tui.services.inbox import listing as inbox
from inquiry_tui.services.team.zone import shown_zone
from inquiry_tui.store import plain_sql
from inquiry_tui.store.engine import make_engine
from inquiry_tui.store.migrate import sqlite_path
from inquiry_tui.store.sqlite_conn import backend, plain_database
from tests.conftest import ctx_as, fixed_clock

pytestmark = pytest.mark.sqlite_only

FOLDERS = [view.value for view in View]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, sqlite_sample_template: Path) -> Path:
    """A copy of the sample company's store (boss + ana..gus, 2,000 inquiries), only read here."""
    path = tmp_path_factory.mktemp("plain") / "store.db"
    shutil.copy(sqlite_sample_template, path)
    return path


@pytest.fixture(scope="module")
def pairs(store: Path) -> Iterator[dict[str, tuple[Ctx, Ctx]]]:
    """For the admin and a salesperson: (a context from `connect`, reading plainly; one on SQLAlchemy's engines)."""
    mp = pytest.MonkeyPatch()
    system = connect_system(str(store))
    system.read_engine = make_engine(system.url, read_only=True)
    found: dict[str, tuple[Ctx, Ctx]] = {}
    try:
        for login in ("boss", "ana"):
            mp.setenv("INQUIRY_TUI_LOGIN", login)
            plain = connect(str(store))
            plain.clock = fixed_clock
            engined = ctx_as(system, login)
            engined.clock = fixed_clock
            found[login] = (plain, engined)
        yield found
    finally:
        mp.undo()
        for plain, _ in found.values():
            plain.close()
        system.close()


def test_connect_opens_a_sqlite_store_without_making_its_engines(pairs: dict[str, tuple[Ctx, Ctx]]) -> None:
    plain, _ = pairs["boss"]
    assert plain.lazy is not None and plain.lazy.plain is not None
    with plain.read_plain() as conn:
        assert isinstance(conn, sqlite3.Connection)
        assert plain_sql.scalar(conn, "SELECT login FROM account WHERE id = :id", {"id": plain.actor.id}) == "boss"
    shown_zone(plain)
    inbox.window(plain, "all", None, 50, with_total=True)
    assert plain.lazy.engine is None and plain.lazy.read_engine is None


@pytest.mark.parametrize("login", ["boss", "ana"])
def test_the_inbox_reads_alike_on_a_plain_connection_and_on_the_engine(
    pairs: dict[str, tuple[Ctx, Ctx]], login: str
) -> None:
    plain, engined = pairs[login]
    assert shown_zone(plain) == shown_zone(engined)
    assert inbox.folder_counts(plain) == inbox.folder_counts(engined)
    for folder in FOLDERS:
        top = inbox.window(plain, folder, None, 40, with_total=True)
        assert top == inbox.window(engined, folder, None, 40, with_total=True)
        assert inbox.key_ladder(plain, folder, 100) == inbox.key_ladder(engined, folder, 100)
    for terms in ("price", "sample quote", "zzzznothing", "pri"):
        assert inbox.search(plain, terms) == inbox.search(engined, terms)
        assert inbox.search(plain, terms, ranked=True) == inbox.search(engined, terms, ranked=True)
        assert inbox.count_search(plain, terms) == inbox.count_search(engined, terms)
    for query in ("#1", "12", "a", "ab", "%_\\"):
        assert inbox.find_inquiries(plain, query) == inbox.find_inquiries(engined, query)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    login=st.sampled_from(["boss", "ana"]),
    folder=st.sampled_from(FOLDERS),
    position=st.integers(0, 2100),
    size=st.integers(1, 120),
)
def test_pages_and_seeks_agree_wherever_they_start(
    pairs: dict[str, tuple[Ctx, Ctx]], login: str, folder: str, position: int, size: int
) -> None:
    plain, engined = pairs[login]
    total = inbox.count_folder(engined, folder)
    assert inbox.count_folder(plain, folder) == total
    key = inbox.key_at(plain, folder, position, total)
    assert key == inbox.key_at(engined, folder, position, total)
    assert inbox.page_at(plain, folder, position, size, total) == inbox.page_at(engined, folder, position, size, total)
    if key is not None:
        assert inbox.position_of(plain, folder, key) == inbox.position_of(engined, folder, key) == position
        assert inbox.page_after(plain, folder, key, size) == inbox.page_after(engined, folder, key, size)
        assert inbox.page_before(plain, folder, key, size) == inbox.page_before(engined, folder, key, size)
        assert inbox.window(plain, folder, key, size) == inbox.window(engined, folder, key, size)


def _connected_copy(path: Path, template: Path, login: str) -> Ctx:
    """`connect` as LOGIN to a copy of TEMPLATE made at PATH."""
    shutil.copy(template, path)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("INQUIRY_TUI_LOGIN", login)
        return connect(str(path))


def test_the_engines_are_made_when_first_used_and_shared(tmp_path: Path, sqlite_sample_template: Path) -> None:
    ctx = _connected_copy(tmp_path / "store.db", sqlite_sample_template, "boss")
    try:
        assert ctx.lazy is not None and ctx.lazy.engine is None
        other = ctx.as_actor(ctx.actor)
        with ctx.read_sql() as conn:  # the read engine, made now
            assert conn.dialect.name == "sqlite"
        assert ctx.lazy.read_engine is not None and ctx.read_engine is ctx.lazy.read_engine
        assert ctx.lazy.engine is None
        assert other.engine is ctx.engine is ctx.lazy.engine  # the write engine: made once, for both
    finally:
        ctx.close()


def test_a_plain_read_checks_the_acting_account(tmp_path: Path, sqlite_sample_template: Path) -> None:
    path = tmp_path / "store.db"
    ctx = _connected_copy(path, sqlite_sample_template, "ana")
    told: list[AccountDeactivated] = []
    ctx.on_deactivated = told.append
    try:
        inbox.page_after(ctx, "all", None, 10)
        admin = sqlite3.connect(path)  # another session deactivates ana meanwhile
        try:
            with admin:
                admin.execute("UPDATE account SET active = 0 WHERE login = 'ana'")
        finally:
            admin.close()
        with pytest.raises(AccountDeactivated):
            inbox.page_after(ctx, "all", None, 10)
        assert len(told) == 1
    finally:
        ctx.close()


@given(
    path=st.text(st.characters(codec="utf-8", exclude_characters="\x00/"), min_size=1, max_size=20),
    absolute=st.booleans(),
    driver=st.sampled_from(["sqlite", "sqlite+pysqlite"]),
)
def test_a_plain_sqlite_url_names_the_file_sqlalchemy_would(path: str, absolute: bool, driver: str) -> None:
    url = f"{driver}:///{'/tmp/' if absolute else ''}{path}"
    parsed = make_url(url)
    assert backend(url) == parsed.get_backend_name()
    database = plain_database(url)
    if database is not None:  # the others are read by SQLAlchemy's parser itself
        assert database == parsed.database
    # `~name` of no known user stays as written (domain.filenames.user_path), as the shell leaves it.
    expected = (
        None if not parsed.database or parsed.database == ":memory:" else Path(os.path.expanduser(parsed.database))
    )
    assert sqlite_path(url) == expected


@pytest.mark.parametrize("login", ["boss", "ana"])
def test_the_profile_pane_reads_alike_on_a_plain_connection_and_on_the_engine(
    pairs: dict[str, tuple[Ctx, Ctx]], login: str
) -> None:
    plain, engined = pairs[login]
    with plain.read_plain() as conn:
        buyers = plain_sql.scalars(conn, "SELECT id FROM buyer ORDER BY id")
    seen = 0
    for buyer_id in [*buyers, max(buyers) + 1]:
        try:
            expected: BuyerProfile | type[NotFound] = buyer_profile(engined, buyer_id)
        except NotFound:
            expected = NotFound
        try:
            assert buyer_profile(plain, buyer_id) == expected
        except NotFound:
            assert expected is NotFound
        else:
            seen += 1
    assert 0 < seen <= len(buyers)
    if login == "ana":
        assert seen < len(buyers)  # a salesperson does not see every buyer
    assert plain.lazy is not None and plain.lazy.read_engine is None  # read without SQLAlchemy
