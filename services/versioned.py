"""One loader cache for data files, keyed on the file's version.

A parsed file is kept while its version (resolved path, size, modification time) stays the
same, so an edited ``pathway.yaml``, ``cohorts.yaml`` or ``commissioners.yaml`` is picked up
without a restart and an unchanged one is parsed once. Every file loader uses this, so
there is one way to load and one way to forget (:meth:`VersionedLoader.clear`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

from .errors import DataFileError, Problem

__all__ = ["VersionedLoader", "file_version"]

T = TypeVar("T")
Version = tuple[Path, int, int]


def file_version(path: Path | str, label: str | None = None) -> Version:
    """(resolved path, modification time in ns, size); a file that cannot be read is a
    ``DataFileError`` naming it."""
    source = Path(path)
    try:
        stat = source.stat()
    except OSError as exc:
        raise DataFileError([Problem(label or str(source), None, "file", f"cannot be read ({exc.strerror})")]) from None
    return source.resolve(), stat.st_mtime_ns, stat.st_size


class VersionedLoader(Generic[T]):
    """``load(path, label)`` cached per file version, the least recently used dropped first."""

    def __init__(self, load: Callable[[Path, str], T], *, maxsize: int = 8) -> None:
        self._load = load
        self._maxsize = maxsize
        self._cache: OrderedDict[tuple[Version, str], T] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, path: Path | str, label: str | None = None) -> T:
        version = file_version(path, label)
        key = (version, label or f"{version[0].parent.name}/{version[0].name}")
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        value = self._load(version[0], key[1])
        with self._lock:
            self._cache[key] = value
            while len(self._cache) > self._maxsize:
                self._cache.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget every loaded file (tests; after rewriting files within one clock tick)."""
        with self._lock:
            self._cache.clear()
