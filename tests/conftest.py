"""Shared fixtures: small data directories written into tmp_path."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

# The browser fixtures (app_server, browser, page, requests_seen) live with their helpers.
pytest_plugins = ["tests.browser_support"]

YORK = "E06000014"
CORNWALL = "E06000052"
ISLINGTON = "E09000019"
DERBY = "E06000015"
SHROPSHIRE = "E06000051"
BRACKNELL = "E06000036"

#: The six hand-compiled areas: each one's file in data/services/ (by stem) and its authority code.
COMPILED_AREAS = {"bracknell_forest": BRACKNELL, "cornwall": CORNWALL, "derby": DERBY, "islington": ISLINGTON,
                  "shropshire": SHROPSHIRE, "york": YORK}

#: A plan's JSON keys: the DESIGN keys, in order, then the keys Waymark adds (docs/contracts.md).
PLAN_KEYS = ["situation", "area", "steps", "strategy_discussion_invitees", "prompts", "later_contacts", "summary"]


def service(id: str, **fields: Any) -> dict[str, Any]:
    """A minimal valid service record, checked today (so never out of date); override any field."""
    record: dict[str, Any] = {
        "id": id,
        "name": id.replace("-", " ").title(),
        "description": f"Test service {id}.",
        "service_areas": [YORK],
        "service_types": ["therapeutic"],
        "source": "test fixture",
        "last_verified": dt.date.today().isoformat(),
        "verified": True,
        "min_age": 0,
        "max_age": 17,
    }
    record.update(fields)
    return record


#: data/SOURCES.md lists the national numbers no cited page was shown to state.
_UNCONFIRMED = re.compile(r"^- number not confirmed on a cited page: ([\w-]+) — .+$")


def unconfirmed_numbers() -> frozenset[str]:
    """Ids whose phone numbers no cited page is known to state, read from data/SOURCES.md (the
    list a maintainer reads); each record marks those numbers ``unconfirmed``."""
    text = (Path(__file__).resolve().parent.parent / "data" / "SOURCES.md").read_text(encoding="utf-8")
    return frozenset(m.group(1) for line in text.splitlines() if (m := _UNCONFIRMED.match(line)))


def write_data_dir(root: Path, files: dict[str, Any]) -> Path:
    """Write ``{file name: services list or raw text}`` under root/services/."""
    (root / "services").mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = root / "services" / name
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_text(yaml.safe_dump({"services": content}, sort_keys=False), encoding="utf-8")
    return root


@pytest.fixture
def data_dir(tmp_path: Path) -> Callable[[dict[str, Any]], Path]:
    def make(files: dict[str, Any]) -> Path:
        return write_data_dir(tmp_path / "data", files)

    return make


@pytest.fixture(scope="session")
def shipped():
    """The shipped data directory, loaded once for the run (tests only read it)."""
    from services.directory import load_directory

    return load_directory()


@pytest.fixture
def shipped_page(request, monkeypatch):
    """The test module's page (its ``PAGE``) run in AppTest on the shipped data."""
    from tests.app_helpers import page_test, warm

    monkeypatch.delenv("WAYMARK_DATA", raising=False)
    warm()
    return page_test(request.module.PAGE).run()
