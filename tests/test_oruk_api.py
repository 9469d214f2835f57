"""The read-only ORUK API, over HTTP against uvicorn on 127.0.0.1, and with schemathesis
against its own OpenAPI document."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

from services.cli import main
from services.clitools import run
from services.directory import load_directory
from services.oruk.terms import TAXONOMY_UUID, export_id
from services.oruk.terms import term_uuid as export_term
from services.vocabulary import SERVICE_TYPES

from .conftest import CORNWALL, service, write_data_dir
from .oruk_helpers import assert_same, serve_api

ROOT = Path(__file__).resolve().parents[1]


def api_data(root: Path) -> Path:
    return write_data_dir(root, {"a.yaml": [
        service("york-therapy", service_types=["therapeutic"], last_verified="2025-06-01",
                organization={"id": "org-y", "name": "York Org"},
                locations=[{"name": "York base", "postcode": "YO10 5DD", "latitude": 53.94842,
                            "longitude": -1.05354, "precision": "postcode"}]),
        service("york-front-door", service_types=["social_care_front_door"], last_verified="2026-02-01",
                min_age=5, max_age=16,
                schedules=[{"description": "Weekdays 9 to 5", "byday": "MO,TU,WE,TH,FR", "opens_at": "09:00",
                            "closes_at": "17:00"},
                           {"description": "Old Saturday hours", "byday": "SA", "opens_at": "10:00",
                            "closes_at": "12:00", "valid_to": "2020-01-31"}]),
        service("truro-isva", service_types=["isva_chisva"], service_areas=[CORNWALL],
                locations=[{"name": "Truro", "latitude": 50.26625, "longitude": -5.05099}]),
        service("helpline", service_types=["helpline"], service_areas=["national"],
                phones=[{"number": "0800 1111"}], schedules=[{"description": "Always", "open_24_7": True}]),
    ]})


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return api_data(tmp_path_factory.mktemp("api") / "data")


@pytest.fixture(scope="module")
def base_url(data_dir: Path) -> Iterator[str]:
    with serve_api(data_dir) as url:
        yield url


@pytest.fixture(scope="module")
def http(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=10, trust_env=False) as client:
        yield client


def waymark_id(service: dict[str, Any]) -> str:
    """The Waymark id an ORUK service carries beside its UUID."""
    return next(a["value"] for a in service["attributes"] if a["taxonomy_term"]["term"] == "waymark:field:id")


def ids(page: dict[str, Any]) -> list[str]:
    return [waymark_id(s) for s in page["contents"]]


def test_root_and_openapi(http: httpx.Client, base_url: str) -> None:
    root = http.get("/").json()
    assert root == {"version": "3.0", "profile": "https://openreferraluk.org", "openapi_url": f"{base_url}/openapi.json"}
    paths = http.get("/openapi.json").json()["paths"]
    for path in ("/", "/services", "/services/{id}", "/service_at_locations", "/service_at_locations/{id}",
                 "/taxonomies", "/taxonomies/{id}", "/taxonomy_terms", "/taxonomy_terms/{id}",
                 "/organizations", "/organizations/{id}"):
        assert "get" in paths[path], path


def test_services_are_paged(http: httpx.Client) -> None:
    seen = []
    page = 1
    while True:
        body = http.get("/services", params={"page": page, "per_page": 3}).json()
        assert body["total_items"] == 4 and body["total_pages"] == 2 and body["page_number"] == page
        seen += ids(body)
        if body["last_page"]:
            break
        page += 1
    assert seen == ["helpline", "truro-isva", "york-front-door", "york-therapy"]
    beyond = http.get("/services", params={"page": 9}).json()
    assert beyond["empty"] is True and beyond["contents"] == []


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"taxonomy_id": "helpline"}, ["helpline"]),
        ({"taxonomy_id": "waymark:service_type:therapeutic"}, ["york-therapy"]),
        ({"taxonomy_term_id": "waymark:stage:advocacy"}, ["truro-isva"]),
        ({"taxonomy_id": "waymark"}, ["helpline", "truro-isva", "york-front-door", "york-therapy"]),
        ({"taxonomy_term_id": export_term("waymark:stage:advocacy")}, ["truro-isva"]),
        ({"taxonomy_id": TAXONOMY_UUID}, ["helpline", "truro-isva", "york-front-door", "york-therapy"]),
        ({"organization_id": "org-y"}, ["york-therapy"]),
        ({"organization_id": export_id("org-y")}, ["york-therapy"]),
        ({"modified_after": "2025-12-31"}, ["helpline", "truro-isva", "york-front-door"]),
        # on or after: a service modified on the day itself is included
        ({"modified_after": "2025-06-01"}, ["helpline", "truro-isva", "york-front-door", "york-therapy"]),
        ({"modified_after": "2025-06-01T12:00:00Z", "taxonomy_id": "therapeutic"}, []),
        ({"text": "york therapy"}, ["york-therapy"]),
        ({"search": "york therapy"}, ["york-therapy"]),
        ({"search": "no such words"}, []),
        # the profile's definitions: minimum_age at least, maximum_age at most
        ({"minimum_age": 5}, ["york-front-door"]),
        ({"maximum_age": 5}, []),
        ({"maximum_age": 16}, ["york-front-door"]),
        ({"minimum_age": 0, "maximum_age": 16}, ["york-front-door"]),
        ({"age": 4}, ["helpline", "truro-isva", "york-therapy"]),
        # schedules: the helpline is open all day every day; the front door weekdays 9 to 5
        ({"day": "SA"}, ["helpline"]),
        ({"day": "monday"}, ["helpline", "york-front-door"]),
        ({"day": "MO", "start_time": "09:00"}, ["york-front-door"]),
        ({"end_time": "17:00"}, ["york-front-door"]),
        ({"end_time": "16:00"}, []),
        # postcode alone: services serving its area (and national ones), nearest first
        ({"postcode": "yo105dd"}, ["york-therapy", "helpline", "york-front-door"]),
        ({"postcode": "YO10"}, ["york-therapy", "helpline", "york-front-door"]),
        # with proximity (metres): only services with a location that near
        ({"postcode": "YO10 5DD", "proximity": 1000}, ["york-therapy"]),
        ({"postcode": "TR1 1GZ", "proximity": 500}, ["truro-isva"]),
        ({"postcode": "TR1 1GZ", "proximity": 600_000}, ["truro-isva", "york-therapy"]),
    ],
)
def test_service_filters(http: httpx.Client, params: dict[str, Any], expected: list[str]) -> None:
    response = http.get("/services", params=params)
    assert response.status_code == 200, response.text
    assert ids(response.json()) == expected


@pytest.mark.parametrize(
    ("params", "status", "words"),
    [
        ({"postcode": "ZZ99 9ZZ"}, 400, "not a UK postcode"),
        ({"postcode": "EH1 1AA"}, 400, "Scotland"),
        ({"postcode": "hello"}, 422, ""),
        ({"proximity": 100}, 400, "proximity needs a postcode"),
        ({"modified_after": "yesterday"}, 422, ""),
        ({"page": 0}, 422, ""),
        ({"per_page": 100000}, 422, ""),
        ({"postcode": "YO10 5DD", "proximity": -5}, 422, ""),
        ({"page": "one"}, 422, ""),
        # a filter the API does not support is never silently ignored
        ({"maximum_age": 5, "colour": "red"}, 400, "unsupported parameter 'colour'"),
        ({"service_area": "York"}, 400, "unsupported parameter 'service_area'"),
        ({"day": "someday"}, 400, "not a day of the week"),
        ({"start_time": "teatime"}, 400, "not a time of day"),
    ],
)
def test_bad_parameters_are_json_errors(http: httpx.Client, params: dict[str, Any], status: int, words: str) -> None:
    response = http.get("/services", params=params)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    assert words in str(response.json()["detail"])


def test_one_service_and_unknown_ids(http: httpx.Client) -> None:
    body = http.get(f"/services/{export_id('helpline')}").json()
    assert waymark_id(body) == "helpline" and body["phones"][0]["number"] == "0800 1111"
    assert http.get("/services/helpline").json() == body  # the Waymark id works too
    response = http.get(f"/services/{body['id']}", params={"full": "true"})
    assert response.status_code == 400 and "'full'" in response.json()["detail"]
    for path in ("/services/nope", "/service_at_locations/nope", "/taxonomies/nope", "/taxonomy_terms/nope",
                 "/organizations/nope", "/services/%00", "/nowhere"):
        response = http.get(path)
        assert response.status_code == 404, path
        assert "detail" in response.json()


def test_service_at_locations(http: httpx.Client) -> None:
    body = http.get("/service_at_locations").json()
    assert body["total_items"] == 2
    assert sorted(s["service_id"] for s in body["contents"]) == sorted(map(export_id, ["truro-isva", "york-therapy"]))
    one = body["contents"][0]
    assert http.get(f"/service_at_locations/{one['id']}").json() == one
    only = http.get("/service_at_locations", params={"service_id": "york-therapy"}).json()
    assert [s["location"]["name"] for s in only["contents"]] == ["York base"]
    # the filters /services takes, as the profile lists them for /service_at_locations too
    for params, names in [
        ({"search": "truro"}, ["Truro"]),
        ({"taxonomy_term_id": "isva_chisva"}, ["Truro"]),
        ({"postcode": "TR1 1GZ"}, ["Truro"]),
        ({"postcode": "TR1 1GZ", "proximity": 600_000}, ["Truro", "York base"]),
        ({"postcode": "TR1 1GZ", "proximity": 500}, ["Truro"]),
        ({"minimum_age": 1}, []),
        ({"day": "MO"}, []),
    ]:
        got = http.get("/service_at_locations", params=params)
        assert got.status_code == 200, (params, got.text)
        assert [s["location"]["name"] for s in got.json()["contents"]] == names, params
    assert http.get("/service_at_locations", params={"text_search": "x"}).status_code == 400


def test_taxonomies_and_terms(http: httpx.Client) -> None:
    assert [t["id"] for t in http.get("/taxonomies").json()["contents"]] == [TAXONOMY_UUID]
    assert http.get(f"/taxonomies/{TAXONOMY_UUID}").json()["name"] == "Waymark"
    types = http.get("/taxonomy_terms", params={"parent_id": "waymark:service_type", "per_page": 100}).json()
    assert types["total_items"] == len(SERVICE_TYPES)
    advocacy = http.get("/taxonomy_terms/waymark:stage:advocacy").json()
    assert advocacy["parent_id"] == export_term("waymark:stage") and advocacy["term"] == "waymark:stage:advocacy"
    assert http.get(f"/taxonomy_terms/{advocacy['id']}").json() == advocacy
    assert http.get("/taxonomy_terms", params={"taxonomy_id": "other"}).json()["total_items"] == 0


def test_organizations(http: httpx.Client) -> None:
    body = http.get("/organizations", params={"per_page": 100}).json()
    names = [o["name"] for o in body["contents"]]
    # every service has an organisation: one the record does not name is a marked stand-in
    assert body["total_items"] == 4 and "York Org" in names and "Helpline" in names
    york = next(o for o in body["contents"] if o["name"] == "York Org")
    assert york["id"] == export_id("org-y") and "services" not in york
    full = http.get(f"/organizations/{york['id']}").json()
    assert [waymark_id(s) for s in full["services"]] == ["york-therapy"]
    found = [o["name"] for o in http.get("/organizations", params={"search": "york org"}).json()["contents"]]
    assert "York Org" in found and "Helpline" not in found
    with_services = http.get("/organizations", params={"full_service": "true", "per_page": 1}).json()
    assert with_services["contents"][0]["services"]


def test_cors_allows_any_origin_without_keys(http: httpx.Client) -> None:
    response = http.get("/services", headers={"Origin": "https://family-hub.example"})
    assert response.headers["access-control-allow-origin"] == "*"
    preflight = http.options("/services", headers={"Origin": "https://family-hub.example",
                                                  "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 200 and preflight.headers["access-control-allow-origin"] == "*"
    assert http.post("/services").status_code == 405  # read-only


def test_import_from_our_own_api_gives_back_the_directory(base_url: str, data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "imported"
    assert run(main, ["import-oruk", base_url, "--out", str(out), "--per-page", "1", "--retry-wait", "0"]) == 0
    assert_same(load_directory(data_dir), load_directory(out))


def test_serve_api_command(data_dir: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "services", "serve-api", "--port", str(port), "--data", str(data_dir)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/services/{export_id('helpline')}", timeout=2,
                                     trust_env=False)
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read() if proc.stderr else ""
                time.sleep(0.1)
        assert response.status_code == 200 and response.json()["name"] == "Helpline"
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=10)
    assert "YO10" not in out + err  # no access log


def test_serve_api_refuses_a_missing_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(main, ["serve-api", "--data", str(tmp_path / "nope")]) == 2
    assert "no such data directory" in capsys.readouterr().err


# ---- schemathesis: the API against its own OpenAPI document ------------------------------------

PATHS = ["/", "/services", "/services/{id}", "/service_at_locations", "/service_at_locations/{id}",
         "/taxonomies", "/taxonomies/{id}", "/taxonomy_terms", "/taxonomy_terms/{id}",
         "/organizations", "/organizations/{id}"]


@pytest.fixture(scope="module")
def api_schema(base_url: str) -> Any:
    return schemathesis.openapi.from_url(f"{base_url}/openapi.json")


def test_every_path_is_fuzzed(api_schema: Any) -> None:
    assert sorted(r.ok().path for r in api_schema.get_all_operations()) == sorted(PATHS)


@pytest.mark.parametrize("path", PATHS)
def test_api_conforms_to_its_openapi_document(api_schema: Any, path: str) -> None:
    """Schema-valid requests (20 per endpoint) get documented, schema-valid JSON answers and
    never a server error. (Operations are driven directly rather than through
    ``schemathesis.pytest.from_fixture``, which does not support this pytest.)"""
    operation = api_schema[path]["GET"]

    @given(case=operation.as_strategy())
    @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case: Any) -> None:
        # A request can fit the schema and still name a postcode outside England, or a
        # proximity without a postcode: those are 400s by design, so that one check is off.
        case.call_and_validate(excluded_checks=[positive_data_acceptance])

    check()
