"""Browsing the whole directory: filters and paging."""

from __future__ import annotations

from services.catalogue import ALL, NATIONAL_ONLY, PAGE_SIZE, BrowseFilters, areas_served, browse
from services.directory import load_directory

from .conftest import CORNWALL, YORK, service


def test_pages_cover_every_service_once_sorted(data_dir):
    root = data_dir({"a.yaml": [service(f"york-{i:03d}", name=f"Service {i:03d}") for i in range(60)]
                     + [service("helpline", name="Zed line", service_areas=["national"], service_types=["helpline"])]})
    d = load_directory(root)
    pages = [browse(d, page=p) for p in range(1, 4)]
    assert [p.pages for p in pages] == [3, 3, 3]
    names = [s.name for p in pages for s in p.services]
    assert names[0] == "Zed line"  # national first
    assert names[1:] == sorted(names[1:])
    assert len(names) == len(set(names)) == 61
    assert (pages[2].first, pages[2].last, pages[2].total) == (2 * PAGE_SIZE + 1, 61, 61)
    assert browse(d, page=99).page == 3 and browse(d, page=-5).page == 1


def test_filters(data_dir):
    root = data_dir({"a.yaml": [
        service("york-therapy", name="Therapy York", description="Counselling for children"),
        service("cornwall-csaac", name="Cornwall centre", service_areas=[CORNWALL], service_types=["csaac"]),
        service("helpline", service_areas=["national"], service_types=["helpline"], verified=False),
    ]})
    d = load_directory(root)
    ids = lambda f: [s.id for s in browse(d, f).services]  # noqa: E731
    assert ids(BrowseFilters(text="counselling CHILDREN")) == ["york-therapy"]
    assert ids(BrowseFilters(service_types=("csaac",))) == ["cornwall-csaac"]
    assert ids(BrowseFilters(area=NATIONAL_ONLY)) == ["helpline"]
    assert ids(BrowseFilters(area=YORK)) == ["york-therapy"]
    assert ids(BrowseFilters(area=ALL, only_checked=True)) == ["cornwall-csaac", "york-therapy"]
    assert browse(d, BrowseFilters(text="nothing like this")).total == 0
    assert areas_served(d) == {YORK: "York", CORNWALL: "Cornwall"}
