"""The warm-start cache gives back exactly the cold-loaded directory and notices edits."""

from __future__ import annotations

import os

import numpy as np
import pytest

from services.cache import cache_file
from services.directory import load_directory
from services.search import SearchFilters, search
from services.store import ServiceStore

from .conftest import service, write_data_dir


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("WAYMARK_CACHE_DIR", str(tmp_path / "cache"))


def test_warm_load_equals_cold_load(data_dir):
    root = data_dir({"a.yaml": [service(f"s-{i}", locations=[{"latitude": 53.9 + i / 1000, "longitude": -1.08}])
                                for i in range(30)] + [service("bad", min_age=-1)]})
    cold = load_directory(root, cache=True)
    assert cache_file(root).exists()
    warm = load_directory(root, cache=True)
    assert list(warm.services) == list(cold.services)
    assert [str(p) for p in warm.problems] == [str(p) for p in cold.problems]
    for name in ("min_age", "type_bits", "loc_lat", "checked"):
        assert np.array_equal(getattr(warm.index, name), getattr(cold.index, name))
    place = warm.resolve_place("YO10 5DD")
    assert [h.service.id for h in search(warm, place, SearchFilters(age=5))] == [
        h.service.id for h in search(cold, place, SearchFilters(age=5))
    ]


def test_editing_a_file_invalidates_the_cache(data_dir):
    root = data_dir({"a.yaml": [service("one")]})
    load_directory(root, cache=True)
    write_data_dir(root, {"a.yaml": [service("one"), service("two")]})
    path = root / "services" / "a.yaml"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10_000))
    assert [s.id for s in load_directory(root, cache=True).services] == ["one", "two"]


def test_corrupt_cache_is_ignored(data_dir):
    root = data_dir({"a.yaml": [service("one")]})
    load_directory(root, cache=True)
    cache_file(root).write_bytes(b"not a pickle")
    assert [s.id for s in load_directory(root, cache=True).services] == ["one"]


def test_store_materialises_lazily_from_payloads():
    records = [service(f"s-{i}") for i in range(3)]
    from services.models import Service

    objects = [Service.model_validate(r) for r in records]
    store = ServiceStore(payloads=ServiceStore(objects).payloads(), ids=[s.id for s in objects])
    assert store.materialised() == 0
    assert store.get("s-1") == objects[1]
    assert store.materialised() == 1
    assert list(store) == objects
