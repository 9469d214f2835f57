"""Checked pathway spec → the compiled :class:`~pathways.model.Pathway`.

``definition.py`` has already checked the file's shape (ids from the vocabulary, known
keys). This step checks what needs the whole file at once — every stage and prompt of the
shared vocabulary (docs/contracts.md) defined exactly once, every condition well-formed,
every source known, no stage gated on a field it must never depend on, a fallback contact
that suits every child, and the graph's shape — and collects every problem, located, before
refusing the file.
"""

from __future__ import annotations

from typing import Any

from services.errors import DataFileError, Problem
from services.vocabulary import STAGES
from services.yamlio import LineDict, line_of

from .graph import build_graph, check_graph, strict_order
from .model import (
    PROMPT_IDS,
    AdultPointer,
    AgencyRule,
    FamilyHelp,
    LaterContacts,
    OfferRule,
    OwnContact,
    Pathway,
    PromptDef,
    StageDef,
    Variant,
)
from .rules import ConditionParser
from .situation import FIELD_KINDS
from .spec import PathwaySpec, PromptSpec, StageSpec
from .summary import MAX_LINES

__all__ = ["compile_pathway"]


def _key_line(node: Any, key: str) -> int | None:
    """The line of ``key`` in a mapping, else the mapping's own line."""
    if isinstance(node, LineDict):
        return node.key_lines.get(key, node.line)
    return getattr(node, "line", None)


def _item(node: Any, key: str, index: int) -> Any:
    try:
        return node[key][index]
    except (KeyError, IndexError, TypeError):
        return None


class _Compiler:
    """Holds the file, its raw (line-numbered) data and the problems found so far."""

    def __init__(self, spec: PathwaySpec, raw: Any, file: str) -> None:
        self.spec, self.raw, self.file = spec, raw, file
        self.problems: list[Problem] = []
        table = raw.get("conditions") or {}
        self.parser = ConditionParser(file, table, getattr(table, "key_lines", {}))

    def problem(self, line: int | None, where: str, message: str) -> None:
        self.problems.append(Problem(self.file, line, where, message))

    # -- the whole file ----------------------------------------------------------------
    def check_complete(self, kind: str, ids: list[str], expected: tuple[str, ...], what: str) -> None:
        """Each id once, and every id docs/contracts.md names present."""
        seen: dict[str, int] = {}
        for i, ident in enumerate(ids):
            if ident in seen:
                where = f"{kind}.{ident}"
                self.problem(
                    line_of(self.raw, (kind, i)), where, f"is defined twice (first as item {seen[ident] + 1})"
                )
            else:
                seen[ident] = i
        missing = [x for x in expected if x not in seen]
        if missing:
            self.problem(
                _key_line(self.raw, kind),
                kind,
                f"missing {what}(s): {', '.join(missing)} (every docs/contracts.md {what} must be defined)",
            )

    # -- stages ------------------------------------------------------------------------
    def stage(self, index: int, s: StageSpec) -> StageDef:
        node = _item(self.raw, "stages", index)
        where = f"stages.{s.id}"
        line = getattr(node, "line", None)
        if not s.service_types:
            at = _key_line(node, "service_types") if "service_types" in (node or {}) else line
            self.problem(
                at, f"{where}.service_types", "the stage has no service type: nothing could deliver it"
            )
        for gate in s.never_gated_on:
            if gate not in FIELD_KINDS:
                self.problem(
                    _key_line(node, "never_gated_on"),
                    f"{where}.never_gated_on",
                    f"{gate!r} is not a situation field",
                )
        applies = self.parser.parse(s.applies_when, f"{where}.applies_when", _key_line(node, "applies_when"))
        gated = set(applies.fields()) & set(s.never_gated_on)
        if gated:
            self.problem(
                _key_line(node, "applies_when"),
                f"{where}.applies_when",
                f"depends on {', '.join(sorted(gated))}, which this stage must never be gated on",
            )
        return StageDef(
            id=s.id,
            title=" ".join(s.title.split()),
            when=s.when,
            why=" ".join(s.why.split()),
            applies_when=applies,
            agencies=self.agencies(node, s, where),
            service_types=tuple(s.service_types),
            leads_to=tuple(s.leads_to),
            parallel_with=tuple(s.parallel_with),
            variants=self.variants(node, s, where),
            national_covers=s.national_covers,
            national_first=s.national_first,
            never_gated_on=tuple(s.never_gated_on),
            services_for=tuple(s.services_for) or ("child",),
            professional_referral=s.professional_referral,
            summary=" ".join(s.summary.split()) if s.summary else None,
            call=tuple(s.call),
            line=line,
            leads_to_lines=tuple(line_of(node, ("leads_to", k)) for k in range(len(s.leads_to))),
        )

    def agencies(self, node: Any, s: StageSpec, where: str) -> tuple[AgencyRule, ...]:
        rules = []
        for j, a in enumerate(s.agencies):
            a_node = _item(node, "agencies", j)
            at = _key_line(a_node, "if") if isinstance(a_node, dict) else line_of(node, ("agencies", j))
            condition = self.parser.parse(a.if_, f"{where}.agencies[{j}].if", at)
            rules.append(AgencyRule(a.agency, condition, a.why))
        return tuple(rules)

    def variants(self, node: Any, s: StageSpec, where: str) -> tuple[Variant, ...]:
        out = []
        for j, v in enumerate(s.variants):
            v_node = _item(node, "variants", j)
            here = f"{where}.variants[{j}]"
            condition = self.parser.parse(v.if_, f"{here}.if", _key_line(v_node, "if"))
            changes = (
                v.title, v.when, v.why, v.note, v.add_service_types, v.add_agencies, v.services_for,
                v.summary, v.call is not None, v.prefer_service_types,
            )
            if not any(changes):
                self.problem(
                    getattr(v_node, "line", None),
                    here,
                    "changes nothing (give title, when, why, note, summary, call or add_*)",
                )
            gated = set(condition.fields()) & set(s.never_gated_on)
            if gated and v.when is not None:
                self.problem(
                    _key_line(v_node, "when"),
                    f"{here}.when",
                    f"changes when the stage happens depending on {', '.join(sorted(gated))}, "
                    "which it must never be gated on",
                )
            out.append(
                Variant(
                    condition=condition,
                    title=v.title,
                    when=v.when,
                    why=v.why,
                    note=v.note,
                    add_service_types=tuple(v.add_service_types),
                    add_agencies=tuple(v.add_agencies),
                    services_for=tuple(v.services_for),
                    summary=" ".join(v.summary.split()) if v.summary else None,
                    call=tuple(v.call) if v.call is not None else None,
                    prefer_service_types=tuple(v.prefer_service_types),
                )
            )
        return tuple(out)

    def first_screen(self, stages: list[StageDef]) -> None:
        """Every stage that can be ``now`` has a summary line, and all of them together (with
        the summary's heading) fit the first screen."""
        can_be_now = [s for s in stages if s.when == "now" or any(v.when == "now" for v in s.variants)]
        for stage in can_be_now:
            if stage.summary is None:
                self.problem(
                    stage.line,
                    f"stages.{stage.id}.summary",
                    "a stage that can be done today needs a summary (its line on the plan's first screen)",
                )
        if len(can_be_now) > MAX_LINES - 1:
            self.problem(
                _key_line(self.raw, "stages"),
                "stages",
                f"{len(can_be_now)} stages can be 'now', but the plan's first screen has room for "
                f"{MAX_LINES - 1} ({', '.join(s.id for s in can_be_now)})",
            )

    # -- prompts and contacts ----------------------------------------------------------
    def prompt(self, index: int, p: PromptSpec) -> PromptDef:
        node = _item(self.raw, "prompts", index)
        where = f"prompts.{p.id}"
        condition = self.parser.parse(
            p.applies_when, f"{where}.applies_when", _key_line(node, "applies_when")
        )
        variants = []
        for j, v in enumerate(p.variants):
            v_node = _item(node, "variants", j)
            cond = self.parser.parse(v.if_, f"{where}.variants[{j}].if", _key_line(v_node, "if"))
            variants.append((cond, " ".join(v.text.split())))
        return PromptDef(
            p.id,
            " ".join(p.text.split()),
            condition,
            self.source_text(node, p.sources, where),
            getattr(node, "line", None),
            tuple(variants),
            " ".join(p.short.split()) if p.short else None,
        )

    def source_text(self, node: Any, keys: list[str], where: str) -> str:
        texts = []
        for j, key in enumerate(keys):
            if key in self.spec.sources:
                texts.append(" ".join(self.spec.sources[key].split()))
            else:
                known = ", ".join(self.spec.sources)
                self.problem(
                    line_of(node, ("sources", j)),
                    f"{where}.sources",
                    f"{key!r} is not in sources: (known: {known})",
                )
        return "; ".join(texts)

    # -- what is offered to whom ---------------------------------------------------------
    def offer(self) -> tuple[Any, OwnContact | None, tuple[OfferRule, ...]]:
        spec = self.spec.offer
        node = self.raw.get("offer") or {}
        treat = None
        if spec.treat_as_disclosed is not None:
            treat = self.parser.parse(
                spec.treat_as_disclosed, "offer.treat_as_disclosed", _key_line(node, "treat_as_disclosed")
            )
        own = None
        if spec.own_contact is not None:
            o = spec.own_contact
            own_node = node.get("own_contact") if isinstance(node, dict) else None
            unable = None
            if o.unable_if is not None:
                unable = self.parser.parse(
                    o.unable_if, "offer.own_contact.unable_if", _key_line(own_node, "unable_if")
                )
            own = OwnContact(
                o.min_age, tuple(o.service_types), o.children_max_age, " ".join(o.why.split()), unable
            )
        rules = []
        for j, r in enumerate(spec.only_if):
            r_node = _item(node, "only_if", j)
            cond = self.parser.parse(r.if_, f"offer.only_if[{j}].if", _key_line(r_node, "if"))
            rules.append(OfferRule(r.service, cond, " ".join(r.why.split())))
        return treat, own, tuple(rules)

    def family_help(self) -> dict[str, FamilyHelp]:
        node = self.raw.get("family_help") or {}
        out: dict[str, FamilyHelp] = {}
        for key, f in self.spec.family_help.items():
            out[key] = FamilyHelp(
                " ".join(f.title.split()),
                " ".join(f.text.split()),
                tuple((link.name, link.url) for link in f.links),
                self.source_text(node.get(key), f.sources, f"family_help.{key}"),
            )
        return out

    def adults(self) -> AdultPointer | None:
        a = self.spec.adults
        if a is None:
            return None
        node = self.raw.get("adults")
        return AdultPointer(" ".join(a.text.split()), tuple(a.services), self.source_text(node, a.sources, "adults"))

    def later_contacts(self) -> LaterContacts:
        lc = self.spec.later_contacts
        node = self.raw.get("later_contacts")
        for j, service in enumerate(lc.fallback):
            suits_all = service.is_national and service.min_age == 0 and service.max_age >= 17
            if (
                not suits_all
                or service.requires_disclosure
                or service.available_during_investigation is False
            ):
                self.problem(
                    line_of(node, ("fallback", j)),
                    f"later_contacts.fallback.{service.id}",
                    "a fallback contact must be national, for every age 0 to 17, need no disclosure "
                    "and carry on during an investigation",
                )
        return LaterContacts(lc.stage, lc.max, tuple(lc.fallback))


def compile_pathway(spec: PathwaySpec, raw: Any, file: str) -> Pathway:
    """The compiled pathway, or ``DataFileError`` listing every problem in ``file``."""
    c = _Compiler(spec, raw, file)
    named = {name: c.parser.named(name) for name in spec.conditions}
    c.check_complete("stages", [s.id for s in spec.stages], STAGES, "stage")
    c.check_complete("prompts", [p.id for p in spec.prompts], PROMPT_IDS, "prompt")
    stages = [c.stage(i, s) for i, s in enumerate(spec.stages)]
    c.first_screen(stages)
    prompts = [c.prompt(i, p) for i, p in enumerate(spec.prompts)]
    later = c.later_contacts()
    treat, own, only_if = c.offer()
    adults = c.adults()
    family_help = c.family_help()
    graph = build_graph(stages)
    problems = c.problems + c.parser.problems + check_graph(graph, stages, spec.start, file)
    if problems:
        raise DataFileError(sorted(set(problems), key=lambda p: (p.line or 0, p.field, p.message)))
    by_id = {s.id: s for s in stages}
    return Pathway(
        file=file,
        start=spec.start,
        stages=tuple(by_id[s] for s in strict_order(graph)),
        prompts=tuple(prompts),
        sources=dict(spec.sources),
        agency_names={str(k): v for k, v in spec.agency_names.items()},
        conditions=named,
        later_contacts=later,
        services_per_step=spec.settings.services_per_step,
        graph=graph,
        treat_as_disclosed=treat,
        own_contact=own,
        offer_only_if=only_if,
        adults=adults,
        family_help=family_help,
    )
