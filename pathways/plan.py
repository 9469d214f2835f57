"""A plan: what the planner hands to the CLI, the app and the renderers.

The objects keep a little more than the JSON shows (why each agency is invited, which
stages run alongside which) so the printed plan can explain itself; ``to_dict`` produces
the ``plan`` contract of docs/contracts.md and the keys Waymark adds (docs/contracts.md): the
opening ``summary`` (what to do today, one line a step, with the number to call) and, for a
looked-after child, the ``placing_area``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from services.geography import Place
from services.models import Service
from services.search import Hit, service_summary

from .situation import Situation

__all__ = ["Invitee", "PlanService", "PlanStep", "Plan", "SummaryLine"]


@dataclass(frozen=True)
class Invitee:
    """An agency to invite to the strategy discussion, and the reason it must be there."""

    agency: str
    name: str
    why: str | None = None


@dataclass(frozen=True)
class PlanService:
    """A service offered at a step: the directory record and how far away it is."""

    service: Service
    distance_km: float | None
    local: bool

    @classmethod
    def from_hit(cls, hit: Hit) -> PlanService:
        return cls(hit.service, hit.distance_km, hit.local)

    def to_dict(self) -> dict[str, Any]:
        out = service_summary(self.service, self.distance_km)
        out.setdefault("availability", self.service.availability)
        return out


@dataclass(frozen=True)
class PlanStep:
    """One step of the plan: a stage as it applies to this child."""

    stage: str
    when: str
    title: str
    why: str
    agencies: tuple[str, ...]
    services: tuple[PlanService, ...]
    gap: bool
    notes: tuple[str, ...] = ()
    runs_alongside: tuple[str, ...] = ()
    #: Whose age the services fit: "child" (the child this plan is for) and/or "suspect".
    services_for: tuple[str, ...] = ("child",)
    #: Set by this child's situation (not a step every plan has): read first.
    specific: bool = False
    #: Why a gap step has no local service: ``no_local_service`` (the area's services are
    #: compiled and none delivers it) or ``not_compiled`` (only the statutory spine is known
    #: here, so nobody has looked). None when the step is not a gap.
    gap_reason: str | None = None
    #: The step's line in the plan's opening summary (pathway.yaml ``summary``).
    summary: str = ""
    #: The service types whose number the summary gives for this step.
    call: tuple[str, ...] = ()

    @property
    def not_compiled(self) -> bool:
        return self.gap and self.gap_reason == "not_compiled"

    @property
    def local_services(self) -> tuple[PlanService, ...]:
        return tuple(s for s in self.services if s.local)

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "when": self.when,
            "title": self.title,
            "why": self.why,
            "agencies": list(self.agencies),
            "services": [s.to_dict() for s in self.services],
            "gap": self.gap,
            "gap_reason": self.gap_reason,
        }


@dataclass(frozen=True)
class SummaryLine:
    """One line of the plan's opening summary: a step to do today and the number to call.

    ``phone`` is a number from the step's own services (a public line; a line a service
    keeps for professionals only where it has no public one, with ``audience``
    ``professionals`` so it is labelled), or None when none of them lists one.
    """

    stage: str
    text: str
    phone: str | None = None
    service: str | None = None
    audience: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Plan:
    """The answer for one situation: steps, invitees, prompts and contacts for later."""

    situation: Situation
    place: Place
    steps: tuple[PlanStep, ...]
    invitees: tuple[Invitee, ...]
    prompts: tuple[dict[str, str], ...]
    later_contacts: tuple[PlanService, ...]
    #: ``local`` (the area's services are compiled) or ``statutory`` (spine only).
    coverage: str = "local"
    #: What to do today, one line per ``now`` step in reading order (pathways.summary).
    summary: tuple[SummaryLine, ...] = ()
    #: The authority that looks after the child (``placing_area``), resolved.
    placing: Place | None = None

    @property
    def strategy_discussion_invitees(self) -> list[str]:
        return [i.agency for i in self.invitees]

    @property
    def area(self) -> dict[str, str] | None:
        authority = self.place.authority
        if authority is None:
            return None
        return {"code": authority.code, "name": authority.name, "coverage": self.coverage}

    @property
    def placing_area(self) -> dict[str, str] | None:
        authority = self.placing.authority if self.placing is not None else None
        if authority is None:
            return None
        return {"code": authority.code, "name": authority.name}

    @property
    def not_compiled(self) -> list[str]:
        """The stages with no service because the area's local services are not compiled."""
        return [s.stage for s in self.steps if s.not_compiled]

    def step(self, stage: str) -> PlanStep | None:
        """The step for ``stage``, or None when it does not apply to this child."""
        return next((s for s in self.steps if s.stage == stage), None)

    @property
    def gaps(self) -> list[str]:
        """Steps with no service (both reasons: see ``PlanStep.gap_reason``)."""
        return [s.stage for s in self.steps if s.gap]

    def to_dict(self) -> dict[str, Any]:
        """The ``plan`` JSON object of docs/contracts.md, key for key, then the keys Waymark adds."""
        out = {
            "situation": self.situation.model_dump(mode="json"),
            "area": self.area,
            "steps": [s.to_dict() for s in self.steps],
            "strategy_discussion_invitees": self.strategy_discussion_invitees,
            "prompts": [dict(p) for p in self.prompts],
            "later_contacts": [c.to_dict() for c in self.later_contacts],
            "summary": [line.to_dict() for line in self.summary],
        }
        if self.placing_area is not None:
            out["placing_area"] = self.placing_area
        return out
