"""export-oruk writes HSDS 3 that import-oruk turns back into the same directory."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from services.cli import main
from services.clitools import run
from services.directory import Directory, load_directory
from services.geography import Geography
from services.models import Service
from services.oruk import schema
from services.oruk import terms as T
from services.oruk.context import Context
from services.oruk.exporter import export_services, service_to_hsds
from services.oruk.importer import import_records
from services.oruk.taxonomy_map import TaxonomyMap

from . import oruk_schemas
from .conftest import CORNWALL, YORK, service, write_data_dir
from .oruk_helpers import assert_same, every_field_directory

SHIPPED = Path(__file__).resolve().parents[1] / "data"
GEOGRAPHY = Geography.load()




def round_trip(directory: Directory, tmp_path: Path) -> tuple[Directory, str]:
    feed = tmp_path / "export.json"
    assert run(main, ["export-oruk", "--out", str(feed), "--data", str(directory.data_dir)]) == 0
    out = tmp_path / "imported"
    assert run(main, ["import-oruk", str(feed), "--out", str(out)]) == 0
    return load_directory(out), feed.read_text(encoding="utf-8")




@pytest.mark.parametrize("which", ["shipped", "every-field"])
def test_export_then_import_gives_back_the_same_directory(tmp_path: Path, which: str) -> None:
    data = SHIPPED if which == "shipped" else every_field_directory(tmp_path / "data")
    before = load_directory(data)
    assert len(before) > 0
    after, exported = round_trip(before, tmp_path)
    assert_same(before, after)
    # and the imported directory exports to the same bytes
    again = tmp_path / "again.json"
    assert run(main, ["export-oruk", "--out", str(again), "--data", str(after.data_dir)]) == 0
    assert again.read_text(encoding="utf-8") == exported
    report = (tmp_path / "imported" / "oruk-import-report.yaml").read_text(encoding="utf-8")
    assert "problems: []" in report and "unmapped_terms: []" in report


def waymark_values(item: dict[str, Any]) -> dict[str, list[str]]:
    """``{term key: [values]}`` of an exported object's attributes."""
    out: dict[str, list[str]] = {}
    for a in item["attributes"]:
        out.setdefault(a["taxonomy_term"]["term"], []).extend([a["value"]] if "value" in a else [])
    return out


def test_export_is_oruk3_with_waymark_attributes(tmp_path: Path) -> None:
    directory = load_directory(every_field_directory(tmp_path / "data"))
    exported = {waymark_values(e)["waymark:field:id"][0]: e for e in export_services(directory)}
    full = exported["full-record"]
    for item in exported.values():
        schema.Service.model_validate(item)  # the published OpenAPI schema fits the data
        assert oruk_schemas.errors("service", item) == []  # and so does the ORUK 3.0 profile's
        assert oruk_schemas.empties(item) == []  # no nulls, no empty strings
    # UUIDs, stable across runs and derived from the Waymark id in a fixed namespace
    assert full["id"] == str(uuid.uuid5(T.ID_NAMESPACE, "full-record"))
    assert full["organization"]["id"] == str(uuid.uuid5(T.ID_NAMESPACE, "org-1"))
    assert full["organization"]["organization_identifiers"][0]["identifier"] == "org-1"
    terms = [a["taxonomy_term"]["term"] for a in full["attributes"]]
    assert terms[:4] == ["waymark:service_type:therapeutic", "waymark:service_type:parent_support",
                         "waymark:stage:later_support", "waymark:stage:therapeutic_support"]
    assert all(T.is_uuid(a["taxonomy_term_id"]) and a["taxonomy_term"]["taxonomy_id"] == T.TAXONOMY_UUID
               for a in full["attributes"])
    values = waymark_values(full)
    # plain values, one attribute per item of a list: never JSON text inside a string
    assert values["waymark:field:requires_disclosure"] == ["true"]
    assert values["waymark:field:referral_routes"] == ["GP", "School"]
    assert values["waymark:field:waiting_weeks"] == ["3.5"]
    assert values["waymark:field:source"] == ['A source, with commas; and "quotes"']
    assert "waymark:field:accepts_self_referral" not in values  # unknown: left out, not null
    assert (full["minimum_age"], full["maximum_age"]) == (5, 25)
    assert full["assured_date"] == "2025-12-31" and full["last_modified"] == "2025-12-31T00:00:00Z"
    assert full["organization"]["website"] == "https://org.example.org.uk"
    assert [a["uri"].rsplit("/", 1)[1] for a in full["service_areas"]] == [YORK, CORNWALL, "E92000001"]
    locs = [sal["location"] for sal in full["service_at_locations"]]
    address = locs[0]["addresses"][0]
    assert (address["postal_code"], address["city"], address["state_province"]) == ("YO10 5DD", "York", "York")
    assert locs[0]["external_identifier"] == "loc-a" and locs[0]["latitude"] == 53.94842
    # a location too incomplete for an ORUK address carries its parts as attributes instead
    assert "addresses" not in locs[1] or locs[1]["addresses"] == []
    assert waymark_values(locs[1])["waymark:field:postcode"] == ["yo10 5dd"]
    # a service that names no organisation still has one, marked as a stand-in
    bare = exported["bare"]
    assert bare["organization_id"] == bare["organization"]["id"]
    assert bare["organization"]["organization_identifiers"][0]["identifier_type"] == "no organisation recorded"
    # ids Waymark does not name are stable UUIDs
    assert export_services(directory) == list(exported.values())


def test_shipped_export_is_valid_oruk() -> None:
    """Every shipped service exports valid against the ORUK 3.0 compiled schema."""
    directory = load_directory(SHIPPED)
    exported = export_services(directory)
    assert len(exported) == len(directory.services) > 0
    bad = {e["name"]: oruk_schemas.errors("service", e) + oruk_schemas.empties(e) for e in exported}
    assert {k: v for k, v in bad.items() if v} == {}
    assert len({e["id"] for e in exported}) == len(exported)


def test_export_to_stdout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = every_field_directory(tmp_path / "data")
    assert run(main, ["export-oruk", "--out", "-", "--data", str(data)]) == 0
    assert [waymark_values(s)["waymark:field:id"] for s in json.loads(capsys.readouterr().out)] == [
        ["bare"], ["full-record"]]


def test_export_of_a_missing_directory_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(main, ["export-oruk", "--out", str(tmp_path / "x.json"), "--data", str(tmp_path / "nope")]) == 1
    assert "no such data directory" in capsys.readouterr().err


# ---- any valid Waymark record exports as valid ORUK, and comes back the same ---------------

_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=0, max_size=12)
_words = _text.map(str.strip).filter(bool)
_maybe = st.none() | _words  # an empty string is published as nothing (ORUK: omit, never ""); it comes back as None


def _service_strategy() -> st.SearchStrategy[dict[str, Any]]:
    location = st.fixed_dictionaries({}, optional={
        "id": st.sampled_from(["loc-1", "7c9e6679-7425-40de-944b-e07fc1f90ae7"]),
        "name": _maybe, "address_1": _maybe, "city": _maybe,
        "postcode": st.sampled_from(["YO10 5DD", "TR1 1GZ", "yo10"]),
        "description": _maybe, "accessibility": st.lists(_words, max_size=2),
        "precision": st.sampled_from(["address", "postcode", "town", "area"]),
    }).flatmap(lambda d: st.sampled_from([d, {**d, "latitude": 53.95, "longitude": -1.05}]))
    schedule = st.fixed_dictionaries({"description": _words}, optional={
        "byday": st.sampled_from(["MO,TU", "Mon to Fri", "SA"]), "opens_at": st.sampled_from(["09:00", "23:59:59"]),
        "open_24_7": st.booleans(), "closed": st.booleans(),
        "valid_from": st.sampled_from(["2020-01-01", "2027-06-01"]), "valid_to": st.sampled_from(["2021-01-01", "2030-01-01"]),
    })
    return st.fixed_dictionaries({
        "id": st.sampled_from(["a", "svc-1", "x.y_z", "0b7f9c3e-59a8-4d1e-8f4a-1a2b3c4d5e6f"]),
        "name": _words, "description": _words, "service_areas": st.just(["national"]),
        "service_types": st.just(["helpline"]), "source": _words, "last_verified": st.just("2025-01-02"),
    }, optional={
        "organization": st.fixed_dictionaries({"name": _words}, optional={
            "id": st.sampled_from(["org-1", "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"]), "description": _maybe,
            "email": st.sampled_from(["info@example.org.uk"]), "url": st.sampled_from(["https://a.example/x"])}),
        "url": st.sampled_from(["https://example.org.uk/x y".replace(" ", ""), "tel:08001111", "mailto:a@b.uk",
                                "https://example.org.uk/ü"]),
        "email": _maybe, "status": st.sampled_from(["active", "inactive", "defunct", "temporarily closed"]),
        "phones": st.lists(st.fixed_dictionaries({"number": st.sampled_from(["0800 1111", "116 123"])},
                                                  optional={"description": _maybe, "languages": st.lists(_words, max_size=2, unique=True),
                                                            "audience": st.sampled_from(["public", "professionals"]),
                                                            "unconfirmed": _words}),
                           max_size=2),
        "locations": st.lists(location, max_size=2, unique_by=lambda loc: loc.get("id") or str(loc)), "eligibility": _maybe,
        "languages": st.lists(_words, max_size=2, unique=True), "accessibility": st.lists(_words, max_size=2),
        "schedules": st.lists(schedule, max_size=2),
        "cost_options": st.lists(st.fixed_dictionaries({}, optional={"option": _maybe, "amount_description": _maybe,
                                                                     "amount": st.sampled_from([0, 2.5])})
                                 .filter(lambda c: any(v not in (None, "") for v in c.values())), max_size=2),
        "free": st.none() | st.booleans(), "referral_routes": st.lists(_words, max_size=2),
        "waiting_weeks": st.none() | st.sampled_from([0.5, 3, 52]), "notes": _maybe, "verified": st.booleans(),
        "availability": st.sampled_from(["everywhere", "some_areas"]),
        "sources": st.lists(st.fixed_dictionaries({"url": st.sampled_from(["https://a.example/p", "https://b.example"])},
                                                  optional={"title": _maybe, "updated": st.just("2024-02-29"),
                                                            "read": st.just("2025-01-01"),
                                                            "supports": st.lists(st.sampled_from(["name", "min_age"]),
                                                                                 unique=True)}), max_size=2),
        "accepts_self_referral": st.none() | st.booleans(), "attending": st.lists(
            st.sampled_from(["in_person", "phone", "online"]), unique=True),
        "contacts": st.lists(st.fixed_dictionaries({}, optional={"name": _maybe, "title": _maybe, "email": st.sampled_from(["a@example.org.uk"])})
                             .filter(lambda c: any(v not in (None, "") for v in c.values())), max_size=2, unique_by=str),
    })


@given(raw=_service_strategy())
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_any_record_exports_as_valid_oruk(raw: dict[str, Any]) -> None:
    """Whatever a data file holds (issue 11 generates hundreds of records), the export is
    valid ORUK 3.0 with no nulls or empty strings, and imports back as the same record."""
    try:
        record = Service.model_validate(raw)
    except ValidationError:
        assume(False)
        return
    body = service_to_hsds(record, geography=GEOGRAPHY)
    assert oruk_schemas.errors("service", body) == []
    assert oruk_schemas.empties(body) == []
    back = import_records([body], Context(GEOGRAPHY, TaxonomyMap.load(), "export.json"))
    assert len(back.services) == 1, back.report.to_dict()["problems"]
    diff = {k: (getattr(record, k), getattr(back.services[0], k)) for k in Service.model_fields
            if getattr(record, k) != getattr(back.services[0], k)}
    assert diff == {}, back.report.to_dict()["problems"]


def test_a_professionals_line_says_so_in_plain_hsds_and_comes_back_unchanged() -> None:
    """A family app reading plain HSDS knows nothing of Waymark's attributes: the phone's own
    description says "For professionals only:"; the importer takes the words off again (and
    reads them as the audience in any feed, not only Waymark's)."""
    record = Service.model_validate(service("door", service_types=["social_care_front_door"], phones=[
        {"number": "01904 551900", "description": "Worried about a child"},
        {"number": "01904 551901", "description": "Consultation line", "audience": "professionals"},
        {"number": "01904 551902", "audience": "professionals"}]))
    body = service_to_hsds(record, geography=GEOGRAPHY)
    assert oruk_schemas.errors("service", body) == [] and oruk_schemas.empties(body) == []
    assert [p.get("description") for p in body["phones"]] == [
        "Worried about a child", "For professionals only: Consultation line", "For professionals only:"]
    audiences = [a for a in body["attributes"] if a["taxonomy_term"]["term"] == T.field_term_id("audience")]
    assert [a["value"] for a in audiences] == ["professionals", "professionals"]  # the Waymark attribute stays
    back = import_records([body], Context(GEOGRAPHY, TaxonomyMap.load(), "export.json")).services[0]
    assert back.phones == record.phones
    # without the nested term (only its published id), the attribute is still read
    bare = {**body, "attributes": [{k: v for k, v in a.items() if k != "taxonomy_term"} for a in body["attributes"]]}
    assert import_records([bare], Context(GEOGRAPHY, TaxonomyMap.load(), "export.json")).services[0].phones == record.phones
    # a council feed's own words mark the line too
    feed = {"id": "c1", "name": "Front door", "description": "Children's social care.", "status": "active",
            "organization": {"id": "o", "name": "Council", "description": "A council."},
            "service_areas": [{"name": "York"}], "attributes": [{"taxonomy_term": {"id": "t1", "name": "Counselling"}}],
            "phones": [{"number": "01904 551903", "description": "For professionals only: strategy meetings"}]}
    (phone,) = import_records([feed], Context(GEOGRAPHY, TaxonomyMap.load(), "feed.json")).services[0].phones
    assert (phone.audience, phone.description) == ("professionals", "strategy meetings")


def test_text_that_looks_like_json_comes_back_as_written(tmp_path: Path) -> None:
    """Values are plain text: a note in quotes, or a route in brackets, is not decoded."""
    data = write_data_dir(tmp_path / "data", {"a.yaml": [service(
        "quoted", notes='"Closed on Sundays"', referral_routes=["[GP]", "null"], source="null")]})
    before = load_directory(data)
    after, _ = round_trip(before, tmp_path)
    assert_same(before, after)


@pytest.mark.parametrize("email", ["help@example", "mailto:help@example.org", "'help@example.org'", "help@example.org"])
def test_an_email_comes_back_exactly_as_recorded(email: str) -> None:
    """The ORUK email field carries only an address an importer reads back unchanged; any
    other value travels as a Waymark field, so nothing a data file holds is lost or altered."""
    record = Service.model_validate(service("mail", email=email))
    body = service_to_hsds(record, geography=GEOGRAPHY)
    assert oruk_schemas.errors("service", body) == []
    back = import_records([body], Context(GEOGRAPHY, TaxonomyMap.load(), "export.json"))
    assert back.services[0].email == email
