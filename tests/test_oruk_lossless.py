"""import-oruk loses nothing silently: each field a council feed gives is carried into the
record or named in the report; dated hours and closures keep their dates; a service that is
defunct, inactive or temporarily closed is treated as such in search, the app and plans."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from pathways.cli import main as plan_main
from services.catalogue import browse
from services.cli import main
from services.clitools import run
from services.directory import load_directory
from services.geography import Geography
from services.oruk.context import Context
from services.oruk.exporter import service_to_hsds
from services.oruk.importer import import_records, write_directory
from services.oruk.mapping import NO_DESCRIPTION
from services.oruk.taxonomy_map import TaxonomyMap
from services.search import search, service_summary

from . import oruk_schemas

TODAY = dt.date(2026, 6, 1)
YORK = "E06000014"


def context() -> Context:
    return Context(Geography.load(), TaxonomyMap.load(), "feed.json", today=TODAY)


def record(rid: str, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": rid,
        "name": f"Service {rid}",
        "description": "Counselling for children.",
        "status": "active",
        "organization": {"id": "org-1", "name": "York Org", "description": "A charity."},
        "service_areas": [{"name": "York"}],
        "attributes": [{"taxonomy_term": {"id": "t1", "name": "Counselling"}}],
        "service_at_locations": [{"id": "sal-1", "location": {
            "id": "loc-1", "name": "Base", "latitude": 53.9484, "longitude": -1.0535,
            "addresses": [{"address_1": "1 Road", "city": "York", "postal_code": "YO10 5DD", "country": "GB"}]}}],
    }
    base.update(fields)
    return base


def imported(*records: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    result = import_records(list(records), context())
    return {s.id: s for s in result.services}, result.report.to_dict()["problems"]


def test_an_oruk1_record_keeps_every_field_or_says_so() -> None:
    raw = record(
        "v1", fees="£5 a session", fees_description="Free for under 18s", accreditations="BACP accredited",
        licenses="Ofsted registered", attending_type="Venue, telephone", attending_access="Referral",
        contacts=[{"name": "Sam Lee", "title": "Duty worker", "email": "sam@example.org.uk",
                   "phones": [{"number": "01904 555111"}]},
                  {"name": "No Mail", "email": "not an address"}],
        required_documents=[{"document": "Proof of address"}, {"document": "GP letter"}],
        regular_schedules=[{"weekday": "Monday", "opens_at": "09:00", "closes_at": "17:00",
                            "valid_from": "2025-01-01", "valid_to": "2027-12-31"},
                           {"weekday": "Saturday", "opens_at": "10:00", "closes_at": "12:00",
                            "valid_to": "2025-08-31"},
                           {"weekday": "Sunday", "opens_at": "10:00", "closes_at": "12:00",
                            "valid_from": "2026-09-01"}],
        holiday_schedules=[{"closed": True, "start_date": "2026-12-24", "end_date": "2027-01-02"},
                           {"closed": True, "start_date": "2025-12-24", "end_date": "2026-01-02"},
                           {"closed": False, "opens_at": "10:00", "closes_at": "14:00",
                            "start_date": "2026-08-31", "end_date": "2026-08-31"}],
        reviews=[{"title": "Great"}],
    )
    services, problems = imported(raw)
    s = services["v1"]
    costs = [c.amount_description for c in s.cost_options]
    assert "£5 a session" in costs and "Free for under 18s" in costs
    assert "Accreditations: BACP accredited." in s.notes and "Licences: Ofsted registered." in s.notes
    assert "Documents to bring: Proof of address; GP letter." in s.notes
    assert s.attending == ["in_person", "phone"]
    # ORUK 1's attending_access "referral": families cannot refer themselves
    assert s.accepts_self_referral is False
    assert "v1: attending_access: 'Referral': taken as referral only (no self-referral)" in problems
    assert [(c.name, c.title, c.email) for c in s.contacts] == [
        ("Sam Lee", "Duty worker", "sam@example.org.uk"), ("No Mail", None, None)]
    assert any(p.startswith("v1: contacts[1].email: 'not an address' is not an email address") for p in problems)
    assert any(p.number == "01904 555111" for p in s.phones)
    # dated hours keep their dates; only the ones that apply today are current
    by_day = {sch.byday: sch for sch in s.schedules if sch.byday}
    assert by_day["MO"].valid_to == dt.date(2027, 12, 31)
    assert [sch.byday for sch in s.current_schedules(TODAY) if sch.byday] == ["MO"]
    assert "v1: regular_schedules[1]: valid only until 2025-08-31, which has passed" in "\n".join(problems)
    assert "v1: regular_schedules[2]: valid from 2026-09-01; kept, and shown only from that date" in problems
    assert by_day["SU"].is_current(dt.date(2026, 9, 2))
    # holiday closures are kept as closures with their dates
    closures = [sch for sch in s.schedules if sch.closed]
    assert [c.description for c in closures] == ["Closed 24 Dec 2026 to 2 Jan 2027", "Closed 24 Dec 2025 to 2 Jan 2026"]
    assert [c.description for c in s.current_schedules(dt.date(2026, 12, 25)) if c.closed] == [
        "Closed 24 Dec 2026 to 2 Jan 2027"]
    special = next(sch for sch in s.schedules if sch.description.startswith("Holiday hours"))
    assert not special.closed and special.valid_from == special.valid_to == dt.date(2026, 8, 31)
    # a field Waymark has no place for is named with the record id
    assert "v1: reviews: has no place in Waymark's model; not carried" in problems


def test_hsds3_schedule_attending_type_and_virtual_locations() -> None:
    raw = record("v3", schedules=[{"byday": "TU", "opens_at": "18:00", "closes_at": "20:00",
                                   "attending_type": "Online, by video call", "until": "2027-03-31"}],
                 service_at_locations=[{"id": "s1", "location": {"id": "l1", "location_type": "virtual",
                                                                  "name": "Online"}}])
    services, problems = imported(raw)
    s = services["v3"]
    assert s.attending == ["online"] and s.locations == []
    assert s.schedules[0].valid_to == dt.date(2027, 3, 31)
    assert "v3: service_at_locations[0].location: is a virtual location; recorded as attending online, " \
           "not placed on the map" in problems


def test_a_record_without_a_description_is_imported_and_reported() -> None:
    raw = record("nodesc")
    del raw["description"]
    services, problems = imported(raw)
    assert services["nodesc"].description == NO_DESCRIPTION
    assert any(p.startswith("nodesc: description: missing") for p in problems)


@pytest.fixture(scope="module")
def statuses(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("statuses")
    feed = [record("open"), record("gone", status="defunct"), record("paused", status="inactive"),
            record("shut", status="temporarily closed")]
    result = import_records(feed, context())
    write_directory(result.services, out, source="feed.json")
    problems = result.report.to_dict()["problems"]
    assert "gone: status: 'defunct': imported, but not offered in search, the app or plans" in problems
    assert "paused: status: 'inactive': imported, but not offered in search, the app or plans" in problems
    return out


def test_defunct_and_inactive_services_are_not_offered(statuses: Path) -> None:
    directory = load_directory(statuses)
    place = directory.geography.resolve_postcode("YO10 5DD")
    found = {h.service.id: service_summary(h) for h in search(directory, place)}
    assert "gone" not in found and "paused" not in found
    # a temporarily closed service is still listed, and says it is closed
    assert found["shut"]["status"] == "temporarily closed" and found["open"]["status"] == "active"
    assert {s.id for s in browse(directory).services} == {"open", "shut"}


def test_plans_offer_neither_defunct_nor_closed_services(statuses: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(main, ["search", "--data", str(statuses), "--postcode", "YO10 5DD"]) == 0
    text = capsys.readouterr().out
    assert "Service shut" in text and "TEMPORARILY CLOSED" in text and "Service gone" not in text
    code = run(plan_main, ["plan", "--data", str(statuses), "--age", "9", "--area", "York", "--json"])
    assert code == 0
    plan = json.loads(capsys.readouterr().out)
    offered = {s["id"] for step in plan["steps"] for s in step.get("services", [])}
    assert "open" in offered and not offered & {"gone", "paused", "shut"}


def test_what_an_import_carries_exports_as_valid_oruk_and_back(tmp_path: Path) -> None:
    raw = record("full", fees="£5", accreditations="BACP", attending_type="in person",
                 contacts=[{"name": "Sam", "email": "sam@example.org.uk"}],
                 holiday_schedules=[{"closed": True, "start_date": "2026-12-24", "end_date": "2027-01-02"}])
    services, _ = imported(raw)
    body = service_to_hsds(services["full"], geography=Geography.load())
    assert oruk_schemas.errors("service", body) == [] and oruk_schemas.empties(body) == []
    assert body["contacts"][0]["name"] == "Sam"
    again, problems = imported(body)
    assert again["full"] == services["full"] and problems == []
