"""The generated section of ``data/SOURCES.md``: what was built, and every gap it left.

A gap that could not be filled from a citable page stays a gap, listed here with what was
searched, so a reader (or the next compiler) knows the difference between "none exists" and
"none found".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from .writer import SOURCES_BEGIN, SOURCES_END

if TYPE_CHECKING:
    from .national import NationalBuild

__all__ = ["sources_section"]


def _tried(why: str | None) -> str:
    return f". Tried: {why}" if why else ""


def sources_section(build: NationalBuild, medical_tried: Mapping[str, str | None]) -> str:
    """The section's Markdown (between SOURCES_BEGIN and SOURCES_END)."""
    counts = {k: len(v) for k, v in build.records.items()}
    lines = [
        SOURCES_BEGIN,
        "",
        "## National records: what was generated and the gaps it left",
        "",
        (f"Generated from `data/sources/` for {len(build.councils)} authorities in {len(build.forces)} police force "
         f"areas: {counts['front_door']} front door, {counts['police']} police and {counts['medical']} medical route "
         f"records (the statutory spine), and {counts.get('camhs', 0)} CAMHS, {counts.get('youth_justice', 0)} "
         f"youth justice, {counts.get('advocate', 0)} children's advocate, {counts.get('victim_care', 0)} victim "
         f"care, {counts.get('rape_crisis', 0)} Rape Crisis and {counts.get('lado', 0)} LADO records "
         "(`data/services/statutory_*.yaml`, `data/services/support_*.yaml`). Areas whose hand-compiled records "
         "already have a service of a type keep theirs. Re-run `python -m databuild national` after editing "
         "the research files."),
        "",
        "### Authorities with no medical route for children (no citable SARC page found)",
        "",
    ]
    if not build.medical_gaps:
        lines.append("None: every authority has a SARC or equivalent record.")
    for pfa, codes in sorted(build.medical_gaps.items()):
        force = build.forces[pfa]
        names = ", ".join(f"{build.councils[c].name} ({c})" for c in codes)
        lines.append(f"- no medical route: {force.name} ({pfa}) — {names}{_tried(medical_tried.get(pfa))}")
    lines += ["", "### Front doors linked to the council's homepage (no page for reporting a concern found)", ""]
    lines += [f"- homepage only: {build.councils[c].name} ({c})" for c in build.homepage_only] or ["None."]
    lines += ["", "### Front doors whose only page found is written for professionals (no public page found)", ""]
    lines += [f"- professionals' page only: {build.councils[c].name} ({c})" for c in build.professionals_page] or ["None."]
    lines += ["", "### Front doors the latest re-check did not reach (their rows are from the earlier compile)", ""]
    lines += [f"- not re-checked: {build.councils[c].name} ({c})" for c in build.not_rechecked
              if c in build.councils] or ["None."]
    lines += ["", "### Police forces without a confirmed website (999 and 101 only)", ""]
    lines += [f"- no website: {build.forces[p].name} ({p})" for p in build.police_without_site] or ["None."]
    for gaps in build.support_gaps.values():
        kind = gaps.kind
        unit = "Authorities" if kind.unit == "authority" else "Police force areas"
        lines += ["", f"### {unit} with {kind.missing} (no citable page found)", ""]
        if not gaps.missing:
            lines.append("None.")
        for code, why in gaps.missing.items():
            if kind.unit == "authority":
                name = build.councils[code].name
            else:
                force = build.forces[code]
                left = gaps.partly.get(code)
                name = force.name + (f", {len(left)} of its {len(force.authorities)} areas without one" if left else "")
            lines.append(f"- {kind.missing}: {name} ({code}){_tried(why)}")
    lines += ["", SOURCES_END]
    return "\n".join(lines) + "\n"
