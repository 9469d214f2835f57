"""The warm-start cache: a validated, indexed directory kept on disk between runs.

Parsing and validating 100,000 YAML records takes seconds; reading back the validated
records (as compact JSON) and the numpy index columns takes a fraction of one. The cache
is keyed by every data file's path, size and modification time plus the code's own
version, so editing any data file (or upgrading Waymark) invalidates it. It holds only
directory data — never anything a user typed — and a cache that cannot be read is simply
ignored.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

from .errors import Problem
from .index import SearchIndex
from .store import ServiceStore

__all__ = ["cache_dir", "cache_file", "read_cache", "write_cache", "CACHE_MIN_SERVICES", "CACHE_VERSION"]

#: Smaller directories load faster than the cache round trip is worth.
CACHE_MIN_SERVICES = 5000
CACHE_VERSION = 3  # 2: payloads keep which fields a record stated (Service.ages_stated); 3: claims_confirmed column


def _code_version() -> tuple[int, ...]:
    here = Path(__file__).resolve().parent
    return tuple(
        (here / name).stat().st_mtime_ns
        for name in ("models.py", "index.py", "store.py", "cache.py", "directory.py", "vocabulary.py")
    )


def cache_dir() -> Path:
    """``$WAYMARK_CACHE_DIR``, else ``$XDG_CACHE_HOME/waymark``, else ``~/.cache/waymark``."""
    if os.environ.get("WAYMARK_CACHE_DIR"):
        return Path(os.environ["WAYMARK_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "waymark"


def cache_file(data_dir: Path) -> Path:
    digest = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:24]
    return cache_dir() / f"directory-{digest}.pickle"


def read_cache(data_dir: Path, signature: Any) -> tuple[ServiceStore, tuple[Problem, ...], SearchIndex] | None:
    """The cached directory for this exact signature, or None."""
    path = cache_file(data_dir)
    try:
        with open(path, "rb") as fh:
            payload = pickle.load(fh)  # noqa: S301 - our own cache file, keyed and versioned
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None
    if not isinstance(payload, dict) or payload.get("key") != (CACHE_VERSION, _code_version(), signature):
        return None
    store = ServiceStore(payloads=payload["payloads"], ids=payload["ids"])
    index: SearchIndex = payload["index"]
    index.services = store
    return store, tuple(payload["problems"]), index


def write_cache(data_dir: Path, signature: Any, store: ServiceStore, problems: tuple[Problem, ...], index: SearchIndex) -> None:
    """Write atomically; a failure to write (read-only home, full disk) is not an error."""
    path = cache_file(data_dir)
    payload = {
        "key": (CACHE_VERSION, _code_version(), signature),
        "ids": store.ids,
        "payloads": store.payloads(),
        "problems": list(problems),
        "index": index,
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False, prefix=".tmp-") as fh:
            pickle.dump(payload, fh, protocol=pickle.HIGHEST_PROTOCOL)
            tmp = fh.name
        os.replace(tmp, path)
    except OSError:
        return
