"""The place resolvers: one small interface, interchangeable back-ends (as geopy's geocoders).

Each resolver owns the table it answers from and returns a :class:`Place`, ``None`` ("not
mine, ask the next"), or raises when the text is definitely its kind but wrong (a malformed
or unknown postcode). :class:`services.geography.Geography` chains them: full postcode →
outward code → authority → town → district → optional online geocoder.
"""

from __future__ import annotations

import csv
import gzip
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from ..errors import DataError, GeocoderUnavailable, InvalidPostcode, PlaceNotFound
from .places import Authority, Place
from .tables import AuthorityTable, read_csv
from .text import (
    AREA_COUNTRY,
    EXAMPLES,
    GSS,
    UK_POSTCODE_AREAS,
    looks_like_postcode,
    name_key,
    normalise_outcode,
    normalise_postcode,
)

__all__ = [
    "Resolver",
    "PostcodeResolver",
    "OutcodeResolver",
    "AuthorityResolver",
    "GazetteerResolver",
    "DistrictResolver",
    "NominatimResolver",
    "USER_AGENT",
]

USER_AGENT = "waymark-safeguarding-directory"
_WS = re.compile(r"\s+")


class Resolver(Protocol):
    """One link of the chain.

    ``sees_postcodes`` is False for a resolver that must never be sent text shaped like a
    postcode (the online geocoder: a postcode is where a child lives). ``known_names`` gives
    the names it knows (key → display name) for "did you mean".
    """

    name: str
    sees_postcodes: bool

    def resolve(self, query: str) -> Place | None: ...

    def known_names(self) -> dict[str, str]: ...


class _Base:
    sees_postcodes = True

    def known_names(self) -> dict[str, str]:
        return {}


def _postcode_area_checked(text: str, outcode: str) -> str:
    """The outward code's area letters; refuses letters no UK postcode starts with and says
    so for a real postcode outside England."""
    area = re.match(r"^[A-Z]+", outcode).group(0)  # type: ignore[union-attr]
    if area not in UK_POSTCODE_AREAS:
        raise InvalidPostcode(
            f"{text.strip()!r} is not a UK postcode: no postcode starts with {area!r}. "
            f"Check it, or type {EXAMPLES}.")
    if area in AREA_COUNTRY:
        raise PlaceNotFound(
            f"{text.strip()!r} is a postcode in {AREA_COUNTRY[area]}; Waymark covers England only.",
            country=AREA_COUNTRY[area])
    return area


class OutcodeResolver(_Base):
    """Outward codes ("TR1", "yo10") → the mean position of their postcodes and the authority
    holding most of them (``outcodes.csv``)."""

    name = "outcode"

    def __init__(self, data_dir: Path, authorities: AuthorityTable) -> None:
        self._authorities = authorities
        self.table: dict[str, tuple[float, float, str]] = {}
        path = data_dir / "outcodes.csv"
        for row in read_csv(path):
            try:
                self.table[row["outcode"]] = (float(row["lat"]), float(row["lon"]), row["authority"])
            except (KeyError, ValueError) as exc:
                raise DataError(f"{path}: bad row: {exc}") from exc

    def resolve(self, query: str) -> Place | None:
        if normalise_outcode(query) is None:
            if looks_like_postcode(query):
                # Shaped like a postcode but neither a full postcode nor an outward code.
                raise InvalidPostcode(
                    f"{query.strip()!r} is not a complete UK postcode. A full postcode looks like "
                    f"YO10 5DD; you can also type just its first half (YO10), or a town.")
            return None
        return self.lookup(query)

    def lookup(self, text: str) -> Place:
        """An outward code → a Place; raises for one that is malformed or not in England."""
        oc = normalise_outcode(text)
        if oc is None:
            raise InvalidPostcode(f"{text.strip()!r} is not the first half of a UK postcode (like TR1 or YO10).")
        _postcode_area_checked(text, oc)
        hit = self.table.get(oc)
        if hit is None:
            raise PlaceNotFound(
                f"{oc} is not a postcode district in England that Waymark knows. Check it, or "
                f"type a full postcode or a town.")
        lat, lon, code = hit
        return Place(oc, lat, lon, self._authorities.by_code.get(code), "outcode")


@dataclass
class _Partition:
    postcodes: np.ndarray  # sorted, compact ("YO105DD")
    lat: np.ndarray
    lon: np.ndarray
    auth: np.ndarray  # index into codes
    codes: list[str]


def _read_partition(path: Path) -> _Partition:
    pcs: list[str] = []
    lats: list[float] = []
    lons: list[float] = []
    auth: list[int] = []
    codes: dict[str, int] = {}
    try:
        with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader)
            if header[:4] != ["postcode", "lat", "lon", "authority"]:
                raise DataError(f"{path}: unexpected header {header}")
            for row in reader:
                pcs.append(row[0])
                lats.append(float(row[1]))
                lons.append(float(row[2]))
                auth.append(codes.setdefault(row[3], len(codes)))
    except DataError:
        raise
    except (OSError, ValueError, IndexError, EOFError, StopIteration, csv.Error) as exc:
        raise DataError(f"{path}: cannot read postcode partition: {exc}") from exc
    arr = np.array(pcs)
    order = np.argsort(arr, kind="stable")
    return _Partition(arr[order], np.array(lats)[order], np.array(lons)[order],
                      np.array(auth, dtype=np.int32)[order], list(codes))


class PostcodeResolver(_Base):
    """Full postcodes, any case or spacing → position and authority (``postcodes/<AREA>.csv.gz``,
    one small file per postcode area, each read on first use and kept)."""

    name = "postcode"

    def __init__(self, data_dir: Path, authorities: AuthorityTable, outcodes: Iterable[str]) -> None:
        self._dir = data_dir / "postcodes"
        self._authorities = authorities
        self._outcodes = frozenset(outcodes)
        self._lock = threading.Lock()
        self.partitions: dict[str, _Partition | None] = {}

    def resolve(self, query: str) -> Place | None:
        if normalise_postcode(query) is None:
            return None
        return self.lookup(query)

    def _partition(self, area: str) -> _Partition | None:
        with self._lock:
            if area not in self.partitions:
                path = self._dir / f"{area}.csv.gz"
                self.partitions[area] = _read_partition(path) if path.exists() else None
            return self.partitions[area]

    def lookup(self, text: str) -> Place:
        """A full postcode → a Place.

        Raises InvalidPostcode when it is not shaped like one, PlaceNotFound when it is
        shaped right but not in England's postcode directory."""
        pc = normalise_postcode(text)
        if pc is None:
            raise InvalidPostcode(
                f"{text.strip()!r} is not a full UK postcode (like YO10 5DD). Check it, or "
                f"type just its first half (like YO10).")
        out = pc.split(" ")[0]
        part = self._partition(_postcode_area_checked(text, out))
        compact = pc.replace(" ", "")
        if part is not None:
            i = int(np.searchsorted(part.postcodes, compact))
            if i < len(part.postcodes) and part.postcodes[i] == compact:
                code = part.codes[int(part.auth[i])]
                return Place(pc, float(part.lat[i]), float(part.lon[i]), self._authorities.by_code.get(code), "postcode")
        hint = f" Try its first half, {out}." if out in self._outcodes else ""
        raise PlaceNotFound(
            f"Postcode {pc} is not in Waymark's list of English postcodes (it may be new, "
            f"mistyped, or outside England).{hint}")


class AuthorityResolver(_Base):
    """Local authority names and GSS codes → a Place at the authority's population-weighted
    centre. A GSS-shaped code that is unknown or was split is an error that says so."""

    name = "authority"

    def __init__(self, authorities: AuthorityTable) -> None:
        self._table = authorities

    def resolve(self, query: str) -> Place | None:
        t = query.strip()
        if GSS.match(t.upper()):
            a = self._table.get(t)
            if a is None:
                raise PlaceNotFound(self._table.split_message(t) or (
                    f"{t!r} is not the code of an English local authority Waymark knows. "
                    f"Type the authority's name (e.g. York) or a postcode."))
            return Place(a.name, a.lat, a.lon, a, "authority")
        code = self._table.aliases.get(name_key(t))
        if code:
            a = self._table.by_code[code]
            return Place(a.name, a.lat, a.lon, a, "authority")
        msg = self._table.split_message(t)
        if msg:
            raise PlaceNotFound(msg)
        return None

    def known_names(self) -> dict[str, str]:
        return {key: self._table.by_code[code].name for key, code in self._table.aliases.items()}


class GazetteerResolver(_Base):
    """Town and village names ("Truro", "richmond, north yorkshire") → the most populous
    match, or the one whose authority or region matches the qualifier after a comma or in
    brackets (``places.csv``)."""

    name = "place"

    def __init__(self, data_dir: Path, authorities: AuthorityTable) -> None:
        self._authorities = authorities
        self.table: dict[str, list[tuple[str, float, float, str, int]]] = {}
        path = data_dir / "places.csv"
        if path.exists():
            for row in read_csv(path):
                try:
                    rec = (row["name"], float(row["lat"]), float(row["lon"]), row["authority"],
                           int(row.get("population") or 0))
                except (KeyError, ValueError) as exc:
                    raise DataError(f"{path}: bad row: {exc}") from exc
                self.table.setdefault(name_key(row["name"]), []).append(rec)
            for recs in self.table.values():
                recs.sort(key=lambda r: -r[4])

    def resolve(self, query: str) -> Place | None:
        raw = query.strip()
        qualifier = ""
        m = re.match(r"^(.*?)\s*(?:,\s*(.+)|\((.+)\))\s*$", raw)
        if m and m.group(1):
            raw, qualifier = m.group(1), (m.group(2) or m.group(3) or "")
        recs = self.table.get(name_key(raw))
        if not recs:
            return None
        chosen = recs[0]
        if qualifier:
            chosen = self._qualified(recs, qualifier) or chosen
        name, lat, lon, code, _pop = chosen
        return Place(name, lat, lon, self._authorities.by_code.get(code), "place")

    def _qualified(self, recs: list[tuple[str, float, float, str, int]], qualifier: str
                   ) -> tuple[str, float, float, str, int] | None:
        qk = name_key(qualifier)
        for r in recs:
            a = self._authorities.by_code.get(r[3])
            if a and qk in (name_key(a.name), name_key(a.region)):
                return r
        qa = self._authorities.get(qualifier)
        return next((r for r in recs if qa and r[3] == qa.code), None)

    def known_names(self) -> dict[str, str]:
        return {key: recs[0][0] for key, recs in self.table.items()}


class DistrictResolver(_Base):
    """Lower-tier or former district names ("South Lakeland", "Tendring") → a Place at the
    district's centre, in the authority that now serves it. Tried after towns, so
    "Harrogate" is the town, not the former district."""

    name = "district"

    def __init__(self, authorities: AuthorityTable) -> None:
        self._table = authorities

    def resolve(self, query: str) -> Place | None:
        hit = self._table.districts.get(name_key(query))
        if hit is None:
            return None
        name, code, lat, lon = hit
        return Place(name, lat, lon, self._table.by_code[code], "authority")


class NominatimResolver(_Base):
    """Optional online fallback (OpenStreetMap Nominatim via geopy). Off by default.

    Why so careful: it sends the typed text to a third party. It is only consulted when
    the offline data has no answer, never with text shaped like a postcode, at most once a
    second (Nominatim's usage policy), with an identifying user agent, results cached in
    memory only, and never logged.
    """

    name = "geocoder"
    sees_postcodes = False

    def __init__(self, locate: Callable[[float, float], Authority | None], *, user_agent: str = USER_AGENT,
                 timeout: float = 3.0, min_delay_seconds: float = 1.0,
                 geocoder: Any | None = None) -> None:
        self._locate = locate
        self._user_agent = user_agent
        self._timeout = timeout
        self._min_delay = min_delay_seconds
        self._geocoder = geocoder
        self._geocode: Callable[..., Any] | None = None
        self._cache: dict[str, tuple[str, float, float] | None] = {}
        self._lock = threading.Lock()

    def _client(self) -> Callable[..., Any]:
        if self._geocode is None:
            try:
                from geopy.extra.rate_limiter import RateLimiter
                from geopy.geocoders import Nominatim
            except ImportError as exc:  # pragma: no cover - geopy is a dependency
                raise GeocoderUnavailable(
                    "The online place lookup needs the geopy package, which is not installed."
                ) from exc
            gc = self._geocoder or Nominatim(user_agent=self._user_agent, timeout=self._timeout)
            self._geocode = RateLimiter(gc.geocode, min_delay_seconds=self._min_delay,
                                        max_retries=0, swallow_exceptions=False)
        return self._geocode

    def _lookup(self, key: str, query: str) -> tuple[str, float, float] | None:
        with self._lock:
            if key in self._cache:
                return self._cache[key]
            try:
                loc = self._client()(query, exactly_one=True, country_codes="gb", timeout=self._timeout)
            except GeocoderUnavailable:
                raise
            except Exception:  # network, timeout, refusal, bad reply: all alike
                # ``from None``: geopy's error text can hold the request URL, i.e. the
                # query, which must not reach a log through the exception chain.
                raise GeocoderUnavailable(
                    "The online place lookup could not be reached (offline, timed out or refused)."
                ) from None
            hit = None
            if loc is not None:
                label = str(getattr(loc, "address", "") or query).split(",")[0].strip()
                hit = (label or query.strip(), float(loc.latitude), float(loc.longitude))
            self._cache[key] = hit
            return hit

    def resolve(self, query: str) -> Place | None:
        key = _WS.sub(" ", query).strip().lower()
        if not key:
            return None
        hit = self._lookup(key, query)
        if hit is None:
            return None
        label, lat, lon = hit
        authority = self._locate(lat, lon)
        if authority is None:
            raise PlaceNotFound(f"{query.strip()!r} was found outside England; Waymark covers England only.")
        return Place(label, lat, lon, authority, "geocoder")
