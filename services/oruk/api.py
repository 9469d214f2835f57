"""The read-only Open Referral UK API over a Waymark data directory (FastAPI).

Endpoints (HSDS 3 / ORUK 3 names): ``/``, ``/services`` (paged; filters ``taxonomy_id``,
``taxonomy_term_id``, ``organization_id``, ``modified_after``, ``text``, ``postcode`` with
``proximity`` in metres), ``/services/{id}``, ``/service_at_locations``,
``/service_at_locations/{id}``, ``/taxonomies``, ``/taxonomies/{id}``, ``/taxonomy_terms``,
``/taxonomy_terms/{id}``, and the OpenAPI document at ``/openapi.json``.

No keys, CORS ``*``, GET only. Unknown ids get a 404 JSON body, bad parameters a 400 or 422
JSON body; the data directory is re-read when its files change. The postcode a caller sends
may be where a child lives: nothing here logs or stores it (``serve-api`` turns uvicorn's
access log off).
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from ..directory import Directory, directories
from ..errors import DataError, InvalidInput, PlaceNotFound, WaymarkError
from ..geography import normalise_outcode, normalise_postcode
from ..vocabulary import NATIONAL
from . import schema as S
from . import terms as T
from .exporter import HSDS_VERSION, service_to_hsds, taxonomy_terms

__all__ = ["create_app", "PROFILE"]

PROFILE = "https://openreferraluk.org"
MAX_PER_PAGE = 500
#: The shape of a full postcode or its first half, any case and spacing.
POSTCODE_PATTERN = r"^\s*[A-Za-z]{1,2}[0-9][A-Za-z0-9]?\s*([0-9][A-Za-z]{2})?\s*$"

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": S.ErrorBody, "description": "A parameter has an impossible value"},
    503: {"model": S.ErrorBody, "description": "The data directory cannot be read"},
}
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": S.ErrorBody, "description": "No such id"},
    503: {"model": S.ErrorBody, "description": "The data directory cannot be read"},
}


class _Feed:
    """The directory and its HSDS export, rebuilt when the directory changes."""

    def __init__(self, data_dir: Path | None) -> None:
        self.data_dir = data_dir
        self._lock = threading.Lock()
        self._key: int | None = None
        self._data: dict[str, Any] = {}

    def get(self) -> dict[str, Any]:
        try:
            directory = directories.get(self.data_dir)
        except WaymarkError as exc:
            raise HTTPException(503, f"the data directory cannot be read: {exc}") from None
        with self._lock:
            if self._key != id(directory):
                self._data = self._build(directory)
                self._key = id(directory)
            return self._data

    @staticmethod
    def _build(directory: Directory) -> dict[str, Any]:
        services = sorted(directory.services, key=lambda s: s.id)
        exported = [service_to_hsds(s, directory.taxonomy, directory.geography) for s in services]
        by_id = {e["id"]: e for e in exported}
        sals = [sal for e in exported for sal in e["service_at_locations"]]
        term_list = taxonomy_terms(directory.taxonomy)
        return {
            "directory": directory,
            "services": list(zip(services, exported)),
            "by_id": by_id,
            "sals": sals,
            "sal_by_id": {s["id"]: s for s in sals},
            "terms": term_list,
            "term_by_id": {t["id"]: t for t in term_list},
        }


PageNo = Annotated[int, Query(ge=1, le=1_000_000, description="Page number, from 1")]
PerPage = Annotated[int, Query(ge=1, le=MAX_PER_PAGE, description=f"Items per page (1 to {MAX_PER_PAGE})")]
Text = Annotated[str | None, Query(max_length=200)]


def _page(items: list[Any], page: int, per_page: int) -> dict[str, Any]:
    total = len(items)
    pages = max(1, math.ceil(total / per_page))
    start = (page - 1) * per_page
    chunk = items[start:start + per_page]
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": page,
        "size": len(chunk),
        "first_page": page == 1,
        "last_page": page >= pages,
        "empty": not chunk,
        "contents": chunk,
    }


def _haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    r = 6_371_008.8
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(min(1.0, math.sqrt(a)))


def _place(directory: Directory, postcode: str) -> Any:
    geo = directory.geography
    try:
        if normalise_postcode(postcode):
            return geo.resolve_postcode(postcode)
        if normalise_outcode(postcode):
            return geo.resolve_outcode(postcode)
    except (InvalidInput, PlaceNotFound) as exc:
        raise HTTPException(400, str(exc)) from None
    raise HTTPException(400, f"postcode {postcode.strip()[:20]!r} is not a UK postcode or its first half "
                             "(like YO10 5DD or YO10)")


def _matches_term(exported: dict[str, Any], wanted: str) -> bool:
    if wanted == T.TAXONOMY_ID:
        return True
    ids = {a["taxonomy_term_id"] for a in exported["attributes"]}
    return wanted in ids or T.type_term_id(wanted) in ids or T.stage_term_id(wanted) in ids


def create_app(data_dir: Path | str | None = None) -> FastAPI:
    """The API over ``data_dir`` (default: ``$WAYMARK_DATA`` or the shipped directory)."""
    feed = _Feed(Path(data_dir) if data_dir is not None else None)
    app = FastAPI(
        title="Waymark Open Referral UK API",
        version=HSDS_VERSION,
        description=(
            "Read-only Open Referral UK (HSDS 3) API over Waymark's directory of services for "
            "children at risk of, or who have suffered, sexual abuse in the family environment. "
            "Waymark's pathway fields are attributes under the `waymark` taxonomy. "
            "`proximity` is in metres. No keys; CORS `*`."
        ),
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "OPTIONS"], allow_headers=["*"])

    @app.exception_handler(DataError)
    async def _data_error(_request: Request, exc: DataError) -> JSONResponse:
        return JSONResponse({"detail": f"the data directory cannot be read: {exc}"}, status_code=503)

    @app.get("/", response_model=S.Root, summary="API version and where its OpenAPI document is")
    def root(request: Request) -> dict[str, Any]:
        return {"version": HSDS_VERSION, "profile": PROFILE,
                "openapi_url": str(request.base_url).rstrip("/") + (app.openapi_url or "")}

    @app.get("/services", response_model=S.Page[S.Service], responses=_ERRORS, summary="Services, paged")
    def list_services(
        page: PageNo = 1,
        per_page: PerPage = 50,
        taxonomy_id: Annotated[str | None, Query(max_length=200, description=(
            "A taxonomy term id (waymark:service_type:sarc, waymark:stage:therapeutic_support), a bare Waymark "
            "service type or stage id (sarc), or the taxonomy id waymark"))] = None,
        taxonomy_term_id: Text = None,
        organization_id: Text = None,
        modified_after: Annotated[dt.datetime | None, Query(description=(
            "ISO date or date-time (UTC unless it says otherwise); services whose last_modified is later"))] = None,
        text: Annotated[str | None, Query(max_length=200, description="Words in the name or description")] = None,
        postcode: Annotated[str | None, Query(max_length=20, pattern=POSTCODE_PATTERN, description=(
            "A full postcode (YO10 5DD) or its first half (YO10): services serving that area, nearest "
            "first. 400 when it is not a postcode in England"))] = None,
        proximity: Annotated[float | None, Query(gt=0, le=1_000_000, description=(
            "With postcode: only services with a location within this many metres"))] = None,
    ) -> dict[str, Any]:
        data = feed.get()
        items: list[tuple[float, str, dict[str, Any]]] = []
        after = modified_after
        if after is not None and after.tzinfo is None:
            after = after.replace(tzinfo=dt.timezone.utc)
        if proximity is not None and not postcode:
            raise HTTPException(400, "proximity needs a postcode to measure from")
        place = _place(data["directory"], postcode) if postcode else None
        words = text.casefold().split() if text else []
        for service, exported in data["services"]:
            if taxonomy_id and not _matches_term(exported, taxonomy_id):
                continue
            if taxonomy_term_id and not _matches_term(exported, taxonomy_term_id):
                continue
            if organization_id and exported["organization_id"] != organization_id:
                continue
            if after is not None:
                modified = dt.datetime.combine(service.last_verified, dt.time(), tzinfo=dt.timezone.utc)
                if modified <= after:
                    continue
            if words:
                hay = f"{service.name} {service.description}".casefold()
                if not all(w in hay for w in words):
                    continue
            distance = math.inf
            if place is not None:
                placed = [l for l in service.locations if l.latitude is not None and l.longitude is not None]
                if placed:
                    distance = min(_haversine_m(place.lat, place.lon, l.latitude, l.longitude) for l in placed)
                if proximity is not None:
                    if distance > proximity:
                        continue
                else:
                    code = place.authority.code if place.authority else None
                    if NATIONAL not in service.service_areas and code not in service.service_areas:
                        continue
            items.append((distance, service.id, exported))
        if place is not None:
            items.sort(key=lambda x: (x[0], x[1]))
        return _page([e for _, _, e in items], page, per_page)

    @app.get("/services/{id}", response_model=S.Service, responses=_NOT_FOUND, summary="One service, in full")
    def get_service(id: str) -> dict[str, Any]:
        found = feed.get()["by_id"].get(id)
        if found is None:
            raise HTTPException(404, f"no service with id {id[:100]!r}")
        return found

    @app.get("/service_at_locations", response_model=S.Page[S.ServiceAtLocation], responses=_ERRORS,
             summary="Where services are delivered, paged")
    def list_service_at_locations(page: PageNo = 1, per_page: PerPage = 50, service_id: Text = None) -> dict[str, Any]:
        sals = feed.get()["sals"]
        if service_id:
            sals = [s for s in sals if s["service_id"] == service_id]
        return _page(sals, page, per_page)

    @app.get("/service_at_locations/{id}", response_model=S.ServiceAtLocation, responses=_NOT_FOUND,
             summary="One service at a location")
    def get_service_at_location(id: str) -> dict[str, Any]:
        found = feed.get()["sal_by_id"].get(id)
        if found is None:
            raise HTTPException(404, f"no service_at_location with id {id[:100]!r}")
        return found

    @app.get("/taxonomies", response_model=S.Page[S.TaxonomyDetail], responses=_ERRORS, summary="Taxonomies, paged")
    def list_taxonomies(page: PageNo = 1, per_page: PerPage = 50) -> dict[str, Any]:
        feed.get()
        return _page([dict(T.TAXONOMY)], page, per_page)

    @app.get("/taxonomies/{id}", response_model=S.TaxonomyDetail, responses=_NOT_FOUND, summary="One taxonomy")
    def get_taxonomy(id: str) -> dict[str, Any]:
        if id != T.TAXONOMY_ID:
            raise HTTPException(404, f"no taxonomy with id {id[:100]!r} (this API publishes {T.TAXONOMY_ID!r})")
        return dict(T.TAXONOMY)

    @app.get("/taxonomy_terms", response_model=S.Page[S.TaxonomyTerm], responses=_ERRORS,
             summary="Taxonomy terms, paged")
    def list_taxonomy_terms(page: PageNo = 1, per_page: PerPage = 50, taxonomy_id: Text = None,
                            parent_id: Text = None) -> dict[str, Any]:
        term_list = feed.get()["terms"]
        if taxonomy_id:
            term_list = [t for t in term_list if t["taxonomy_id"] == taxonomy_id]
        if parent_id:
            term_list = [t for t in term_list if t["parent_id"] == parent_id]
        return _page(term_list, page, per_page)

    @app.get("/taxonomy_terms/{id}", response_model=S.TaxonomyTerm, responses=_NOT_FOUND,
             summary="One taxonomy term")
    def get_taxonomy_term(id: str) -> dict[str, Any]:
        found = feed.get()["term_by_id"].get(id)
        if found is None:
            raise HTTPException(404, f"no taxonomy term with id {id[:100]!r}")
        return found

    return app
