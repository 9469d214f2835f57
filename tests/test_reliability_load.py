"""Issue 8, load: ``scripts/loadtest.py`` at a small size (2 sessions x 10 s) — it runs,
stops itself, reports every field, and nothing fails. No timing assertions: the numbers
are a benchmark (docs/RELIABILITY.md), not a test."""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import asdict
from pathlib import Path

import pytest

from tests.browser_support import skip_without_chromium

ROOT = Path(__file__).resolve().parent.parent


def _loadtest():
    spec = importlib.util.spec_from_file_location("waymark_loadtest", ROOT / "scripts" / "loadtest.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.browser
@skip_without_chromium()
def test_small_load_run_reports_every_field_and_has_no_errors():
    loadtest = _loadtest()
    result = loadtest.run(2, 10, None)
    report = asdict(result)
    assert result.errors == 0, result.error_samples
    assert result.off_host_requests == 0
    assert result.searches + result.plans >= 2
    for name in ("throughput_per_min", "p50_ms", "p95_ms", "rss_before_mb", "rss_peak_mb", "rss_per_session_mb"):
        assert report[name] is not None, name
    assert result.rss_peak_mb > 0
    assert "time to result p50 / p95 (ms)" in loadtest.table(result)
