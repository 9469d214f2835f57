"""import-oruk from a paged ORUK API on 127.0.0.1: paging, retries, resume, summaries."""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from services.cli import main
from services.clitools import run
from services.directory import load_directory
from services.errors import DataError
from services.oruk.fetch import Fetcher, FetchError

FIXTURES = Path(__file__).parent / "fixtures" / "oruk"


def feed_records() -> list[dict[str, Any]]:
    envelope = json.loads((FIXTURES / "envelope.json").read_text())
    v1 = json.loads((FIXTURES / "oruk_v1.json").read_text())
    return envelope["contents"] + v1["content"]  # 5 records


class StubFeed:
    """A tiny ORUK API: ``/services?page=N`` and ``/services/{id}``, with failures on demand."""

    def __init__(self, records: list[dict[str, Any]], *, per_page: int = 2, summaries: bool = False) -> None:
        self.records = records
        self.per_page = per_page
        self.summaries = summaries
        self.requests: list[str] = []
        self.fail: Counter[str] = Counter()  # request path+query → failures still to give
        self.slow: set[str] = set()
        self.missing: set[str] = set()

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, Any]:
        if not path.startswith("/api/"):
            return 404, {"detail": "not found"}
        path = path.removeprefix("/api")
        if path.rstrip("/") == "/services":
            page = int(query.get("page", ["1"])[0])
            pages = max(1, -(-len(self.records) // self.per_page))
            chunk = self.records[(page - 1) * self.per_page: page * self.per_page]
            if self.summaries:
                chunk = [{"id": r["id"], "name": r["name"]} for r in chunk]
            return 200, {"total_items": len(self.records), "total_pages": pages, "page_number": page,
                         "size": len(chunk), "first_page": page == 1, "last_page": page >= pages,
                         "empty": not chunk, "contents": chunk}
        if path.startswith("/services/"):
            sid = urllib.parse.unquote(path.removeprefix("/services/"))
            for r in self.records:
                if str(r["id"]) == sid and sid not in self.missing:
                    return 200, r
        return 404, {"detail": "not found"}

    def serve(self) -> Iterator[str]:
        feed = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                feed.requests.append(self.path)
                if self.path in feed.slow:
                    time.sleep(1.0)
                if feed.fail[self.path] > 0:
                    feed.fail[self.path] -= 1
                    status, body = 503, {"detail": "try later"}
                else:
                    parts = urllib.parse.urlsplit(self.path)
                    status, body = feed.answer(parts.path, urllib.parse.parse_qs(parts.query))
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/api"
        finally:
            server.shutdown()
            server.server_close()


@pytest.fixture
def stub() -> Iterator[tuple[StubFeed, str]]:
    feed = StubFeed(feed_records())
    gen = feed.serve()
    url = next(gen)
    yield feed, url
    gen.close()


def cli_import(url: str, out: Path, *extra: str) -> int:
    return run(main, ["import-oruk", url, "--out", str(out), "--retries", "1", "--retry-wait", "0",
                      "--timeout", "5", *extra])


def report_of(out: Path) -> dict[str, Any]:
    return yaml.safe_load((out / "oruk-import-report.yaml").read_text(encoding="utf-8"))


def test_follows_every_page_and_matches_the_file_import(stub: tuple[StubFeed, str], tmp_path: Path) -> None:
    feed, url = stub
    assert cli_import(url, tmp_path / "api") == 0
    assert feed.requests == ["/api/services?page=1", "/api/services?page=2", "/api/services?page=3"]
    from_api = {s.id: s for s in load_directory(tmp_path / "api").services}
    (tmp_path / "feed.json").write_text(json.dumps(feed_records()), encoding="utf-8")
    assert run(main, ["import-oruk", str(tmp_path / "feed.json"), "--out", str(tmp_path / "file")]) == 0
    from_file = {s.id: s for s in load_directory(tmp_path / "file").services}
    assert sorted(from_api) == sorted(from_file) and len(from_api) == 5
    for sid, s in from_api.items():
        assert s.source == f"{url}/services/{sid}"
        assert s.model_copy(update={"source": "x"}) == from_file[sid].model_copy(update={"source": "x"})
    assert not (tmp_path / "api" / ".oruk-fetch").exists()


def test_failure_midway_then_resume(stub: tuple[StubFeed, str], tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    feed, url = stub
    out = tmp_path / "out"
    feed.fail["/api/services?page=2"] = 2  # more than one try and one retry
    assert cli_import(url, out) == 1
    err = capsys.readouterr().err
    assert "failed after 2 attempt(s) (HTTP 503)" in err and "run the same command again to resume" in err
    assert "Traceback" not in err
    assert not (out / "services").exists()  # nothing half-written
    state = json.loads((out / ".oruk-fetch" / "state.json").read_text())
    assert state["next_page"] == 2

    assert cli_import(url, out) == 0  # the server has recovered
    assert Counter(feed.requests)["/api/services?page=1"] == 1  # page 1 was not fetched again
    assert feed.requests[-2:] == ["/api/services?page=2", "/api/services?page=3"]
    assert len(load_directory(out).services) == 5
    assert not (out / ".oruk-fetch").exists()


def test_transient_errors_are_retried(stub: tuple[StubFeed, str], tmp_path: Path) -> None:
    feed, url = stub
    feed.fail["/api/services?page=1"] = 1
    assert cli_import(url, tmp_path / "out") == 0
    assert feed.requests[:2] == ["/api/services?page=1", "/api/services?page=1"]


def test_summary_lists_fetch_each_full_record(tmp_path: Path) -> None:
    feed = StubFeed(feed_records(), per_page=3, summaries=True)
    feed.missing.add("svc-helpline-1")
    gen = feed.serve()
    url = next(gen)
    try:
        assert cli_import(url, tmp_path / "out") == 0
    finally:
        gen.close()
    assert "/api/services/3f1b2c4d-0001-4a6b-9c2d-york00000001" in feed.requests
    ids = {s.id for s in load_directory(tmp_path / "out").services}
    assert ids == {"3f1b2c4d-0001-4a6b-9c2d-york00000001", "svc-cornwall-isva", "svc-derby-parents", "4021"}
    report = report_of(tmp_path / "out")
    assert any(p.startswith("svc-helpline-1: record: the full record could not be fetched") for p in report["problems"])
    assert "svc-helpline-1" in {r["id"] for r in report["not_imported_records"]}


def test_a_url_that_is_not_an_oruk_api_is_not_retried(stub: tuple[StubFeed, str], tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    feed, url = stub
    assert cli_import(url + "/nothing-here", tmp_path / "out") == 1
    assert len(feed.requests) == 1
    assert "HTTP 404" in capsys.readouterr().err


def test_timeouts_and_refused_connections_end_in_a_fetch_error(stub: tuple[StubFeed, str], tmp_path: Path) -> None:
    feed, url = stub
    feed.slow.add("/api/services?page=1")
    fetcher = Fetcher(url, tmp_path / "state", timeout=0.2, retries=1, retry_wait=0)
    with pytest.raises(FetchError, match="failed after 2 attempt"):
        fetcher.fetch()
    assert feed.requests == ["/api/services?page=1"] * 2
    closed = Fetcher("http://127.0.0.1:9/api", tmp_path / "state2", timeout=1, retries=0)
    with pytest.raises(DataError):
        closed.fetch()


def test_saved_state_of_another_feed_is_ignored(stub: tuple[StubFeed, str], tmp_path: Path) -> None:
    feed, url = stub
    state = tmp_path / "out" / ".oruk-fetch"
    state.mkdir(parents=True)
    (state / "state.json").write_text(json.dumps({"base_url": "http://elsewhere.example", "per_page": None,
                                                  "next_page": 9}))
    assert cli_import(url, tmp_path / "out") == 0
    assert feed.requests[0] == "/api/services?page=1"
