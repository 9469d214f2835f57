"""Waymark against the published Open Referral UK 3.0 specification (vendored copies, see
tests/fixtures/oruk/official/PROVENANCE.md):

- the API checked the way the ORUK validator checks a feed: page 1, a middle page and the
  last page of each list, then random ids on each ``{id}`` endpoint, every body validated
  against the profile's compiled schemas with format checks on (Draft 2020-12);
- schemathesis driving the API from the *official* OpenAPI document;
- the official examples (HSDS 3.0 and 3.1 ``service_full``, the ORUK site's examples, the
  validator's test data) imported with every problem reported and nothing lost silently.
"""

from __future__ import annotations

import random
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance
from schemathesis.specs.openapi.checks import status_code_conformance

from services.cli import main
from services.clitools import run
from services.models import Service
from services.oruk.api import create_app
from services.oruk.importer import read_feed_file

from . import oruk_schemas as O
from .oruk_helpers import every_field_directory, serve_api

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

SHIPPED = Path(__file__).resolve().parents[1] / "data"

#: Each list endpoint, the schema of its items, its {id} endpoint and that one's schema.
ENDPOINTS = [
    ("/services", "service_list", "/services/{id}", "service"),
    ("/service_at_locations", "service_at_location_list", "/service_at_locations/{id}", "service_at_location"),
    ("/organizations", "organization_list", "/organizations/{id}", "organization"),
    ("/taxonomies", "taxonomy", "/taxonomies/{id}", "taxonomy"),
    ("/taxonomy_terms", "taxonomy_term", "/taxonomy_terms/{id}", "taxonomy_term"),
]
PAGE_KEYS = {"total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"}


@pytest.fixture(scope="module", params=["shipped", "every-field"])
def client(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data = SHIPPED if request.param == "shipped" else every_field_directory(tmp_path_factory.mktemp("d") / "data")
    with TestClient(create_app(data)) as c:
        yield c


def _valid(name: str, body: Any, where: str) -> None:
    problems = O.errors(name, body) + O.empties(body)
    assert problems == [], f"{where}: {problems[:5]}"


@pytest.mark.parametrize(("path", "item_schema", "one_path", "one_schema"), ENDPOINTS)
def test_like_the_validator(client: TestClient, path: str, item_schema: str, one_path: str, one_schema: str) -> None:
    """Page 1, the middle page (total_pages // 2) and the last page, then up to ten random
    ids from what the pages listed: every body valid against the ORUK 3.0 schemas."""
    first = client.get(path, params={"per_page": 3})
    assert first.status_code == 200, first.text
    body = first.json()
    assert PAGE_KEYS <= set(body) and body["page_number"] == 1 and body["first_page"] is True
    pages = body["total_pages"]
    wanted = [1] + ([pages // 2] if pages > 2 else []) + ([pages] if pages > 1 else [])
    seen: list[str] = []
    for number in wanted:
        page = client.get(path, params={"per_page": 3, "page": number}).json()
        assert page["page_number"] == number and page["last_page"] is (number == pages)
        assert page["size"] == len(page["contents"]) and not page["empty"]
        for item in page["contents"]:
            _valid(item_schema, item, f"{path}?page={number} item {item.get('id')}")
            seen.append(item["id"])
    assert seen and len(seen) == len(set(seen))
    for item_id in random.Random(13).sample(seen, min(10, len(seen))):
        response = client.get(one_path.replace("{id}", item_id))
        assert response.status_code == 200, (item_id, response.text)
        assert response.json()["id"] == item_id
        _valid(one_schema, response.json(), f"{one_path} {item_id}")


def _every(client: TestClient, path: str, **params: str) -> list[dict[str, Any]]:
    """Every item of a paged list, page by page as a consumer reads it."""
    out: list[dict[str, Any]] = []
    number = 1
    while True:
        page = client.get(path, params={"per_page": 500, "page": number, **params}).json()
        out += page["contents"]
        if page["last_page"]:
            return out
        number += 1


def test_every_service_and_organization_in_full(client: TestClient) -> None:
    """Not only a sample: every service and every organisation, in full, is valid."""
    services = _every(client, "/services")
    for item in services:
        _valid("service", client.get(f"/services/{item['id']}").json(), item["id"])
        assert item["organization_id"] == item["organization"]["id"]
    orgs = _every(client, "/organizations", full_service="true")
    for org in orgs:
        _valid("organization", org, org["id"])
    assert sum(len(o["services"]) for o in orgs) == len(services)
    root = client.get("/").json()
    assert set(root) == {"version", "profile", "openapi_url"} and root["version"] == "3.0"


# ---- schemathesis: the API against the OFFICIAL ORUK 3.0 OpenAPI document -------------------

@pytest.fixture(scope="module")
def official() -> Any:
    return schemathesis.openapi.from_dict(O.official_openapi())


@pytest.fixture(scope="module")
def shipped_url() -> Iterator[str]:
    with serve_api(SHIPPED) as url:
        yield url


OFFICIAL_PATHS = ["/", "/services", "/services/{id}", "/service_at_locations", "/service_at_locations/{id}",
                  "/taxonomies", "/taxonomies/{id}", "/taxonomy_terms", "/taxonomy_terms/{id}"]


def test_the_official_document_lists_what_we_test(official: Any) -> None:
    assert sorted(r.ok().path for r in official.get_all_operations()) == sorted(OFFICIAL_PATHS)


@pytest.mark.parametrize("path", OFFICIAL_PATHS)
def test_api_conforms_to_the_official_openapi(official: Any, path: str, shipped_url: str) -> None:
    """Requests built from the official document (20 per endpoint) never get a server error,
    and every 200 body fits the official response schema. The official document lists only
    200 answers and loose parameter types, so a 400/404/422 for a value Waymark refuses
    (page 0, an unknown id, a postcode outside England) is not counted against it."""
    operation = official[path]["GET"]

    @given(case=operation.as_strategy())
    @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case: Any) -> None:
        response = case.call(base_url=shipped_url)
        case.validate_response(response, excluded_checks=[positive_data_acceptance, status_code_conformance])
        if response.status_code == 200:
            assert O.empties(response.json()) == []

    check()


# ---- the official examples import with every problem reported -------------------------------

EXAMPLES = [
    "hsds-3.0/service_full.json",
    "hsds-3.1/service_full.json",
    "mhclg-oruk/examples/service_full.json",
    "mhclg-oruk/examples/service_list.json",
    "mhclg-oruk/examples/organization_full.json",
    "mhclg-oruk/examples/service_at_location_full.json",
    "oruk-validator/V3.0-UK-Test/service_full.json",
    "oruk-validator/V3.0-UK-Warn/service_full.json",
    "oruk-validator/V3.0-UK-Fail/service_full.json",
    "oruk-validator/V3.0-UK-Test/service_list_data.json",
]
EXAMPLE_ID = "ac148810-d857-441c-9679-408f346de14b"


def _import(feed: Path, out: Path, overlay: Path | None = None) -> tuple[int, dict[str, Any]]:
    args = ["import-oruk", str(feed), "--out", str(out)] + (["--overlay", str(overlay)] if overlay else [])
    code = run(main, args)
    report = yaml.safe_load((out / "oruk-import-report.yaml").read_text(encoding="utf-8"))
    return code, report


@pytest.mark.parametrize("example", EXAMPLES)
def test_official_examples_import_with_every_problem_reported(example: str, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    feed = O.OFFICIAL / example
    code, report = _import(feed, tmp_path / "out")
    err = capsys.readouterr().err
    assert "Traceback" not in err
    # US example data: no English service area, a made-up taxonomy term: nothing imports,
    # and the report says why, record by record (exit 1, not a crash)
    assert code == 1 and report["imported"] == 0
    for line in report["problems"]:
        assert len(line.split(": ", 2)) == 3, line
    rejected = {r["id"]: r["problems"] for r in report["not_imported_records"]}
    assert all(any(": service_areas: " in p for p in probs) for probs in rejected.values())
    if example.endswith("service_list_data.json"):  # the validator's 128 copies of one service
        assert report["records_read"] == 128 and report["duplicates"] == 127


@pytest.mark.parametrize("example", EXAMPLES)
def test_official_examples_lose_nothing_silently(example: str, tmp_path: Path) -> None:
    """With an overlay giving what an example lacks for England (a service type, an area),
    each field the issue names is carried into the record or named in the report."""
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text(yaml.safe_dump({"services": {EXAMPLE_ID: {"service_types": ["therapeutic"],
                                                                  "service_areas": ["national"]}}}))
    raw = read_feed_file(O.OFFICIAL / example)[0]  # an organisation's or a service_at_location's service too
    assert raw["id"] == EXAMPLE_ID
    code, report = _import(O.OFFICIAL / example, tmp_path / "out", overlay)
    assert code == 0 and report["imported"] == 1
    record = yaml.safe_load((tmp_path / "out" / "services" / "oruk.yaml").read_text())["services"][0]
    problems = "\n".join(report["problems"])
    notes = record.get("notes", "")
    costs = " ".join(str(c) for c in record.get("cost_options", []))
    if raw.get("fees"):
        assert raw["fees"] in costs
    if raw.get("fees_description"):
        assert raw["fees_description"] in costs
    if raw.get("accreditations"):
        assert raw["accreditations"].rstrip(".") in notes
    if raw.get("licenses"):
        assert f"Licences: {raw['licenses']}" in notes
    for doc in raw.get("required_documents") or []:
        assert doc["document"].rstrip(".") in notes
    for contact in raw.get("contacts") or []:
        assert any(c.get("name") == contact["name"] for c in record["contacts"])
        if contact.get("email"):
            assert any(c.get("email") == contact["email"] for c in record["contacts"])
    if any(s.get("attending_type") for s in raw.get("schedules") or []):
        assert record["attending"] == ["in_person", "online"]
    if raw.get("schedules"):
        # the example's hours ended in 2005: kept with their dates, reported, not current
        assert record["schedules"][0]["valid_to"] == "2005-01-01"
        assert f"{EXAMPLE_ID}: schedules[0]: valid only until 2005-01-01" in problems
        assert Service.model_validate(record).current_schedules() == []
    if raw.get("service_at_locations") or "service_at_location" in example:
        assert record["locations"][0]["name"] == "MyCity Civic Center"
    if raw.get("organization"):
        assert record["organization"]["name"] == "Example Organization Inc."
    # keys Waymark has no place for are named, with the record id
    for key in ("assurer_email", "program", "capacities"):
        if raw.get(key):
            assert f"{EXAMPLE_ID}: {key}: has no place in Waymark's model; not carried" in problems


def test_the_validators_failing_example_reports_its_faults(tmp_path: Path) -> None:
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text(yaml.safe_dump({"services": {EXAMPLE_ID: {"service_types": ["therapeutic"],
                                                                  "service_areas": ["national"]}}}))
    code, report = _import(O.OFFICIAL / "oruk-validator/V3.0-UK-Fail/service_full.json", tmp_path / "out", overlay)
    assert code == 0
    problems = "\n".join(report["problems"])
    assert f"{EXAMPLE_ID}: url: 'example/counselling'" in problems
    assert f"{EXAMPLE_ID}: email: 'email-example_com' is not an email address" in problems
