"""Writing one output file atomically, so a reader never sees half of it.

The app, or a test run in the same tree, may read ``data/geography/`` while a build runs:
each file is written beside its final name and renamed into place only when complete.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

__all__ = ["atomic", "write_frame"]


@contextmanager
def atomic(path: Path, mode: str = "w") -> Iterator[IO[Any]]:
    """Open ``path + ".tmp"`` (text: UTF-8, newlines as written) and rename it over ``path``
    on success; on an error the partial file is removed and ``path`` is left as it was."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    fh: IO[Any] = open(tmp, mode) if "b" in mode else open(tmp, mode, encoding="utf-8", newline="")
    try:
        with fh:
            yield fh
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)


def write_frame(df: Any, path: Path, **to_csv: Any) -> None:
    """A pandas frame as CSV: no index, ``\\n`` line ends, atomically."""
    with atomic(path) as fh:
        df.to_csv(fh, index=False, lineterminator="\n", **to_csv)
