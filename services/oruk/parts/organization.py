"""The organisation that runs a service: kept only with a name, never invented."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from ...errors import validation_message
from ...models import Organization
from .. import terms as T
from ..values import Problems, email_of, text_of, url_of
from ..waymark_export import is_stand_in_description, names_no_organization, own_organization_id

__all__ = ["read_organization"]


def read_organization(raw: dict[str, Any], problems: Problems, *, from_waymark: bool = False) -> dict[str, Any] | None:
    """The service's organisation (name, id, description, web address, email), or None when
    the feed names none, with what was missing reported."""
    org = raw.get("organization")
    if from_waymark and names_no_organization(org):
        return None
    if not isinstance(org, dict):
        if from_waymark:
            return None
        org_id = text_of(raw.get("organization_id"))
        if org_id:
            problems.append(("organization", f"only organization_id {org_id!r} is given, no name; kept without one"))
        else:
            problems.append(("organization", "missing; the service is kept without one"))
        return None
    name = text_of(org.get("name"))
    if name is None:
        problems.append(("organization.name", "missing; the service is kept without an organisation"))
        return None
    out: dict[str, Any] = {"name": name}
    org_id = own_organization_id(org) or text_of(org.get("id"))
    if org_id and org_id != T.generated_id("organization", name):
        out["id"] = org_id
    description = text_of(org.get("description"))
    if description and not (from_waymark and is_stand_in_description(name, description)):
        out["description"] = description
    url = url_of(org.get("website") or org.get("url"), "organization.url", problems)
    if url:
        out["url"] = url
    email = email_of(org.get("email"), "organization.email", problems)
    if email:
        out["email"] = email
    try:
        Organization.model_validate(out)
    except ValidationError as exc:
        problems.append(("organization", f"{validation_message(exc.errors()[0])}; kept without one"))
        return None
    return out
