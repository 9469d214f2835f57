"""Support beyond the statutory door, for every area (CAMHS, youth justice, a children's
advocate, victim care, Rape Crisis, the LADO) and the national records re-checked.

The shipped directory is checked for what a family and a practitioner rely on; the build is
run on small fixture research files (tests/fixtures/support/) to check what it does with good
and bad rows.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from databuild.national import build_national
from pathways.gaps import analyse
from pathways.planner import UnknownPlace, make_plan
from services.freshness import ages_text, claim_details, labels, source_warnings, trust_line
from services.freshness import unconfirmed_numbers as unconfirmed_numbers_of
from services.links import link_problem
from services.search import SearchFilters, search

from .conftest import unconfirmed_numbers

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SOURCES = DATA / "sources"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "support"
#: The day the shipped records were compiled and re-checked: the checks below hold on that day
#: (records age; `python -m services validate` says what has aged since).
COMPILED = dt.date(2026, 12, 7)
LEEDS, YORK, WAKEFIELD, BRADFORD = "E08000035", "E06000014", "E08000036", "E08000032"


def _listed(section_heading: str) -> set[str]:
    """The codes SOURCES.md lists under a generated gap heading."""
    text = (DATA / "SOURCES.md").read_text(encoding="utf-8")
    start = text.index(section_heading)
    end = text.find("\n### ", start + 1)
    return set(re.findall(r"\((E\d{8})\)", text[start:end if end != -1 else None]))


def _of(directory, code: str, types: set[str]) -> list:
    return [s for s in directory.services if code in s.service_areas and types & set(s.service_types)]


# -- the shipped directory: every area, or a listed gap ------------------------------------------

@pytest.mark.parametrize("types, heading", [
    ({"camhs"}, "### Authorities with no CAMHS route"),
    ({"youth_justice"}, "### Authorities with no youth justice service"),
])
def test_every_authority_has_the_service_or_is_listed_as_a_gap(shipped, types, heading):
    gaps = _listed(heading)
    for code in sorted(shipped.geography.authorities):
        found = _of(shipped, code, types)
        assert found or code in gaps, f"{code}: no {types} record and not listed in SOURCES.md"
        assert not (found and code in gaps), f"{code} is listed as a gap but has {found[0].id}"


def test_every_force_area_has_a_childrens_advocate_or_is_listed(shipped):
    gaps = _listed("### Police force areas with no children's advocate")
    advocates = {c for s in shipped.services if "isva_chisva" in s.service_types for c in s.service_areas}
    from databuild.national import build_national as build

    forces = build(DATA).forces
    for pfa, force in forces.items():
        missing = [c for c in force.authorities if c not in advocates]
        assert not missing or pfa in gaps, f"{force.name}: {missing} have no advocate and it is not listed"


def test_youth_justice_is_for_ten_to_seventeen_from_the_statute(shipped):
    yjs = [s for s in shipped.services if "youth_justice" in s.service_types]
    assert len(yjs) > 100
    for s in yjs:
        assert (s.min_age, s.max_age) == (10, 17), s.id
        statute = [p for p in s.sources if "min_age" in p.supports]
        assert statute and all("legislation.gov.uk" in p.url for p in statute), s.id


@settings(max_examples=40, deadline=None)
@given(age=st.integers(0, 17), suspect_age=st.integers(5, 9), hsb=st.booleans())
def test_youth_justice_never_appears_for_a_suspect_under_ten(shipped, age, suspect_age, hsb):
    plan = make_plan({"age": age, "area": "Leeds", "suspect_relationship": "sibling", "suspect_age": suspect_age,
                      "suspect_is_child": True, "child_displays_hsb": hsb and age < 10}, shipped)
    listed = [ps.service for step in plan.steps for ps in step.services] + [ps.service for ps in plan.later_contacts]
    assert not [s.id for s in listed if "youth_justice" in s.service_types]


def test_a_nine_year_old_in_leeds_gets_therapy_an_advocate_and_family_support(shipped):
    plan = make_plan({"age": 9, "area": "Leeds", "concern": "disclosure", "investigation": "ongoing"}, shipped)
    by_stage = {step.stage: step for step in plan.steps}
    for stage in ("therapeutic_support", "advocacy", "family_support"):
        assert by_stage[stage].services, stage
        assert not by_stage[stage].gap, stage
    assert any("camhs" in ps.service.service_types for ps in by_stage["therapeutic_support"].services)


def test_a_mental_health_concern_lists_camhs_with_its_urgent_line(shipped):
    plan = make_plan({"age": 14, "area": "Surrey", "concern": "disclosure", "mental_health_concern": True}, shipped)
    camhs = [ps.service for step in plan.steps for ps in step.services if "camhs" in ps.service.service_types]
    assert camhs
    assert any("Urgent mental health help" in (p.description or "") for s in camhs for p in s.phones)
    assert any(line.phone == "0800 915 4644" for line in plan.summary)  # the urgent line is on the first screen


def test_camhs_is_a_route_in_plans_never_therapy_cover_in_gaps(shipped):
    report = analyse(shipped)
    with_camhs = 0
    for area in report.areas:
        cell = area.stages["therapeutic_support"]
        camhs = _of(shipped, area.code, {"camhs"})
        specialist = [s for s in _of(shipped, area.code, {"therapeutic", "child_house"})
                      if "therapeutic_support" in s.stages]
        if camhs and not specialist:
            with_camhs += 1
            assert not cell.covered and cell.general_route, area.name
            if area.coverage == "statutory":
                assert not cell.known  # specialist therapy stays "not compiled"
    assert with_camhs > 50


def test_advocacy_and_youth_justice_are_known_in_every_area(shipped):
    report = analyse(shipped)
    for area in report.areas:
        for stage in ("advocacy", "hsb_intervention"):
            assert area.stages[stage].known, (area.name, stage)
    somewhere = [a.name for a in report.areas if not a.stages["advocacy"].covered]
    assert somewhere and all("advocacy" in a.gaps.stages for a in report.areas if not a.stages["advocacy"].covered)


# -- who a number is for ---------------------------------------------------------------------------

def test_professionals_lines_are_labelled_and_leeds_out_of_hours_is_one(by_id):
    leeds = by_id["front-door-leeds"]
    edt = next(p for p in leeds.phones if p.number == "0113 5350600")
    assert edt.audience == "professionals"
    assert any(p.is_public for p in leeds.phones)


def test_search_json_says_who_each_number_is_for(shipped):
    hits = search(shipped, shipped.resolve_place("LS9 7TF"), SearchFilters(age=9))
    from services.search import service_summary

    leeds = next(service_summary(h) for h in hits if h.service.id == "front-door-leeds")
    audiences = {p["number"]: p["audience"] for p in leeds["contact"]["phones"]}
    assert audiences["0113 5350600"] == "professionals"


# -- the re-check (issue 21): corrections pinned by record and value ---------------------------------

@pytest.fixture(scope="module")
def by_id(shipped):
    return {s.id: s for s in shipped.services}


@pytest.mark.parametrize("record, check", [
    ("front-door-haringey", lambda s: "020 8489 0000" in {p.number for p in s.phones}
     and "020 8348 0000" not in {p.number for p in s.phones}),
    ("front-door-somerset", lambda s: s.organization.name == "Somerset Council"),
    ("front-door-north-yorkshire", lambda s: s.organization.name == "North Yorkshire Council"),
    ("police-leicestershire", lambda s: s.url and "leics.police.uk" in s.url),
    ("front-door-kent", lambda s: s.phones and "proceduresonline" not in (s.url or "")),
    ("medical-sarc-east-midlands-children", lambda s: "Coral Cove" in s.name),
    ("medical-sarc-emerald-centre-bedfordshire", lambda s: "Emerald" in s.name and E_BEDS <= set(s.service_areas)),
])
def test_the_audit_corrections(by_id, record, check):
    assert check(by_id[record]), record


E_BEDS = {"E06000055", "E06000056"}


def test_no_link_a_family_follows_is_a_news_article_or_a_copy(shipped):
    for s in shipped.services:
        for url in (s.url, s.organization.url if s.organization else None):
            assert not (url and link_problem(url)), (s.id, url, link_problem(url))


def test_hampshire_and_york_no_longer_link_a_copy_or_a_newspaper(by_id):
    for record in ("medical-csa-medicals-hampshire-iow", "medical-sarc-acer-house-york", "york-csaac"):
        url = by_id[record].url
        assert url is None or not re.search(r"docslib|yorkshirepost|bbc", url), (record, url)


def test_a_page_dated_by_its_words_is_dated(by_id):
    beech = next(s for s in by_id.values() if "Beech House" in s.name)
    dated = [p for p in beech.sources if p.dated_by is not None]
    assert dated and all(p.date == p.dated_by.date for p in dated)
    # Its 24-hour line rested only on a page of about 2016: not claimed today.
    assert not any(sch.open_24_7 for sch in beech.schedules)


def test_universal_services_carry_no_age_caveat_and_no_out_of_date_warning(shipped):
    universal = [s for s in shipped.services if set(s.service_types) <= {"emergency", "police", "social_care_front_door"}]
    assert len(universal) > 150
    for s in universal:
        assert ages_text(s) is None, s.id
    forces = [s for s in universal if s.id.startswith("police-")]
    for s in forces:
        assert not any(lab.id == "out_of_date" for lab in labels(s, COMPILED)), (s.id, trust_line(s, COMPILED))


def test_shipped_data_has_no_source_warnings(shipped):
    """`services validate` stays warning-free on the shipped data: every claim a family acts on
    rests on a current page, or (a number only) is marked unconfirmed with why it is kept."""
    found = {(w.service_id, w.field) for s in shipped.services for w in source_warnings(s, COMPILED)}
    assert found == set()


def test_unconfirmed_numbers_are_the_ones_sources_md_lists_and_each_says_why(shipped):
    marked = {s.id for s in shipped.services if unconfirmed_numbers_of(s)}
    assert marked == unconfirmed_numbers()  # the doc and the data cannot drift apart
    for s in shipped.services:
        for phone in unconfirmed_numbers_of(s):
            assert phone.is_public and len(phone.unconfirmed) > 40, s.id  # a reason, not a flag
            detail = next(c for c in claim_details(s, COMPILED) if c.field == "phones")
            assert any(phone.number in why for why in detail.unconfirmed)


def test_an_unmarked_number_with_no_page_still_warns(shipped):
    rape_crisis = next(s for s in shipped.services if s.id == "national-rape-crisis-support-line")
    phones = [p.model_copy(update={"unconfirmed": None}) for p in rape_crisis.phones]
    bare = rape_crisis.model_copy(update={"phones": phones})
    assert ("national-rape-crisis-support-line", "phones") in {
        (w.service_id, w.field) for w in source_warnings(bare, COMPILED)}


def test_an_abolished_authority_names_its_successors(shipped):
    with pytest.raises(UnknownPlace) as info:
        make_plan({"age": 9, "area": "Cumbria"}, shipped)
    assert "Cumberland" in str(info.value) and "Westmorland and Furness" in str(info.value)
    plan = make_plan({"age": 9, "area": "South Lakeland"}, shipped)  # a former district
    assert plan.place.authority.name == "Westmorland and Furness"


# -- the build, on fixture research files ------------------------------------------------------------

def _data_dir(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    (root / "sources").mkdir(parents=True)
    (root / "services").mkdir()
    for name in ("reference.yaml", "local-authorities.csv", "lookup_ltla24_csp24_pfa24.csv"):
        shutil.copy(SOURCES / name, root / "sources" / name)
    for path in FIXTURES.glob("*.yaml"):
        shutil.copy(path, root / "sources" / path.name)
    return root


@pytest.fixture
def build(tmp_path):
    return build_national(_data_dir(tmp_path))


def _record(build, kind: str, rid: str) -> dict:
    return next(r for r in build.records[kind] if r["id"] == rid)


def test_a_camhs_row_becomes_a_record_with_its_crisis_line_and_both_audiences(build):
    camhs = _record(build, "camhs", "camhs-leeds-fixture")
    assert camhs["service_areas"] == [LEEDS]
    assert camhs["stages"] == ["immediate_safety", "therapeutic_support", "later_support"]
    phones = {p["number"]: p for p in camhs["phones"]}
    assert phones["0300 555 0001"]["audience"] == "professionals"
    assert "audience" not in phones["0300 555 0000"]  # public is the default
    assert phones["0800 000 0000"]["description"].startswith("Urgent mental health help")
    assert camhs["accepts_self_referral"] is True and camhs["verified"] is False


def test_bad_rows_are_reported_with_their_line_and_the_rest_is_built(build):
    problems = [str(p) for p in build.problems]
    text = (FIXTURES / "camhs.yaml").read_text(encoding="utf-8").splitlines()
    typo_line = next(i for i, line in enumerate(text, 1) if "service_area:" in line)
    assert any(p.startswith(f"data/sources/camhs.yaml:{typo_line}: service_area:") for p in problems), problems
    assert any("0800 CAMHS" in p for p in problems)
    wakefield = _record(build, "camhs", "camhs-bad-phone")  # the row stays, without the bad number
    assert "phones" not in wakefield


def test_youth_justice_takes_the_statutory_ages_and_says_what_the_page_said(build):
    yjs = _record(build, "youth_justice", "yjs-leeds-fixture")
    assert (yjs["min_age"], yjs["max_age"]) == (10, 17)
    assert "ages 8 to 18" in yjs["notes"]
    assert yjs["stages"] == ["hsb_assessment", "hsb_intervention"]


def test_a_news_article_is_a_source_never_the_link(build):
    york = _record(build, "youth_justice", "yjs-york-fixture")
    assert "url" not in york
    assert any("yorkpress" in p["url"] for p in york["sources"])
    assert "No page of its own" in york["notes"]


def test_claims_resting_only_on_old_pages_are_kept_as_dated_words(build):
    chisva = _record(build, "advocate", "isva-west-yorkshire-fixture")
    assert "min_age" not in chisva and "max_age" not in chisva
    assert "2019-03-01" in chisva["notes"]
    assert chisva["available_during_investigation"] is True
    assert set(chisva["service_areas"]) == {LEEDS, WAKEFIELD, BRADFORD, "E08000033", "E08000034"}


def test_gaps_are_listed_in_the_sources_section(build):
    assert "no CAMHS route: Bradford (E08000032). Tried: fixture: nothing found" in build.sources_section
    assert "### Police force areas with no victims' service" in build.sources_section


def test_hand_compiled_records_win_for_support_too(tmp_path):
    import yaml

    root = _data_dir(tmp_path)
    (root / "services" / "leeds.yaml").write_text(yaml.safe_dump({"services": [
        {"id": "leeds-camhs", "name": "Leeds CAMHS (hand)", "description": "x", "service_areas": [LEEDS],
         "service_types": ["camhs"], "source": "https://example.org", "last_verified": "2026-11-01"},
    ]}), encoding="utf-8")
    built = build_national(root)
    assert not [r for r in built.records["camhs"] if r["id"] == "camhs-leeds-fixture"]


@pytest.mark.parametrize("service_id, number, kind", [
    ("national-samaritans", "116 123", "helpline"),
    ("national-papyrus-hopeline", "0800 068 4141", "helpline"),
    ("national-victim-support-supportline", "08 08 16 89 111", "victim_care"),
])
def test_national_support_beyond_the_door_is_a_public_number_on_the_organisations_own_site(
        shipped, service_id, number, kind):
    """Samaritans, PAPYRUS and Victim Support: a family's number, the organisation's own page
    as the link (never the news item or old post the number was read from), found from any
    postcode in England."""
    s = shipped.get(service_id)
    assert s is not None and s.is_national and kind in s.service_types
    assert [p.number for p in s.phones if p.is_public] == [number]
    assert link_problem(s.url) is None
    hits = search(shipped, shipped.resolve_place("TR1 1AA"), SearchFilters(age=15))
    assert service_id in {h.service.id for h in hits}
