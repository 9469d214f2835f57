"""import-oruk from files: every feed shape, messy records reported not lost, idempotence,
the overlay and the taxonomy map."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from services.cli import main
from services.directory import load_directory
from services.errors import DataFileError
from services.geography import Geography
from services.oruk.context import Context
from services.oruk.importer import import_records, read_feed_file
from services.oruk.taxonomy_map import TaxonomyMap
from services.oruk.values import parse_time, waymark_id

from .conftest import CORNWALL, YORK

FIXTURES = Path(__file__).parent / "fixtures" / "oruk"
DERBY = "E06000015"
SCILLY = "E06000053"


def run_cli(*argv: str) -> int:
    from services.clitools import run

    return run(main, list(argv))


def import_file(name: str, out: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    code = run_cli("import-oruk", str(FIXTURES / name), "--out", str(out), *extra)
    report = yaml.safe_load((out / "oruk-import-report.yaml").read_text(encoding="utf-8"))
    return code, report


def services_of(out: Path) -> dict[str, Any]:
    directory = load_directory(out)
    assert directory.problems == ()
    return {s.id: s for s in directory.services}


def context(**kw: Any) -> Context:
    return Context(Geography.load(), TaxonomyMap.load(), "feed.json", today=dt.date(2026, 1, 1), **kw)


# ---- feed shapes ---------------------------------------------------------------------

@pytest.mark.parametrize(
    ("fixture", "ids"),
    [
        ("single.json", {"3f1b2c4d-0001-4a6b-9c2d-york00000001"}),
        ("list.json", {"svc-helpline-1", "svc-cornwall-isva", "svc-derby-parents"}),
        ("envelope.json", {"3f1b2c4d-0001-4a6b-9c2d-york00000001", "svc-helpline-1", "svc-cornwall-isva",
                           "svc-derby-parents"}),
        ("oruk_v1.json", {"4021"}),
    ],
)
def test_each_feed_shape_becomes_a_valid_data_directory(tmp_path: Path, fixture: str, ids: set[str]) -> None:
    code, report = import_file(fixture, tmp_path / "out")
    assert code == 0
    assert set(services_of(tmp_path / "out")) == ids
    assert report["imported"] == len(ids) and report["not_imported"] == 0


def test_a_full_hsds3_record_maps_every_field(tmp_path: Path) -> None:
    import_file("single.json", tmp_path)
    s = services_of(tmp_path)["3f1b2c4d-0001-4a6b-9c2d-york00000001"]
    assert s.name == "Harbour Children's Therapy Service"
    assert s.organization and s.organization.name == "Harbour Children's Charity"
    assert s.organization.url == "https://harbour-therapy.example.org.uk"
    assert s.email == "referrals@harbour-therapy.example.org.uk"
    assert [(p.number, p.description, p.languages) for p in s.phones] == [("01904 555123", "Referrals line", ["English"])]
    (loc,) = s.locations
    assert (loc.id, loc.address_1, loc.city, loc.postcode) == ("loc-york-1", "12 Example Lane", "York", "YO10 3AA")
    assert (loc.latitude, loc.longitude, loc.precision) == (53.95449, -1.05775, "address")
    assert loc.accessibility == ["Step-free access: Ramp at the side entrance"]
    assert s.service_areas == [YORK]
    assert (s.min_age, s.max_age) == (4, 17)
    assert s.eligibility == "Children and young people living in York."
    assert s.languages == ["English", "Polish"]
    (sched,) = s.schedules
    assert (sched.byday, sched.opens_at, sched.closes_at) == ("MO,TU,WE,TH,FR", dt.time(9), dt.time(17))
    assert s.cost_options[0].amount == 0 and s.free is True
    assert s.service_types == ["therapeutic"]
    assert s.referral_routes == ["Professionals and parents can refer using the online form."]
    assert s.waiting_weeks == 6
    assert "Also known as Harbour" in (s.notes or "")
    assert s.last_verified == dt.date(2025, 9, 1) and s.verified is False
    assert s.source == "Open Referral UK feed " + str(FIXTURES / "single.json") + ", service 3f1b2c4d-0001-4a6b-9c2d-york00000001"


def test_orUK_1_shapes_are_read(tmp_path: Path) -> None:
    import_file("oruk_v1.json", tmp_path)
    s = services_of(tmp_path)["4021"]
    assert s.service_types == ["family_support"]
    assert s.service_areas == [CORNWALL]
    assert (s.min_age, s.max_age, s.eligibility) == (0, 17, "Families with children")
    assert [x.byday for x in s.schedules] == ["MO", "TH"]
    assert s.schedules[1].opens_at == dt.time(9) and s.schedules[1].closes_at == dt.time(13)
    assert s.locations[0].postcode == "TR1 1GZ" and s.locations[0].accessibility == ["Wheelchair accessible"]
    assert s.phones[0].number == "01872 555 321"
    assert s.languages == ["English", "Cornish"]


def test_service_areas_from_names_uris_and_national_words(tmp_path: Path) -> None:
    import_file("list.json", tmp_path)
    got = services_of(tmp_path)
    assert got["svc-helpline-1"].service_areas == ["national"]
    assert got["svc-cornwall-isva"].service_areas == [CORNWALL, SCILLY]
    assert got["svc-derby-parents"].service_areas == [DERBY]


# ---- messy records ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def messy(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], dict[str, Any], Path]:
    out = tmp_path_factory.mktemp("messy")
    code, report = import_file("messy.json", out)
    assert code == 0
    return services_of(out), report, out


def test_messy_feed_keeps_good_records_and_fields(messy: Any) -> None:
    services, report, _ = messy
    assert set(services) == {"messy-001", "messy-002", "messy-003", "messy-007"}
    assert report["records_read"] == 11
    assert report["imported"] + report["not_imported"] + report["duplicates"] == 11


def test_stray_quotes_are_cleaned_and_reported(messy: Any) -> None:
    services, report, _ = messy
    assert [p.number for p in services["messy-001"].phones] == ["01904 555 777", "0800 555 1234"]
    assert "messy-001: phones[0].number: removed stray quotes from '\"01904 555 777\"'" in report["problems"]


def test_out_of_range_coordinates_are_geocoded_from_the_postcode(messy: Any) -> None:
    services, report, _ = messy
    loc = services["messy-001"].locations[0]
    assert loc.precision == "postcode" and loc.postcode == "YO10 4PA"
    assert loc.latitude == pytest.approx(53.94337) and loc.longitude == pytest.approx(-1.07439)
    assert any(p.startswith("messy-001: service_at_locations[0].location.latitude: coordinates (0, 0) are "
                            "outside the UK; placed at postcode YO10 4PA") for p in report["problems"])


def test_unplaceable_location_is_kept_without_position_and_flagged(messy: Any) -> None:
    services, report, _ = messy
    loc = services["messy-002"].locations[0]
    assert loc.name == "Mobile team" and loc.latitude is None and loc.longitude is None
    assert any(p.startswith("messy-002: service_at_locations[0].location.latitude: coordinates (153.9, -1.05)")
               and p.endswith("kept without a map position") for p in report["problems"])
    swapped = [p for p in report["problems"] if p.startswith("messy-007: service_at_locations[0].location.latitude")]
    assert swapped and "look swapped" in swapped[0]


def test_non_uk_postcode_missing_organisation_and_area_inferred(messy: Any) -> None:
    services, report, _ = messy
    s = services["messy-003"]
    assert s.organization is None and s.locations[0].postcode is None
    assert s.service_areas == [YORK]  # from the location's coordinates
    problems = report["problems"]
    assert "messy-003: organization: missing; the service is kept without one" in problems
    assert "messy-003: service_at_locations[0].location.postcode: '75008' is not a UK postcode; left out" in problems
    assert any(p.startswith("messy-003: service_areas: none usable in the feed; used E06000014 (York)") for p in problems)


def test_bad_links_and_foreign_numbers_are_left_out_the_rest_kept(messy: Any) -> None:
    services, report, _ = messy
    assert services["messy-001"].url is None and services["messy-001"].organization.url is None
    s = services["messy-007"]
    assert [p.number for p in s.phones] == ["01332 555 888"]
    assert s.email == "help@young-survivors.example.org"
    assert (s.min_age, s.max_age) == (0, 120)  # impossible range left out
    assert s.last_verified == dt.date.today()  # future date refused
    assert s.service_areas == [DERBY]
    problems = report["problems"]
    assert any(p.startswith("messy-007: phones[0].number: '+33 1 23 45 67 89' is not a UK phone number") for p in problems)
    assert "messy-007: minimum_age: minimum age 18 is above maximum age 5; both left out" in problems
    assert "messy-007: last_modified: 2999-01-01 is in the future; left out" in problems
    assert any(p.startswith("messy-001: url: 'javascript:alert(1)' is not a link") for p in problems)


def test_duplicates_keep_the_first_and_report_the_rest(messy: Any) -> None:
    services, report, _ = messy
    assert services["messy-002"].name == "Outreach Play Therapy"
    assert report["duplicate_records"] == [
        {"id": "messy-002", "record": 5, "first_record": 2, "name": "Outreach Play Therapy (copy)"}
    ]
    assert "messy-002: id: record 5 repeats the id of record 2; only the first is imported" in report["problems"]


def test_records_that_cannot_be_services_are_listed_with_every_problem(messy: Any) -> None:
    _, report, _ = messy
    rejected = {r["id"]: r["problems"] for r in report["not_imported_records"]}
    assert set(rejected) == {"messy-004", "messy-006", "(record 8)", "(record 9)", "messy-010", "messy-011"}
    assert "messy-004: name: is required" in rejected["messy-004"]
    # ORUK does not require a description: its absence is reported, never a reason to reject
    assert any(p.startswith("messy-004: description: missing") for p in rejected["messy-004"])
    assert any(p.startswith("messy-004: phones[0].number: 'call us'") for p in rejected["messy-004"])
    assert rejected["(record 8)"] == ["(record 8): record: is a str, not a service object"]
    assert "(record 9): id: is missing" in rejected["(record 9)"]
    assert any("postcode in Wales" in p for p in rejected["messy-010"])
    assert any(p.startswith("messy-010: service_areas[0]: 'W06000015'") for p in rejected["messy-010"])
    # every problem line has the shape id: field: problem
    for line in report["problems"]:
        assert len(line.split(": ", 2)) == 3, line


def test_unmapped_terms_are_listed_with_their_services(messy: Any) -> None:
    _, report, _ = messy
    got = {(t["name"], tuple(t["services"])) for t in report["unmapped_terms"]}
    assert got == {
        ("Knitting circle", ("messy-006",)),
        ("Confidential advice", ("messy-011",)),
        ("Young people's groups", ("messy-007",)),
    }


# ---- idempotence, overlay, taxonomy map --------------------------------------------------

def test_import_is_idempotent(tmp_path: Path) -> None:
    out = tmp_path / "out"
    import_file("messy.json", out)
    first = {p.name: p.read_bytes() for p in (out / "services").iterdir()}
    report_first = (out / "oruk-import-report.yaml").read_bytes()
    import_file("messy.json", out)
    assert {p.name: p.read_bytes() for p in (out / "services").iterdir()} == first
    assert (out / "oruk-import-report.yaml").read_bytes() == report_first


def test_a_record_without_a_date_keeps_the_date_of_its_first_import(tmp_path: Path) -> None:
    records = json.loads((FIXTURES / "list.json").read_text())
    first = import_records(records, context())
    derby = next(s for s in first.services if s.id == "svc-derby-parents")
    assert derby.last_verified == dt.date(2026, 1, 1)
    later = import_records(records, Context(Geography.load(), TaxonomyMap.load(), "feed.json",
                                            today=dt.date(2026, 3, 1),
                                            previous_dates={"svc-derby-parents": dt.date(2026, 1, 1)}))
    assert next(s for s in later.services if s.id == "svc-derby-parents").last_verified == dt.date(2026, 1, 1)


def test_overlay_adds_pathway_fields_and_rescues_records(tmp_path: Path) -> None:
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text(
        "services:\n"
        "  MESSY-001:\n"  # the feed's own id works as well as the Waymark id
        "    stages: [therapeutic_support, later_support]\n"
        "    available_during_investigation: true\n"
        "    requires_disclosure: false\n"
        "  messy-011:\n"
        "    service_types: [prevention, helpline]\n"
        "    accepts_self_referral: true\n"
        "  not-in-feed:\n"
        "    for_parents: true\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    code, report = import_file("messy.json", out, "--overlay", str(overlay))
    assert code == 0
    services = services_of(out)
    s = services["messy-001"]
    assert s.stages == ["therapeutic_support", "later_support"]
    assert s.available_during_investigation is True and s.requires_disclosure is False
    assert services["messy-011"].service_types == ["prevention", "helpline"]
    assert "messy-011" not in {r["id"] for r in report["not_imported_records"]}
    assert "not-in-feed: overlay: no record with this id in the feed" in report["problems"]
    # a re-import (the overlay found in DIR by default) keeps the local knowledge
    (out / "overlay.yaml").write_text(overlay.read_text(), encoding="utf-8")
    import_file("messy.json", out)
    assert services_of(out)["messy-001"].available_during_investigation is True


def test_bad_overlay_field_is_refused_with_its_line(tmp_path: Path) -> None:
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text("services:\n  messy-001:\n    stagez: [advocacy]\n", encoding="utf-8")
    with pytest.raises(DataFileError) as exc:
        from services.oruk.overlay import load_overlay

        load_overlay(overlay)
    assert f"{overlay}:3: messy-001.stagez: is not a Waymark service field" in str(exc.value)
    assert run_cli("import-oruk", str(FIXTURES / "single.json"), "--out", str(tmp_path / "o"),
                   "--overlay", str(overlay)) == 1


def test_invalid_overlay_value_is_reported_and_left_out(tmp_path: Path) -> None:
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text("services:\n  messy-001:\n    stages: [advocacy, not_a_stage]\n", encoding="utf-8")
    _, report = import_file("messy.json", tmp_path / "out", "--overlay", str(overlay))
    assert services_of(tmp_path / "out")["messy-001"].stages == ["advocacy"]
    assert any(p.startswith("messy-001: stages[1] (overlay): 'not_a_stage' is not one of the known ids")
               for p in report["problems"])


def test_taxonomy_map_can_be_extended(tmp_path: Path) -> None:
    mapfile = tmp_path / "map.yaml"
    mapfile.write_text("terms:\n  knitting circle: [family_support]\n  Confidential advice: helpline\n", encoding="utf-8")
    _, report = import_file("messy.json", tmp_path / "out", "--taxonomy-map", str(mapfile))
    services = services_of(tmp_path / "out")
    assert services["messy-006"].service_types == ["family_support"]
    assert services["messy-011"].service_types == ["helpline"]
    assert "messy-001" not in services  # 'Counselling' is not in this small map
    assert any(t["name"] == "Counselling" for t in report["unmapped_terms"])


def test_bad_taxonomy_map_names_the_line(tmp_path: Path) -> None:
    mapfile = tmp_path / "map.yaml"
    mapfile.write_text("terms:\n  Counselling: [therapy]\n", encoding="utf-8")
    with pytest.raises(DataFileError) as exc:
        TaxonomyMap.load(mapfile)
    assert f"{mapfile}:2: Counselling: 'therapy' is not a Waymark service type" in str(exc.value)


def test_shipped_taxonomy_map_loads_and_covers_every_waymark_term() -> None:
    from services.oruk.taxonomy_map import Term
    from services.vocabulary import SERVICE_TYPES

    m = TaxonomyMap.load()
    for t in SERVICE_TYPES:
        assert m.lookup(Term(f"waymark:service_type:{t}")) == (t,)
        assert m.lookup(Term(None, None, t)) == (t,)
    assert m.lookup(Term(None, None, "Sexual Assault Referral Centre")) == ("sarc",)
    assert m.lookup(Term(None, None, "Sports and leisure")) == ()


# ---- CLI edges ---------------------------------------------------------------------------

def test_cli_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli("import-oruk", str(tmp_path / "missing.json"), "--out", str(tmp_path / "o")) == 1
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert run_cli("import-oruk", str(bad), "--out", str(tmp_path / "o")) == 1
    nothing = tmp_path / "nothing.json"
    nothing.write_text('[{"id": "x", "name": "No description"}]', encoding="utf-8")
    assert run_cli("import-oruk", str(nothing), "--out", str(tmp_path / "o")) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "is not valid JSON" in err and "could become a Waymark service" in err
    with pytest.raises(SystemExit) as exc:
        run_cli("import-oruk", str(bad), "--out", str(tmp_path / "o"), "--retries", "lots")
    assert exc.value.code == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [("09:00", dt.time(9)), ("9:30:15", dt.time(9, 30, 15)), ("0900", dt.time(9)), ("9am", dt.time(9)),
     ("12pm", dt.time(12)), ("12am", dt.time(0)), ("24:00", dt.time(23, 59)), ("25:00", None), ("noon", None)],
)
def test_parse_time(text: str, expected: dt.time | None) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("ABC-1", "abc-1"), ("3F1B2C4D-0001", "3f1b2c4d-0001"), ("svc 12/a", "svc-12-a"), ("--x", "x"), ("###", None)],
)
def test_waymark_id(text: str, expected: str | None) -> None:
    assert waymark_id(text) == expected


def test_read_feed_file_refuses_other_json(tmp_path: Path) -> None:
    from services.errors import DataError

    f = tmp_path / "f.json"
    f.write_text('{"hello": 1}', encoding="utf-8")
    with pytest.raises(DataError, match="is not an Open Referral UK feed"):
        read_feed_file(f)


def test_example_overlay_loads_and_names_only_service_fields() -> None:
    from services.oruk.overlay import load_overlay

    overlay = load_overlay(Path(__file__).resolve().parents[1] / "data" / "oruk" / "overlay.example.yaml")
    assert overlay and all(fields for fields in overlay.values())


@pytest.mark.parametrize("command", ["import-oruk", "export-oruk", "serve-api"])
def test_readme_documents_every_option(command: str) -> None:
    from services.cli import build_parser

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Open Referral UK"):]
    assert f"python -m services {command}" in section
    sub = next(a for a in build_parser()._subparsers._group_actions if a.dest == "command")  # type: ignore[union-attr]
    for action in sub.choices[command]._actions:
        for flag in action.option_strings:
            if flag.startswith("--") and flag != "--help":
                assert flag in section, f"{command} {flag} is not in the README"


def test_overlay_areas_may_be_names_or_former_codes(tmp_path: Path) -> None:
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text("services:\n  messy-011:\n    service_types: [prevention]\n"
                       "    service_areas: [York, E07000164, Narnia]\n", encoding="utf-8")
    _, report = import_file("messy.json", tmp_path / "out", "--overlay", str(overlay))
    assert services_of(tmp_path / "out")["messy-011"].service_areas == [YORK, "E06000065"]
    assert any(p.startswith("messy-011: service_areas[2] (overlay): 'Narnia'") for p in report["problems"])


# ---- robustness: any JSON a feed may hold is reported, never a crash ------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_KEYS = ["id", "name", "description", "url", "email", "status", "organization", "phones", "number", "type",
         "service_areas", "uri", "service_at_locations", "location", "latitude", "longitude", "addresses",
         "postal_code", "schedules", "opens_at", "closes_at", "byday", "attributes", "taxonomy_term",
         "taxonomy_terms", "minimum_age", "maximum_age", "languages", "cost_options", "amount", "last_modified",
         "assured_date", "contacts", "eligibilitys", "regular_schedules", "service_taxonomys", "value",
         "accessibility", "extension", "application_process", "wait_time", "fees_description"]
_scalars = st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=True) | st.text(max_size=12) | \
    st.sampled_from(["York", "YO10 5DD", "E06000014", "0800 1111", "2025-01-01", "waymark:field:source", "09:00",
                     "waymark:service_type:sarc", "Counselling", "https://x.example.org"])
_json = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(_KEYS), inner,
                                                                                          max_size=5), max_leaves=25)


@given(st.lists(st.dictionaries(st.sampled_from(_KEYS), _json, max_size=12) | _scalars, max_size=4))
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_any_json_is_imported_or_reported_never_a_crash(records: list[Any]) -> None:
    result = import_records(records, context())
    report = result.report
    assert report.records == len(records)
    assert len(report.imported) + len(report.not_imported) + len(report.duplicates) == len(records)


def test_service_area_from_a_geojson_extent_is_flagged() -> None:
    polygon = {"type": "Polygon", "coordinates": [[[-1.10, 53.94], [-1.05, 53.94], [-1.05, 53.97],
                                                    [-1.10, 53.97], [-1.10, 53.94]]]}
    record = {"id": "x", "name": "X", "description": "Y", "taxonomy_terms": [{"name": "Counselling"}],
              "service_areas": [{"extent": json.dumps(polygon), "extent_type": "geojson"}, {"extent": "Derby"}]}
    result = import_records([record], context())
    assert result.services[0].service_areas == [YORK, "E06000015"]
    assert any(str(p).startswith("x: service_areas[0]: '(a drawn extent)' was taken to be the authority at the "
                                 "centre of its extent, E06000014 (York)") for p in result.report.problems)
