"""The first screen of a plan: what to do today, one line a step, with the number to call.

A plan read under pressure is read from the top. Every step whose ``when`` is ``now`` gets
one line here, in the plan's reading order (today's steps made urgent by this child's
situation first, then those every plan has today): its ``summary`` from pathway.yaml (the
words for this situation) and a number to call from the step's own services, of the types
the step's ``call`` names. A public line is given; a line a service keeps for professionals
only when there is no public one (labelled as such by the renderers: the plan is for
practitioners). The full plan follows the summary unchanged.

The pathway allows at most :data:`MAX_LINES` - 1 stages that can be ``now`` (the loader
checks), so the summary and its heading fit one screen.
"""

from __future__ import annotations

from collections.abc import Sequence

from services.models import Phone, Service

from .plan import PlanStep, SummaryLine

__all__ = ["MAX_LINES", "first_screen", "today_in_order", "number_to_call"]

#: The summary's lines, its heading included: what fits one screen.
MAX_LINES = 12


def today_in_order(steps: Sequence[PlanStep]) -> list[PlanStep]:
    """The ``now`` steps in reading order: this child's first, then every plan's."""
    now = [s for s in steps if s.when == "now"]
    return [s for s in now if s.specific] + [s for s in now if not s.specific]


def number_to_call(step: PlanStep) -> tuple[Service, Phone | None] | None:
    """Who to call for a step: the first of its services of a ``call`` type with a voice
    line (a public one if any has one, otherwise a line for professionals), or, when none
    lists a number, the first of them with no number (None: the step names no one to call)."""
    wanted = set(step.call)
    services = [ps.service for ps in step.services if wanted & set(ps.service.service_types)]
    for audience in ("public", "professionals"):
        for service in services:
            for phone in service.phones:
                if phone.type == "voice" and phone.audience == audience:
                    return service, phone
    return (services[0], None) if services else None


def first_screen(steps: Sequence[PlanStep]) -> tuple[SummaryLine, ...]:
    """One line per step to do today, in reading order."""
    out = []
    for step in today_in_order(steps):
        text = step.summary or step.title
        found = number_to_call(step)
        if found is None:
            out.append(SummaryLine(step.stage, text))
            continue
        service, phone = found
        if phone is None:
            out.append(SummaryLine(step.stage, text, None, service.name))
        else:
            out.append(SummaryLine(step.stage, text, phone.number, service.name, phone.audience))
    return tuple(out)
