"""``python -m services serve-api [--host 127.0.0.1] [--port 8000] [--data DIR] [--workers N] [--root-path /api/oruk]``.

Serves the directory as a read-only Open Referral UK (HSDS 3) API with uvicorn. The access
log is off: a postcode in a query string may be where a child lives. ``--workers`` runs
several uvicorn worker processes (each loads the directory itself); ``--root-path`` is the
path prefix a reverse proxy serves the API under (deploy/ puts it at ``/api/oruk``), so the
links the API gives out point through the proxy.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ..clitools import whole_number
from ..errors import DataError, InvalidInput


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=whole_number(0, 65535, what="a port number", bounds="a port number (0 to 65535)"), default=8000, help="port to listen on (default 8000)")
    p.add_argument("--data", type=Path, help="serve another data directory")
    p.add_argument("--workers", type=whole_number(1, 64), default=1, help="uvicorn worker processes (default 1)")
    p.add_argument("--root-path", default="", help="path prefix under a reverse proxy, e.g. /api/oruk (default none)")


def run(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from ..oruk.api import create_app
    except ImportError as exc:  # pragma: no cover - dependencies are declared
        raise DataError(f"serve-api needs FastAPI and uvicorn ({exc.name} is missing): pip install -e .") from None
    if args.data is not None and not args.data.is_dir():
        raise InvalidInput(f"--data {args.data}: no such data directory")
    from ..directory import directories

    root_path = args.root_path.rstrip("/")
    if root_path and not root_path.startswith("/"):
        raise InvalidInput(f"--root-path {args.root_path!r}: a path prefix starts with / (for example /api/oruk)")
    directories.get(args.data)  # fail now, with a clear message, if the data cannot be read
    print(f"Open Referral UK API on http://{args.host}:{args.port}/ (OpenAPI: /openapi.json); Ctrl+C stops it")
    options = {"host": args.host, "port": args.port, "access_log": False, "log_level": "warning", "root_path": root_path}
    if args.workers > 1:
        # Worker processes import the app themselves: a factory, the data folder by env.
        if args.data is not None:
            os.environ["WAYMARK_DATA"] = str(args.data.resolve())
        uvicorn.run("services.oruk.api:create_app", factory=True, workers=args.workers, **options)
    else:
        uvicorn.run(create_app(args.data), **options)
    return 0
