"""The compiled pathway: stages, prompts and rules ready to evaluate.

``definition.py`` turns ``pathway.yaml`` into these objects once; the planner only reads
them. They are frozen so a loaded pathway can be cached and shared between requests.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import networkx as nx

from services.models import Service
from services.vocabulary import PROMPTS

__all__ = [
    "When",
    "WHEN_ORDER",
    "PROMPT_IDS",
    "AgencyRule",
    "Variant",
    "StageDef",
    "PromptDef",
    "LaterContacts",
    "OwnContact",
    "OfferRule",
    "AdultPointer",
    "FamilyHelp",
    "Pathway",
]

When = Literal["now", "next", "later"]
WHEN_ORDER: dict[str, int] = {"now": 0, "next": 1, "later": 2}

#: The practice prompts docs/contracts.md names; pathway.yaml must define each, and no other.
PROMPT_IDS: tuple[str, ...] = PROMPTS


@dataclass(frozen=True)
class AgencyRule:
    """An agency responsible for a stage, when its condition holds, and why."""

    agency: str
    condition: Any
    why: str | None = None


@dataclass(frozen=True)
class Variant:
    """An adjustment of a stage for situations matching ``condition``."""

    condition: Any
    title: str | None = None
    when: str | None = None
    why: str | None = None
    note: str | None = None
    add_service_types: tuple[str, ...] = ()
    add_agencies: tuple[str, ...] = ()
    services_for: tuple[str, ...] = ()
    summary: str | None = None
    call: tuple[str, ...] | None = None
    prefer_service_types: tuple[str, ...] = ()


@dataclass(frozen=True)
class StageDef:
    """One pathway stage as defined in pathway.yaml (``line`` for messages)."""

    id: str
    title: str
    when: str
    why: str
    applies_when: Any
    agencies: tuple[AgencyRule, ...]
    service_types: tuple[str, ...]
    leads_to: tuple[str, ...] = ()
    parallel_with: tuple[str, ...] = ()
    variants: tuple[Variant, ...] = ()
    national_covers: bool = False
    national_first: bool = False
    never_gated_on: tuple[str, ...] = ()
    line: int | None = None
    leads_to_lines: tuple[int | None, ...] = ()
    services_for: tuple[str, ...] = ("child",)
    #: Professionals refer the child to this stage's services (a child protection medical):
    #: a service's "needs a disclosure" does not apply here.
    professional_referral: bool = False
    #: The step's line in the plan's opening summary (None: its title).
    summary: str | None = None
    #: Service types whose number the summary gives.
    call: tuple[str, ...] = ()


@dataclass(frozen=True)
class PromptDef:
    """A practice reminder, the situations it applies to, and where it comes from."""

    id: str
    text: str
    applies_when: Any
    source: str
    line: int | None = None
    #: (condition, text): the last matching one replaces ``text`` for this situation.
    variants: tuple[tuple[Any, str], ...] = ()
    #: One line for the printed plan (optional).
    short: str | None = None

    def text_for(self, values: Mapping[str, Any]) -> str:
        text = self.text
        for condition, other in self.variants:
            if condition.holds(values):
                text = other
        return text


@dataclass(frozen=True)
class LaterContacts:
    """Where the plan's "contact later" list comes from, and its last resort."""

    stage: str
    max: int
    fallback: tuple[Service, ...]


@dataclass(frozen=True)
class OwnContact:
    """Services a child would have to phone, text or chat with on their own.

    A helpline that is not for parents and is either a children's service (``max_age``
    up to ``children_max_age``) or reached by text only: a child younger than ``min_age``
    cannot use it, nor can a child of any age in a situation ``unable_if`` describes (one
    who may not speak or use a phone alone), so the plan offers the parents' services instead.
    """

    min_age: int
    service_types: tuple[str, ...]
    children_max_age: int
    why: str
    unable_if: Any = None

    def unable(self, values: Mapping[str, Any]) -> bool:
        """Whether this child cannot use such a line alone, whatever their age."""
        return self.unable_if is not None and bool(self.unable_if.holds(values))


@dataclass(frozen=True)
class OfferRule:
    """A service offered only in the situations it is for (a parents' programme)."""

    service: str
    condition: Any
    why: str


@dataclass(frozen=True)
class AdultPointer:
    """What to say instead of a plan when the person is 18 or over."""

    text: str
    services: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class FamilyHelp:
    """Plain-words help for a family in one situation (shown on Find support)."""

    title: str
    text: str
    links: tuple[tuple[str, str], ...]
    source: str


@dataclass(frozen=True, eq=False)
class Pathway:
    """The whole pathway: stages in plan order, prompts, the graph and named rules."""

    file: str
    start: str
    stages: tuple[StageDef, ...]
    prompts: tuple[PromptDef, ...]
    sources: Mapping[str, str]
    agency_names: Mapping[str, str]
    conditions: Mapping[str, Any]
    later_contacts: LaterContacts
    services_per_step: int
    graph: nx.DiGraph = field(repr=False)
    #: Lifts a service's "needs a disclosure" for this situation (evidence stands in for words).
    treat_as_disclosed: Any = None
    own_contact: OwnContact | None = None
    offer_only_if: tuple[OfferRule, ...] = ()
    adults: AdultPointer | None = None
    family_help: Mapping[str, FamilyHelp] = field(default_factory=dict)

    def stage(self, stage_id: str) -> StageDef:
        """The stage with this id (KeyError when the pathway has none)."""
        for stage in self.stages:
            if stage.id == stage_id:
                return stage
        raise KeyError(stage_id)

    @property
    def order(self) -> dict[str, int]:
        """Each stage's position in the strict (topological) order."""
        return {stage.id: i for i, stage in enumerate(self.stages)}

    def agency_name(self, agency: str) -> str:
        return self.agency_names.get(agency, agency.replace("_", " ").capitalize())
