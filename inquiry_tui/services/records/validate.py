"""pydantic v2 glue: record models whose fields run the shared rules, and their errors as RecordError.

A model field is declared with `rule(...)`: pydantic calls the rule (records.rules) through a
PlainValidator, so pydantic owns the record's shape (nested objects, unknown columns, missing
fields) and the rules own every value and every message. Models are built once at import;
`check_record` (files: the first error, as one line naming file, line and field) and
`check_form` (forms: every bad field) validate plain dicts with `model_validate`.

Files of 100k records are checked on a compiled fast path (`_compiled`): the same rule functions
called straight from a plan made once per model, no pydantic per record. It only accepts: a
record it cannot take whole (an unknown column, a bad or missing value, anything unusual) goes
through `model_validate`, which names the error, so the accepted values and every message are
pydantic's own (a test compares both paths).

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

        validate_with.fast_with = value_of  # type: ignore[attr-defined]  # the compiled path (_compiled)
        return PlainValidator(validate_with)

    def validate(value: Any) -> Any:
        return value_of(value)

    validate.fast = value_of  # type: ignore[attr-defined]
    return PlainValidator(validate)


# A compiled model: (field name, key in the data, rule or nested plan, whether it gets the record so far,
# required, default) per field in the model's order.
_Plan = tuple[tuple[str, str, Any, bool, bool, Any], ...]
_PLANS: dict[type[BaseModel], tuple[_Plan, frozenset[str]] | None] = {}


def _plan(model: type[BaseModel]) -> tuple[_Plan, frozenset[str]] | None:
    """The fields of MODEL as calls of their rules, or None when a field is not one `rule(...)` (pydantic then)."""
    if model in _PLANS:
        return _PLANS[model]
    steps: list[tuple[str, str, Any, bool, bool, Any]] = []
    plan: tuple[_Plan, frozenset[str]] | None = None
    for name, info in model.model_fields.items():
        key = info.alias or name
        kind = info.annotation
        required = info.is_required()
        if isinstance(kind, type) and issubclass(kind, RecordModel) and not info.metadata:
            nested = _plan(kind)
            if nested is None:
                break
            steps.append((name, key, (kind, nested), False, required, info.default))
            continue
        validators = [m for m in info.metadata if isinstance(m, PlainValidator)]
        if len(info.metadata) != 1 or len(validators) != 1:
            break
        func = validators[0].func
        fast = getattr(func, "fast", None)
        fast_with = getattr(func, "fast_with", None)
        if fast is None and fast_with is None:
            break
        steps.append((name, key, fast or fast_with, fast is None, required, info.default))
    else:
        plan = (tuple(steps), frozenset(s[1] for s in steps))
    _PLANS[model] = plan
    return plan


def _compiled(model: type[M], plan: tuple[_Plan, frozenset[str]], data: Any) -> M | None:
    """DATA as MODEL through its rules, or None for anything the fast path does not take whole."""
    steps, keys = plan
    if type(data) is not dict or not keys.issuperset(data):
        return None
    values: dict[str, Any] = {}
    try:
        for name, key, check, with_record, required, default in steps:
            if key not in data:
                if required:
                    return None
                values[name] = default
            elif type(check) is tuple:
                nested = _compiled(check[0], check[1], data[key])
                if nested is None:
                    return None
                values[name] = nested
            elif with_record:
                values[name] = check(data[key], dict(values))
            else:
                values[name] = check(data[key])
    except Exception:  # a bad value: pydantic names it
        return None
    return _built(model, values)


_object_setattr = object.__setattr__


def _built(model: type[M], values: dict[str, Any]) -> M:
    """MODEL from VALUES, one per field in the model's order, as `model_construct` builds it (its instance dict,
    the fields set, no extra and no private values), without its walk over every field's aliases and defaults:
    on a 100k-record file that walk was a tenth of the checking. Models with anything more go through it."""
    if model.__pydantic_post_init__ or model.__pydantic_root_model__ or model.__private_attributes__:
        return model.model_construct(**values)
    made = model.__new__(model)
    _object_setattr(made, "__dict__", values)
    _object_setattr(made, "__pydantic_fields_set__", set(values))
    _object_setattr(made, "__pydantic_extra__", None)
    _object_setattr(made, "__pydantic_private__", None)
    return made


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
    plan = _PLANS[model] if model in _PLANS else _plan(model)
    if plan is not None:
        fast = _compiled(model, plan, record.data)
        if fast is not None:
            return fast
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
