"""Pure rules and value objects: no textual, typer, sqlmodel or sqlalchemy imports."""
