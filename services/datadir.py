"""Where Waymark's data lives: the one reader of ``$WAYMARK_DATA``.

A deployment or a test points every CLI and the app at another data directory with
``WAYMARK_DATA`` (or ``--data``); a directory may carry its own ``pathway.yaml`` or
``cohorts.yaml`` and otherwise uses the shipped ones.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["SHIPPED_DATA", "default_data_dir", "data_file"]

def _shipped_data() -> Path:
    """The data shipped with Waymark: ``data/`` beside the code in a checkout (or an editable
    install), else the installed package ``waymark_data`` (a wheel: pyproject.toml)."""
    beside = Path(__file__).resolve().parent.parent / "data"
    if (beside / "taxonomy.yaml").is_file():
        return beside
    import importlib.util

    spec = importlib.util.find_spec("waymark_data")
    if spec is None or not spec.submodule_search_locations:
        return beside  # neither: the loaders say what is missing
    return Path(next(iter(spec.submodule_search_locations)))


SHIPPED_DATA = _shipped_data()


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
