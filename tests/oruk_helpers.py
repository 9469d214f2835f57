"""Shared by the Open Referral UK tests: a directory using every field, and a comparison."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn

from services.directory import Directory
from services.oruk.api import create_app

from .conftest import CORNWALL, YORK, service, write_data_dir


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
            {"number": "01904 555999", "description": "Consultation line", "audience": "professionals"},
            {"number": "01904 555998", "audience": "professionals"},
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
            {"description": "Closed over Christmas", "valid_from": "2026-12-24", "valid_to": "2027-01-02",
             "closed": True},
            {"description": "Old Saturday hours", "byday": "SA", "opens_at": "10:00", "valid_to": "2020-01-31"},
        ],
        contacts=[{"name": "Ann Persona", "title": "Reception", "email": "ann@example.org.uk"}, {"title": "Duty desk"}],
        sources=[{"url": "https://org.example.org.uk/service", "title": "The service's page", "updated": "2025-11-02",
                  "read": "2025-12-31", "supports": ["min_age", "max_age", "referral_routes"]},
                 {"url": "https://org.example.org.uk/hours"}],
        availability="some_areas",
        attending=["in_person", "online"],
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
    bare = service("bare", service_areas=["national"], service_types=["helpline"], url="tel:08001111")
    return write_data_dir(root, {"a.yaml": [full, bare]})


def assert_same(before: Directory, after: Directory) -> None:
    assert after.problems == ()
    a = {s.id: s for s in before.services}
    b = {s.id: s for s in after.services}
    assert sorted(a) == sorted(b)
    for sid in a:
        assert b[sid] == a[sid], sid


@contextmanager
def serve_api(data_dir: Path) -> Iterator[str]:
    """The ORUK API over ``data_dir`` on a free loopback port, for as long as the block runs."""
    config = uvicorn.Config(create_app(data_dir), host="127.0.0.1", port=0, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
