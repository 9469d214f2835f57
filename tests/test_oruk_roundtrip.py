"""export-oruk writes HSDS 3 that import-oruk turns back into the same directory."""

from __future__ import annotations

import json
from pathlib import Path
import pytest

from services.cli import main
from services.clitools import run
from services.directory import Directory, load_directory
from services.oruk import schema
from services.oruk.exporter import export_services

from .conftest import CORNWALL, YORK, service, write_data_dir

SHIPPED = Path(__file__).resolve().parents[1] / "data"


def every_field_directory(root: Path) -> Path:
    """A directory whose records use every field Waymark has, in awkward combinations."""
    full = service(
        "full-record",
        name="Full Record Service",
        description="Every field set.",
        organization={"id": "org-1", "name": "Org One", "description": "An organisation.",
                      "url": "https://org.example.org.uk", "email": "org@example.org.uk"},
        url="https://full.example.org.uk",
        email="full@example.org.uk",
        status="temporarily closed",
        phones=[
            {"number": "01904 555000", "description": "Main line", "languages": ["English", "Polish"]},
            {"number": "01904 555000", "type": "text", "description": "Same number, for texts"},
            {"number": "+44 (0)20 7123 4567", "type": "fax"},
            {"number": "116 123"},
        ],
        locations=[
            {"id": "loc-a", "name": "A", "address_1": "1 Road", "city": "York", "postcode": "YO10 5DD",
             "latitude": 53.94842, "longitude": -1.05354, "precision": "address",
             "description": "Side door", "accessibility": ["Lift", "Hearing loop"]},
            {"name": "No position", "postcode": "yo10 5dd", "precision": "area"},
            {"city": "Truro", "latitude": 50.26, "longitude": -5.05},
            {"name": "Outcode only", "postcode": "TR1"},
        ],
        service_areas=[YORK, CORNWALL, "national"],
        eligibility="Children in York.",
        languages=["English", "Welsh", "Klingon"],
        accessibility=["Large print", "BSL interpreters"],
        schedules=[
            {"description": "Always open", "open_24_7": True},
            {"description": "Weekdays", "byday": "Mon to Fri", "opens_at": "09:00", "closes_at": "17:30:30"},
            {"description": "Weekdays", "byday": "Mon to Fri", "opens_at": "09:00", "closes_at": "17:30:30"},
        ],
        cost_options=[{"option": "Free"}, {"amount": 12.5, "amount_description": "per session"}],
        free=False,
        service_types=["therapeutic", "parent_support"],
        stages=["later_support", "therapeutic_support"],
        min_age=5,
        max_age=25,
        for_parents=True,
        requires_disclosure=True,
        available_during_investigation=False,
        accepts_self_referral=None,
        referral_routes=["GP", "School"],
        waiting_weeks=3.5,
        source="A source, with commas; and \"quotes\"",
        last_verified="2025-12-31",
        verified=True,
        notes="Some notes.",
    )
    bare = service("bare", service_areas=["national"], service_types=["helpline"])
    return write_data_dir(root, {"a.yaml": [full, bare]})


def round_trip(directory: Directory, tmp_path: Path) -> tuple[Directory, str]:
    feed = tmp_path / "export.json"
    assert run(main, ["export-oruk", "--out", str(feed), "--data", str(directory.data_dir)]) == 0
    out = tmp_path / "imported"
    assert run(main, ["import-oruk", str(feed), "--out", str(out)]) == 0
    return load_directory(out), feed.read_text(encoding="utf-8")


def assert_same(before: Directory, after: Directory) -> None:
    assert after.problems == ()
    a = {s.id: s for s in before.services}
    b = {s.id: s for s in after.services}
    assert sorted(a) == sorted(b)
    for sid in a:
        assert b[sid] == a[sid], sid


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


def test_export_is_hsds3_with_waymark_attributes(tmp_path: Path) -> None:
    directory = load_directory(every_field_directory(tmp_path / "data"))
    exported = {e["id"]: e for e in export_services(directory)}
    full = exported["full-record"]
    for item in exported.values():
        schema.Service.model_validate(item)  # the published OpenAPI schema fits the data
    terms = [a["taxonomy_term_id"] for a in full["attributes"]]
    assert terms[:4] == ["waymark:service_type:therapeutic", "waymark:service_type:parent_support",
                         "waymark:stage:later_support", "waymark:stage:therapeutic_support"]
    values = {a["taxonomy_term_id"]: a["value"] for a in full["attributes"]}
    assert values["waymark:field:requires_disclosure"] == "true"
    assert values["waymark:field:accepts_self_referral"] == "null"
    assert json.loads(values["waymark:field:referral_routes"]) == ["GP", "School"]
    assert all(a["taxonomy_term"]["taxonomy_id"] == "waymark" for a in full["attributes"])
    assert (full["minimum_age"], full["maximum_age"]) == (5, 25)
    assert full["assured_date"] == "2025-12-31" and full["last_modified"] == "2025-12-31T00:00:00Z"
    assert full["organization"]["website"] == "https://org.example.org.uk"
    assert [a["uri"].rsplit("/", 1)[1] for a in full["service_areas"]] == [YORK, CORNWALL, "E92000001"]
    loc = full["service_at_locations"][0]["location"]
    assert loc["addresses"][0]["postal_code"] == "YO10 5DD" and loc["latitude"] == 53.94842
    # ids Waymark does not name are stable UUIDs
    assert export_services(directory) == list(exported.values())


def test_export_to_stdout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = every_field_directory(tmp_path / "data")
    assert run(main, ["export-oruk", "--out", "-", "--data", str(data)]) == 0
    assert [s["id"] for s in json.loads(capsys.readouterr().out)] == ["bare", "full-record"]


def test_export_of_a_missing_directory_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(main, ["export-oruk", "--out", str(tmp_path / "x.json"), "--data", str(tmp_path / "nope")]) == 1
    assert "no such data directory" in capsys.readouterr().err
