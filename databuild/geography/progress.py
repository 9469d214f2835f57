"""Progress lines for a build that takes minutes: timestamped, on stderr, flushed at once."""

from __future__ import annotations

import sys
import time

__all__ = ["log"]


def log(msg: str) -> None:
    """One ``[HH:MM:SS] message`` line, so a slow step shows where the time went."""
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)
