"""Who commissions each stage (data/commissioners.yaml), and the trimmed statistics' build."""

from __future__ import annotations

import csv
import hashlib
import zipfile
from pathlib import Path

import pytest
import yaml

from databuild.commissioning import build as build_commissioning
from pathways.gaps.commissioners import COMMISSIONERS, load_commissioners
from services.errors import DataFileError
from services.vocabulary import SERVICE_TYPES, STAGES

ROOT = Path(__file__).resolve().parent.parent

#: The split of the Home Office framework (2019, Annex A), pinned stage by stage.
EXPECTED = {
    "immediate_safety": "police",
    "recognise_and_record": "local_authority",
    "refer_to_social_care": "local_authority",
    "strategy_discussion": "local_authority",
    "section_47_enquiry": "local_authority",
    "medical_assessment": "nhs_england",
    "achieving_best_evidence": "police",
    "criminal_investigation": "police",
    "child_protection_plan": "local_authority",
    "advocacy": "pcc",
    "therapeutic_support": "icb",
    "family_support": "local_authority",
    "hsb_assessment": "local_authority",
    "hsb_intervention": "local_authority",
    "offender_risk_management": "probation",
    "prevention_education": "local_authority",
    "later_support": "icb",
}


def test_every_stage_is_pinned():
    assert set(EXPECTED) == set(STAGES)


@pytest.mark.parametrize("stage", STAGES)
def test_every_stage_names_its_commissioner_with_a_source(stage):
    book = load_commissioners()
    assignment = book.stage(stage)
    assert assignment.commissioner == EXPECTED[stage]
    assert assignment.commissioner in COMMISSIONERS
    assert set(assignment.also) <= set(COMMISSIONERS) and assignment.commissioner not in assignment.also
    assert assignment.why
    assert all(c["url"].startswith("https://") for c in book.citation(assignment))


def test_every_service_type_has_a_commissioner_or_says_why_not():
    book = load_commissioners()
    assert set(book.service_types) == set(SERVICE_TYPES)
    assert book.service_types["sarc"].commissioner == "nhs_england"
    assert book.service_types["isva_chisva"].commissioner == "pcc"
    assert book.service_types["camhs"].commissioner == "icb"
    assert book.service_types["helpline"].commissioner is None and book.service_types["helpline"].why


def test_framework_is_cited():
    book = load_commissioners()
    framework = book.sources["framework_2019"]
    assert "Commissioning framework for child sexual abuse support" in framework.title
    assert framework.url.startswith("https://www.gov.uk/government/publications/commissioning-framework-for-child-sexual-abuse-support")


def _edited(tmp_path, change) -> Path:
    raw = yaml.safe_load((ROOT / "data" / "commissioners.yaml").read_text(encoding="utf-8"))
    change(raw)
    path = tmp_path / "commissioners.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("change, words", [
    (lambda raw: raw["stages"].pop("advocacy"), "missing advocacy"),
    (lambda raw: raw["stages"]["advocacy"].update(commissioner="council"), "advocacy"),
    (lambda raw: raw["stages"]["advocacy"].update(basis=["nowhere"]), "unknown source(s) nowhere"),
    (lambda raw: raw["stages"]["advocacy"].update(commissioner=None), "needs a lead commissioner"),
])
def test_a_wrong_commissioners_file_is_refused_with_a_located_message(tmp_path, change, words):
    with pytest.raises(DataFileError) as err:
        load_commissioners(_edited(tmp_path, change))
    assert "commissioners.yaml" in str(err.value) and words in str(err.value)


def test_the_gap_report_uses_a_data_directorys_own_file(tmp_path):
    from pathways.gaps import analyse
    from services.directory import load_directory

    from .test_gaps import NORTH, TODAY, tiny_world

    root = tiny_world(tmp_path / "data")
    _edited(root, lambda raw: raw["stages"]["therapeutic_support"].update(commissioner="pcc"))
    report = analyse(load_directory(root), today=TODAY)
    assert report.area(NORTH).to_dict()["stages"]["therapeutic_support"]["commissioner"] == "pcc"


# -- python -m databuild commissioning ---------------------------------------------------------


def _originals(src: Path) -> None:
    from openpyxl import Workbook

    ident = "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,old_la_code,new_la_code,la_name"
    (src / "c3_factors_identified_at_end_of_assessment_2018_to_2025.csv").write_text(
        ident + ",category,Neglect,Sexual_Abuse_unknown,Sexual_Abuse_child_on_child,Sexual_Abuse_adult_on_child,Child_sexual_exploitation\n"
        "2025,Reporting year,National,E92000001,England,,,,,,F,9,0,12590,18900,12400\n"
        "2025,Reporting year,Regional,E92000001,England,E12000004,East Midlands,,,,F,9,0,1,1,1\n"
        "2025,Reporting year,Local authority,E92000001,England,E12000004,East Midlands,831,E06000015,Derby,F,9,0,c,40,12\n",
        encoding="utf-8")
    (src / "ons_mid-year_population_estimates_2012_to_2024.csv").write_text(
        ident + ",age_group,population_estimate\n"
        "2024,Reporting year,Local authority,E92000001,England,E12000004,East Midlands,831,E06000015,Derby,Children aged 0 to 17 years,62113\n",
        encoding="utf-8")
    wb = Workbook()
    ws = wb.active
    ws.append(["A", "B"])
    ws.append([1, 2])
    ws.append(["LA num", "LA Name", "LA number", "GOInd", "GOReg"] + ["SN", "SNP"] * 10)
    ws.append([831, "Derby", 831, 1, "East Midlands"] + [v for n in range(10) for v in (800 + n, "Close")])
    ws.append([None])
    ws.append([None, "Old SNs:"])
    ws.append([909, "Cumbria", 909, 5, "North West"] + [v for n in range(10) for v in (800 + n, "Close")])
    wb.save(src / "statistical_neighbours_may_2025.xlsx")


def test_build_trims_and_is_byte_identical_on_rerun(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    _originals(src)
    out = tmp_path / "out"
    first = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in build_commissioning(src, out)}
    second = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in build_commissioning(src, out)}
    assert first == second and len(first) == 3
    factors = list(csv.DictReader((out / "cin_factors.csv").open(encoding="utf-8")))
    assert [r["geographic_level"] for r in factors] == ["National", "Local authority"]  # no regions
    assert factors[1]["Sexual_Abuse_child_on_child"] == "c" and "Neglect" not in factors[1]
    neighbours = list(csv.DictReader((out / "statistical_neighbours.csv").open(encoding="utf-8")))
    assert [r["la_number"] for r in neighbours] == ["831"]  # "Old SNs" (Cumbria) left out
    assert neighbours[0]["sn10"] == "809" and neighbours[0]["sn1_closeness"] == "Close"


def _damage(src: Path, what: str) -> None:
    factors = src / "c3_factors_identified_at_end_of_assessment_2018_to_2025.csv"
    if what == "short row":  # the Derby row (line 4) stops before its last two factors
        lines = factors.read_text(encoding="utf-8").splitlines(keepends=True)
        lines[3] = lines[3].rsplit(",", 2)[0] + "\n"
        factors.write_text("".join(lines), encoding="utf-8")
    elif what == "not utf-8":
        factors.write_bytes(factors.read_bytes().replace(b"Derby", b"D\xe9rby"))
    elif what == "not a zip":
        (src / "statistical_neighbours_may_2025.xlsx").write_bytes(b"PK\x03\x04 damaged in transit")
    elif what == "cut short":
        book = src / "statistical_neighbours_may_2025.xlsx"
        book.write_bytes(book.read_bytes()[:400])
    elif what == "damaged sheet":  # a sound archive whose sheet is cut off halfway
        book = src / "statistical_neighbours_may_2025.xlsx"
        with zipfile.ZipFile(book) as zin:
            parts = {name: zin.read(name) for name in zin.namelist()}
        with zipfile.ZipFile(book, "w") as zout:
            for name, data in parts.items():
                zout.writestr(name, data[: len(data) // 2] if name.endswith("sheet1.xml") else data)
    elif what == "missing":
        (src / "ons_mid-year_population_estimates_2012_to_2024.csv").unlink()


@pytest.mark.parametrize("what, said", [
    ("short row", "c3_factors_identified_at_end_of_assessment_2018_to_2025.csv:4: Sexual_Abuse_adult_on_child: the row ends"),
    ("not utf-8", "c3_factors_identified_at_end_of_assessment_2018_to_2025.csv:0: file: is not a readable CSV file"),
    ("not a zip", "statistical_neighbours_may_2025.xlsx:0: file: is not a readable .xlsx workbook"),
    ("cut short", "statistical_neighbours_may_2025.xlsx:0: file: is not a readable .xlsx workbook"),
    ("damaged sheet", "statistical_neighbours_may_2025.xlsx:0: file: is not a readable .xlsx workbook"),
    ("missing", "ons_mid-year_population_estimates_2012_to_2024.csv:0: file: cannot be read"),
])
def test_an_unusable_original_is_named_and_no_copy_is_half_written(tmp_path, what, said):
    src = tmp_path / "src"
    src.mkdir()
    _originals(src)
    out = tmp_path / "out"
    before = {p.name: p.read_bytes() for p in build_commissioning(src, out)}
    for path in out.iterdir():  # copies from an earlier build, which a failed build must leave alone
        path.write_text("earlier copy\n", encoding="utf-8")
    _damage(src, what)
    with pytest.raises(DataFileError) as caught:
        build_commissioning(src, out)
    assert said in str(caught.value), str(caught.value)
    assert {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()} == {name: "earlier copy\n" for name in before}


def test_command_writes_the_copies_and_names_missing_originals(tmp_path, capsys):
    from databuild.cli import main
    from services.clitools import run

    src = tmp_path / "src"
    src.mkdir()
    assert run(main, ["commissioning", str(src), "--out", str(tmp_path / "none")]) == 2
    assert "missing c3_factors_identified_at_end_of_assessment_2018_to_2025.csv" in capsys.readouterr().err
    _originals(src)
    assert run(main, ["commissioning", str(src), "--out", str(tmp_path / "cli")]) == 0
    build_commissioning(src, tmp_path / "direct")
    for name in ("cin_factors.csv", "population_0_17.csv", "statistical_neighbours.csv"):
        assert (tmp_path / "cli" / name).read_bytes() == (tmp_path / "direct" / name).read_bytes()


def test_shipped_copies_have_every_authority():
    directory = ROOT / "data" / "commissioning"
    population = list(csv.DictReader((directory / "population_0_17.csv").open(encoding="utf-8")))
    latest = max(int(r["time_period"]) for r in population)
    assert sum(1 for r in population if int(r["time_period"]) == latest and r["geographic_level"] == "Local authority") == 153
    neighbours = list(csv.DictReader((directory / "statistical_neighbours.csv").open(encoding="utf-8")))
    assert len(neighbours) == 153
