"""Reply templates: list, save, delete, and filling placeholders like {buyer_name} for one inquiry.

Templates are shared by the team (saved by the admin) or personal (saved by a salesperson,
seen only by them). The admin edits shared templates and their own; a salesperson their own.
Placeholders are filled by name with a regular expression (never str.format, so a stray brace
in a template is just text); unknown placeholders stay as typed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import or_
from sqlmodel import Session, col, select

from inquiry_tui.domain.errors import NotFound, PermissionDenied, StaleWrite, ValidationError
from inquiry_tui.domain.text import safe_line
from inquiry_tui.services.audit import audit
from inquiry_tui.services.context import Ctx
from inquiry_tui.store.models import Account, Buyer, Inquiry, Product, ReplyTemplate

MAX_NAME = 60
MAX_BODY = 20_000
PLACEHOLDERS: tuple[tuple[str, str], ...] = (
    ("buyer_name", "the buyer's name"),
    ("buyer_first_name", "the buyer's first name"),
    ("company_of_buyer", "the buyer's company"),
    ("country", "the buyer's country code"),
    ("product", "the product asked about"),
    ("sku", "the product's SKU"),
    ("quantity", "the quantity asked for"),
    ("subject", "the inquiry's subject"),
    ("inquiry_id", "the inquiry number"),
    ("my_name", "your name"),
)
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True)
class Template:
    id: int
    name: str
    body: str
    shared: bool
    editable: bool  # by the acting account
    version: int


def _template(ctx: Ctx, row: ReplyTemplate) -> Template:
    assert row.id is not None
    shared = row.owner_id is None
    editable = (ctx.actor.is_admin and shared) or (row.owner_id is not None and row.owner_id == ctx.actor.id)
    return Template(row.id, row.name, row.body, shared, editable, row.version)


def list_templates(ctx: Ctx) -> list[Template]:
    """Shared templates and the actor's own, by name."""
    with ctx.read() as session:
        rows = session.exec(
            select(ReplyTemplate)
            .where(or_(col(ReplyTemplate.owner_id).is_(None), col(ReplyTemplate.owner_id) == ctx.actor.id))
            .order_by(ReplyTemplate.name)
        ).all()
        return [_template(ctx, r) for r in rows]


def _clean(name: str, body: str) -> tuple[str, str]:
    name = " ".join(safe_line(name).split())
    body = body.replace("\r\n", "\n").strip("\n")
    if not name:
        raise ValidationError("a template needs a name")
    if len(name) > MAX_NAME:
        raise ValidationError(f"a template name has at most {MAX_NAME} characters")
    if not body.strip():
        raise ValidationError("a template needs some text")
    if len(body) > MAX_BODY:
        raise ValidationError(f"a template has at most {MAX_BODY:,} characters")
    return name, body


def _name_taken(session: Session, name: str, except_id: int | None) -> bool:
    found = session.exec(select(ReplyTemplate.id).where(ReplyTemplate.name == name)).first()
    return found is not None and found != except_id


def _editable(session: Session, ctx: Ctx, template_id: int, expected_version: int | None) -> ReplyTemplate:
    row = session.get(ReplyTemplate, template_id)
    if row is None or (row.owner_id is not None and row.owner_id != ctx.actor.id):
        raise NotFound(f"no template {template_id}")
    if row.owner_id is None and not ctx.actor.is_admin:
        raise PermissionDenied("shared templates are edited by the admin (main account)")
    if expected_version is not None and row.version != expected_version:
        raise StaleWrite(f"Template {row.name!r}")
    return row


def create_template(ctx: Ctx, name: str, body: str, *, shared: bool | None = None) -> Template:
    """A new template; the admin's are shared by default, a salesperson's are personal."""
    name, body = _clean(name, body)
    shared = ctx.actor.is_admin if shared is None else shared
    if shared and not ctx.actor.is_admin:
        raise PermissionDenied("only the admin (main account) can share templates with the team")
    with ctx.write() as session:
        if _name_taken(session, name, None):
            raise ValidationError(f"a template named {name!r} already exists; choose another name")
        row = ReplyTemplate(name=name, body=body, owner_id=None if shared else ctx.actor.id)
        session.add(row)
        session.flush()
        audit(session, ctx, "template_add", "reply_template", row.id, after={"name": name, "shared": shared})
        return _template(ctx, row)


def update_template(ctx: Ctx, template_id: int, name: str, body: str, expected_version: int | None = None) -> Template:
    name, body = _clean(name, body)
    with ctx.write() as session:
        row = _editable(session, ctx, template_id, expected_version)
        if _name_taken(session, name, template_id):
            raise ValidationError(f"a template named {name!r} already exists; choose another name")
        before = {"name": row.name}
        row.name, row.body = name, body
        session.flush()
        audit(session, ctx, "template_edit", "reply_template", template_id, before=before, after={"name": name})
        return _template(ctx, row)


def delete_template(ctx: Ctx, template_id: int, expected_version: int | None = None) -> None:
    with ctx.write() as session:
        row = _editable(session, ctx, template_id, expected_version)
        audit(session, ctx, "template_delete", "reply_template", template_id, before={"name": row.name})
        session.delete(row)


def placeholder_values(ctx: Ctx, inquiry_id: int) -> dict[str, str]:
    """What each placeholder means for one inquiry (buyer text made one-line and safe)."""
    with ctx.read() as session:
        inquiry = session.get(Inquiry, inquiry_id)
        if inquiry is None or (not ctx.actor.is_admin and inquiry.owner_id != ctx.actor.id):
            raise NotFound(f"no inquiry {inquiry_id}")
        buyer = session.get(Buyer, inquiry.buyer_id)
        product = session.get(Product, inquiry.product_id) if inquiry.product_id is not None else None
        me = session.get(Account, ctx.actor.id) if ctx.actor.id is not None else None
        assert buyer is not None
        name = safe_line(buyer.name).strip()
        quantity = ""
        if inquiry.quantity:
            amount = int(inquiry.quantity) if float(inquiry.quantity).is_integer() else inquiry.quantity
            quantity = f"{amount} {inquiry.unit or ''}".strip()
        return {
            "buyer_name": name or "Sir or Madam",
            "buyer_first_name": name.split()[0] if name else "Sir or Madam",
            "company_of_buyer": safe_line(buyer.company).strip() or "your company",
            "country": buyer.country or "",
            "product": product.name if product else "our products",
            "sku": product.sku if product else "",
            "quantity": quantity,
            "subject": safe_line(inquiry.subject).strip(),
            "inquiry_id": str(inquiry_id),
            "my_name": me.name if me else ctx.actor.name,
        }


def fill(body: str, values: Mapping[str, str]) -> str:
    """BODY with every known {placeholder} replaced; unknown ones are left as typed."""
    return _PLACEHOLDER.sub(lambda m: values.get(m[1], m[0]), body)


CURSOR = "{cursor}"  # in a template: where typing goes on once it is inserted (else its end)


def reply_point(filled: str) -> tuple[str, int]:
    """FILLED without its `{cursor}` marks, and the offset of the first (the end when there is none)."""
    at = filled.find(CURSOR)
    text = filled.replace(CURSOR, "")
    return text, len(text) if at < 0 else at
