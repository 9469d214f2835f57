"""Reading a paged Open Referral UK API: timeouts, retries with backoff, resume.

``Fetcher(base_url, state_dir).fetch()`` follows ``/services?page=N`` to the last page
(``total_pages``, ``last_page``/``last`` or an empty page), then fetches
``/services/{id}`` for records the list gives only in summary. Each page and each detail
is saved in ``state_dir`` as soon as it arrives, with a small ``state.json``; when a
request still fails after its retries a :class:`FetchError` says so, and running the same
import again continues from the page that failed instead of starting over. The caller
removes the state (``Fetcher.clear``) once the import has been written.

Only ``http``/``https`` URLs are fetched; every request has a timeout; responses over
``max_bytes`` are refused; 429 and 5xx answers, timeouts and dropped connections are
retried with exponential backoff (honouring a short ``Retry-After``); other 4xx answers are
not retried.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import shutil
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..errors import DataError, InvalidInput
from .importer import records_of

__all__ = ["Fetcher", "FetchError", "FetchResult", "is_url", "FULL_KEYS"]

USER_AGENT = "waymark-oruk-import (+python -m services import-oruk)"

#: Keys a full service record has and a list summary usually lacks.
FULL_KEYS = frozenset({
    "service_at_locations", "locations", "phones", "service_areas", "schedules", "attributes",
    "taxonomy_terms", "service_taxonomys", "contacts", "cost_options", "languages",
    "eligibilitys", "regular_schedules",
})


class FetchError(DataError, ConnectionError):
    """The feed could not be read after retries; re-running the import resumes.

    ``status`` is the HTTP status of a refusal that was not retried (404 ...), else None."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class FetchResult:
    records: list[Any]
    notes: list[tuple[str, str, str]] = field(default_factory=list)  # (id, field, message)
    pages: int = 0
    resumed_from: int | None = None


def is_url(text: str) -> bool:
    return urllib.parse.urlsplit(text).scheme.lower() in ("http", "https")


def _atomic_write(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


class Fetcher:
    """One feed, one state directory. Options are keyword-only."""

    def __init__(
        self,
        base_url: str,
        state_dir: Path,
        *,
        timeout: float = 15.0,
        retries: int = 3,
        retry_wait: float = 1.0,
        per_page: int | None = None,
        details: Literal["auto", "always", "never"] = "auto",
        max_pages: int = 10_000,
        max_bytes: int = 64 * 1024 * 1024,
        sleep: Callable[[float], None] = time.sleep,
        log: Callable[[str], None] | None = None,
    ) -> None:
        if not is_url(base_url):
            raise InvalidInput(f"{base_url!r} is not an http(s) URL")
        base = base_url.rstrip("/")
        if base.endswith("/services"):
            base = base[: -len("/services")]
        self.base_url = base
        self.state_dir = Path(state_dir)
        self.timeout = timeout
        self.retries = retries
        self.retry_wait = retry_wait
        self.per_page = per_page
        self.details = details
        self.max_pages = max_pages
        self.max_bytes = max_bytes
        self._sleep = sleep
        self._log = log or (lambda message: None)

    # ---- HTTP ----------------------------------------------------------------------

    def _url(self, path: str, params: dict[str, Any] | None = None) -> str:
        url = self.base_url + path
        if params:
            url += "?" + urllib.parse.urlencode(params)
        return url

    def get_json(self, url: str) -> Any:
        """GET a URL as JSON, retrying what may be passing; FetchError when it is not."""
        last = ""
        for attempt in range(self.retries + 1):
            if attempt:
                wait = self.retry_wait * 2 ** (attempt - 1)
                self._log(f"retrying {url} in {wait:g}s ({last})")
                self._sleep(wait)
            request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": USER_AGENT})
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - scheme checked
                    body = response.read(self.max_bytes + 1)
            except urllib.error.HTTPError as exc:
                last = f"HTTP {exc.code}"
                if exc.code != 429 and exc.code < 500:
                    raise FetchError(f"GET {url}: HTTP {exc.code} {exc.reason}; is this an Open Referral UK API?",
                                     status=exc.code) from None
                retry_after = exc.headers.get("Retry-After") if exc.headers else None
                if retry_after and retry_after.isdigit() and int(retry_after) <= 60 and attempt < self.retries:
                    self._sleep(int(retry_after))
                continue
            except (urllib.error.URLError, TimeoutError, ConnectionError, http.client.HTTPException, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                last = f"{type(exc).__name__}: {reason}"
                continue
            if len(body) > self.max_bytes:
                raise FetchError(f"GET {url}: the response is larger than {self.max_bytes:,} bytes")
            try:
                return json.loads(body.decode("utf-8-sig"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                last = f"not JSON ({exc})"
            except RecursionError:
                raise FetchError(f"GET {url}: the JSON is nested too deeply") from None
        raise FetchError(
            f"GET {url} failed after {self.retries + 1} attempt(s) ({last}). What was fetched is kept in "
            f"{self.state_dir}: run the same command again to resume."
        )

    # ---- state ---------------------------------------------------------------------

    @property
    def _state_file(self) -> Path:
        return self.state_dir / "state.json"

    def _page_file(self, page: int) -> Path:
        return self.state_dir / "pages" / f"page-{page:05d}.json"

    def _detail_file(self, service_id: str) -> Path:
        return self.state_dir / "details" / (hashlib.sha1(service_id.encode()).hexdigest() + ".json")

    def _load_state(self) -> dict[str, Any]:
        try:
            state = json.loads(self._state_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(state, dict) or state.get("base_url") != self.base_url or state.get("per_page") != self.per_page:
            self._log(f"ignoring saved state in {self.state_dir} (another feed)")
            self.clear()
            return {}
        return state

    def _save_state(self, state: dict[str, Any]) -> None:
        try:
            _atomic_write(self._state_file, state)
        except OSError as exc:
            raise DataError(f"{self._state_file}: cannot be written ({exc.strerror})") from None

    def clear(self) -> None:
        """Forget saved pages (after a successful import, or to start again)."""
        shutil.rmtree(self.state_dir, ignore_errors=True)

    # ---- the feed --------------------------------------------------------------------

    def _pages(self, result: FetchResult) -> list[list[Any]]:
        state = self._load_state()
        next_page = int(state.get("next_page", 1))
        pages: list[list[Any]] = []
        for n in range(1, next_page):
            try:
                pages.append(json.loads(self._page_file(n).read_text(encoding="utf-8")))
            except (OSError, ValueError):
                self._log(f"saved page {n} is unreadable; starting again")
                self.clear()
                return self._pages(result)
        if next_page > 1:
            result.resumed_from = next_page
            self._log(f"resuming {self.base_url} at page {next_page}")
        if state.get("listed"):
            return pages
        page = next_page
        while True:
            if page > self.max_pages:
                raise FetchError(f"{self.base_url}: more than {self.max_pages} pages; stopping")
            params: dict[str, Any] = {"page": page}
            if self.per_page:
                params["per_page"] = self.per_page
            data = self.get_json(self._url("/services", params))
            records, paging = records_of(data, where=self._url("/services", params))
            try:
                _atomic_write(self._page_file(page), records)
            except OSError as exc:
                raise DataError(f"{self.state_dir}: cannot be written ({exc.strerror})") from None
            pages.append(records)
            total = paging.get("total_pages")
            total = int(total) if isinstance(total, (int, float)) and not isinstance(total, bool) else None
            last = (
                not paging
                or not records
                or paging.get("last") is True
                or (total is not None and page >= total)
                or (total is None and paging.get("last") is None)
            )
            self._save_state({"base_url": self.base_url, "per_page": self.per_page, "next_page": page + 1,
                              "total_pages": total, "listed": last})
            self._log(f"page {page}" + (f" of {total}" if total else "") + f": {len(records)} record(s)")
            if last:
                return pages
            page += 1

    def _needs_detail(self, record: Any) -> bool:
        if not isinstance(record, dict) or record.get("id") in (None, ""):
            return False
        if self.details == "always":
            return True
        if self.details == "never":
            return False
        return not (FULL_KEYS & set(record))

    def fetch(self) -> FetchResult:
        """Every record of the feed, full where the list gave summaries."""
        result = FetchResult(records=[])
        pages = self._pages(result)
        result.pages = len(pages)
        for record in (r for page in pages for r in page):
            if self._needs_detail(record):
                sid = str(record["id"])
                path = self._detail_file(sid)
                try:
                    full = json.loads(path.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    url = self._url("/services/" + urllib.parse.quote(sid, safe=""))
                    try:
                        full = self.get_json(url)
                    except FetchError as exc:
                        if exc.status is None:
                            raise
                        result.notes.append((sid, "record", f"the full record could not be fetched ({exc}); "
                                             "the summary from the list is used"))
                        full = record
                    if isinstance(full, dict) and isinstance(full.get("contents"), list) and full["contents"]:
                        full = full["contents"][0]
                    try:
                        _atomic_write(path, full)
                    except OSError as exc:
                        raise DataError(f"{self.state_dir}: cannot be written ({exc.strerror})") from None
                record = full if isinstance(full, dict) else record
            result.records.append(record)
        return result
