"""The base of every table model: SQLModel with pydantic's validator and serializer built on first use.

A SQLModel table class builds pydantic-core's validator and serializer when it is defined, and the
app never uses them on its reads: a table model's constructor does not validate (SQLModel sets the
fields as given), rows come from the ORM or Core. `defer_build` (pydantic's documented model setting)
builds them the first time something validates or dumps through the class (`model_validate`,
`model_dump`), with the same behaviour. Saves the schemas' memory and their build time in every
process that loads the tables (docs/performance.md, "A session's Python objects, session 16").
"""

from __future__ import annotations

from sqlmodel import SQLModel


class TableModel(SQLModel):
    """SQLModel for `table=True` classes: pydantic's build deferred to the first validation or dump."""

    model_config = {"defer_build": True}  # merged with SQLModel's own settings, as pydantic merges configs
