"""The national build: every generated record for every English authority, from ``data/sources/``.

The statutory spine (a front door, the police force, a child's medical route) and the
support beyond it (CAMHS, youth justice, a children's advocate, victim care, Rape Crisis, the
LADO: :mod:`databuild.support`) are built for all 153 children's services authorities from
national reference tables and cited research files. Rules the output keeps:

- every record is ``verified: false``, cites the pages behind it (``source``, ``sources``)
  and is dated by its research file's ``compiled`` date;
- a phone number, an age limit, opening hours or a town appear only when the research row
  gives them from its cited page; nothing is filled in by guess;
- hand-compiled records win: an area whose own records already include a service of a type
  gets no generated record of that type, so nothing is listed twice;
- a bad row is reported with its ``file:line``, never skipped in silence, and never takes the
  other rows down;
- the same inputs give byte-identical files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from services.errors import Problem, validation_message
from services.geography import Geography
from services.models import Service

from .front_doors import front_doors
from .hand import hand_compiled_areas
from .medical import MEDICAL_TYPES, medical
from .police import pfa_of, police
from .reference import Council, Force, label_of, load_reference, read_councils, read_forces
from .research import Research, read_research
from .rows import text_of
from .sources_md import sources_section
from .support import KINDS, SupportGaps, support_records
from .writer import GENERATED, dump_records

__all__ = ["NationalBuild", "build_national"]


@dataclass
class NationalBuild:
    """What a build produced: file texts, the SOURCES.md section, and what it found wrong."""

    files: dict[str, str] = field(default_factory=dict)  # name under data/services → text
    sources_section: str = ""
    problems: list[Problem] = field(default_factory=list)  # bad rows: the build fails
    notes: list[str] = field(default_factory=list)  # fallbacks taken, gaps left (not errors)
    councils: dict[str, Council] = field(default_factory=dict)
    forces: dict[str, Force] = field(default_factory=dict)
    force_of: dict[str, str] = field(default_factory=dict)  # authority code → PFA code
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    medical_gaps: dict[str, list[str]] = field(default_factory=dict)  # PFA → authorities
    homepage_only: list[str] = field(default_factory=list)  # front doors with no concern page
    professionals_page: list[str] = field(default_factory=list)  # front doors whose only page is for professionals
    not_rechecked: list[str] = field(default_factory=list)  # front doors the latest re-check did not reach
    police_without_site: list[str] = field(default_factory=list)  # PFAs with no confirmed website
    support_gaps: dict[str, SupportGaps] = field(default_factory=dict)  # kind → what it left without a record


_TITLES = {
    "front_door": "Children's social care front doors: one per English children's services authority "
                  "without a hand-compiled one (data/sources/front_doors.yaml, local-authorities.csv).",
    "police": "Police forces: one per force area, serving its authorities that have no hand-compiled "
              "police record (data/sources/police_forces.yaml, lookup_ltla24_csp24_pfa24.csv).",
    "medical": "Medical routes for children (SARCs): from data/sources/child_sarcs.yaml; areas with none "
               "are listed in data/SOURCES.md.",
    "camhs": "Children and young people's mental health services (CAMHS): from data/sources/camhs.yaml.",
    "youth_justice": "Youth justice services (ages 10 to 17): from data/sources/youth_justice.yaml.",
    "advocate": "Children's advocates (ISVA / ChISVA services): from data/sources/advocates.yaml.",
    "victim_care": "The Police and Crime Commissioners' victims' services: from data/sources/victim_care.yaml.",
    "rape_crisis": "Rape and sexual abuse support centres: from data/sources/rape_crisis.yaml.",
    "lado": "Local Authority Designated Officers (LADO): from data/sources/lado.yaml.",
}


def _valid(records: list[dict[str, Any]], kind: str, known: set[str], problems: list[Problem]) -> list[dict[str, Any]]:
    """Only records the directory will accept are written; the rest are reported."""
    good = []
    for record in records:
        try:
            service = Service.model_validate(record)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "record"
            problems.append(Problem(f"generated {GENERATED[kind]}", None, where,
                                    f"{record.get('id')}: {validation_message(first)}; record not written"))
            continue
        if any(a not in known for a in service.service_areas):
            problems.append(Problem(f"generated {GENERATED[kind]}", None, "service_areas",
                                    f"{record['id']}: names an area outside the geography"))
            continue
        good.append(record)
    return good


def build_national(data_dir: Path) -> NationalBuild:
    """Build every generated record for a data directory, in memory (nothing written)."""
    data_dir = Path(data_dir)
    sources = data_dir / "sources"
    out = NationalBuild()
    ref_path = sources / "reference.yaml"
    ref = load_reference(ref_path, label_of(ref_path, data_dir))
    remaps = {str(k): str(v) for k, v in (ref["local_authorities"].get("remaps") or {}).items()}
    geography = Geography.load(data_dir / "geography" if (data_dir / "geography" / "authorities.csv").exists() else None)

    la_path = sources / ref["local_authorities"]["file"]
    la_label = label_of(la_path, data_dir)
    councils, districts, problems = read_councils(la_path, la_label, geography, remaps)
    out.problems += problems
    pfa_path = sources / ref["police_force_areas"]["file"]
    forces, force_of, problems = read_forces(pfa_path, label_of(pfa_path, data_dir), councils, districts, la_label,
                                             remaps)
    out.problems += problems
    out.councils, out.forces, out.force_of = councils, forces, force_of

    hand = hand_compiled_areas(data_dir / "services", data_dir, out.problems)

    def research(name: str, keys: tuple[str, ...]) -> Research:
        path = sources / name
        return read_research(path, label_of(path, data_dir), keys, out.problems, out.notes)

    doors = research("front_doors.yaml", ("authorities", "front_doors"))
    forces_research = research("police_forces.yaml", ("forces",))
    sarcs = research("child_sarcs.yaml", ("sarcs", "services", "routes"))

    out.records["front_door"] = front_doors(councils, doors, ref, remaps, hand.get("social_care_front_door", set()),
                                            out.problems, out.notes)
    out.records["police"] = police(forces, councils, forces_research, ref, hand.get("police", set()), out.problems,
                                   out.notes)
    out.police_without_site = [pfa_of(r) for r in out.records["police"] if "url" not in r]
    out.records["medical"] = medical(forces, councils, sarcs, geography, remaps, hand, ref, out.problems, out.notes)
    for kind in KINDS:
        records, gaps = support_records(kind, research(kind.research, ("services",)), councils, forces,
                                        remaps, hand, ref, out.problems, out.notes)
        out.records[kind.key] = records
        out.support_gaps[kind.key] = gaps

    out.homepage_only = [r["service_areas"][0] for r in out.records["front_door"] if r.pop("_homepage_only", False)]
    out.professionals_page = [r["service_areas"][0] for r in out.records["front_door"]
                              if r.pop("_professionals_page", False)]
    out.not_rechecked = sorted(str(c) for c in doors.extra.get("not_rechecked") or [])
    known = set(geography.authorities)
    for kind_key, records in out.records.items():
        out.records[kind_key] = _valid(records, kind_key, known, out.problems)

    covered: set[str] = set().union(*(hand.get(t, set()) for t in MEDICAL_TYPES))
    for record in out.records["medical"]:
        covered.update(record["service_areas"])
    for code in sorted(councils):
        if code not in covered and code in force_of:
            out.medical_gaps.setdefault(force_of[code], []).append(code)

    out.files = {GENERATED[k]: dump_records(out.records[k], _TITLES[k]) for k in GENERATED}
    tried = {str(r.get("pfa")): text_of(r, "tried", "notes", "note") for r in sarcs.not_found if isinstance(r, dict)}
    out.sources_section = sources_section(out, tried)
    return out
