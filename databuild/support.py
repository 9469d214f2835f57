"""Support beyond the statutory door, for every authority: CAMHS, youth justice, a children's
advocate, victim care, Rape Crisis centres and the LADO.

Each kind has a research file in ``data/sources/`` (rows of cited pages, see
``docs/compiling-an-area.md``) and becomes one generated ``data/services/support_*.yaml``.
A row is read through a pydantic model of its kind (:class:`SupportRow` and subclasses), so
a misspelt key or a wrong type is reported as ``file:line: field: problem`` and the row is
left out; one bad field inside a good row (a number that is not a UK phone) is left out with
a problem, and the rest of the row is used.

What the records say comes from the row's pages only, with three rules of the kind's own:

- a youth justice service works with children aged 10 to 17 (Crime and Disorder Act 1998
  s39; no child under 10 can be charged, Children and Young Persons Act 1933 s50): those
  ages are stated from the statute, whatever else the page says, so a child under 10 is
  never offered one;
- a CAMHS row's crisis lines are phones too, and make the service a route in
  ``immediate_safety``;
- the link a family follows (``url``) is the organisation's own page, never a news article
  or a document-sharing copy (:func:`services.links.link_problem`): those stay as sources.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from services.directory import format_validation_error
from services.errors import Problem
from services.links import link_problem
from services.models import DatedBy

from .claims import drop_outdated_claims
from .reference import Council, Force
from .research import Research
from .rows import line_of, name_list, phones_of, row_sources, self_referral_from, source_page, url_of

__all__ = [
    "KINDS",
    "SupportKind",
    "SupportRow",
    "CamhsRow",
    "YouthJusticeRow",
    "AdvocateRow",
    "VictimCareRow",
    "RapeCrisisRow",
    "LadoRow",
    "SupportGaps",
    "support_records",
]


# -- the rows, as the research files write them ------------------------------------------------

class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RowPhone(_Strict):
    number: str | int
    description: str | None = None
    audience: Literal["public", "professionals"] = "public"
    type: Literal["voice", "text", "textphone", "fax"] = "voice"  # as services.models.Phone


class RowSource(_Strict):
    url: str
    title: str | None = None
    updated: dt.date | None = None
    dated_by: DatedBy | None = None
    supports: list[str] = Field(default_factory=list)


class SelfReferral(_Strict):
    allowed: bool
    from_age: int | None = Field(default=None, ge=0, le=25)


class SupportRow(_Strict):
    """One service as a research file records it: only what its pages state."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    name: str = Field(min_length=1)
    provider: str | None = None
    url: str | None = None
    page_title: str | None = None
    service_areas: list[str] = Field(default_factory=list)
    pfas: list[str] = Field(default_factory=list)
    phones: list[RowPhone] = Field(default_factory=list)
    email: str | None = None
    min_age: int | None = Field(default=None, ge=0, le=120)
    max_age: int | None = Field(default=None, ge=0, le=120)
    self_referral: bool | SelfReferral | None = None
    referral_routes: list[str] = Field(default_factory=list)
    hours: str | None = None
    open_24_7: bool | None = None
    during_investigation: bool | None = None
    sources: list[RowSource] = Field(min_length=1)
    notes: str | None = None


class CamhsRow(SupportRow):
    crisis_phones: list[RowPhone] = Field(default_factory=list)
    crisis_description: str | None = None


class YouthJusticeRow(SupportRow):
    assesses_hsb: bool = False


class AdvocateRow(SupportRow):
    chisva: bool = False


class VictimCareRow(SupportRow):
    family_support: bool = False
    advocacy: bool = False


class RapeCrisisRow(SupportRow):
    offers: list[Literal["counselling", "isva", "helpline", "groups"]] = Field(default_factory=list)


class LadoRow(SupportRow):
    pass


# -- what each kind becomes ----------------------------------------------------------------------

@dataclass(frozen=True)
class SupportKind:
    """One kind of support record: its research file, row model, output and the rules above."""

    key: str  # writer.GENERATED key
    research: str  # data/sources/<file>
    row: type[SupportRow]
    service_types: Callable[[Any], list[str]]
    stages: Callable[[Any], list[str]]
    describe: Callable[[Any, str], str]
    #: How the gap list in SOURCES.md names what is missing ("no CAMHS route").
    missing: str
    #: authority: every authority should have one; force: every police force area.
    unit: Literal["authority", "force"] = "authority"
    statutory_ages: tuple[int, int] | None = None
    for_parents: Callable[[Any], bool] = lambda row: False
    extra_phones: Callable[[Any], list[dict[str, Any]]] = lambda row: []
    #: The kind's service types whose hand-compiled records win over a generated one.
    won_by: tuple[str, ...] = ()


def _camhs_text(row: CamhsRow, areas: str) -> str:
    urgent = f" {row.crisis_description.rstrip('.')}." if row.crisis_description else ""
    return (f"{row.name}: the NHS children and young people's mental health service (CAMHS) for {areas}. It helps "
            "children and young people with serious worries about their emotional or mental health, such as "
            "self-harm, anxiety or trauma, including after abuse. It is a general mental health service: "
            "specialist therapy after sexual abuse may be offered elsewhere, and waits vary." + urgent)


def _yjs_text(row: YouthJusticeRow, areas: str) -> str:
    return (f"{row.name}: the youth justice service for {areas}. It works with children aged 10 to 17 who have "
            "come into contact with the police or the courts, including children who have harmed others "
            "sexually, and with their families. Children under 10 cannot be charged with an offence and are "
            "never referred to it: children's social care leads for them.")


def _advocate_text(row: AdvocateRow, areas: str) -> str:
    who = ("a children's independent sexual violence adviser (ChISVA) service" if row.chisva
           else "an independent sexual violence adviser (ISVA) service")
    return (f"{row.name}: {who} for {areas}. An adviser is on the side of the person who was abused: they "
            "explain what the police and courts are doing, keep them and their family updated and support "
            "them through an investigation and any trial.")


def _victims_text(row: VictimCareRow, areas: str) -> str:
    family = ", and their families," if row.family_support else ""
    return (f"{row.name}: the victims' service for {areas}, paid for by the Police and Crime Commissioner. It "
            f"supports victims of crime{family} through a police investigation and any court case.")


_OFFERS = {"counselling": "counselling", "isva": "independent sexual violence advisers (ISVAs)",
           "helpline": "a helpline", "groups": "support groups"}


def _rape_crisis_text(row: RapeCrisisRow, areas: str) -> str:
    offers = name_list([_OFFERS[o] for o in row.offers]) if row.offers else "support"
    return (f"{row.name}: a rape and sexual abuse support centre for {areas}, offering {offers} to people who "
            "have experienced sexual violence or abuse, whenever it happened.")


def _lado_text(row: LadoRow, areas: str) -> str:
    return (f"{row.name}: the Local Authority Designated Officer (LADO) for {areas}. The LADO handles concerns "
            "that someone who works with children, paid or voluntary (a teacher, coach, foster carer, faith "
            "leader or police officer), may have harmed a child, and makes sure the employer and children's "
            "social care act.")


def _rape_crisis_types(row: RapeCrisisRow) -> list[str]:
    types = []
    if {"counselling", "groups"} & set(row.offers) or not row.offers:
        types.append("therapeutic")
    if "isva" in row.offers:
        types.append("isva_chisva")
    if "helpline" in row.offers:
        types.append("helpline")
    return types


def _rape_crisis_stages(row: RapeCrisisRow) -> list[str]:
    """Therapy and advocacy for a child only within the ages its page states: a centre whose
    page gives no ages, or only adults', is support for later (for a parent, or the child
    grown up), never counted as a child's therapy."""
    for_children = row.min_age is not None and row.min_age < 18
    stages = []
    if for_children and ({"counselling", "groups"} & set(row.offers) or not row.offers):
        stages.append("therapeutic_support")
    if for_children and "isva" in row.offers:
        stages.append("advocacy")
    stages.append("later_support")
    return stages


def _crisis_phones(row: CamhsRow) -> list[dict[str, Any]]:
    raw = [p.model_dump(exclude_defaults=True) for p in row.crisis_phones]
    for p in raw:
        p["description"] = "Urgent mental health help: " + (p.get("description") or "crisis line")
    return raw


KINDS: tuple[SupportKind, ...] = (
    SupportKind("camhs", "camhs.yaml", CamhsRow, lambda r: ["camhs"],
                lambda r: (["immediate_safety"] if r.crisis_phones else []) + ["therapeutic_support", "later_support"],
                _camhs_text, "no CAMHS route", extra_phones=_crisis_phones, won_by=("camhs",)),
    SupportKind("youth_justice", "youth_justice.yaml", YouthJusticeRow, lambda r: ["youth_justice"],
                lambda r: (["hsb_assessment"] if r.assesses_hsb else []) + ["hsb_intervention"],
                _yjs_text, "no youth justice service", statutory_ages=(10, 17), won_by=("youth_justice",)),
    SupportKind("advocate", "advocates.yaml", AdvocateRow, lambda r: ["isva_chisva"], lambda r: ["advocacy"],
                _advocate_text, "no children's advocate (ISVA/ChISVA)", unit="force", won_by=("isva_chisva",)),
    SupportKind("victim_care", "victim_care.yaml", VictimCareRow, lambda r: ["victim_care"],
                lambda r: ["family_support"] + (["advocacy"] if r.advocacy else []),
                _victims_text, "no victims' service", unit="force", for_parents=lambda r: r.family_support,
                won_by=("victim_care",)),
    SupportKind("rape_crisis", "rape_crisis.yaml", RapeCrisisRow, _rape_crisis_types, _rape_crisis_stages,
                _rape_crisis_text, "no Rape Crisis centre", unit="force"),
    SupportKind("lado", "lado.yaml", LadoRow, lambda r: ["lado"], lambda r: ["refer_to_social_care", "strategy_discussion"],
                _lado_text, "no LADO contact", won_by=("lado",)),
)


# -- building ----------------------------------------------------------------------------------------

@dataclass
class SupportGaps:
    """What a kind left without a record: units (authority or force codes) → what was tried."""

    kind: SupportKind
    missing: dict[str, str | None] = field(default_factory=dict)
    #: Force areas only partly covered: the authorities in them left without a record.
    partly: dict[str, list[str]] = field(default_factory=dict)


def _areas(row: SupportRow, forces: Mapping[str, Force], councils: Mapping[str, Council],
           remaps: Mapping[str, str], label: str, line: int | None, problems: list[Problem]) -> list[str]:
    areas: set[str] = set()
    for pfa in row.pfas:
        if pfa in forces:
            areas.update(forces[pfa].authorities)
        else:
            problems.append(Problem(label, line, "pfas", f"{row.id}: {pfa!r} is not an English police force area code"))
    for gss in row.service_areas:
        code = remaps.get(gss, gss)
        if code in councils:
            areas.add(code)
        else:
            problems.append(Problem(label, line, "service_areas",
                                    f"{row.id}: {gss!r} is not one of England's 153 children's services authorities"))
    return sorted(areas)


def _areas_words(areas: list[str], row: SupportRow, forces: Mapping[str, Force],
                 councils: Mapping[str, Council]) -> str:
    whole = [forces[p] for p in row.pfas if p in forces and set(forces[p].authorities) <= set(areas)]
    if whole and not row.service_areas:
        return name_list([f"the {f.name} police force area" for f in whole])
    names = [councils[c].name for c in areas]
    if len(names) > 5:
        return f"{', '.join(names[:4])} and {len(names) - 4} other areas"
    return name_list(names)


def _self_referral(row: SupportRow, record: dict[str, Any], supports: list[str]) -> None:
    said = row.self_referral
    routes = list(row.referral_routes)
    if isinstance(said, SelfReferral):
        if said.allowed and said.from_age is not None and said.from_age > record.get("min_age", 0):
            # Self-referral only from an age: never offered as "contact them yourself" to a
            # younger child; the age is said in words instead.
            if not routes:
                routes.append(self_referral_from(said.from_age, "a parent or professional makes contact"))
        else:
            record["accepts_self_referral"] = said.allowed
            supports.append("accepts_self_referral")
    elif isinstance(said, bool):
        record["accepts_self_referral"] = said
        supports.append("accepts_self_referral")
    if routes:
        record["referral_routes"] = routes
        supports.append("referral_routes")


def _record(kind: SupportKind, row: Any, line: int | None, areas: list[str], all_areas: list[str], research: Research,
            forces: Mapping[str, Force], councils: Mapping[str, Council], ref: Mapping[str, Any],
            problems: list[Problem], notes: list[str]) -> dict[str, Any]:
    label = research.label
    supports = ["name", "service_areas", "description"]
    record: dict[str, Any] = {
        "id": row.id,
        "name": row.name,
        "description": kind.describe(row, _areas_words(all_areas, row, forces, councils)),
    }
    if row.provider:
        record["organization"] = {"name": row.provider}
        supports.append("organization")
    note_bits = [row.notes] if row.notes else []
    if row.url:
        url = url_of({"url": row.url}, ("url",), label, problems)
        why = link_problem(url) if url else None
        if why:  # a news article or a document copy is a source, never the family's link
            notes.append(f"{label}:{line or 0}: {row.id}: {why}: cited as a source, no link given")
        elif url:
            record["url"] = url
            supports.append("url")
    phones = phones_of({"phones": [p.model_dump(exclude_defaults=True) for p in row.phones]
                        + kind.extra_phones(row)}, label, problems, line=line)
    if phones:
        record["phones"] = phones
        supports.append("phones")
    if row.email:
        record["email"] = row.email
        supports.append("email")
    if "url" not in record and not phones:
        note_bits.append("No page of its own and no phone number were found in the pages read: ask children's "
                         "social care or the organisation named.")
    record["service_areas"] = areas
    if row.hours or row.open_24_7:
        record["schedules"] = [{"description": row.hours or "24 hours a day, every day",
                                **({"open_24_7": True} if row.open_24_7 else {})}]
        supports.append("schedules")
    record["service_types"] = kind.service_types(row)
    record["stages"] = kind.stages(row)
    statute_sources: list[dict[str, Any]] = []
    if kind.statutory_ages:
        record["min_age"], record["max_age"] = kind.statutory_ages
        statute = ref["national_routes"]["youth_justice"]
        statute_sources.append(source_page(statute["url"], statute.get("title"), statute.get("read"),
                                           ["min_age", "max_age"]))
        stated = (row.min_age, row.max_age)
        if stated != (None, None) and stated != kind.statutory_ages:
            note_bits.append(f"Its page gives ages {row.min_age if row.min_age is not None else '?'} to "
                             f"{row.max_age if row.max_age is not None else '?'}; Waymark offers it for children "
                             "aged 10 to 17, the ages the law gives it.")
    else:
        for key in ("min_age", "max_age"):
            value = getattr(row, key)
            if value is not None:
                record[key] = value
                supports.append(key)
    if kind.for_parents(row):
        record["for_parents"] = True
        supports.append("for_parents")
    if row.during_investigation is not None:  # "not during an investigation" is as much for a family to know
        record["available_during_investigation"] = row.during_investigation
        supports.append("available_during_investigation")
    _self_referral(row, record, supports)
    # A page that says who can contact the service states its routes too: the research files
    # record the page's own words about self-referral as referral_routes.
    raw_row = {"sources": [{**s.model_dump(exclude_none=True),
                            "supports": s.supports + (["referral_routes"] if "accepts_self_referral" in s.supports
                                                      and "referral_routes" not in s.supports else [])}
                           for s in row.sources]}
    sources = row_sources(raw_row, record.get("url") or row.sources[0].url, row.page_title, supports,
                          research.compiled, label, problems)
    for claim in ("referral_routes", "accepts_self_referral", "phones", "email"):
        if claim in record and not any(claim in page["supports"] for page in sources):
            # A claim no cited page states is left out (and said, never dropped silently).
            record.pop(claim)
            notes.append(f"{label}:{line or 0}: {row.id}: {claim} rests on no cited page; left out")
    if row.pfas:
        pfa_ref = ref["police_force_areas"]
        sources.append(source_page(pfa_ref["url"], pfa_ref.get("title"), pfa_ref.get("read"), ["service_areas"]))
    sources += statute_sources
    record.update({
        "source": " ; ".join(s["url"] for s in sources),
        "sources": sources,
        "last_verified": research.compiled,
        "verified": False,
    })
    dated = drop_outdated_claims(record, research.compiled)
    if dated:
        note_bits.append(dated)
    if note_bits:
        record["notes"] = " ".join(note_bits)
    return record


def _rows(kind: SupportKind, research: Research, problems: list[Problem]) -> list[tuple[Any, int | None]]:
    """The file's rows that fit the kind's model, each with its line; the rest reported."""
    out: list[tuple[Any, int | None]] = []
    seen: set[str] = set()
    for raw in research.rows:
        if not isinstance(raw, dict):
            problems.append(Problem(research.label, line_of(raw), "services", "each entry must be a mapping"))
            continue
        try:
            row = kind.row.model_validate(raw)
        except ValidationError as exc:
            problems.extend(format_validation_error(exc, raw, research.label))
            continue
        if row.id in seen:
            problems.append(Problem(research.label, line_of(raw), "id", f"{row.id!r} is listed twice"))
            continue
        seen.add(row.id)
        out.append((row, line_of(raw)))
    return out


def support_records(
    kind: SupportKind, research: Research, councils: Mapping[str, Council], forces: Mapping[str, Force],
    remaps: Mapping[str, str], hand: Mapping[str, set[str]], ref: Mapping[str, Any],
    problems: list[Problem], notes: list[str],
) -> tuple[list[dict[str, Any]], SupportGaps]:
    """The generated records of one kind, and the authorities or forces it left without one."""
    label = research.label
    taken = set().union(*(hand.get(t, set()) for t in kind.won_by)) if kind.won_by else set()
    records: dict[str, dict[str, Any]] = {}
    covered: set[str] = set()
    for row, line in _rows(kind, research, problems):
        all_areas = _areas(row, forces, councils, remaps, label, line, problems)
        if not all_areas:
            problems.append(Problem(label, line, "service_areas", f"{row.id}: names no area it serves; row not used"))
            continue
        covered.update(all_areas)
        areas = [c for c in all_areas if c not in taken]
        if len(areas) < len(all_areas):
            notes.append(f"{row.id}: hand-compiled records kept for {', '.join(c for c in all_areas if c in taken)}")
        if not areas:
            continue
        records[row.id] = _record(kind, row, line, areas, all_areas, research, forces, councils, ref, problems, notes)
    covered |= taken
    tried = {str(r.get("gss") or r.get("pfa")): (r.get("tried") or r.get("notes"))
             for r in research.not_found if isinstance(r, dict)}
    gaps = SupportGaps(kind)
    if kind.unit == "authority":
        for code in sorted(councils):
            if code not in covered:
                gaps.missing[code] = tried.get(code)
    else:
        for pfa, force in forces.items():
            left = [c for c in force.authorities if c not in covered]
            if left:
                gaps.missing[pfa] = tried.get(pfa)
                if len(left) < len(force.authorities):
                    gaps.partly[pfa] = left
    return [records[k] for k in sorted(records)], gaps
