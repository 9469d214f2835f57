"""``python -m services serve-api [--host 127.0.0.1] [--port 8000] [--data DIR]``.

Serves the directory as a read-only Open Referral UK (HSDS 3) API with uvicorn. The access
log is off: a postcode in a query string may be where a child lives.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import DataError, InvalidInput


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port number (0 to 65535)")
    return value


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=_port, default=8000, help="port to listen on (default 8000)")
    p.add_argument("--data", type=Path, help="serve another data directory")


def run(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from ..oruk.api import create_app
    except ImportError as exc:  # pragma: no cover - dependencies are declared
        raise DataError(f"serve-api needs FastAPI and uvicorn ({exc.name} is missing): pip install -e .") from None
    if args.data is not None and not args.data.is_dir():
        raise InvalidInput(f"--data {args.data}: no such data directory")
    from ..directory import directories

    directories.get(args.data)  # fail now, with a clear message, if the data cannot be read
    app = create_app(args.data)
    print(f"Open Referral UK API on http://{args.host}:{args.port}/ (OpenAPI: /openapi.json); Ctrl+C stops it")
    uvicorn.run(app, host=args.host, port=args.port, access_log=False, log_level="warning")
    return 0
