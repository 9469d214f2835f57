"""The loader: good records load, every bad one is reported as file:line: field: problem."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest

from services.directory import DirectoryCache, load_directory
from services.errors import DataError, DataFileError
from services.yamlio import loads_yaml

from .conftest import CORNWALL, YORK, service, write_data_dir


def problems_of(path: Path) -> list[str]:
    return [str(p) for p in load_directory(path).problems]


def test_good_records_load(data_dir):
    root = data_dir({"a.yaml": [service("york-one"), service("york-two", service_areas=[YORK, CORNWALL])]})
    directory = load_directory(root)
    assert [s.id for s in directory.services] == ["york-one", "york-two"]
    assert directory.problems == ()


def test_stages_default_from_taxonomy(data_dir):
    root = data_dir({"a.yaml": [service("york-csaac", service_types=["csaac"])]})
    directory = load_directory(root)
    stages = directory.get("york-csaac").stages
    assert "medical_assessment" in stages


@pytest.mark.parametrize(
    ("fields", "field", "fragment"),
    [
        ({"min_age": 19, "max_age": 17}, "record", "min_age 19 is above max_age 17"),
        ({"min_age": -1}, "min_age", "-1 cannot be below 0"),
        ({"service_types": ["astrology"]}, "service_types.0", "not one of the known ids"),
        ({"stages": ["nonsense"]}, "stages.0", "not one of the known ids"),
        ({"service_areas": ["York"]}, "service_areas", "not a local authority GSS code"),
        ({"service_areas": ["E06999999"]}, "service_areas", "not a current English children's services authority"),
        ({"phones": [{"number": "'0800 1111'"}]}, "phones.0.number", "not a UK phone number"),
        ({"phones": [{"number": "0800 11"}]}, "phones.0.number", "not a UK phone number"),
        ({"url": "javascript:alert(1)"}, "url", "use http(s), tel or mailto"),
        ({"last_verified": (dt.date.today() + dt.timedelta(days=3)).isoformat()}, "last_verified", "in the future"),
        ({"locations": [{"latitude": 48.85, "longitude": 2.35}]}, "locations.0", "outside the UK"),
        ({"colour": "blue"}, "colour", "is not a known field"),
        ({"source": None}, "source", "valid string"),
    ],
    ids=["ages-reversed", "negative-age", "unknown-type", "unknown-stage", "area-name", "unknown-area",
         "quoted-phone", "short-phone", "javascript-url", "future-date", "paris", "unknown-field", "no-source"],
)
def test_bad_record_is_reported_and_others_still_load(data_dir, fields, field, fragment):
    root = data_dir({"a.yaml": [service("good-one"), service("bad-one", **fields), service("good-two")]})
    directory = load_directory(root)
    assert [s.id for s in directory.services] == ["good-one", "good-two"]
    (problem,) = [str(p) for p in directory.problems]
    file, line, rest = problem.split(":", 2)
    assert file.endswith("services/a.yaml")
    assert int(line) > 1  # points into the bad record, not the top of the file
    assert rest.strip().startswith(f"{field}:")
    assert fragment in rest


def test_missing_required_field_points_at_record(data_dir):
    bad = service("no-name")
    del bad["name"]
    root = data_dir({"a.yaml": [service("first"), bad]})
    (problem,) = problems_of(root)
    assert ": name: is required" in problem


def test_duplicate_key_in_yaml_is_refused(data_dir):
    text = "services:\n  - id: dup\n    name: One\n    name: Two\n"
    root = data_dir({"a.yaml": text, "b.yaml": [service("fine")]})
    directory = load_directory(root)
    assert [s.id for s in directory.services] == ["fine"]
    assert problems_of(root) == ["data/services/a.yaml:4: name: duplicate key 'name' (first on line 3)"]


def test_duplicate_ids_across_files(data_dir):
    root = data_dir({"a.yaml": [service("same")], "b.yaml": [service("same")]})
    directory = load_directory(root)
    assert len(directory.services) == 1
    (problem,) = problems_of(root)
    assert problem.startswith("data/services/b.yaml:2: id: 'same' is already used in data/services/a.yaml")


def test_broken_yaml_file_does_not_take_down_the_rest(data_dir):
    root = data_dir({"a.yaml": "services:\n  - id: [unclosed\n", "b.yaml": [service("fine")]})
    directory = load_directory(root)
    assert [s.id for s in directory.services] == ["fine"]
    (problem,) = problems_of(root)
    assert problem.startswith("data/services/a.yaml:")
    assert ": yaml: " in problem


def test_alias_bomb_is_refused_quickly():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for name in "bcdefghij":
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
        prev = name
    with pytest.raises(DataFileError, match="alias bomb"):
        loads_yaml("\n".join(lines))


def test_oversized_file_is_refused(tmp_path):
    from services.yamlio import load_yaml

    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * 2000)
    with pytest.raises(DataFileError, match="limit is 1,000"):
        load_yaml(path, max_bytes=1000)


def test_missing_directory_is_a_clear_error(tmp_path):
    with pytest.raises(DataError, match="no such data directory"):
        load_directory(tmp_path / "nope")


def test_cache_keeps_last_good_directory_and_reloads_on_fix(data_dir):
    root = data_dir({"a.yaml": [service("one")]})
    cache = DirectoryCache()
    assert [s.id for s in cache.get(root).services] == ["one"]
    write_data_dir(root, {"a.yaml": [service("one"), service("two")]})
    assert [s.id for s in cache.get(root).services] == ["one", "two"]
    # a record-level error still loads the good ones and reports the bad
    write_data_dir(root, {"a.yaml": [service("one"), service("bad", min_age=-3)]})
    d = cache.get(root)
    assert [s.id for s in d.services] == ["one"] and d.problems
    # a broken taxonomy is fatal: the last good directory keeps being served
    (root / "taxonomy.yaml").write_text("stages: [\n")
    d2 = cache.get(root)
    assert [s.id for s in d2.services] == ["one"]
    assert cache.error[root.resolve()]
    (root / "taxonomy.yaml").unlink()
    write_data_dir(root, {"a.yaml": [service("three")]})
    assert [s.id for s in cache.get(root).services] == ["three"]
    assert root.resolve() not in cache.error


# -- what is derived from a directory: built once per key ------------------------------------

def test_concurrent_first_requests_build_a_derived_value_once(data_dir):
    """Two requests arriving together must not both build (the prefetch thread started twice,
    the ORUK export built twice): the others wait for the one build and get its value."""
    directory = load_directory(data_dir({"a.yaml": [service("york-one")]}))
    started, release, second_build = threading.Event(), threading.Event(), threading.Event()
    calls: list[int] = []

    def build() -> object:
        calls.append(1)
        if len(calls) > 1:
            second_build.set()
        started.set()
        release.wait()
        return object()

    results: list[object] = []

    def ask() -> None:
        results.append(directory.derived(("thing",), lambda kept: True, build))

    first = threading.Thread(target=ask)
    first.start()
    assert started.wait(10)  # the first caller is inside its build
    others = [threading.Thread(target=ask) for _ in range(4)]
    for t in others:
        t.start()
    # give a wrong implementation the chance to start a second build (nothing is timed)
    second_build.wait(0.2)
    release.set()
    for t in (first, *others):
        t.join(10)
    assert len(calls) == 1
    assert len(results) == 5 and all(r is results[0] for r in results)
    assert directory.derived(("thing",), lambda kept: True, build) is results[0] and len(calls) == 1


def test_a_failed_build_is_not_kept_and_the_next_caller_retries(data_dir):
    directory = load_directory(data_dir({"a.yaml": [service("york-one")]}))
    calls: list[int] = []

    def build() -> str:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the pathway file was half-saved")
        return "built"

    with pytest.raises(RuntimeError):
        directory.derived(("thing",), lambda kept: True, build)
    assert directory.derived(("thing",), lambda kept: True, build) == "built"
    assert directory.derived(("thing",), lambda kept: True, build) == "built" and len(calls) == 2


def test_a_waiting_caller_builds_when_the_first_build_fails(data_dir):
    directory = load_directory(data_dir({"a.yaml": [service("york-one")]}))
    started, release = threading.Event(), threading.Event()
    calls: list[int] = []

    def build() -> str:
        calls.append(1)
        if len(calls) == 1:
            started.set()
            release.wait()
            raise RuntimeError("first build failed")
        return "second"

    outcome: dict[str, object] = {}

    def first() -> None:
        try:
            directory.derived(("thing",), lambda kept: True, build)
        except RuntimeError as exc:
            outcome["first"] = exc

    def second() -> None:
        outcome["second"] = directory.derived(("thing",), lambda kept: True, build)

    a = threading.Thread(target=first)
    a.start()
    assert started.wait(10)
    b = threading.Thread(target=second)
    b.start()
    release.set()
    a.join(10)
    b.join(10)
    assert isinstance(outcome["first"], RuntimeError) and outcome["second"] == "second" and len(calls) == 2


def test_a_stale_derived_value_is_rebuilt(data_dir):
    directory = load_directory(data_dir({"a.yaml": [service("york-one")]}))
    assert directory.derived(("thing",), lambda kept: True, lambda: 1) == 1
    assert directory.derived(("thing",), lambda kept: kept == 2, lambda: 2) == 2
    assert directory.derived(("thing",), lambda kept: kept == 2, lambda: 3) == 2
