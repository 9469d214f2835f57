"""Loading a data directory into a validated, indexed, in-memory directory.

One bad record never takes the rest down: every problem is collected as a located
:class:`~services.errors.Problem` and the good records load. Only a broken taxonomy is
fatal, because without the vocabulary's words nothing can be shown.
"""

from __future__ import annotations

import atexit
import gc
import threading
from collections.abc import Callable, Hashable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .cache import CACHE_MIN_SERVICES, read_cache, write_cache
from .coverage import AREAS_FILE, Coverage, load_coverage
from .datadir import SHIPPED_DATA, default_data_dir
from .errors import DataError, DataFileError, Problem, validation_message
from .geography import Geography, Place
from .index import SearchIndex
from .models import Service, Taxonomy
from .store import ServiceStore
from .vocabulary import NATIONAL
from .yamlio import LineDict, LineList, line_of, load_yaml, loads_yaml, parse_files, read_text

__all__ = [
    "Directory",
    "load_directory",
    "default_data_dir",
    "data_signature",
    "validate_records",
    "format_validation_error",
    "validate_file",
]

M = TypeVar("M", bound=BaseModel)

def _label(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def format_validation_error(
    exc: ValidationError, raw: Any, file: str, *, prefix: tuple[Any, ...] = ()
) -> list[Problem]:
    """Turn a pydantic error into located problems (``file:line: field: problem``)."""
    problems = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        field_name = ".".join(str(p) for p in loc) or "record"
        message = validation_message(err)
        problems.append(Problem(file, line_of(raw, prefix + loc), field_name, message))
    return problems


def validate_file(model: type[M], raw: Any, file: str) -> M:
    """A whole file's mapping as one ``model``; a ``DataFileError`` of located problems when
    it does not validate."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise DataFileError(format_validation_error(exc, raw, file)) from None


def _record_id(raw: Any) -> str | None:
    if isinstance(raw, dict):
        value = raw.get("id")
        return str(value) if value is not None else None
    return None


def validate_records(
    raw_records: Iterable[Any], file: str, *, known_areas: set[str] | None = None
) -> tuple[list[Service], list[Problem]]:
    """Validate raw service mappings one by one, keeping the good ones."""
    services: list[Service] = []
    problems: list[Problem] = []
    for raw in raw_records:
        line = getattr(raw, "line", None)
        if not isinstance(raw, dict):
            problems.append(Problem(file, line, "services", "each entry must be a mapping of fields"))
            continue
        try:
            service = Service.model_validate(raw)
        except ValidationError as exc:
            problems.extend(format_validation_error(exc, raw, file))
            continue
        if known_areas is not None:
            unknown = [a for a in service.service_areas if a != NATIONAL and a not in known_areas]
            if unknown:
                problems.append(
                    Problem(
                        file,
                        line_of(raw, ("service_areas",)),
                        "service_areas",
                        f"{', '.join(unknown)} is not a current English children's services "
                        "authority code",
                    )
                )
                continue
        services.append(service)
    return services, problems


@dataclass
class Directory:
    """The loaded directory: services, vocabulary words, geography and what was wrong."""

    data_dir: Path
    services: ServiceStore
    taxonomy: Taxonomy
    geography: Geography
    problems: tuple[Problem, ...] = ()
    _index: Any = field(default=None, repr=False)
    #: Files that could not be read or parsed at all (every record in them is missing).
    failed_files: tuple[str, ...] = ()
    #: Which areas' local services are compiled (``data/areas.yaml``; see services.coverage).
    coverage: Coverage = field(default_factory=Coverage)
    #: Data derived from this directory (the gap model, a gap report): it lives and dies
    #: with the directory, so a reloaded directory never serves an old answer.
    _derived: dict[Hashable, Any] = field(default_factory=dict, repr=False, compare=False)
    _derived_lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    _derived_locks: dict[Hashable, Any] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.services = ServiceStore.of(self.services)

    def get(self, service_id: str) -> Service | None:
        return self.services.get(service_id)

    def derived(self, key: Hashable, current: Callable[[Any], bool], build: Callable[[], Any]) -> Any:
        """What ``build`` makes from this directory, kept under ``key`` while ``current(kept)``
        says it still holds (e.g. the pathway file it was built from is unchanged).

        Built once per key however many requests ask at the same moment: the first builds
        and the others wait for it (a background prefetch started twice, or the ORUK export
        built twice, would double the first request's cost). A build that raises keeps
        nothing, so the next caller tries again."""
        kept = self._kept(key, current)
        if kept is not None:
            return kept
        with self._key_lock(key):
            kept = self._kept(key, current)  # built while this caller waited
            if kept is not None:
                return kept
            value = build()
            with self._derived_lock:
                self._derived[key] = value
            return value

    def _kept(self, key: Hashable, current: Callable[[Any], bool]) -> Any:
        with self._derived_lock:
            kept = self._derived.get(key)
        return kept if kept is not None and current(kept) else None

    def _key_lock(self, key: Hashable) -> threading.RLock:
        """The lock one key's build is made under (re-entrant: a build that asks for its own
        key builds again rather than deadlocking)."""
        with self._derived_lock:
            lock = self._derived_locks.get(key)
            if lock is None:
                lock = self._derived_locks[key] = threading.RLock()
            return lock

    def __len__(self) -> int:
        return len(self.services)

    @property
    def index(self) -> Any:
        """The search index, built on first use (see :mod:`services.index`)."""
        if self._index is None:
            with _collector_paused():
                self._index = SearchIndex.build(self.services)
        return self._index

    def resolve_place(self, text: str) -> Place:
        """A postcode, outward code, town or area name → a place (offline first)."""
        return self.geography.resolve(text)

    def place_for_area(self, code_or_name: str) -> Place:
        """An area's population-weighted centre, for plans given only an area."""
        authority = self.geography.require_authority(code_or_name)
        return Place(authority.name, authority.lat, authority.lon, authority, "authority")


def data_signature(data_dir: Path) -> tuple[tuple[str, int, int], ...]:
    """What changed on disk: every data file's path, size and modification time.

    Used as a cache key, so that editing any file brings the change in without a restart.
    """
    files = [
        data_dir / "taxonomy.yaml",
        data_dir / "geography" / "authorities.csv",
        data_dir / AREAS_FILE,
        *sorted((data_dir / "services").glob("*.y*ml")),
    ]
    out = []
    for f in files:
        try:
            st = f.stat()
        except OSError:
            continue
        out.append((str(f), st.st_size, st.st_mtime_ns))
    return tuple(out)


def _load_taxonomy(data_dir: Path) -> Taxonomy:
    path = data_dir / "taxonomy.yaml"
    if not path.exists():
        path = SHIPPED_DATA / "taxonomy.yaml"
    label = _label(path, data_dir)
    raw = load_yaml(path, label=label)
    try:
        return Taxonomy.model_validate(raw)
    except ValidationError as exc:
        raise DataFileError(format_validation_error(exc, raw, label)) from None


def _service_entries(raw: Any, label: str) -> tuple[list[Any], list[Problem]]:
    def key_line(key: str) -> int | None:
        return raw.key_lines.get(key) if isinstance(raw, LineDict) else None

    if isinstance(raw, dict) and "services" in raw:
        extra = [k for k in raw if k != "services"]
        entries = raw["services"]
        problems = [
            Problem(label, key_line(k), str(k), "is not a known top-level key (expected 'services')")
            for k in extra
        ]
        if entries is None:
            return [], problems
        if not isinstance(entries, list):
            return [], problems + [Problem(label, key_line("services"), "services", "must be a list of services")]
        return list(entries), problems
    if isinstance(raw, list):
        return list(raw), []
    if raw is None:
        return [], []
    return [], [Problem(label, getattr(raw, "line", 1), "services", "the file must hold a 'services:' list")]


def _read_services_file(
    path: Path, label: str, known_areas: set[str], parsed: Any
) -> tuple[list[Service], list[Problem], dict[str | None, int | None]]:
    """Validate one parsed file; re-parse it with line tracking only when it has problems.

    Raises DataFileError when the file cannot be read or parsed at all.

    Returns the good services, the located problems and each record id's line (known only
    when the careful parse ran; looked up lazily otherwise).
    """
    if isinstance(parsed, DataFileError):
        raise parsed
    entries, problems = _service_entries(parsed, label)
    good, bad = validate_records(entries, label, known_areas=known_areas)
    if not (problems or bad) or _has_lines(parsed):
        return good, problems + bad, _first_lines(entries) if (problems or bad) else {}
    raw = load_yaml(path, label=label)  # DataFileError: the caller reports the whole file
    entries, problems = _service_entries(raw, label)
    good, bad = validate_records(entries, label, known_areas=known_areas)
    return good, problems + bad, _first_lines(entries)


def _has_lines(parsed: Any) -> bool:
    return isinstance(parsed, (LineDict, LineList))


def _first_lines(entries: list[Any]) -> dict[str | None, int | None]:
    lines: dict[str | None, int | None] = {}
    for e in entries:  # first occurrence of each id; later ones are found by _record_line
        lines.setdefault(_record_id(e), getattr(e, "line", None))
    return lines


def _record_line(path: Path, label: str, service_id: str, occurrence: int = 0) -> int | None:
    """The line of the ``occurrence``-th record with this id in the file (0 = first)."""
    try:
        raw = loads_yaml(read_text(path, label=label), label=label)
    except DataFileError:
        return None
    entries, _ = _service_entries(raw, label)
    found = [getattr(e, "line", None) for e in entries if _record_id(e) == service_id]
    return found[occurrence] if occurrence < len(found) else None


def load_directory(
    data_dir: Path | str | None = None, *, online: bool | None = None, cache: bool | None = None
) -> Directory:
    """Read, validate and index a data directory.

    Geography comes from ``DIR/geography`` when the directory ships its own, otherwise
    from the shipped one, so an imported or synthetic directory needs only services.
    ``cache``: use the on-disk warm-start cache (:mod:`services.cache`); by default only
    for directories large enough to benefit.
    """
    root = Path(data_dir) if data_dir is not None else default_data_dir()
    if not root.is_dir():
        raise DataError(f"{root}: no such data directory")
    taxonomy = _load_taxonomy(root)
    geo_dir = root / "geography" if (root / "geography" / "authorities.csv").exists() else SHIPPED_DATA / "geography"
    geography = Geography.load(geo_dir, online=online) if online is not None else Geography.load(geo_dir)
    coverage, coverage_problems = load_coverage(root, set(geography.authorities))
    signature = data_signature(root) if cache is not False else None
    if signature is not None:
        cached = read_cache(root, signature)
        if cached is not None:
            store, problems, index = cached
            return Directory(root, store, taxonomy, geography, tuple(problems) + tuple(coverage_problems),
                             _index=index, coverage=coverage)
    with _collector_paused():
        directory = _load_records(root, taxonomy, geography)
        if signature is not None and not directory.failed_files and (cache or len(directory) >= CACHE_MIN_SERVICES):
            write_cache(root, signature, directory.services, directory.problems, directory.index)
    directory.coverage = coverage
    directory.problems = tuple(directory.problems) + tuple(coverage_problems)
    return directory


_PAUSES = 0
_PAUSES_LOCK = threading.Lock()
_COLLECTOR_WAS_ENABLED = False


@contextmanager
def _collector_paused() -> Any:
    """Bulk loading creates millions of objects and no reference cycles, and Python's cyclic
    garbage collector rescans all of them again and again as they pile up: over half of a
    100,000-service cold load. Paused while loading (nested and threaded loads share one
    pause); afterwards the loaded objects are frozen out of the collector's view
    (``gc.freeze``), so no later collection rescans them (each full pass over a loaded
    100,000-service directory costs seconds, a pause in the middle of someone's search).
    Reference counting still frees them when a reload replaces the directory: records hold
    no cycles."""
    global _PAUSES, _COLLECTOR_WAS_ENABLED
    with _PAUSES_LOCK:
        if _PAUSES == 0:
            _COLLECTOR_WAS_ENABLED = gc.isenabled()
            gc.disable()
        _PAUSES += 1
    try:
        yield
    finally:
        with _PAUSES_LOCK:
            _PAUSES -= 1
            if _PAUSES == 0:
                gc.freeze()
                if _COLLECTOR_WAS_ENABLED:
                    gc.enable()


_builders: list[tuple[threading.Thread, threading.Event]] = []


def _stop_builders() -> None:
    # A daemon thread still inside native code while the interpreter tears down can crash
    # the process: stop and join every builder first (each chunk takes milliseconds).
    for _thread, stop in _builders:
        stop.set()
    for thread, _ in _builders:
        thread.join(timeout=5)


atexit.register(_stop_builders)


def _prefetch(directory: Directory) -> bool:
    build_in_background(directory.services)
    return True


def build_in_background(store: ServiceStore, chunk: int = 512) -> None:
    """After a warm start, turn the cached bytes into records on a background thread.

    A warm start is fast because records stay as bytes until used; the first searches
    would then pay to build them. For a long-running server (the app), building them all
    here (about 2 s for 100,000) keeps the start fast and later searches fast too.
    """
    if all(o is not None for o in store._objects):
        return
    stop = threading.Event()

    def work() -> None:
        for start in range(0, len(store), chunk):
            if stop.is_set():
                return
            store.take(range(start, min(start + chunk, len(store))))
        # Long-lived records: keep them out of the cyclic collector's scans, which would
        # otherwise cost every later request a full pass over 100,000 records.
        gc.freeze()

    thread = threading.Thread(target=work, name="waymark-build-records", daemon=True)
    _builders.append((thread, stop))
    thread.start()


def _load_records(root: Path, taxonomy: Taxonomy, geography: Geography) -> Directory:
    known_areas = set(geography.authorities)

    services: list[Service] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    files = sorted((root / "services").glob("*.y*ml")) if (root / "services").is_dir() else []
    if not files:
        problems.append(Problem(_label(root / "services", root), None, "services", "no service files found"))
    stage_defaults: dict[tuple[str, ...], list[str]] = {}
    labels = [_label(path, root) for path in files]
    failed: list[str] = []
    for path, label, parsed in zip(files, labels, parse_files(files, labels)):
        try:
            good, bad, lines = _read_services_file(path, label, known_areas, parsed)
        except DataFileError as exc:
            problems.extend(exc.problems)
            failed.append(label)
            continue
        problems.extend(bad)
        in_file: dict[str, int] = {}
        for service in good:
            occurrence = in_file.get(service.id, 0)
            in_file[service.id] = occurrence + 1
            if service.id in seen:
                if occurrence == 0 and lines:
                    line = lines.get(service.id)
                else:
                    line = _record_line(path, label, service.id, occurrence)
                problems.append(Problem(label, line, "id", f"{service.id!r} is already used in {seen[service.id]}"))
                continue
            seen[service.id] = label
            if not service.stages:
                key = tuple(service.service_types)
                if key not in stage_defaults:
                    stage_defaults[key] = taxonomy.stages_for(list(key))
                service = service.model_copy(update={"stages": stage_defaults[key]})
            services.append(service)
    return Directory(root, ServiceStore(services), taxonomy, geography, tuple(problems), failed_files=tuple(failed))


class DirectoryCache:
    """The last good directory per data folder, reloaded when any file changes.

    When an edit breaks the data, the previous good directory keeps being served and the
    failure is kept in ``error`` for maintainers to see; fixing the file brings the change
    in on the next call, without a restart. "Broken" means a fatal error (a broken
    taxonomy, a missing folder) or a services file that can no longer be read or parsed
    at all (a half-saved edit would otherwise take every service in that file away from
    families). A single bad record is not "broken": it is left out and reported in
    ``Directory.problems`` while the rest of the edit comes in.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[Path, tuple[Any, Directory]] = {}
        #: the signature of the files as they were when a reload last failed (not retried)
        self._failed: dict[Path, Any] = {}
        self.error: dict[Path, DataError] = {}

    def get(self, data_dir: Path | str | None = None, *, prefetch: bool = False) -> Directory:
        """The current directory; ``prefetch`` (servers) builds every record in the background."""
        directory = self._get(data_dir)
        if prefetch and len(directory) >= CACHE_MIN_SERVICES:
            # Once per directory: the prefetch belongs to the directory it builds.
            directory.derived(("prefetched",), lambda kept: True, lambda: _prefetch(directory))
        return directory

    def _get(self, data_dir: Path | str | None = None) -> Directory:
        root = (Path(data_dir) if data_dir is not None else default_data_dir()).resolve()
        signature = data_signature(root)
        with self._lock:
            cached = self._entries.get(root)
            if cached and cached[0] == signature:
                return cached[1]
            if cached and self._failed.get(root) == signature:
                return cached[1]  # still broken in the same way: do not reload every run
            try:
                directory = load_directory(root)
            except DataError as exc:
                self.error[root] = exc
                if cached:
                    self._failed[root] = signature
                    return cached[1]
                raise
            if cached and directory.failed_files:
                failed = set(directory.failed_files)
                self.error[root] = DataFileError([p for p in directory.problems if p.file in failed])
                self._failed[root] = signature
                return cached[1]
            self.error.pop(root, None)
            self._failed.pop(root, None)
            self._entries[root] = (signature, directory)
            return directory


#: Process-wide cache used by the app and the CLIs.
directories = DirectoryCache()
