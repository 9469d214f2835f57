"""The deployment benchmarks run, stay on loopback and report what they promise (small runs).

Nothing here asserts a time: the figures are for docs/PERFORMANCE.md, not for pass/fail.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from benchmarks import capacity
from benchmarks.stclient import Session, SessionError, check_loopback
from tests.browser_support import skip_without_chromium

HAVE_NGINX = bool(shutil.which("nginx") or Path("/usr/sbin/nginx").exists())


@pytest.mark.parametrize("url", ["http://10.0.0.1:8080", "http://192.168.1.5", "https://example.org", "http://8.8.8.8"])
def test_load_goes_only_to_loopback(url: str) -> None:
    with pytest.raises(SessionError, match="only against loopback"):
        check_loopback(url)
    with pytest.raises(SessionError):
        Session(url)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8501", "http://localhost:1", "http://[::1]:80", "http://127.0.0.2"])
def test_loopback_addresses_are_allowed(url: str) -> None:
    check_loopback(url)


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--replicas", "0"], "--replicas: each from 1 to 8"), (["--replicas", "one"], "whole numbers"),
     (["--datasets", "national"], "'shipped', 'synth' or both")],
)
def test_bad_options_are_named(args: list[str], message: str, capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        capacity.main(args)
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


def test_percentile_is_nearest_rank() -> None:
    assert capacity.pct([], 95) is None
    assert capacity.pct([0.1, 0.2, 0.3, 0.4], 50) == 200.0
    assert capacity.pct([float(i) for i in range(1, 21)], 95) == 19000.0


@pytest.mark.skipif(not HAVE_NGINX, reason="nginx is not installed (apt-get install nginx; `make test` does it)")
def test_a_small_capacity_run_through_nginx(tmp_path: Path) -> None:
    out = tmp_path / "capacity.json"
    code = capacity.main(["--replicas", "1", "--datasets", "shipped", "--sessions", "4", "--seconds", "4",
                          "--think", "0.2", "0.5", "--busy-sessions", "2", "--busy-seconds", "2",
                          "--workdir", str(tmp_path), "--json", "--out", str(out)])
    assert code == 0
    report = json.loads(out.read_text())
    (config,) = report["configs"]
    assert config["replicas"] == 1 and config["dataset"] == "shipped" and config["services"] > 0
    held, busy = config["phases"]
    assert held["name"] == "held" and held["sessions_held"] == 4
    assert held["errors"] == 0, held["error_samples"]
    assert held["searches"] > 0 and held["plans"] > 0, "both families' searches and practitioners' plans ran"
    assert busy["name"] == "saturation" and busy["errors"] == 0 and busy["results_per_s"] > 0
    assert config["rss_peak_mb"] and all(mb > 50 for mb in config["rss_peak_mb"]), "each replica's memory is measured"
    assert "load average" in report["header"]


@skip_without_chromium()
@pytest.mark.browser
def test_a_small_first_answer_run(tmp_path: Path) -> None:
    from benchmarks import first_answer

    out = tmp_path / "first.json"
    assert first_answer.main(["--repeat", "2", "--first-repeat", "1", "--json", "--out", str(out)]) == 0
    report = json.loads(out.read_text())
    assert set(report["apps"]) == {"bare", "waymark"}
    for name, app in report["apps"].items():
        assert app["errors"] == [], (name, app["errors"])
        assert app["enter_to_result"]["n"] == 2 and app["first_input"]["n"] == 1
    assert set(report["apps"]["waymark"]["ratios"]) == {"enter_median", "enter_slowest", "first_input_median"}
