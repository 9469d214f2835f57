"""deploy/ without starting anything: the generated nginx config, the preload list, bad input.

These run everywhere (no nginx needed); tests/test_deploy.py starts the real thing.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("waymark_deploy_preload", ROOT / "deploy" / "preload.py")
preload = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(preload)

SERVE = ROOT / "deploy" / "serve.sh"


def _serve(*args: str, **env: str) -> subprocess.CompletedProcess:
    full = {**os.environ, "PYTHON": sys.executable, "PYTHONPATH": str(ROOT), **env}
    return subprocess.run(["bash", str(SERVE), *args], env=full, capture_output=True, text=True, timeout=60)


def test_conf_for_n_loopback_replicas(tmp_path: Path) -> None:
    out = _serve("conf", "3", WAYMARK_RUN_DIR=str(tmp_path), WAYMARK_PORT="18080", WAYMARK_REPLICA_PORT="18601")
    assert out.returncode == 0, out.stderr
    conf = out.stdout
    for port in (18601, 18602, 18603):
        assert f"server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;" in conf
    assert "server 127.0.0.1:18604" not in conf
    assert "listen 127.0.0.1:18080;" in conf, "loopback only unless the operator says otherwise"
    assert "access_log off;" in conf and "log_format" not in conf
    assert re.search(r"^error_log \S+ crit;$", conf, re.MULTILINE), "no per-request error lines (client address, request line)"
    assert "hash $waymark_route consistent;" in conf
    assert "location = /_stcore/stream" in conf and "proxy_set_header Upgrade $http_upgrade;" in conf
    assert f"alias {ROOT}/static/;" in conf
    settings = "\n".join(line for line in conf.splitlines() if not line.lstrip().startswith("#"))
    assert re.search(r"@[A-Z_]+@", settings) is None, "every placeholder is filled"
    assert str(tmp_path) in conf, "pid, temp files and error log live in the run dir"


def test_conf_for_containers(tmp_path: Path) -> None:
    out = _serve("conf", WAYMARK_RUN_DIR=str(tmp_path), WAYMARK_APP_SERVERS="app1:8501 app2:8501",
                 WAYMARK_API_SERVERS="api:8000", WAYMARK_LISTEN="0.0.0.0:8080", WAYMARK_ERROR_LOG="/dev/stderr",
                 WAYMARK_PRELOAD="0")
    assert out.returncode == 0, out.stderr
    assert "server app1:8501" in out.stdout and "server app2:8501" in out.stdout and "server api:8000" in out.stdout
    assert "error_log /dev/stderr crit;" in out.stdout
    assert "rel=modulepreload" not in out.stdout


@pytest.mark.skipif(not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()), reason="nginx is not installed")
def test_nginx_accepts_the_generated_conf(tmp_path: Path) -> None:
    out = _serve("conf", "2", WAYMARK_RUN_DIR=str(tmp_path))
    (tmp_path / "nginx.conf").write_text(out.stdout)
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    check = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


@pytest.mark.parametrize("n", ["0", "17", "two", "-1"])
def test_start_refuses_a_bad_replica_count(n: str, tmp_path: Path) -> None:
    out = _serve("start", n, WAYMARK_RUN_DIR=str(tmp_path))
    assert out.returncode == 2
    assert "N must be a whole number from 1 to 16" in out.stderr and n in out.stderr
    assert "Traceback" not in out.stderr


def test_unknown_command_is_named(tmp_path: Path) -> None:
    out = _serve("launch", WAYMARK_RUN_DIR=str(tmp_path))
    assert out.returncode == 2 and "unknown command 'launch'" in out.stderr


def test_start_refuses_a_missing_data_folder(tmp_path: Path) -> None:
    out = _serve("start", "1", WAYMARK_RUN_DIR=str(tmp_path), WAYMARK_DATA=str(tmp_path / "nope"))
    if "nginx is not installed" in out.stderr:
        pytest.skip("nginx is not installed")
    assert out.returncode == 2 and "is not a folder" in out.stderr


def test_preload_names_the_first_pages_code_and_what_it_imports() -> None:
    paths = preload.preload_paths()
    static = preload.static_dir()
    assert paths, "the installed Streamlit has the first page's element chunks"
    names = [p.rsplit("/", 1)[1] for p in paths]
    for element in preload.FIRST_PAGE:
        assert any(n.startswith(element + ".") for n in names), element
    for p in paths:
        assert (static / p.lstrip("/")).is_file(), p
    index = (static / "index.html").read_text()
    assert not any(f".{p}" in index for p in paths), "nothing the page already preloads itself"
    assert len(names) == len(set(names))
    header = preload.header(paths)
    assert header.count("rel=modulepreload") == len(paths) and '"' not in header


def test_preload_of_unknown_elements_is_empty(tmp_path: Path) -> None:
    assert preload.preload_paths(("NoSuchElement",)) == []
    assert preload.preload_paths(root=tmp_path) == []  # no Streamlit files there: no header, no error


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--root-path", "api"], "--root-path 'api': a path prefix starts with /"),
        (["--workers", "0"], "--workers: 0 must be from 1 to 64"),
    ],
)
def test_serve_api_names_a_bad_option(args: list[str], message: str) -> None:
    out = subprocess.run([sys.executable, "-m", "services", "serve-api", *args], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60)
    assert out.returncode == 2 and message in out.stderr and "Traceback" not in out.stderr
