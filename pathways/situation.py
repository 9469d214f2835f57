"""A child's situation: the input of a plan, exactly the fields docs/contracts.md names.

Every field but the age and the place is optional, because a worried teacher knows far less
than a social worker with an open case, and both need a plan. Impossible values (age 19,
minus two other children, an investigation status nobody uses) are refused with a message
that names the field, because a plan built on a typo is worse than no plan.

``indicators`` is a list (signs seen, in the order docs/contracts.md names them); ``suspect_age``
makes ``suspect_is_child`` follow when it is not said (under 18: a child), and the two may
not contradict each other. A situation no child could be in (a parent aged 8, a registered
sex offender under the age of criminal responsibility, a retraction when the child never
said anything) is refused, because the plan would be advice for someone else. An age of 18
or more raises :class:`AdultAge`, so the caller can point to adult support instead.

Two fields are Waymark's own additions to the shared situation fields (docs/contracts.md):
``immediate_danger`` (step one says "call 999" either way; this makes it the headline) and
``mental_health_concern`` (self-harm or suicidal thoughts: an urgent mental health
assessment today, and CAMHS joins the strategy discussion). ``place`` stands for a town or
village name, as ``--place`` does on every CLI.

The family around the child: who is suspected (``suspect_sex``, ``multiple_suspects``, and
``suspect_has_contact`` for someone who visits or still sees the child rather than living
there), what else is happening at home (``domestic_abuse``, ``honour_based_abuse``), where the
child is seen (``education``), who raised the concern (``raised_by``), whether the child is
a parent (``child_is_parent``), and ``placing_area``: the authority that looks after a child
placed in care (a name or GSS code, resolved by the planner like ``area``). ``concern`` may be
``risk_only``: a known risk and no signs yet (a man convicted of offences against children
moves in).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from services.errors import InvalidInput, validation_message

__all__ = [
    "Situation",
    "AdultAge",
    "Indicator",
    "INDICATORS",
    "LivingArrangement",
    "Concern",
    "SuspectSex",
    "Education",
    "RaisedBy",
    "Relationship",
    "Investigation",
    "FieldKind",
    "FIELD_KINDS",
    "BOOLEAN_FIELDS",
    "ACTIVE_INVESTIGATION",
    "parse_situation",
    "situation_values",
]

Concern = Literal["signs_only", "partial_disclosure", "disclosure", "risk_only"]
SuspectSex = Literal["male", "female", "unknown"]
#: Where the child spends the day: who sees the child outside the home.
Education = Literal["school", "early_years", "college", "home_educated", "not_in_education"]
#: Who raised the concern or found the sign (they are invited to the strategy discussion).
RaisedBy = Literal[
    "school",
    "early_years",
    "gp",
    "health_visitor",
    "hospital",
    "police",
    "parent",
    "child",
    "adult_survivor",
    "other",
]
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
Indicator = Literal[
    "sexualised_behaviour", "sti", "pregnancy", "genital_injury", "behaviour_change", "abuse_images"
]
INDICATORS: tuple[str, ...] = get_args(Indicator)
LivingArrangement = Literal["with_parents", "kinship_care", "foster_care", "residential", "other"]

#: Investigation states during which a service that stops for investigations cannot help.
ACTIVE_INVESTIGATION: frozenset[str] = frozenset({"ongoing", "charged", "trial"})

FieldKind = Literal["int", "bool", "enum", "str", "list"]

#: The oldest a suspect's age may be given as (a typo guard, not a judgement).
_MAX_SUSPECT_AGE = 110
#: Children under 10 cannot be charged with an offence in England (Children and Young
#: Persons Act 1933, s.50): the age of criminal responsibility.
AGE_OF_CRIMINAL_RESPONSIBILITY = 10


class AdultAge(InvalidInput):
    """The person is 18 or over: not a child, so not a child protection plan."""

    def __init__(self, message: str, age: int) -> None:
        super().__init__(message)
        self.age = age

_MAX_CHILDREN = 50
#: Ages that bound where a child can be educated (England): reception from 4, early years
#: up to 5 (compulsory school age follows the fifth birthday), college from 14.
_SCHOOL_FROM = 4
_EARLY_YEARS_TO = 5
_COLLEGE_FROM = 14
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
    indicators: tuple[Indicator, ...] = ()
    retracted: bool = False
    suspect_age: int | None = Field(default=None, strict=True, ge=0, le=_MAX_SUSPECT_AGE)
    suspect_works_with_children: bool = False
    consent_refused: bool = False
    living_arrangement: LivingArrangement | None = None
    immediate_danger: bool = False
    mental_health_concern: bool = False
    suspect_sex: SuspectSex | None = None
    domestic_abuse: bool = False
    honour_based_abuse: bool = False
    placing_area: str | None = Field(default=None, min_length=1, max_length=100)
    suspect_has_contact: bool = False
    education: Education | None = None
    child_is_parent: bool = False
    multiple_suspects: bool = False
    raised_by: RaisedBy | None = None

    @model_validator(mode="before")
    @classmethod
    def _derive(cls, data: Any) -> Any:
        """Indicators as a list or "a,b" text, checked by name; a suspect's age or being
        "another child in the network" says whether they are a child when that is not said."""
        if not isinstance(data, Mapping):
            return data
        data = dict(data)
        raw = data.get("indicators")
        if raw is not None:
            data["indicators"] = _indicators(raw)
        if data.get("suspect_is_child") is None:
            data.pop("suspect_is_child", None)
            age = data.get("suspect_age")
            child_age = isinstance(age, int) and not isinstance(age, bool) and 0 <= age < 18
            another_child = data.get("suspect_relationship") == "other_child_in_network" and age is None
            if child_age or another_child:
                data["suspect_is_child"] = True
        return data

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
        problems = self._contradictions()
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _contradictions(self) -> list[str]:
        """Pairs of answers that cannot both be true, each named."""
        out = []
        age = self.suspect_age
        if age is not None and age >= 18 and self.suspect_is_child:
            out.append(f"suspect_age {age} is an adult's age, but the suspect is said to be a child")
        if age is not None and age < 18 and "suspect_is_child" in self.model_fields_set and not self.suspect_is_child:
            out.append(f"suspect_age {age} is a child's age, but the suspect is said not to be a child")
        if self.suspect_relationship == "other_child_in_network" and age is not None and age >= 18:
            out.append(f"the suspect is said to be another child in the network but is {age}")
        if self.suspect_relationship == "other_child_in_network" and not self.suspect_is_child:
            out.append("the suspect is said to be another child in the network but not a child")
        if age is not None and age < AGE_OF_CRIMINAL_RESPONSIBILITY:
            if self.suspect_registered_offender:
                out.append(
                    f"a suspect aged {age} cannot be a registered sex offender (under the age of "
                    "criminal responsibility, 10)"
                )
            if self.suspect_release_due:
                out.append(f"a suspect aged {age} cannot be due for release from custody")
            if self.suspect_relationship in ("parent", "step_parent_or_partner"):
                out.append(f"a parent or a parent's partner cannot be {age}")
            if self.suspect_works_with_children:
                out.append(f"a suspect aged {age} cannot be working with children")
        if self.retracted and self.concern in ("signs_only", "risk_only"):
            out.append(
                f"retracted means the child took back what they said, but concern is {self.concern} "
                "(the child has said nothing): use partial_disclosure or disclosure"
            )
        out.extend(self._education_contradictions())
        return out

    def _education_contradictions(self) -> list[str]:
        """An education no child of this age could be in (reception starts at 4 or 5;
        early years end by 5; further education colleges take children from 14)."""
        age, education = self.age, self.education
        if education == "school" and age < _SCHOOL_FROM:
            return [f"education: a child of {age} is too young for school (use early_years or not_in_education)"]
        if education == "early_years" and age > _EARLY_YEARS_TO:
            return [f"education: early_years is for children under school age, not a child of {age}"]
        if education == "college" and age < _COLLEGE_FROM:
            return [f"education: a child of {age} is too young for college (use school)"]
        return []

    @property
    def suspect_under_criminal_age(self) -> bool:
        """A child suspect known to be under 10: no criminal process can follow."""
        return self.suspect_age is not None and self.suspect_age < AGE_OF_CRIMINAL_RESPONSIBILITY

    @property
    def where(self) -> str:
        """The place text as given (area, postcode or place name)."""
        return self.area or self.postcode or self.place or ""

    @property
    def investigation_active(self) -> bool:
        return self.investigation in ACTIVE_INVESTIGATION

    @property
    def looked_after(self) -> bool:
        """In the care of a local authority: in foster or residential care, or placed by one."""
        return self.living_arrangement in ("foster_care", "residential") or self.placing_area is not None


def _indicators(raw: Any) -> tuple[str, ...]:
    """Indicator names from a list or comma-separated text; unknown names are all named."""
    if isinstance(raw, str):
        items = [part.strip() for part in raw.split(",")]
    elif isinstance(raw, (list, tuple, set, frozenset)):
        items = [part.strip() if isinstance(part, str) else part for part in raw]
    else:
        # ValueError, not TypeError: pydantic reports only ValueErrors as the field's message.
        raise ValueError(f"indicators must be a list of names (one or more of: {', '.join(INDICATORS)})")  # noqa: TRY004
    items = [i for i in items if i != ""]
    unknown = [repr(i) for i in items if i not in INDICATORS]
    if unknown:
        raise ValueError(
            f"indicators: {', '.join(unknown)} {'is not an indicator' if len(unknown) == 1 else 'are not indicators'}"
            f" (known: {', '.join(INDICATORS)})"
        )
    return tuple(i for i in INDICATORS if i in items)


def _kind(annotation: Any) -> tuple[FieldKind, tuple[str, ...]]:
    args = [a for a in get_args(annotation) if a is not type(None)] or [annotation]
    inner = args[0]
    if get_origin(annotation) in (tuple, list):
        return "list", tuple(get_args(inner))
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
    """A situation's field error, in the words every Waymark error uses (one translator,
    :func:`services.errors.validation_message`), with the ages a child can be named."""
    loc = ".".join(str(p) for p in err.get("loc", ()))
    kind = err.get("type", "")
    if loc == "age" and kind in ("less_than_equal", "greater_than_equal"):
        return f"age: {err.get('input')!r} is not a child's age (0 to 17)"
    if loc == "suspect_age" and kind in ("less_than_equal", "greater_than_equal"):
        return f"suspect_age: {err.get('input')!r} is not a possible age (0 to {_MAX_SUSPECT_AGE})"
    message = validation_message(
        err,
        unknown=f"is not a situation field (known: {', '.join(Situation.model_fields)})",
        choices=FIELD_KINDS.get(loc, ("enum", ()))[1] or None,
    )
    return f"{loc}: {message}" if loc else message


def parse_situation(data: Mapping[str, Any] | Situation) -> Situation:
    """Validate raw values into a Situation, or raise InvalidInput naming every bad field.

    ``days_since_last_abuse`` may be the word ``unknown`` (as on the CLI); it means None.
    """
    if isinstance(data, Situation):
        return data
    values = dict(data)
    age = values.get("age")
    if isinstance(age, int) and not isinstance(age, bool) and age >= 18:
        raise AdultAge(
            f"age: {age} is an adult's age. Waymark plans child protection for children aged 0 to "
            "17; an adult needs adult support services instead",
            age,
        )
    days = values.get("days_since_last_abuse")
    if isinstance(days, str) and days.strip().lower() in ("unknown", ""):
        values["days_since_last_abuse"] = None
    try:
        return Situation.model_validate(values)
    except ValidationError as exc:
        raise InvalidInput("; ".join(_message(e) for e in exc.errors())) from None
