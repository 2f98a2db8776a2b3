"""Typed ways around SQLModel's loose spots: a stored row's id, the `Table` behind a class, DML on a session or a connection."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from sqlalchemy import Connection, CursorResult, Table, UpdateBase
from sqlalchemy import inspect as sa_inspect
from sqlmodel import Session, SQLModel


class _Identified(Protocol):
    @property
    def id(self) -> int | None: ...


def id_of(row: _Identified) -> int:
    """The id of a row that was loaded or flushed; SQLModel types `id` as `int | None` because a new row has none yet."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id until it is flushed")
    return row.id


def table_of(model: type[SQLModel]) -> Table:
    """The Core table of a SQLModel table class (SQLModel does not declare `__table__` to type checkers)."""
    table = sa_inspect(model).local_table
    assert isinstance(table, Table)  # a table=True class maps exactly one Table
    return table


def run_dml(
    conn: Session | Connection, statement: UpdateBase, params: Mapping[str, Any] | None = None
) -> CursorResult[*tuple[Any, ...]]:
    """Run an INSERT, UPDATE or DELETE in the caller's transaction; its cursor result (rowcount, inserted key).

    Both a session and a connection answer DML with a CursorResult, but `Session.execute` is
    typed as returning a plain Result.
    """
    result = conn.execute(statement, params)
    assert isinstance(result, CursorResult)
    return result
