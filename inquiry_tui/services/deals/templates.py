"""Contract templates ("My contract templates"): add, edit, copy, delete, list, show.

Templates are shared by the team: anyone may add or copy one; its maker and the admin may
edit or delete it. A template's texts may hold placeholders (domain.placeholders); an unknown
one is refused on saving. Prices may be left at 0, to be filled in on the LOI. Every change is
audited; an edit of a template someone else saved meanwhile is refused (stale write).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from inquiry_tui.domain.deals import DealDoc, doc_from_json, doc_to_dict, doc_to_json, merged
from inquiry_tui.domain.errors import NotFound, PermissionDenied, StaleWrite, ValidationError
from inquiry_tui.domain.placeholders import check_doc
from inquiry_tui.services.audit import audit
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.deals.access import login_of
from inquiry_tui.services.deals.views import TemplateInfo
from inquiry_tui.services.records import rules
from inquiry_tui.services.records.deals import deal_patch
from inquiry_tui.services.records.errors import RecordError
from inquiry_tui.services.setup.settings import load_settings
from inquiry_tui.store.core import id_of
from inquiry_tui.store.models import ContractTemplate, Loi


def _info(session: Session, t: ContractTemplate) -> TemplateInfo:
    return TemplateInfo(id_of(t), t.name, login_of(session, t.owner_id), t.updated_at, t.version, doc_from_json(t.doc))


def _name(value: str) -> str:
    try:
        name = rules.line(value, 100)
    except rules.RuleError as exc:
        raise ValidationError(f"name: {exc.message}") from None
    if not name:
        raise ValidationError("name: must not be empty")
    return name


def _find(session: Session, ref: str | int) -> ContractTemplate:
    """A template by id, or by name (a name that is all digits is looked up as a name first)."""
    if isinstance(ref, int):
        found = session.get(ContractTemplate, ref)
    else:
        found = _by_name(session, ref)
        if found is None and ref.strip().isdigit():
            found = session.get(ContractTemplate, int(ref))
    if found is None:
        raise NotFound(f"template: no contract template {str(ref)!r}; see `inquiry-tui template list`")
    return found


def _by_name(session: Session, name: str) -> ContractTemplate | None:
    return session.exec(select(ContractTemplate).where(ContractTemplate.name == name.strip())).one_or_none()


def _free(session: Session, name: str, but: int | None = None) -> None:
    other = _by_name(session, name)
    if other is not None and other.id != but:
        raise ValidationError(f"name: a template called {name!r} exists already")


def _may_change(ctx: Ctx, t: ContractTemplate) -> None:
    if not ctx.actor.is_admin and t.owner_id != ctx.actor.id:
        raise PermissionDenied("template: only its maker or the admin can change or delete this template")


def _doc(session: Session, data: Mapping[str, Any], path: Path | None, base: DealDoc | None = None) -> DealDoc:
    start = base or DealDoc(currency=load_settings(session).deals.currency)
    doc = merged(start, deal_patch(data, start, path=path, template=True))
    try:
        check_doc(doc)
    except ValidationError as exc:
        field, _, message = str(exc).partition(": ")
        raise RecordError({field: message}, path=path) from None
    return doc


def list_templates(ctx: Ctx) -> list[TemplateInfo]:
    with ctx.read() as session:
        rows = session.exec(select(ContractTemplate).order_by(col(ContractTemplate.name))).all()
        return [_info(session, t) for t in rows]


def get_template(ctx: Ctx, ref: str | int) -> TemplateInfo:
    """A template by name (or id)."""
    with ctx.read() as session:
        return _info(session, _find(session, ref))


def add_template(ctx: Ctx, name: str, data: Mapping[str, Any], *, path: Path | None = None) -> TemplateInfo:
    name = _name(name)
    now = ctx.now()
    with ctx.write() as session:
        _free(session, name)
        doc = _doc(session, data, path)
        t = ContractTemplate(name=name, doc=doc_to_json(doc), owner_id=ctx.actor.id, created_at=now, updated_at=now)
        session.add(t)
        session.flush()
        audit(session, ctx, "template_add", "contract_template", t.id, after={"name": name, **doc_to_dict(doc)})
        return _info(session, t)


def save_template(
    ctx: Ctx, template_id: int, name: str, data: Mapping[str, Any], *, expected_version: int | None = None
) -> TemplateInfo:
    """Replace a template's name and sections (DATA holds every section, as the editor gives them)."""
    name = _name(name)
    with ctx.write() as session:
        t = _find(session, template_id)
        _may_change(ctx, t)
        if expected_version is not None and t.version != expected_version:
            raise StaleWrite(f"Template {t.name!r}")
        _free(session, name, but=t.id)
        before = {"name": t.name, **doc_to_dict(doc_from_json(t.doc))}
        doc = _doc(session, data, None)
        t.name, t.doc, t.updated_at = name, doc_to_json(doc), ctx.now()
        session.add(t)
        session.flush()
        audit(
            session,
            ctx,
            "template_edit",
            "contract_template",
            t.id,
            before=before,
            after={"name": name, **doc_to_dict(doc)},
        )
        return _info(session, t)


def copy_template(ctx: Ctx, ref: str | int, new_name: str) -> TemplateInfo:
    new_name = _name(new_name)
    now = ctx.now()
    with ctx.write() as session:
        source = _find(session, ref)
        _free(session, new_name)
        t = ContractTemplate(name=new_name, doc=source.doc, owner_id=ctx.actor.id, created_at=now, updated_at=now)
        session.add(t)
        session.flush()
        audit(session, ctx, "template_copy", "contract_template", t.id, after={"name": new_name, "from": source.name})
        return _info(session, t)


def delete_template(ctx: Ctx, ref: str | int, *, expected_version: int | None = None) -> str:
    """Delete a template; LOIs drafted from it keep their text. Returns its name."""
    with ctx.write() as session:
        t = _find(session, ref)
        _may_change(ctx, t)
        if expected_version is not None and t.version != expected_version:
            raise StaleWrite(f"Template {t.name!r}")
        session.execute(update(Loi).where(col(Loi.template_id) == t.id).values(template_id=None))
        audit(
            session,
            ctx,
            "template_delete",
            "contract_template",
            t.id,
            before={"name": t.name, **doc_to_dict(doc_from_json(t.doc))},
        )
        name = t.name
        session.delete(t)
        return name
