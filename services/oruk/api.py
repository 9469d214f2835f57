"""The read-only Open Referral UK API over a Waymark data directory (FastAPI).

Endpoints (ORUK 3.0 names and parameters): ``/``, ``/services`` and
``/service_at_locations`` (paged; ``search`` (alias ``text``), ``taxonomy_id``,
``taxonomy_term_id``, ``organization_id``, ``modified_after`` (on or after),
``minimum_age``/``maximum_age`` (as the profile defines them) and ``age``, ``day``,
``start_time``/``end_time``, ``postcode`` with ``proximity`` in metres), their ``{id}``
endpoints, ``/organizations`` and ``/organizations/{id}``, ``/taxonomies``,
``/taxonomy_terms`` and theirs, and the OpenAPI document at ``/openapi.json``. Bodies are
valid against the ORUK 3.0 compiled schemas: no nulls, UUID ids.

No keys, CORS ``*``, GET only. A parameter the endpoint does not support is a 400 naming
it — never a silent "everything"; unknown ids get a 404 JSON body, bad values a 400 or 422
JSON body; the data directory is re-read when its files change. The postcode a caller sends
may be where a child lives: nothing here logs or stores it (``serve-api`` turns uvicorn's
access log off).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.dependencies.models import Dependant
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from ..directory import Directory, directories
from ..distance import point_km
from ..errors import DataError, InvalidInput, PlaceNotFound, WaymarkError
from ..geography import normalise_outcode, normalise_postcode
from ..models import Service
from ..vocabulary import NATIONAL
from . import schema as S
from . import terms as T
from .exporter import HSDS_VERSION, service_to_hsds, taxonomy_object, taxonomy_terms
from .values import parse_time

__all__ = ["create_app", "PROFILE"]

PROFILE = "https://openreferraluk.org"
MAX_PER_PAGE = 500
#: The shape of a full postcode or its first half, any case and spacing.
POSTCODE_PATTERN = r"^\s*[A-Za-z]{1,2}[0-9][A-Za-z0-9]?\s*([0-9][A-Za-z]{2})?\s*$"

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": S.ErrorBody, "description": "A parameter is not supported or has an impossible value"},
    503: {"model": S.ErrorBody, "description": "The data directory cannot be read"},
}
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    400: {"model": S.ErrorBody, "description": "A parameter is not supported"},
    404: {"model": S.ErrorBody, "description": "No such id"},
    503: {"model": S.ErrorBody, "description": "The data directory cannot be read"},
}


class _Feed:
    """The directory and its ORUK export, rebuilt when the directory changes."""

    def __init__(self, data_dir: Path | None) -> None:
        self.data_dir = data_dir

    def get(self) -> dict[str, Any]:
        try:
            directory = directories.get(self.data_dir)
        except WaymarkError as exc:
            raise HTTPException(503, f"the data directory cannot be read: {exc}") from None
        # The export belongs to the directory it was made from: a reloaded directory is a new
        # object with none, so an edit is served without a restart (services.directory).
        built: dict[str, Any] = directory.derived(("oruk_export",), lambda kept: True, lambda: self._build(directory))
        return built

    @staticmethod
    def _build(directory: Directory) -> dict[str, Any]:
        services = sorted(directory.services, key=lambda s: s.id)
        exported = [service_to_hsds(s, directory.taxonomy, directory.geography) for s in services]
        by_id = {e["id"]: e for e in exported}
        by_id.update({s.id: e for s, e in zip(services, exported) if s.id not in by_id})
        orgs: dict[str, dict[str, Any]] = {}
        org_services: dict[str, list[dict[str, Any]]] = {}
        org_alias: dict[str, str] = {}
        for s, e in zip(services, exported):
            org = e["organization"]
            orgs.setdefault(org["id"], org)
            org_services.setdefault(org["id"], []).append(e)
            if s.organization is not None and s.organization.id:
                org_alias.setdefault(s.organization.id, org["id"])
        term_list = taxonomy_terms(directory.taxonomy)
        term_by_id = {t["id"]: t for t in term_list}
        term_by_id.update({t["term"]: t for t in term_list})
        return {
            "directory": directory,
            "services": list(zip(services, exported)),
            "by_id": by_id,
            "sal_by_id": {sal["id"]: sal for e in exported for sal in e["service_at_locations"]},
            "orgs": sorted(orgs.values(), key=lambda o: (o["name"].casefold(), o["id"])),
            "org_services": org_services,
            "org_alias": org_alias,
            "terms": term_list,
            "term_by_id": term_by_id,
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
    return 1000.0 * point_km(lat1, lon1, lat2, lon2)


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
    """A term by its UUID or readable key, a bare Waymark type or stage id, or the taxonomy."""
    if wanted in (T.TAXONOMY_ID, T.TAXONOMY_UUID):
        return True
    key = T.term_key_of(wanted.strip())
    keys = {a["taxonomy_term"].get("term") for a in exported["attributes"]}
    if key is not None:
        return key in keys
    return T.type_term_id(wanted) in keys or T.stage_term_id(wanted) in keys


def _query_names(dependant: Dependant) -> set[str]:
    """The query parameters an endpoint takes, its dependencies' (``Filters``) included."""
    names = {p.alias for p in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def _known_parameters(request: Request) -> None:
    """A query parameter the endpoint does not take is a 400 that names it: an ORUK client
    sending a filter Waymark does not support must not get every service back as if it had
    been applied."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    allowed = _query_names(dependant)
    unknown = sorted({k for k in request.query_params} - allowed)
    if unknown:
        names = ", ".join(repr(u[:40]) for u in unknown[:5])
        takes = ", ".join(sorted(allowed)) or "no parameters"
        raise HTTPException(400, f"unsupported parameter {names}: {request.url.path} takes {takes}")


_DAYS = {"MO": "MO", "TU": "TU", "WE": "WE", "TH": "TH", "FR": "FR", "SA": "SA", "SU": "SU",
         "MONDAY": "MO", "TUESDAY": "TU", "WEDNESDAY": "WE", "THURSDAY": "TH", "FRIDAY": "FR",
         "SATURDAY": "SA", "SUNDAY": "SU", "MON": "MO", "TUE": "TU", "WED": "WE", "THU": "TH",
         "FRI": "FR", "SAT": "SA", "SUN": "SU"}


def _day(value: str | None) -> str | None:
    if value is None:
        return None
    code = _DAYS.get(value.strip().upper())
    if code is None:
        raise HTTPException(400, f"day {value[:20]!r} is not a day of the week (MO ... SU, or Monday ... Sunday)")
    return code


def _clock(name: str, value: str | None) -> dt.time | None:
    if value is None:
        return None
    t = parse_time(value) if len(value) <= 12 else None
    if t is None:
        raise HTTPException(400, f"{name} {value[:20]!r} is not a time of day (like 09:00 or 17:30:00)")
    return t


def _schedule_fits(service: Service, day: str | None, start: dt.time | None, end: dt.time | None,
                   today: dt.date) -> bool:
    """Whether one current opening (not a closure) is on ``day``, opens at or after ``start``
    and closes at or before ``end`` (the profile's definitions). 24/7 opens at 00:00 and
    closes at 23:59:59 every day; hours with no days or times cannot match those filters."""
    for s in service.current_schedules(today):
        if s.closed:
            continue
        opens = dt.time(0, 0) if s.open_24_7 else s.opens_at
        closes = dt.time(23, 59, 59) if s.open_24_7 else s.closes_at
        if day is not None and not s.open_24_7:
            codes = {c.strip().upper()[-2:] for c in (s.byday or "").split(",")}
            if day not in codes:
                continue
        if start is not None and (opens is None or opens < start):
            continue
        if end is not None and (closes is None or closes > end):
            continue
        return True
    return False


Search = Annotated[str | None, Query(max_length=200, description="Words in the name, description or organisation")]
SearchText = Annotated[str | None, Query(max_length=200, description="Same as search (older name)")]
@dataclass(frozen=True)
class _Filters:
    """The service filters ``/services`` and ``/service_at_locations`` both take, declared once
    as their query parameters (a FastAPI dependency); ``_select`` applies them."""

    taxonomy_id: Annotated[str | None, Query(max_length=200, description=(
        "The Waymark taxonomy (its UUID or 'waymark'), or a term: its UUID, its key (waymark:service_type:sarc) or a "
        "bare Waymark service type or stage id (sarc)"))] = None
    taxonomy_term_id: Annotated[str | None, Query(max_length=200, description=(
        "A taxonomy term: its UUID, its key (waymark:stage:therapeutic_support) or a bare type or stage id"))] = None
    organization_id: Annotated[str | None, Query(
        max_length=200, description="An organisation's UUID (or its Waymark id)")] = None
    modified_after: Annotated[dt.datetime | None, Query(description=(
        "ISO date or date-time (UTC unless it says otherwise): services last modified on or after it"))] = None
    minimum_age: Annotated[float | None, Query(ge=0, le=200, description=(
        "Services whose minimum age is at least this (the profile's definition)"))] = None
    maximum_age: Annotated[float | None, Query(ge=0, le=200, description=(
        "Services whose maximum age is at most this (the profile's definition)"))] = None
    age: Annotated[int | None, Query(
        ge=0, le=200, description="Waymark: services that serve a child of this age")] = None
    day: Annotated[str | None, Query(max_length=20, description=(
        "Services open on this day (MO ... SU or the day's name); services that give no days do not match"))] = None
    start_time: Annotated[str | None, Query(max_length=20, description=(
        "Services with opening hours that start at or after this time (09:00)"))] = None
    end_time: Annotated[str | None, Query(max_length=20, description=(
        "Services with opening hours that end at or before this time (17:00)"))] = None
    postcode: Annotated[str | None, Query(max_length=20, pattern=POSTCODE_PATTERN, description=(
        "A full postcode (YO10 5DD) or its first half (YO10): services serving that area, nearest first. 400 when "
        "it is not a postcode in England"))] = None
    proximity: Annotated[float | None, Query(gt=0, le=1_000_000, description=(
        "With postcode: only services with a location within this many metres"))] = None


Filters = Annotated[_Filters, Depends()]


def _select(data: dict[str, Any], filters: _Filters, *, search: str | None = None,
            service_id: str | None = None) -> list[tuple[Service, dict[str, Any]]]:
    """The services every given filter lets through: nearest first with a postcode, else by id."""
    after = filters.modified_after
    if after is not None and after.tzinfo is None:
        after = after.replace(tzinfo=dt.UTC)
    if filters.proximity is not None and not filters.postcode:
        raise HTTPException(400, "proximity needs a postcode to measure from")
    wanted_day = _day(filters.day)
    start, end = _clock("start_time", filters.start_time), _clock("end_time", filters.end_time)
    place = _place(data["directory"], filters.postcode) if filters.postcode else None
    words = search.casefold().split() if search else []
    org_id = filters.organization_id
    org = data["org_alias"].get(org_id, org_id) if org_id else None
    today = dt.date.today()
    items: list[tuple[float, str, Service, dict[str, Any]]] = []
    for service, exported in data["services"]:
        if service_id and service_id not in (exported["id"], service.id):
            continue
        if filters.taxonomy_id and not _matches_term(exported, filters.taxonomy_id):
            continue
        if filters.taxonomy_term_id and not _matches_term(exported, filters.taxonomy_term_id):
            continue
        if org and exported["organization_id"] != org:
            continue
        if after is not None:
            modified = dt.datetime.combine(service.last_verified, dt.time(), tzinfo=dt.UTC)
            if modified < after:
                continue
        if filters.minimum_age is not None and service.min_age < filters.minimum_age:
            continue
        if filters.maximum_age is not None and service.max_age > filters.maximum_age:
            continue
        if filters.age is not None and not service.serves_age(filters.age):
            continue
        if (wanted_day or start or end) and not _schedule_fits(service, wanted_day, start, end, today):
            continue
        if words:
            org_name = service.organization.name if service.organization else ""
            hay = f"{service.name} {service.description} {org_name}".casefold()
            if not all(w in hay for w in words):
                continue
        distance = math.inf
        if place is not None:
            placed = [loc for loc in service.locations if loc.latitude is not None and loc.longitude is not None]
            if placed:
                distance = min(_haversine_m(place.lat, place.lon, loc.latitude, loc.longitude) for loc in placed)
            if filters.proximity is not None:
                if distance > filters.proximity:
                    continue
            else:
                code = place.authority.code if place.authority else None
                if NATIONAL not in service.service_areas and code not in service.service_areas:
                    continue
        items.append((distance, service.id, service, exported))
    if place is not None:
        items.sort(key=lambda x: (x[0], x[1]))
    return [(s, e) for _, _, s, e in items]


def _search_words(search: str | None, text: str | None) -> str | None:
    return " ".join(x for x in (search, text) if x) or None


def create_app(data_dir: Path | str | None = None) -> FastAPI:
    """The API over ``data_dir`` (default: ``$WAYMARK_DATA`` or the shipped directory)."""
    feed = _Feed(Path(data_dir) if data_dir is not None else None)
    app = FastAPI(
        title="Waymark Open Referral UK API",
        version=HSDS_VERSION,
        description=(
            "Read-only Open Referral UK 3.0 API over Waymark's directory of services for "
            "children at risk of, or who have suffered, sexual abuse in the family environment. "
            "Bodies follow the ORUK 3.0 compiled schemas (UUID ids; optional fields left out, never null). "
            "Waymark's pathway fields are attributes under the `waymark` taxonomy. "
            "`proximity` is in metres. A parameter an endpoint does not take is a 400. No keys; CORS `*`."
        ),
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(_known_parameters)],
    )
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "OPTIONS"], allow_headers=["*"])

    @app.exception_handler(DataError)
    async def _data_error(_request: Request, exc: DataError) -> JSONResponse:
        return JSONResponse({"detail": f"the data directory cannot be read: {exc}"}, status_code=503)

    @app.get("/", response_model=S.Root, responses={400: _ERRORS[400]}, summary="API version and where its OpenAPI document is")
    def root(request: Request) -> dict[str, Any]:
        return {"version": HSDS_VERSION, "profile": PROFILE,
                "openapi_url": str(request.base_url).rstrip("/") + (app.openapi_url or "")}

    _service_routes(app, feed)
    _service_at_location_routes(app, feed)
    _organization_routes(app, feed)
    _taxonomy_routes(app, feed)
    return app


def _one(feed: _Feed, table: str, what: str, id: str) -> dict[str, Any]:
    """The record ``id`` names in the export's ``table``; a 404 naming ``what`` when none."""
    found: dict[str, Any] | None = feed.get()[table].get(id)
    if found is None:
        raise HTTPException(404, f"no {what} with id {id[:100]!r}")
    return found


#: Route options: ORUK bodies leave optional fields out rather than send null.
_LEAN: dict[str, Any] = {"response_model_exclude_none": True, "response_model_exclude_unset": True}


def _service_routes(app: FastAPI, feed: _Feed) -> None:
    """``/services`` and ``/services/{id}``."""

    @app.get("/services", response_model=S.Page[S.Service], responses=_ERRORS, summary="Services, paged", **_LEAN)
    def list_services(filters: Filters, page: PageNo = 1, per_page: PerPage = 50, search: Search = None,
                      text: SearchText = None) -> dict[str, Any]:
        chosen = _select(feed.get(), filters, search=_search_words(search, text))
        return _page([e for _, e in chosen], page, per_page)

    @app.get("/services/{id}", response_model=S.Service, responses=_NOT_FOUND, summary="One service, in full", **_LEAN)
    def get_service(id: str) -> dict[str, Any]:
        return _one(feed, "by_id", "service", id)


def _service_at_location_routes(app: FastAPI, feed: _Feed) -> None:
    """``/service_at_locations`` and ``/service_at_locations/{id}``: where services are delivered."""

    @app.get("/service_at_locations", response_model=S.Page[S.ServiceAtLocation], responses=_ERRORS,
             summary="Where services are delivered, paged", **_LEAN)
    def list_service_at_locations(filters: Filters, page: PageNo = 1, per_page: PerPage = 50,
                                  search: Search = None, text: SearchText = None,
                                  service_id: Text = None) -> dict[str, Any]:
        data = feed.get()
        chosen = _select(data, filters, search=_search_words(search, text), service_id=service_id)
        sals = [sal for _, e in chosen for sal in e["service_at_locations"]]
        postcode, proximity = filters.postcode, filters.proximity
        if postcode:
            place = _place(data["directory"], postcode)

            def metres(sal: dict[str, Any]) -> float:
                loc = sal["location"]
                if "latitude" not in loc:
                    return math.inf
                return _haversine_m(place.lat, place.lon, loc["latitude"], loc["longitude"])

            sals = sorted(sals, key=metres)
            if proximity is not None:
                sals = [s for s in sals if metres(s) <= proximity]
        elif proximity is not None:
            raise HTTPException(400, "proximity needs a postcode to measure from")
        return _page(sals, page, per_page)

    @app.get("/service_at_locations/{id}", response_model=S.ServiceAtLocation, responses=_NOT_FOUND,
             summary="One service at a location", **_LEAN)
    def get_service_at_location(id: str) -> dict[str, Any]:
        return _one(feed, "sal_by_id", "service_at_location", id)



def _organization_routes(app: FastAPI, feed: _Feed) -> None:
    """``/organizations`` and ``/organizations/{id}``."""

    @app.get("/organizations", response_model=S.Page[S.OrganizationFull], responses=_ERRORS,
             summary="Organisations that run the services, paged", **_LEAN)
    def list_organizations(page: PageNo = 1, per_page: PerPage = 50, search: Search = None,
                           full_service: Annotated[bool, Query(description="Include each organisation's services")] = False,
                           ) -> dict[str, Any]:
        data = feed.get()
        orgs = data["orgs"]
        words = search.casefold().split() if search else []
        if words:
            orgs = [o for o in orgs if all(w in f"{o['name']} {o['description']}".casefold() for w in words)]
        if full_service:
            orgs = [{**o, "services": data["org_services"][o["id"]]} for o in orgs]
        return _page(orgs, page, per_page)

    @app.get("/organizations/{id}", response_model=S.OrganizationFull, responses=_NOT_FOUND,
             summary="One organisation with its services", **_LEAN)
    def get_organization(id: str,
                         full_service: Annotated[bool, Query(description="Ignored: services are always included")] = True,
                         ) -> dict[str, Any]:
        data = feed.get()
        org_id = data["org_alias"].get(id, id)
        found = next((o for o in data["orgs"] if o["id"] == org_id), None)
        if found is None:
            raise HTTPException(404, f"no organization with id {id[:100]!r}")
        return {**found, "services": data["org_services"][org_id]}



def _taxonomy_routes(app: FastAPI, feed: _Feed) -> None:
    """``/taxonomies``, ``/taxonomy_terms`` and their ``{id}`` endpoints."""

    @app.get("/taxonomies", response_model=S.Page[S.TaxonomyDetail], responses=_ERRORS, summary="Taxonomies, paged",
             **_LEAN)
    def list_taxonomies(page: PageNo = 1, per_page: PerPage = 50) -> dict[str, Any]:
        feed.get()
        return _page([taxonomy_object()], page, per_page)

    @app.get("/taxonomies/{id}", response_model=S.TaxonomyDetail, responses=_NOT_FOUND, summary="One taxonomy",
             **_LEAN)
    def get_taxonomy(id: str) -> dict[str, Any]:
        if id not in (T.TAXONOMY_ID, T.TAXONOMY_UUID):
            raise HTTPException(404, f"no taxonomy with id {id[:100]!r} (this API publishes {T.TAXONOMY_UUID}, "
                                     f"{T.TAXONOMY_ID!r})")
        return taxonomy_object()

    @app.get("/taxonomy_terms", response_model=S.Page[S.TaxonomyTerm], responses=_ERRORS,
             summary="Taxonomy terms, paged", **_LEAN)
    def list_taxonomy_terms(page: PageNo = 1, per_page: PerPage = 50, taxonomy_id: Text = None,
                            parent_id: Text = None) -> dict[str, Any]:
        term_list = feed.get()["terms"]
        if taxonomy_id:
            wanted = T.TAXONOMY_UUID if taxonomy_id == T.TAXONOMY_ID else taxonomy_id
            term_list = [t for t in term_list if t["taxonomy_id"] == wanted]
        if parent_id:
            parent = T.term_uuid(parent_id) if parent_id.startswith("waymark:") else parent_id
            term_list = [t for t in term_list if t.get("parent_id") == parent]
        return _page(term_list, page, per_page)

    @app.get("/taxonomy_terms/{id}", response_model=S.TaxonomyTerm, responses=_NOT_FOUND,
             summary="One taxonomy term", **_LEAN)
    def get_taxonomy_term(id: str) -> dict[str, Any]:
        return _one(feed, "term_by_id", "taxonomy term", id)
