"""Honesty about coverage: "nobody compiled this area" is never shown or counted as "no service".

data/areas.yaml declares the compiled (``local``) areas; everywhere else only the statutory
spine is known (``statutory``). Plans, gap reports, downloads and the app pages keep the two
apart.
"""

from __future__ import annotations

import csv
import io

import pytest

from pathways.gaps import analyse
from pathways.gaps.export import to_csv
from pathways.gaps.status import NOT_COMPILED, cell_status
from pathways.planner import make_plan
from pathways.render import not_compiled_line, render_markdown, render_text
from services.coverage import load_coverage
from services.directory import load_directory
from tests.app_helpers import page_test, texts, warm
from tests.conftest import YORK, service, write_data_dir

NO_LOCAL = "No local service in the directory delivers"

COMPILED = {"E06000014", "E06000051", "E06000015", "E06000052", "E09000019", "E06000036"}
NOTTINGHAM_TEEN = {"age": 13, "area": "Nottingham", "concern": "disclosure", "days_since_last_abuse": 3}


# -- data/areas.yaml -------------------------------------------------------------------------

def test_shipped_coverage_lists_the_six_compiled_areas(shipped):
    assert set(shipped.coverage.compiled) == COMPILED
    assert all(a.source and a.compiled for a in shipped.coverage.compiled.values())
    assert shipped.coverage.of("E06000014") == "local"
    assert shipped.coverage.of("E08000035") == "statutory"  # Leeds
    assert not [p for p in shipped.problems if p.file == "areas.yaml"]


def test_bad_area_entries_are_reported_and_the_rest_kept(tmp_path):
    (tmp_path / "areas.yaml").write_text(
        "default: statutory\n"
        "compiled:\n"
        "  - code: E06000014\n    name: York\n    compiled: 2026-11-25\n    source: hand-compiled\n"
        "  - code: E99999999\n    name: Nowhere\n    compiled: 2026-11-25\n    source: x\n"
        "  - code: E06000051\n    name: Shropshire\n    compiled: soon\n    source: x\n",
        encoding="utf-8",
    )
    coverage, problems = load_coverage(tmp_path, {"E06000014", "E06000051"})
    assert set(coverage.compiled) == {"E06000014"}
    assert [str(p) for p in problems] == [
        "areas.yaml:7: code: 'E99999999' is not an English children's services authority code",
        "areas.yaml:13: compiled: E06000051: 'soon' is not a date (YYYY-MM-DD)",
    ]


def test_a_directory_without_areas_yaml_is_compiled_everywhere(tmp_path):
    root = write_data_dir(tmp_path, {"york.yaml": [service("york-front-door")]})
    directory = load_directory(root)
    assert directory.coverage.of(YORK) == "local" and directory.coverage.of("E08000035") == "local"


# -- plans -----------------------------------------------------------------------------------

def test_a_statutory_area_plan_says_not_compiled(shipped):
    plan = make_plan(NOTTINGHAM_TEEN, shipped)
    data = plan.to_dict()
    assert data["area"] == {"code": "E06000018", "name": "Nottingham", "coverage": "statutory"}
    reasons = {s["gap_reason"] for s in data["steps"] if s["gap"]}
    assert reasons == {"not_compiled"}
    assert all(s["gap_reason"] is None for s in data["steps"] if not s["gap"])
    # The spine answers the statutory steps: the council, the police and the SARC.
    for stage, kind in (("refer_to_social_care", "social_care_front_door"), ("criminal_investigation", "police"),
                        ("medical_assessment", "sarc")):
        step = plan.step(stage)
        assert not step.gap and any(kind in s.service.service_types for s in step.local_services), stage


def test_a_compiled_area_plan_says_no_local_service(shipped):
    plan = make_plan({"age": 10, "area": "York", "concern": "disclosure", "investigation": "ongoing",
                      "other_children": 1}, shipped)
    data = plan.to_dict()
    assert data["area"]["coverage"] == "local"
    gaps = [s for s in data["steps"] if s["gap"]]
    assert gaps and {s["gap_reason"] for s in gaps} == {"no_local_service"}


def test_text_and_markdown_say_not_compiled_once_not_per_step(shipped):
    plan = make_plan(NOTTINGHAM_TEEN, shipped)
    line = not_compiled_line(plan)
    assert line and "Nottingham" in line and "not yet compiled" in line
    for text in (render_text(plan), render_markdown(plan)):
        words = " ".join(text.split())
        assert NO_LOCAL not in words and "[no local service]" not in words and "(no local service)" not in words
        assert words.count("not yet compiled") == 1
    york = make_plan({"age": 10, "area": "York", "concern": "disclosure", "other_children": 1}, shipped)
    assert not_compiled_line(york) is None
    text = render_text(york)
    assert NO_LOCAL in " ".join(text.split()) and "[no local service]" in text


# -- gap reports -----------------------------------------------------------------------------

def test_gaps_json_carries_coverage_and_known(shipped):
    report = analyse(shipped, areas=["Leeds", "York"])
    leeds, york = (a.to_dict() for a in report.areas)
    assert (leeds["coverage"], york["coverage"]) == ("statutory", "local")
    for area in (leeds, york):
        assert all("known" in v for v in area["stages"].values())
        assert all("known" in v for v in area["cohorts"].values())
    assert all(v["known"] for v in york["stages"].values())
    unknown = [s for s, v in leeds["stages"].items() if not v["known"]]
    assert unknown and leeds["gaps"]["stages"] == [] and leeds["gaps"]["cohorts"] == []
    assert leeds["not_compiled"]["stages"] == unknown
    assert all(not leeds["stages"][s]["covered"] for s in unknown)
    assert leeds["stages"]["refer_to_social_care"]["known"] and leeds["stages"]["refer_to_social_care"]["covered"]
    assert york["gaps"]["stages"] and york["not_compiled"] == {"stages": [], "cohorts": []}


def test_csv_has_a_not_compiled_status_never_counted_as_a_gap(shipped):
    rows = list(csv.DictReader(io.StringIO(to_csv(analyse(shipped, areas=["Leeds", "York"])))))
    leeds, york = rows
    assert leeds["coverage"] == "statutory" and leeds["stage_gaps"] == "0"
    assert int(leeds["stages_not_compiled"]) > 0
    assert leeds["therapeutic_support_status"] == NOT_COMPILED
    assert leeds["refer_to_social_care_status"] == "Covered locally; area not compiled"  # says both
    assert NOT_COMPILED not in york.values() and int(york["stage_gaps"]) > 0


def test_cell_status_of_every_shipped_area(shipped):
    report = analyse(shipped)
    for area in report.areas:
        for stage, v in area.stages.items():
            status = cell_status(area, "stage", stage)
            if area.code in COMPILED:
                assert status != NOT_COMPILED
            elif not v.covered and stage in shipped.coverage.national_lists:
                # Compiled for every area (advocates, youth justice): none found is a known gap.
                assert status != NOT_COMPILED and stage in area.gaps.stages
            elif not v.covered:
                assert status == NOT_COMPILED and stage not in area.gaps.stages


# -- the app ---------------------------------------------------------------------------------

@pytest.fixture
def find_support(monkeypatch):
    monkeypatch.delenv("WAYMARK_DATA", raising=False)
    warm()
    return page_test("find_support").run()


def _search(at, place: str):
    {t.label: t for t in at.text_input}["Your postcode or town"].input(place)
    next(b for b in at.get("form_submit_button") if b.label == "Find support").click()
    return at.run()


def test_find_support_in_leeds_shows_the_spine_then_the_sentence(find_support):
    at = _search(find_support, "LS9 7TF")
    assert not at.exception
    text = texts(at)
    assert "We have no local services listed" not in text
    call = text.index("Who to call now")
    door = text.index("Leeds City Council")
    police = text.index("999")  # the council's public line, then 999 / 101
    assert "0113 5350600" not in text  # Leeds's out-of-hours team is for professionals only
    sentence = text.index("Other local services for Leeds are not yet listed in Waymark.")
    rest = text.index("Support you can contact yourself")
    assert call < door < police < sentence < rest
    assert text.count("not yet listed in Waymark") == 1


def test_find_support_in_york_has_no_not_listed_sentence(find_support):
    at = _search(find_support, "YO10 5DD")
    assert not at.exception
    assert "not yet listed in Waymark" not in texts(at)


def test_referral_pathway_says_not_compiled_once(monkeypatch):
    monkeypatch.delenv("WAYMARK_DATA", raising=False)
    warm()
    at = page_test("referral_pathway").run()
    {n.label: n for n in at.number_input}["Child's age (0 to 17)"].set_value(13)
    {t.label: t for t in at.text_input}["Where the child lives: postcode, town or local authority"].input("Nottingham")
    next(b for b in at.get("form_submit_button") if b.label == "Make the plan").click()
    at.run()
    assert not at.exception
    infos = [i.value for i in at.info if "not yet compiled" in i.value]
    assert len(infos) == 1
    assert not [w.value for w in at.warning if "Gap:" in w.value or "no local service" in w.value]


def test_service_gaps_shows_not_compiled_as_its_own_status(monkeypatch):
    monkeypatch.delenv("WAYMARK_DATA", raising=False)
    warm()
    at = page_test("service_gaps").run()
    assert not at.exception
    table = at.dataframe[0].value
    leeds = table[table["Area"] == "Leeds"].iloc[0]
    assert leeds["Status"] == NOT_COMPILED and leeds["Coverage"] == NOT_COMPILED
    assert leeds["Stage gaps"] is None or leeds["Stage gaps"] != leeds["Stage gaps"]  # unknown, not 0
    assert f"{NOT_COMPILED}" in texts(at)  # in the legend and the summary
    at.selectbox[0].set_value(("count", "all")).run()
    assert not at.exception
    assert "147 areas are not compiled yet" in texts(at)
    assert "of 6 compiled areas" in texts(at)
    next(s for s in at.selectbox if s.label == "Area").set_value("Leeds").run()
    assert not at.exception
    assert any("Not compiled." in i.value for i in at.info)


def test_search_cli_says_what_is_not_listed_between_local_and_national(capsys, monkeypatch):
    import json

    from services.cli import main

    monkeypatch.delenv("WAYMARK_DATA", raising=False)
    assert main(["search", "--postcode", "LS9 7TF", "--age", "9"]) == 0
    out = capsys.readouterr().out
    sentence = out.index("Other local services for Leeds are not yet listed in Waymark.")
    assert out.index("children's social care") < sentence < out.index("Childline")
    assert main(["search", "--postcode", "LS9 7TF", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["place"]["area"]["coverage"] == "statutory"
    assert main(["search", "--postcode", "YO10 5DD"]) == 0
    assert "not yet listed" not in capsys.readouterr().out


def test_excel_colours_not_compiled_cells_in_their_own_colour(shipped):
    from openpyxl import load_workbook

    from pathways.gaps.export import to_excel
    from pathways.gaps.status import STATUS_COLOURS

    sheet = load_workbook(io.BytesIO(to_excel(analyse(shipped, areas=["Leeds", "York"]))))["Areas"]
    header = [c.value for c in sheet[1]]
    leeds = {h: c for h, c in zip(header, sheet[2])}
    york = {h: c for h, c in zip(header, sheet[3])}
    assert leeds["name"].value == "Leeds" and leeds["stage_gaps"].value == 0
    cell = leeds["therapeutic_support_status"]
    assert cell.value == NOT_COMPILED
    assert cell.fill.fgColor.rgb.endswith(STATUS_COLOURS[NOT_COMPILED].lstrip("#").upper())
    assert york["therapeutic_support_status"].fill.fgColor.rgb.endswith(STATUS_COLOURS["Covered locally"].lstrip("#").upper())
