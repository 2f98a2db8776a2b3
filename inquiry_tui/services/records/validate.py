"""pydantic v2 glue: record models whose fields run the shared rules, and their errors as RecordError.

A model field is declared with `rule(...)`: pydantic calls the rule (records.rules) through a
PlainValidator, so pydantic owns the record's shape (nested objects, unknown columns, missing
fields) and the rules own every value and every message. Models are built once at import;
`check_record` (files: the first error, as one line naming file, line and field) and
`check_form` (forms: every bad field) validate plain dicts with `model_validate`.

Import this module only where records are validated (imports, forms): pydantic stays off the
TUI's start-up path.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo
from pydantic.functional_validators import PlainValidator
from pydantic_core import PydanticCustomError

from inquiry_tui.services.records.errors import RecordError
from inquiry_tui.services.records.reader import Record
from inquiry_tui.services.records.rules import RuleError, is_blank

__all__ = ["MISSING", "RecordModel", "check_form", "check_record", "columns", "rule"]

M = TypeVar("M", bound=BaseModel)
_MISSING_IN_FILE = "is missing"
_MISSING_IN_FORM = "must not be empty"
MISSING: Any = object()  # `rule(..., default=MISSING)`: the field is required


class RecordModel(BaseModel):
    """A record from outside: unknown fields are refused, values are checked by the rules."""

    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)


def _fail(message: str) -> PydanticCustomError:
    # The message rides in the context: a value quoted in it may hold braces, which a template would read.
    return PydanticCustomError("rule", "{message}", {"message": message})


def rule(check: Callable[..., Any], *args: Any, default: Any = MISSING, with_record: bool = False) -> PlainValidator:
    """A field validated by CHECK(value, *ARGS); a blank value is DEFAULT, or missing when there is none.

    WITH_RECORD: CHECK also gets the fields validated before this one (a dict), for rules that
    depend on another field (a visit's detail, a block entry's value).
    """

    def value_of(value: Any, *more: Any) -> Any:
        if is_blank(value):
            if default is MISSING:
                raise PydanticCustomError("missing", "is missing")
            return default
        try:
            return check(value, *args, *more)
        except RuleError as exc:
            raise _fail(exc.message) from None

    if with_record:

        def validate_with(value: Any, info: ValidationInfo) -> Any:
            return value_of(value, info.data)

        return PlainValidator(validate_with)

    def validate(value: Any) -> Any:
        return value_of(value)

    return PlainValidator(validate)


def columns(model: type[BaseModel]) -> tuple[str, ...]:
    """The model's field names, nested ones dotted (`buyer.email`), sorted: what a file may carry."""
    out: list[str] = []
    for name, info in model.model_fields.items():
        kind = info.annotation
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            out.extend(f"{info.alias or name}.{sub.alias or key}" for key, sub in kind.model_fields.items())
        else:
            out.append(info.alias or name)
    return tuple(sorted(out))


def _field(loc: tuple[int | str, ...], value: Any = None) -> str:
    name = ".".join(str(part) for part in loc if not isinstance(part, int))
    if isinstance(value, dict) and value:  # an unknown group of columns (`foo.bar` in a CSV header)
        name += "." + sorted(value)[0]
    return name


def _messages(model: type[BaseModel], exc: ValidationError, *, in_file: bool) -> dict[str, str]:
    """Field -> message, unknown columns first (a misspelt optional column would otherwise be dropped
    without a word), then in the model's field order."""
    unknown: dict[str, str] = {}
    others: dict[str, str] = {}
    for e in exc.errors(include_url=False):
        kind = e["type"]
        if kind == "extra_forbidden":
            unknown.setdefault(
                _field(e["loc"], e.get("input")), f"unknown column; allowed: {', '.join(columns(model))}"
            )
        elif kind == "missing":
            others.setdefault(_field(e["loc"]), _MISSING_IN_FILE if in_file else _MISSING_IN_FORM)
        elif kind == "rule":
            others.setdefault(_field(e["loc"]), str(e["ctx"]["message"]))
        elif kind in ("model_type", "model_attributes_type", "dict_type"):
            others.setdefault(_field(e["loc"]), "expected an object with named fields")
        else:
            others.setdefault(_field(e["loc"]), e["msg"])
    return {**dict(sorted(unknown.items())), **others}


def check_record(model: type[M], path: Path, record: Record) -> M:
    """RECORD of the file at PATH as MODEL, or a RecordError naming file, line and the first bad field."""
    try:
        return model.model_validate(record.data)
    except ValidationError as exc:
        raise RecordError(_messages(model, exc, in_file=True), path=path, line=record.line) from None


def check_form(model: type[M], data: Mapping[str, Any]) -> M:
    """DATA (a form's or a command's values) as MODEL, or a RecordError with a message per bad field."""
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        raise RecordError(_messages(model, exc, in_file=False)) from None
