"""The store: SQLModel tables, engine factory, Alembic migrations and query helpers."""
