"""Issue 8, faults: a data file edited into a broken state while the app runs, and an
online geocoder that never answers.

- The app keeps serving the last good directory, families see no error, maintainers see
  what is wrong (folded away on the Directory page); fixing the file brings the change in
  on the next run, without a restart (AppTest here; a real server in
  tests/test_reliability_browser.py).
- The opt-in Nominatim geocoder (``WAYMARK_ONLINE_GEOCODER=1``) pointed at a local socket
  that accepts and never answers: the lookup gives up within its timeout and the person
  gets the offline answer or a calm "could not be reached", never a hang or a traceback.
  Nothing here contacts any host but 127.0.0.1.
"""

from __future__ import annotations

import functools
import socket
import threading
import time
from pathlib import Path

import pytest

from services.directory import DirectoryCache, directories, load_directory
from services.errors import GeocoderUnavailable, PlaceNotFound
from services.geography import Geography, NominatimResolver
from tests.app_helpers import page_test, plain, texts, warm
from tests.conftest import service, write_data_dir

BROKEN_YAML = "services:\n  - id: york-one\n    name: [unclosed\n"


def _write(root: Path, records) -> None:
    write_data_dir(root, {"york.yaml": records})


@pytest.fixture
def live(tmp_path, monkeypatch):
    root = tmp_path / "data"
    _write(root, [service("york-one", name="First listing"), service("york-two", name="Second listing")])
    write_data_dir(root, {"national.yaml": [service("helpline", name="A helpline", service_areas=["national"],
                                                     service_types=["helpline"])]})
    monkeypatch.setenv("WAYMARK_DATA", str(root))
    warm(root)
    return root


def _names(at) -> list[str]:
    return [plain(b.label) for b in at.button if b.key and b.key.startswith("open-")]


def _maintainer_text(at) -> str:
    return "\n".join(c.value for c in at.code)


def test_unparseable_edit_keeps_serving_last_good_directory_until_fixed(live):
    at = page_test("directory").run()
    assert not at.exception
    assert {"First listing", "Second listing"} <= set(_names(at))
    assert not [e for e in at.expander if "Problems in the data files" in e.label]

    (live / "services" / "york.yaml").write_text(BROKEN_YAML, encoding="utf-8")  # a half-saved edit
    at.run()
    assert not at.exception
    assert {"First listing", "Second listing"} <= set(_names(at)), "families lost the York listings"
    assert not at.error, [e.value for e in at.error]
    (expander,) = [e for e in at.expander if "Problems in the data files" in e.label]
    assert "still showing the last version that worked" in texts(at)
    assert "data/services/york.yaml:4: yaml: " in _maintainer_text(at)
    assert directories.error[live.resolve()]

    # the family-facing page shows nothing of it
    family = page_test("find_support").run()
    assert not family.exception and not family.error
    assert "york.yaml" not in texts(family)

    _write(live, [service("york-one", name="First listing"), service("york-three", name="Third listing")])
    at.run()
    assert "Third listing" in _names(at) and "Second listing" not in _names(at)
    assert not [e for e in at.expander if "Problems in the data files" in e.label]
    assert live.resolve() not in directories.error


def test_a_bad_record_comes_in_with_the_rest_of_the_edit_and_is_named(live):
    at = page_test("directory").run()
    _write(live, [service("york-one", name="First listing"), service("york-four", name="Fourth listing"),
                  service("york-bad", name="Bad listing", min_age=12, max_age=3)])
    at.run()
    names = _names(at)
    assert "Fourth listing" in names and "Bad listing" not in names
    assert "york.yaml:" in _maintainer_text(at) and "min_age 12 is above max_age 3" in _maintainer_text(at)
    assert "still showing the last version" not in texts(at)


def test_broken_taxonomy_keeps_last_good_and_is_not_reloaded_on_every_run(live, monkeypatch):
    page_test("directory").run()
    (live / "taxonomy.yaml").write_text("stages: [\n", encoding="utf-8")
    loads = []
    import services.directory as directory_module

    real = directory_module.load_directory
    monkeypatch.setattr(directory_module, "load_directory", lambda *a, **k: loads.append(1) or real(*a, **k))
    at = page_test("directory").run()
    at.run()
    assert not at.exception and "First listing" in _names(at)
    assert "taxonomy.yaml" in _maintainer_text(at)
    assert len(loads) == 1, "an unchanged broken file must not be re-parsed on every page run"


def test_cache_serves_the_first_load_even_with_an_unparseable_file(tmp_path):
    """With no earlier good directory, the readable files load and the broken one is named."""
    root = write_data_dir(tmp_path / "data", {"a.yaml": BROKEN_YAML, "b.yaml": [service("fine")]})
    cache = DirectoryCache()
    d = cache.get(root)
    assert [s.id for s in d.services] == ["fine"]
    assert d.failed_files == ("data/services/a.yaml",)
    assert root.resolve() not in cache.error


def test_a_failed_file_is_never_written_to_the_warm_start_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("WAYMARK_CACHE_DIR", str(tmp_path / "cache"))
    root = write_data_dir(tmp_path / "data", {"a.yaml": BROKEN_YAML, "b.yaml": [service("fine")]})
    load_directory(root, cache=True)
    cache_dir = tmp_path / "cache"
    assert not cache_dir.exists() or not [p for p in cache_dir.rglob("*") if p.is_file()]


# ---- an online geocoder that never answers -------------------------------------------

class SilentServer:
    """A TCP socket on 127.0.0.1 that accepts connections and never says a word."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.received = b""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        self.sock.settimeout(0.2)
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.accepted.append(conn)
            conn.settimeout(0.5)
            try:
                self.received += conn.recv(4096)
            except OSError:
                pass

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        for c in self.accepted:
            c.close()
        self.sock.close()


@pytest.fixture
def silent_geocoder(monkeypatch):
    import geopy.geocoders
    from geopy.geocoders import Nominatim

    server = SilentServer()
    monkeypatch.setattr(geopy.geocoders, "Nominatim",
                        functools.partial(Nominatim, domain=f"127.0.0.1:{server.port}", scheme="http"))
    monkeypatch.setenv("WAYMARK_ONLINE_GEOCODER", "1")
    Geography.clear_cache()
    try:
        yield server
    finally:
        Geography.clear_cache()
        server.close()


UNKNOWN = "Little Nowhere-on-the-Marsh"


def test_geocoder_that_never_answers_times_out_and_falls_back(silent_geocoder):
    geo = Geography.load()
    assert geo.online
    assert geo.resolve("Truro").kind == "place"  # offline answers never wait for the network
    assert not silent_geocoder.accepted
    started = time.monotonic()
    with pytest.raises(PlaceNotFound, match="could not be reached") as err:
        geo.resolve(UNKNOWN)
    waited = time.monotonic() - started
    assert silent_geocoder.accepted, "the lookup should have gone to the local silent socket"
    assert err.value.__cause__ is None and "127.0.0.1" not in str(err.value)
    # bounded by the resolver's own timeout (3 s) plus the rate limiter, not by the server
    assert waited < 20, waited


def test_resolver_timeout_is_its_own_error(silent_geocoder):
    resolver = NominatimResolver(Geography.load(online=False).authority_at, timeout=0.5, min_delay_seconds=0)
    with pytest.raises(GeocoderUnavailable):
        resolver.resolve(UNKNOWN)


def test_find_support_with_a_silent_geocoder_shows_a_calm_message(silent_geocoder, monkeypatch):
    monkeypatch.delenv("WAYMARK_DATA", raising=False)
    monkeypatch.setattr(directories, "_entries", {})  # reload with the online geography (restored after)
    warm()
    at = page_test("find_support").run()
    at.text_input[0].input(UNKNOWN)
    at.get("form_submit_button")[0].click().run()
    assert not at.exception
    assert not at.error
    warnings = [w.value for w in at.warning]
    assert any("could not be reached" in w for w in warnings), warnings
    # and a known place still works at once, geocoder or not
    at.text_input[0].input("YO10 5DD")
    at.get("form_submit_button")[0].click().run()
    assert not at.exception and any("Support near" in h.value for h in at.header)
