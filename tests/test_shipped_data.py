"""The shipped directory data (data/services/*.yaml, data/taxonomy.yaml) is valid and honest.

Only pydantic models and yaml are used, so these tests do not depend on the directory loader.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from databuild.writer import is_generated
from services.models import Service, Taxonomy
from services.vocabulary import SERVICE_TYPES, STAGES

from .conftest import COMPILED_AREAS

DATA = Path(__file__).resolve().parent.parent / "data"
SERVICES_DIR = DATA / "services"
SOURCES_MD = DATA / "SOURCES.md"

#: Each inspected area needs a record of these kinds, or a documented gap in SOURCES.md.
REQUIRED = {
    "social_care_front_door": {"social_care_front_door"},
    "police": {"police"},
    "sarc_csaac_or_child_house": {"sarc", "csaac", "child_house"},
    "paediatric_child_protection": {"paediatric_child_protection"},
    "isva_chisva": {"isva_chisva"},
    "therapeutic": {"therapeutic"},
    "hsb_service": {"hsb_service"},
    "parent_support": {"parent_support"},
}


def _files() -> list[Path]:
    """The hand-compiled files (the generated ones: tests/test_national_spine.py)."""
    return sorted(p for p in SERVICES_DIR.glob("*.yaml") if not is_generated(p))


def _raw_records() -> list[tuple[str, dict]]:
    out = []
    for path in _files():
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert isinstance(doc, dict) and set(doc) == {"services"}, f"{path.name}: expected a mapping with only 'services'"
        for record in doc["services"]:
            out.append((path.stem, record))
    return out


RAW = _raw_records()


def _services() -> list[tuple[str, Service]]:
    return [(stem, Service.model_validate(record)) for stem, record in RAW]


@pytest.fixture(scope="module")
def services() -> list[tuple[str, Service]]:
    return _services()


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return Taxonomy.model_validate(yaml.safe_load((DATA / "taxonomy.yaml").read_text(encoding="utf-8")))


def _gaps() -> dict[tuple[str, str], str]:
    gaps = {}
    for line in SOURCES_MD.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^- gap: (\w+) (\w+) — (.+)$", line)
        if m:
            gaps[(m.group(1), m.group(2))] = m.group(3)
    return gaps


# -- every record -------------------------------------------------------------------------


def test_expected_files_exist():
    stems = {p.stem for p in _files()}
    assert {"national", *COMPILED_AREAS} <= stems


@pytest.mark.parametrize("stem,record", RAW, ids=[str(r.get("id")) for _, r in RAW])
def test_record_validates(stem, record):
    service = Service.model_validate(record)
    assert service.source.strip()
    assert service.last_verified is not None
    if stem == "national":
        assert service.service_areas == ["national"]
    else:
        assert COMPILED_AREAS[stem] in service.service_areas, f"{service.id} does not cover {stem}"
        assert service.id.startswith(stem.split("_")[0]), f"{service.id} is not area-prefixed"


def test_ids_unique_across_files():
    ids = [r["id"] for _, r in RAW]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    assert not dupes, f"duplicate ids: {dupes}"


def test_every_record_has_source_and_last_verified():
    for _, record in RAW:
        assert record.get("source"), record["id"]
        assert record.get("last_verified"), record["id"]


def test_stages_are_served_by_the_record_types(services, taxonomy):
    for _, s in services:
        allowed = set(taxonomy.stages_for(list(s.service_types)))
        assert set(s.stages) <= allowed, f"{s.id}: stages {set(s.stages) - allowed} not served by {s.service_types}"


def test_only_checked_records_are_verified(services):
    """verified: true is reserved for the product owner's checked national list."""
    for stem, s in services:
        if s.verified:
            assert stem == "national", s.id


def test_every_number_rests_on_a_cited_page(services):
    """A number nobody can trace is never shown: every record that gives a phone (other than
    999/101) cites a page that states it, or was checked with the organisation (verified)."""
    for _, s in services:
        numbers = {p.number for p in s.phones} - {"999", "101"}
        if numbers and not s.verified:
            assert any("phones" in page.supports for page in s.sources), f"{s.id}: {numbers} rest on no cited page"


def test_locations_are_towns_or_areas_not_invented_addresses(services):
    for _, s in services:
        for loc in s.locations:
            assert loc.precision in {"town", "area"}, s.id
            assert loc.address_1 is None and loc.postcode is None, s.id


# -- national numbers and ages ------------------------------------------------------------


def _by_id(services) -> dict[str, Service]:
    return {s.id: s for _, s in services}


NATIONAL_NUMBERS = {
    "national-999": ("999", "voice"),
    "national-101": ("101", "voice"),
    "national-nhs-111": ("111", "voice"),
    "national-nspcc-helpline": ("0808 800 5000", "voice"),
    "national-childline": ("0800 1111", "voice"),
    "national-stop-it-now": ("0808 1000 900", "voice"),
    "national-rape-crisis-support-line": ("0808 500 2222", "voice"),
    "national-the-survivors-trust": ("0808 801 0818", "voice"),
    "national-napac": ("0808 801 0331", "voice"),
    "national-shout": ("85258", "text"),
}


@pytest.mark.parametrize("service_id,expected", NATIONAL_NUMBERS.items(), ids=list(NATIONAL_NUMBERS))
def test_national_numbers_exact(services, service_id, expected):
    s = _by_id(services)[service_id]
    number, kind = expected
    assert [(p.number, p.type) for p in s.phones][0] == (number, kind)
    assert s.verified and s.is_national
    assert s.url and s.url.startswith("https://")


def test_national_age_limits(services):
    by_id = _by_id(services)
    assert by_id["national-childline"].min_age == 0
    assert by_id["national-childline"].max_age <= 18
    assert by_id["national-rape-crisis-support-line"].min_age >= 16
    assert by_id["national-napac"].min_age >= 18


def test_24_7_services_say_so(services):
    # Only where a cited page says so (999 and 101: no current page states hours, so none is given).
    by_id = _by_id(services)
    for sid in ("national-nhs-111", "national-childline", "national-rape-crisis-support-line", "national-shout"):
        assert any(sch.open_24_7 for sch in by_id[sid].schedules), sid
        assert any("schedules" in page.supports for page in by_id[sid].sources), sid


def test_uncertain_hours_are_not_guessed(services):
    by_id = _by_id(services)
    for sid in ("national-nspcc-helpline", "national-stop-it-now", "national-the-survivors-trust",
                "national-napac"):
        schedules = by_id[sid].schedules
        assert all(sch.opens_at is None and sch.closes_at is None and not sch.open_24_7 for sch in schedules), sid
        assert all("check the website" in sch.description.lower() for sch in schedules), sid


def test_nspcc_email(services):
    assert _by_id(services)["national-nspcc-helpline"].email == "help@nspcc.org.uk"


# -- pathway honesty ----------------------------------------------------------------------


def test_therapeutic_services_are_available_during_investigation(services):
    for _, s in services:
        if "therapeutic" in s.service_types:
            assert s.available_during_investigation is not False, s.id


def test_york_non_disclosure_course_does_not_require_disclosure(services):
    assert _by_id(services)["york-charity-therapeutic-courses"].requires_disclosure is False


def test_lighthouse_serves_five_north_london_boroughs(services):
    lighthouse = _by_id(services)["islington-the-lighthouse"]
    assert set(lighthouse.service_areas) == {"E09000003", "E09000007", "E09000010", "E09000014", "E09000019"}
    assert "child_house" in lighthouse.service_types


def test_report_named_services_present(services):
    ids = set(_by_id(services))
    for sid in ("cornwall-jigsaw", "islington-the-lighthouse", "york-csaac",
                "york-charity-therapeutic-courses", "shropshire-horizon-probation",
                "national-nspcc-women-as-protectors"):
        assert sid in ids


# -- each inspected area: records or documented gaps --------------------------------------


@pytest.mark.parametrize("stem", sorted(COMPILED_AREAS))
@pytest.mark.parametrize("category", sorted(REQUIRED))
def test_area_has_record_or_documented_gap(services, stem, category):
    code = COMPILED_AREAS[stem]
    wanted = REQUIRED[category]
    matching = [s.id for _, s in services if code in s.service_areas and wanted & set(s.service_types)]
    gaps = _gaps()
    documented = [t for t in wanted if (stem, t) in gaps]
    assert matching or documented, f"{stem}: no {category} record and no documented gap in SOURCES.md"


def test_documented_gaps_are_real_and_explained(services):
    gaps = _gaps()
    assert gaps, "SOURCES.md lists no gaps"
    for (stem, service_type), reason in gaps.items():
        assert stem in COMPILED_AREAS, stem
        assert service_type in SERVICE_TYPES, service_type
        assert len(reason) > 20
        code = COMPILED_AREAS[stem]
        local = [s.id for st, s in services if st == stem and code in s.service_areas and service_type in s.service_types]
        assert not local, f"{stem} {service_type} is listed as a gap but has records {local}"


# -- taxonomy -----------------------------------------------------------------------------


def test_taxonomy_covers_vocabulary(taxonomy):
    assert {s.id for s in taxonomy.stages} == set(STAGES)
    assert {t.id for t in taxonomy.service_types} == set(SERVICE_TYPES)


def test_taxonomy_expands_jargon(taxonomy):
    words = {
        "sarc": "sexual assault referral centre",
        "csaac": "child sexual assault assessment centre",
        "isva_chisva": "independent sexual violence adviser",
        "camhs": "child and adolescent mental health",
        "hsb_service": "harmful sexual behaviour",
        "social_care_front_door": "multi-agency safeguarding hub",
    }
    for type_id, phrase in words.items():
        t = taxonomy.type(type_id)
        assert phrase in (t.name + " " + t.description).lower(), type_id
