"""Issue 8, bad data: every rejection the issue lists, located exactly as
``file:line: field: problem``, and oversized or alias-bomb YAML refused within a bounded
amount of memory (measured with tracemalloc; no wall-clock assertions).

tests/test_directory.py checks that each kind of bad record is reported and the rest
load; this file pins the exact line and field of each case the issue names, with the
expected line marked in the YAML itself (``# <-``).
"""

from __future__ import annotations

import datetime as dt
import os
import tracemalloc

import pytest

from services.directory import load_directory
from services.errors import DataFileError
from services.yamlio import MAX_FILE_BYTES, load_yaml, loads_yaml

from .conftest import service, write_data_dir

FUTURE = (dt.date.today() + dt.timedelta(days=30)).isoformat()

GOOD = """\
services:
  - id: good-one
    name: Good one
    description: Fine.
    service_areas: [E06000014]
    service_types: [therapeutic]
    source: test
    last_verified: 2026-01-01
"""


def bad_record(extra: str, *, head: str = "  - id: bad-one") -> str:
    """A record whose fields are fine except ``extra`` (indented YAML lines)."""
    return (
        f"{head}\n"
        "    name: Bad one\n"
        "    description: Not fine.\n"
        "    source: test\n"
        "    last_verified: 2026-01-01\n"
        + ("    service_areas: [E06000014]\n" if "service_areas" not in extra else "")
        + ("    service_types: [therapeutic]\n" if "service_types" not in extra else "")
        + extra
    )


# (case id, the bad record's extra lines (the expected line marked "# <-"), field, fragment)
CASES = [
    ("duplicate-key", "    name: Again  # <-\n", "name", "duplicate key 'name' (first on line"),
    ("duplicate-key-nested", "    locations:\n      - city: York\n        city: Leeds  # <-\n", "city",
     "duplicate key 'city'"),
    ("unknown-service-type", "    service_types: [therapeutic, astrology]  # <-\n", "service_types.1",
     "'astrology' is not one of the known ids"),
    ("unknown-stage", "    stages: [later_support, stage_99]  # <-\n", "stages.1", "'stage_99' is not one of the known ids"),
    ("unknown-area", "    service_areas: [E06999999]  # <-\n", "service_areas",
     "E06999999 is not a current English children's services authority code"),
    ("area-not-a-code", "    service_areas: [Yorkshire]  # <-\n", "service_areas", "not a local authority GSS code"),
    ("age-over-120", "    max_age: 130  # <-\n", "max_age", "130 is more than 120"),
    ("age-negative", "    min_age: -2  # <-\n", "min_age", "-2 cannot be below 0"),
    ("ages-reversed", "    min_age: 16\n    max_age: 4\n", "record", "min_age 16 is above max_age 4"),
    ("age-not-a-number", "    min_age: five  # <-\n", "min_age", "'five' is not a whole number"),
    *((f"phone-{case}", f"    phones:\n      - number: {number}  # <-\n", "phones.0.number", "not a UK phone number")
      for case, number in [("too-short", "'0800 11'"), ("foreign", "'+1 212 555 0100'"), ("letters", "01904 CALLUS")]),
    *((f"url-{scheme}", f"    url: {url}  # <-\n", "url", "use http(s), tel or mailto")
      for scheme, url in [("javascript", "javascript:alert(1)"), ("data", "data:text/html,hello"),
                          ("ftp", "ftp://example.org/file"), ("file", "file:///etc/passwd")]),
    ("url-no-host", "    url: https://localhost  # <-\n", "url", "has no web host"),
    ("org-url-javascript", "    organization:\n      name: Org\n      url: ' JAVASCRIPT:alert(1)'  # <-\n",
     "organization.url", "use http(s), tel or mailto"),
    ("future-last-verified", f"    last_verified: {FUTURE}  # <-\n", "last_verified", "is in the future"),
    ("coordinates-paris", "    locations:\n      - latitude: 48.85  # <-\n        longitude: 2.35\n", "locations.0",
     "outside the UK"),
    ("coordinates-null-island", "    locations:\n      - latitude: 0  # <-\n        longitude: 0\n", "locations.0",
     "outside the UK"),
    ("coordinates-half", "    locations:\n      - latitude: 53.9  # <-\n", "locations.0", "must be given together"),
]


def _expected_line(text: str, case: str) -> int:
    lines = text.splitlines()
    marked = [i + 1 for i, line in enumerate(lines) if "# <-" in line]
    if marked:
        return marked[0]
    # no marker: the problem is about the whole record, located at its first line
    return next(i + 1 for i, line in enumerate(lines) if line.strip() == "- id: bad-one")


@pytest.mark.parametrize(("case", "extra", "field", "fragment"), CASES, ids=[c[0] for c in CASES])
def test_each_listed_case_is_refused_with_file_line_field_problem(tmp_path, case, extra, field, fragment):
    record = bad_record(extra)
    if case == "future-last-verified":  # replaces the record's own date
        record = record.replace("    last_verified: 2026-01-01\n", "", 1)
    text = GOOD + record
    root = write_data_dir(tmp_path / "data", {"a.yaml": text})
    directory = load_directory(root, cache=False)
    line = _expected_line(text, case)
    problems = [str(p) for p in directory.problems]
    assert len(problems) == 1, problems
    prefix = f"data/services/a.yaml:{line}: {field}: "
    assert problems[0].startswith(prefix), (problems[0], prefix)
    assert fragment in problems[0]
    if case.startswith("duplicate-key"):
        # a duplicate key is refused for the whole file (PyYAML would keep the last silently)
        assert len(directory.services) == 0 and directory.failed_files == ("data/services/a.yaml",)
    else:
        assert [s.id for s in directory.services] == ["good-one"]


def test_duplicate_id_in_the_same_file_and_across_files(tmp_path):
    a = GOOD + bad_record("", head="  - id: good-one  # <-")
    root = write_data_dir(tmp_path / "data", {"a.yaml": a, "b.yaml": [service("good-one")]})
    problems = [str(p) for p in load_directory(root, cache=False).problems]
    assert problems == [
        f"data/services/a.yaml:{_expected_line(a, 'dup')}: id: 'good-one' is already used in data/services/a.yaml",
        "data/services/b.yaml:2: id: 'good-one' is already used in data/services/a.yaml",
    ]


def test_every_problem_of_a_bad_file_is_listed_not_just_the_first(tmp_path):
    text = GOOD + bad_record("    max_age: 130\n") + bad_record("    url: javascript:x\n", head="  - id: bad-two")
    root = write_data_dir(tmp_path / "data", {"a.yaml": text})
    problems = [str(p) for p in load_directory(root, cache=False).problems]
    assert [p.split(": ")[1] for p in problems] == ["max_age", "url"]


# ---- bounded time and memory -----------------------------------------------------------

def _peak_bytes(fn) -> tuple[BaseException | None, int]:
    tracemalloc.start()
    try:
        try:
            fn()
        except BaseException as exc:  # noqa: BLE001 - returned to the test
            return exc, tracemalloc.get_traced_memory()[1]
        return None, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _bomb(levels: int, width: int = 10, *, mapping: bool = False) -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels + 1):
        if mapping:
            body = ", ".join(f"k{j}: *a{i - 1}" for j in range(width))
            lines.append(f"a{i}: &a{i} {{{body}}}")
        else:
            lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("text", "what"),
    [
        (_bomb(12), "10^13 values through list aliases"),
        (_bomb(12, mapping=True), "10^13 values through mapping aliases"),
        (_bomb(30, width=2), "2^31 values, deep and narrow"),
    ],
    ids=["list-bomb", "mapping-bomb", "narrow-bomb"],
)
def test_alias_bombs_are_refused_in_bounded_memory(text, what):
    exc, peak = _peak_bytes(lambda: loads_yaml(text, label="bomb.yaml"))
    assert isinstance(exc, DataFileError), (what, exc)
    assert "alias bomb" in str(exc)
    assert str(exc).startswith("bomb.yaml:0: yaml: ")
    assert peak < 20 * 1024 * 1024, f"{what}: peak {peak:,} bytes"


def test_alias_bomb_in_a_data_file_does_not_take_down_the_rest(tmp_path):
    root = write_data_dir(tmp_path / "data", {"a.yaml": _bomb(12), "b.yaml": [service("fine")]})
    exc, peak = _peak_bytes(lambda: load_directory(root, cache=False))
    assert exc is None, exc
    directory = load_directory(root, cache=False)
    assert [s.id for s in directory.services] == ["fine"]
    assert [str(p) for p in directory.problems][0].startswith("data/services/a.yaml:0: yaml: expands to more than")
    assert peak < 200 * 1024 * 1024, peak


def test_oversized_file_is_refused_without_being_read(tmp_path):
    path = tmp_path / "huge.yaml"
    with open(path, "wb") as fh:  # sparse: takes no disk space, but stat() says > the limit
        fh.truncate(MAX_FILE_BYTES + 1)
    exc, peak = _peak_bytes(lambda: load_yaml(path, label="huge.yaml"))
    assert isinstance(exc, DataFileError)
    assert str(exc) == f"huge.yaml:0: file: is {MAX_FILE_BYTES + 1:,} bytes; the limit is {MAX_FILE_BYTES:,}"
    assert peak < 1024 * 1024, peak  # never read into memory


def test_oversized_file_in_a_directory_is_reported_and_the_rest_load(tmp_path):
    root = write_data_dir(tmp_path / "data", {"b.yaml": [service("fine")]})
    with open(root / "services" / "a.yaml", "wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)
    directory = load_directory(root, cache=False)
    assert [s.id for s in directory.services] == ["fine"]
    (problem,) = [str(p) for p in directory.problems]
    assert problem.startswith("data/services/a.yaml:0: file: is ")


def test_deep_nesting_is_refused_not_a_recursion_crash():
    exc, _ = _peak_bytes(lambda: loads_yaml("a: " + "[" * 5000 + "]" * 5000, label="deep.yaml"))
    assert isinstance(exc, DataFileError), exc
    assert "deep.yaml" in str(exc) and ": yaml: " in str(exc)


def test_not_utf8_and_unreadable_files_are_reported(tmp_path):
    root = write_data_dir(tmp_path / "data", {"b.yaml": [service("fine")]})
    (root / "services" / "a.yaml").write_bytes(b"services:\n  - id: \xff\xfe\n")
    problems = [str(p) for p in load_directory(root, cache=False).problems]
    assert problems and problems[0].startswith("data/services/a.yaml:0: file: is not UTF-8 text")
    if os.geteuid() != 0:  # root can read anything
        (root / "services" / "a.yaml").chmod(0)
        problems = [str(p) for p in load_directory(root, cache=False).problems]
        assert problems[0].startswith("data/services/a.yaml:0: file: cannot be read")
