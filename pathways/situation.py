"""A child's situation: the input of a plan, exactly the fields DESIGN.md names.

Every field but the age and the place is optional, because a worried teacher knows far less
than a social worker with an open case, and both need a plan. Impossible values (age 19,
minus two other children, an investigation status nobody uses) are refused with a message
that names the field, because a plan built on a typo is worse than no plan.

Two fields are Waymark's own additions to the DESIGN list: ``immediate_danger`` (step one
says "call 999" either way; this makes it the headline) and ``mental_health_concern``
(self-harm or other mental health needs: CAMHS joins the strategy discussion). ``place``
stands for a town or village name, as ``--place`` does on every CLI.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from services.errors import InvalidInput

__all__ = [
    "Situation",
    "Concern",
    "Relationship",
    "Investigation",
    "FieldKind",
    "FIELD_KINDS",
    "BOOLEAN_FIELDS",
    "ACTIVE_INVESTIGATION",
    "parse_situation",
    "situation_values",
]

Concern = Literal["signs_only", "partial_disclosure", "disclosure"]
Relationship = Literal[
    "parent",
    "step_parent_or_partner",
    "sibling",
    "other_relative",
    "family_friend",
    "other_child_in_network",
    "unknown",
]
Investigation = Literal["none", "ongoing", "no_further_action", "charged", "trial", "concluded"]

#: Investigation states during which a service that stops for investigations cannot help.
ACTIVE_INVESTIGATION: frozenset[str] = frozenset({"ongoing", "charged", "trial"})

FieldKind = Literal["int", "bool", "enum", "str"]

_MAX_CHILDREN = 50
_MAX_CONCERNS = 200
_LANGUAGE = re.compile(r"^[^\W\d_][^\d_]{0,39}$")


class Situation(BaseModel):
    """What is known about the child; ``None`` means "not known" (or not said)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    age: int = Field(strict=True, ge=0, le=17)
    area: str | None = Field(default=None, min_length=1, max_length=100)
    postcode: str | None = Field(default=None, min_length=1, max_length=12)
    place: str | None = Field(default=None, min_length=1, max_length=100)
    concern: Concern | None = None
    days_since_last_abuse: int | None = Field(default=None, strict=True, ge=0)
    suspect_relationship: Relationship | None = None
    suspect_is_child: bool = False
    suspect_registered_offender: bool = False
    suspect_lives_with_child: bool = False
    suspect_release_due: bool = False
    investigation: Investigation | None = None
    child_displays_hsb: bool = False
    disabled_or_send: bool = False
    other_children: int | None = Field(default=None, strict=True, ge=0, le=_MAX_CHILDREN)
    previous_concerns: int | None = Field(default=None, strict=True, ge=0, le=_MAX_CONCERNS)
    case_open_to_social_care: bool = False
    language: str | None = Field(default=None, max_length=40)
    support_ended: bool = False
    immediate_danger: bool = False
    mental_health_concern: bool = False

    @field_validator("language")
    @classmethod
    def _language_shape(cls, value: str | None) -> str | None:
        if value is not None and not _LANGUAGE.match(value):
            raise ValueError(
                f"{value!r} is not the name of a language (e.g. 'Polish', 'British Sign Language')"
            )
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Situation:
        given = [name for name in ("area", "postcode", "place") if getattr(self, name)]
        if not given:
            raise ValueError("say where the child lives: an area, a postcode or a place")
        if len(given) > 1:
            raise ValueError(f"give only one of area, postcode or place (got {' and '.join(given)})")
        if self.days_since_last_abuse is not None and self.days_since_last_abuse > (self.age + 1) * 366:
            raise ValueError(
                f"days_since_last_abuse {self.days_since_last_abuse} is longer than a "
                f"{self.age}-year-old's life"
            )
        return self

    @property
    def where(self) -> str:
        """The place text as given (area, postcode or place name)."""
        return self.area or self.postcode or self.place or ""

    @property
    def investigation_active(self) -> bool:
        return self.investigation in ACTIVE_INVESTIGATION


def _kind(annotation: Any) -> tuple[FieldKind, tuple[str, ...]]:
    args = [a for a in get_args(annotation) if a is not type(None)] or [annotation]
    inner = args[0]
    if get_origin(inner) is Literal:
        return "enum", tuple(get_args(inner))
    if inner is bool:
        return "bool", ()
    if inner is int:
        return "int", ()
    return "str", ()


#: Each situation field's kind (and allowed values for enums): what conditions may test.
FIELD_KINDS: dict[str, tuple[FieldKind, tuple[str, ...]]] = {
    name: _kind(info.annotation) for name, info in Situation.model_fields.items()
}

BOOLEAN_FIELDS: tuple[str, ...] = tuple(n for n, (k, _) in FIELD_KINDS.items() if k == "bool")


def situation_values(situation: Situation) -> dict[str, Any]:
    """The field values conditions are evaluated against."""
    return situation.model_dump()


def _message(err: Mapping[str, Any]) -> str:
    loc = ".".join(str(p) for p in err.get("loc", ()))
    value = err.get("input")
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return f"{loc}: is required"
    if kind == "extra_forbidden":
        return f"{loc}: is not a situation field (known: {', '.join(Situation.model_fields)})"
    if kind == "literal_error":
        choices = FIELD_KINDS.get(loc, ("enum", ()))[1]
        return f"{loc}: {value!r} is not one of: {', '.join(choices)}"
    if loc == "age" and kind in ("less_than_equal", "greater_than_equal"):
        return f"age: {value!r} is not a child's age (0 to 17)"
    if kind == "greater_than_equal":
        return f"{loc}: {value!r} cannot be below {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"{loc}: {value!r} is more than {ctx.get('le')}"
    if kind.startswith("int") or kind.startswith("bool"):
        return f"{loc}: {value!r} is not a {'whole number' if kind.startswith('int') else 'yes/no value'}"
    message = str(err.get("msg", "is not valid")).removeprefix("Value error, ")
    return f"{loc}: {message}" if loc else message


def parse_situation(data: Mapping[str, Any] | Situation) -> Situation:
    """Validate raw values into a Situation, or raise InvalidInput naming every bad field.

    ``days_since_last_abuse`` may be the word ``unknown`` (as on the CLI); it means None.
    """
    if isinstance(data, Situation):
        return data
    values = dict(data)
    days = values.get("days_since_last_abuse")
    if isinstance(days, str) and days.strip().lower() in ("unknown", ""):
        values["days_since_last_abuse"] = None
    try:
        return Situation.model_validate(values)
    except ValidationError as exc:
        raise InvalidInput("; ".join(_message(e) for e in exc.errors())) from None
