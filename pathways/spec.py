"""The shape of ``pathway.yaml``: the pydantic models a file is checked against.

Kept apart from loading (:mod:`.definition`) and compiling (:mod:`.compile`), which both
read them, so neither imports the other's module for its types.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.models import Service
from services.vocabulary import Agency, ServiceType, Stage

from .model import PROMPT_IDS, When

__all__ = [
    "AdultsSpec",
    "AgencySpec",
    "FamilyHelpSpec",
    "LaterContactsSpec",
    "LinkSpec",
    "OfferRuleSpec",
    "OfferSpec",
    "OwnContactSpec",
    "PathwaySpec",
    "PromptSpec",
    "PromptVariantSpec",
    "SettingsSpec",
    "SUMMARY_MAX",
    "StageSpec",
    "VariantSpec",
]

PromptId = Literal[PROMPT_IDS]  # type: ignore[valid-type]


class _Spec(BaseModel):
    """Unknown keys are errors: a misspelt key must not silently drop a rule."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class AgencySpec(_Spec):
    agency: Agency
    if_: Any = Field(default=True, alias="if")
    why: str | None = Field(default=None, min_length=1)


#: The longest line a step may have in the plan's opening summary (it shares a printed
#: line with the number to call).
SUMMARY_MAX = 50


class VariantSpec(_Spec):
    if_: Any = Field(alias="if")
    title: str | None = Field(default=None, min_length=1)
    when: When | None = None
    why: str | None = Field(default=None, min_length=1)
    note: str | None = Field(default=None, min_length=1)
    add_service_types: list[ServiceType] = []
    add_agencies: list[Agency] = []
    services_for: list[Literal["child", "suspect"]] = []
    #: The step's line in the opening summary for this situation (replaces the stage's).
    summary: str | None = Field(default=None, min_length=1, max_length=SUMMARY_MAX)
    #: Whose number the summary gives for this situation (replaces the stage's ``call``).
    call: list[ServiceType] | None = None
    #: Services of these types are listed first (a CAMHS before other therapy).
    prefer_service_types: list[ServiceType] = []


class StageSpec(_Spec):
    id: Stage
    title: str = Field(min_length=1)
    when: When = "next"
    why: str = Field(min_length=1)
    applies_when: Any = True
    agencies: list[AgencySpec] = []
    service_types: list[ServiceType] = []
    leads_to: list[Stage] = []
    parallel_with: list[Stage] = []
    variants: list[VariantSpec] = []
    national_covers: bool = False
    national_first: bool = False
    never_gated_on: list[str] = []
    services_for: list[Literal["child", "suspect"]] = ["child"]
    professional_referral: bool = False
    #: The step's one line in the plan's opening summary (what to do today).
    summary: str | None = Field(default=None, min_length=1, max_length=SUMMARY_MAX)
    #: The service types whose number the summary gives (none: no number for this step).
    call: list[ServiceType] = []

    @field_validator("agencies", mode="before")
    @classmethod
    def _plain_agency(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"agency": item} if isinstance(item, str) else item for item in value]
        return value


class PromptVariantSpec(_Spec):
    if_: Any = Field(alias="if")
    text: str = Field(min_length=1)


class PromptSpec(_Spec):
    id: PromptId
    text: str = Field(min_length=1)
    applies_when: Any = True
    sources: list[str] = Field(min_length=1)
    variants: list[PromptVariantSpec] = []
    #: One line for the printed plan, where the full text is the same for every child.
    short: str | None = Field(default=None, min_length=1, max_length=160)


class OwnContactSpec(_Spec):
    min_age: int = Field(ge=0, le=17)
    service_types: list[ServiceType] = Field(min_length=1)
    children_max_age: int = Field(default=18, ge=0, le=25)
    why: str = Field(min_length=1)
    #: Situations in which a child of any age may not be able to use a line alone.
    unable_if: Any = None


class OfferRuleSpec(_Spec):
    service: str = Field(min_length=1)
    if_: Any = Field(alias="if")
    why: str = Field(min_length=1)


class AdultsSpec(_Spec):
    text: str = Field(min_length=1)
    services: list[str] = []
    sources: list[str] = Field(min_length=1)


class LinkSpec(_Spec):
    name: str = Field(min_length=1)
    url: str = Field(pattern=r"^https://")


class FamilyHelpSpec(_Spec):
    title: str = Field(min_length=1)
    text: str = Field(min_length=1)
    links: list[LinkSpec] = []
    sources: list[str] = Field(min_length=1)


class OfferSpec(_Spec):
    treat_as_disclosed: Any = None
    own_contact: OwnContactSpec | None = None
    only_if: list[OfferRuleSpec] = []


class LaterContactsSpec(_Spec):
    stage: Stage = "later_support"
    max: int = Field(default=4, ge=1, le=20)
    fallback: list[Service] = Field(min_length=1)


class SettingsSpec(_Spec):
    services_per_step: int = Field(default=5, ge=1, le=50)


class PathwaySpec(_Spec):
    """The top level of ``pathway.yaml``."""

    version: Literal[1]
    start: Stage
    settings: SettingsSpec = SettingsSpec()
    sources: dict[str, str] = Field(min_length=1)
    agency_names: dict[Agency, str] = {}
    conditions: dict[str, Any] = {}
    stages: list[StageSpec] = Field(min_length=1)
    prompts: list[PromptSpec] = []
    later_contacts: LaterContactsSpec
    offer: OfferSpec = OfferSpec()
    adults: AdultsSpec | None = None
    family_help: dict[Literal["images_shared"], FamilyHelpSpec] = {}
