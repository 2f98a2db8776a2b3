"""Table models build pydantic's validator and serializer on first use, and behave as before once built."""

from __future__ import annotations

import subprocess
import sys

import pytest
from pydantic import ValidationError
from sqlmodel import SQLModel

from inquiry_tui.store.models import Buyer, Setting, all_tables
from inquiry_tui.store.models.table import TableModel

# In a fresh interpreter: another test of this process may have validated through a model already.
_UNBUILT = """
from pydantic._internal._mock_val_ser import MockValSer
from sqlmodel import SQLModel
from inquiry_tui.store.models import all_tables
all_tables()
classes = [m.class_ for m in SQLModel._sa_registry.mappers]
built = [c.__name__ for c in classes if not isinstance(c.__pydantic_validator__, MockValSer)]
print(len(classes), built)
"""


def test_every_table_defers_its_build() -> None:
    all_tables()
    classes = [m.class_ for m in SQLModel._sa_registry.mappers]
    assert len(classes) == len(SQLModel.metadata.tables)
    assert all(issubclass(c, TableModel) for c in classes), "a table model that does not derive from TableModel"
    assert all(c.model_config.get("defer_build") for c in classes)


def test_no_validator_is_built_by_loading_the_tables() -> None:
    out = subprocess.run([sys.executable, "-c", _UNBUILT], capture_output=True, text=True, check=True).stdout
    count, built = out.split(" ", 1)
    assert int(count) >= 50
    assert built.strip() == "[]"


def test_a_deferred_model_still_validates_and_dumps() -> None:
    buyer = Buyer(name="Acme", email="buyer@example.com")
    assert buyer.model_dump()["name"] == "Acme"
    assert Setting.model_validate({"key": "reception", "value": "{}"}).key == "reception"
    with pytest.raises(ValidationError):
        Setting.model_validate({"key": ["not", "a", "key"]})
    with pytest.raises(ValidationError):
        Setting.model_validate({"value": "{}"})  # the key is required
