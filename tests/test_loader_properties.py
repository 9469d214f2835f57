"""Property-based: whatever bytes a data file holds, the loader answers with located
problems or good records — never a traceback, never a silent drop."""

from __future__ import annotations

import re

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.directory import load_directory
from services.errors import DataFileError
from services.yamlio import loads_yaml

from .conftest import service

PROBLEM = re.compile(r"^.+:\d+: [^:]+: .+")

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30), st.dates().map(lambda d: d.isoformat()),
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=12)
FIELDS = list(service("x"))


@st.composite
def mutated_records(draw):
    record = service(draw(st.from_regex(r"[a-z][a-z0-9-]{0,15}", fullmatch=True)))
    for _ in range(draw(st.integers(0, 3))):
        action = draw(st.sampled_from(["set", "delete", "add"]))
        if action == "set":
            record[draw(st.sampled_from(FIELDS))] = draw(values)
        elif action == "delete":
            record.pop(draw(st.sampled_from(FIELDS)), None)
        else:
            record[draw(st.text(min_size=1, max_size=12))] = draw(values)
    return record


fast = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@fast
@given(records=st.lists(mutated_records(), min_size=1, max_size=5))
def test_mutated_records_are_loaded_or_reported(tmp_path_factory, records):
    root = tmp_path_factory.mktemp("data")
    (root / "services").mkdir()
    (root / "services" / "a.yaml").write_text(yaml.safe_dump({"services": records}, allow_unicode=True))
    directory = load_directory(root, cache=False)
    for problem in directory.problems:
        assert PROBLEM.match(str(problem)), str(problem)
    # every record that did not load is named by a problem on a line of its own
    # (nothing silently dropped)
    dropped = len(records) - len(directory.services)
    assert len({p.line for p in directory.problems}) >= dropped
    # and nothing was made up: every loaded record is one of those written
    written = {str(r.get("id")).strip() for r in records if isinstance(r, dict)}
    assert {s.id for s in directory.services} <= written


@fast
@given(text=st.text(max_size=300))
def test_arbitrary_text_never_raises_anything_but_a_data_error(text):
    try:
        loads_yaml(text)
    except DataFileError as exc:
        assert all(PROBLEM.match(str(p)) for p in exc.problems)


@fast
@given(data=st.binary(max_size=200))
def test_arbitrary_bytes_in_a_file_are_reported(tmp_path_factory, data):
    root = tmp_path_factory.mktemp("data")
    (root / "services").mkdir()
    (root / "services" / "a.yaml").write_bytes(data)
    (root / "services" / "b.yaml").write_text(yaml.safe_dump({"services": [service("fine")]}))
    directory = load_directory(root, cache=False)
    assert "fine" in {s.id for s in directory.services}
    for problem in directory.problems:
        assert PROBLEM.match(str(problem)), str(problem)
