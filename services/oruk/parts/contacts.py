"""Named contacts of a service; their phones are read with the service's other phones."""

from __future__ import annotations

from typing import Any

from ..values import Problems, email_of, objects_of, text_of

__all__ = ["read_contacts"]


def read_contacts(raw: dict[str, Any], problems: Problems, *, from_waymark: bool = False) -> list[dict[str, Any]]:
    """Named contacts (name, title or department, email); their phones are read with the rest."""
    out: list[dict[str, Any]] = []
    for i, c in objects_of(raw, "contacts", "a contact", problems):
        item: dict[str, Any] = {}
        name = text_of(c.get("name"))
        title = ", ".join(x for x in (text_of(c.get("title")), text_of(c.get("department"))) if x)
        email = email_of(c.get("email"), f"contacts[{i}].email", problems)
        for key, value in (("name", name), ("title", title), ("email", email)):
            if value:
                item[key] = value
        if item and (from_waymark or item not in out):  # a Waymark export lists each contact once, as meant
            out.append(item)
    return out
