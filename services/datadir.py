"""Where Waymark's data lives: the one reader of ``$WAYMARK_DATA``.

A deployment or a test points every CLI and the app at another data directory with
``WAYMARK_DATA`` (or ``--data``); a directory may carry its own ``pathway.yaml`` or
``cohorts.yaml`` and otherwise uses the shipped ones.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["SHIPPED_DATA", "default_data_dir", "data_file"]

SHIPPED_DATA = Path(__file__).resolve().parent.parent / "data"


def default_data_dir() -> Path:
    """``$WAYMARK_DATA`` when set, otherwise the directory shipped in the repo."""
    env = os.environ.get("WAYMARK_DATA")
    return Path(env) if env else SHIPPED_DATA


def data_file(name: str, data_dir: Path | str | None = None) -> Path:
    """``DIR/name`` when the data directory ships one, otherwise the shipped file.

    >>> data_file("pathway.yaml", "/nonexistent") == SHIPPED_DATA / "pathway.yaml"
    True
    """
    candidate = Path(data_dir if data_dir is not None else default_data_dir()) / name
    return candidate if candidate.exists() else SHIPPED_DATA / name
