"""Where is this? Postcodes, towns and local authorities of England, resolved offline.

Why offline first: a postcode typed into Waymark is where a child lives. It is resolved
against files shipped in ``data/geography/`` (built by ``scripts/build_geography.py``) so it
never leaves the machine. An online geocoder (Nominatim) is an opt-in last resort, off by
default, and never sees a query the offline data could answer.

One interface, a chain of interchangeable resolvers (like geopy's geocoders): full postcode
→ outward code → local authority name or code → gazetteer town → optional online geocoder.
The first that recognises the text answers; malformed or unknown text gets an error whose
message names the text and says what to type instead.
"""

from __future__ import annotations

import csv
import difflib
import gzip
import json
import math
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Protocol

import numpy as np

from .distance import haversine_km
from .errors import DataError, GeocoderUnavailable, InvalidInput, InvalidPostcode, PlaceNotFound

__all__ = [
    "Authority",
    "Place",
    "Geography",
    "Resolver",
    "PostcodeResolver",
    "OutcodeResolver",
    "AuthorityResolver",
    "GazetteerResolver",
    "DistrictResolver",
    "NominatimResolver",
    "normalise_postcode",
    "normalise_outcode",
    "looks_like_postcode",
    "postcode_area",
    "SHIPPED_GEOGRAPHY",
    "ONLINE_ENV_VAR",
    "USER_AGENT",
]

SHIPPED_GEOGRAPHY = Path(__file__).resolve().parents[1] / "data" / "geography"
ONLINE_ENV_VAR = "WAYMARK_ONLINE_GEOCODER"
USER_AGENT = "waymark-safeguarding-directory"

#: Every UK postcode area (plus Crown Dependencies and BFPO). An outward code whose letters
#: are not here is not a postcode (e.g. ``ZZ99``), so it is malformed rather than unknown.
UK_POSTCODE_AREAS = frozenset(
    "AB AL B BA BB BD BF BH BL BN BR BS BT BX CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH "
    "DL DN DT DY E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT "
    "KW KY L LA LD LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG "
    "RH RM S SA SE SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD "
    "WF WN WR WS WV YO ZE".split()
)
#: Areas wholly outside England, to say why a real postcode is not found.
_AREA_COUNTRY = {
    **{a: "Scotland" for a in "AB DD DG EH FK G HS IV KA KW KY ML PA PH TD ZE".split()},
    **{a: "Wales" for a in "CF LD LL NP SA".split()},
    "BT": "Northern Ireland", "GY": "Guernsey", "JE": "Jersey", "IM": "the Isle of Man",
    "BF": "the British Forces Post Office", "BX": "a non-geographic address",
}

_PC_FULL = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_PC_OUT = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
_PC_ATTEMPT = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]*$")
_GSS = re.compile(r"^[EWSN][0-9]{8}$")
_WS = re.compile(r"\s+")

_EXAMPLES = "a postcode (YO10 5DD), its first half (TR1), a town (Truro) or a local authority (York)"


# --------------------------------------------------------------------------------------
# Value types
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Authority:
    """An upper-tier (children's services) local authority: who holds the statutory duty."""

    code: str
    name: str
    region: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Place:
    """A resolved location: where to measure distances from, and whose area it is in.

    ``kind`` says which resolver answered: "postcode" | "outcode" | "place" | "authority" |
    "geocoder".
    """

    label: str
    lat: float
    lon: float
    authority: Authority | None
    kind: str


# --------------------------------------------------------------------------------------
# Text normalisation
# --------------------------------------------------------------------------------------

def _compact(text: object) -> str:
    if not isinstance(text, str):
        return ""
    return _WS.sub("", text).upper()


def normalise_postcode(text: str) -> str | None:
    """Canonical full postcode ("YO10 5DD") from any case and spacing, or None.

    None means "not shaped like a full UK postcode": the caller decides whether that is
    an error. Never raises.

    >>> normalise_postcode(" yo105dd ")
    'YO10 5DD'
    >>> normalise_postcode("TR1") is None
    True
    """
    c = _compact(text)
    m = _PC_FULL.match(c)
    if not m:
        return None
    return f"{m.group(1)} {m.group(2)}"


def normalise_outcode(text: str) -> str | None:
    """Canonical outward code ("TR1", "YO10", "EC1A") from any case and spacing, or None.

    >>> normalise_outcode("ec1a"), normalise_outcode("YO10 5DD")
    ('EC1A', None)
    """
    c = _compact(text)
    return c if _PC_OUT.match(c) else None


def postcode_area(text: str) -> str | None:
    """The letters that start a postcode or outward code ("YO10 5DD" → "YO"), or None."""
    m = re.match(r"^([A-Z]{1,2})[0-9]", _compact(text))
    return m.group(1) if m else None


def looks_like_postcode(text: str) -> bool:
    """True when the text is evidently an attempt at a postcode (letters then a digit,
    letters and digits only, at most 8 of them), so a failure should say "postcode"."""
    c = _compact(text)
    if not c or len(c) > 8 or not _PC_ATTEMPT.match(c) or _GSS.match(c):
        return False
    # "A1 road": three letters running after the first digit is a word, not a postcode.
    return not re.search(r"[0-9].*[A-Z]{3}", c)


_NAME_DROP = re.compile(
    r"^(the |london borough of |royal borough of |city and county of |council of the |"
    r"county of |city of |borough of |metropolitan borough of )+"
)
_NAME_SUFFIX = re.compile(
    r"(\s+(metropolitan borough|metropolitan district|county borough|borough|district|"
    r"city|county|unitary))?\s+(council|authority)$"
)


def _name_key(text: str) -> str:
    """Key for name matching: case, '&'/'and', punctuation, 'City of', 'Council' ignored."""
    t = text.lower().replace("&", " and ")
    t = re.sub(r"[\u2018\u2019'`.]", "", t)
    t = re.sub(r"[^a-z0-9]+", " ", t).strip()
    t = re.sub(r"\bsaint\b", "st", t)
    t = re.sub(r" (city|county|borough) of$", "", t)  # "Bristol, City of"
    t = _NAME_SUFFIX.sub("", t).strip()
    if t.startswith("city of london") or t.startswith("the city of london"):
        return "city of london"  # not "London": the City is its own small authority
    t = _NAME_DROP.sub("", t).strip()
    return t


# --------------------------------------------------------------------------------------
# Resolvers
# --------------------------------------------------------------------------------------

class Resolver(Protocol):
    """One link of the chain: a Place, None ("not mine, ask the next"), or an error when
    the text is definitely its kind but wrong (a malformed or unknown postcode)."""

    name: str

    def resolve(self, query: str) -> Place | None: ...


class PostcodeResolver:
    name = "postcode"

    def __init__(self, geo: "Geography") -> None:
        self._geo = geo

    def resolve(self, query: str) -> Place | None:
        if normalise_postcode(query) is None:
            return None
        return self._geo.resolve_postcode(query)


class OutcodeResolver:
    name = "outcode"

    def __init__(self, geo: "Geography") -> None:
        self._geo = geo

    def resolve(self, query: str) -> Place | None:
        if normalise_outcode(query) is None:
            return None
        return self._geo.resolve_outcode(query)


class AuthorityResolver:
    name = "authority"

    def __init__(self, geo: "Geography") -> None:
        self._geo = geo

    def resolve(self, query: str) -> Place | None:
        return self._geo.resolve_authority(query)


class GazetteerResolver:
    name = "place"

    def __init__(self, geo: "Geography") -> None:
        self._geo = geo

    def resolve(self, query: str) -> Place | None:
        return self._geo.resolve_name(query)


class DistrictResolver:
    name = "district"

    def __init__(self, geo: "Geography") -> None:
        self._geo = geo

    def resolve(self, query: str) -> Place | None:
        return self._geo.resolve_district(query)


class NominatimResolver:
    """Optional online fallback (OpenStreetMap Nominatim via geopy). Off by default.

    Why so careful: it sends the typed text to a third party. It is only consulted when
    the offline data has no answer, at most once a second (Nominatim's usage policy), with
    an identifying user agent, results cached in memory only, and never logged.
    """

    name = "geocoder"

    def __init__(self, geo: "Geography", *, user_agent: str = USER_AGENT,
                 timeout: float = 3.0, min_delay_seconds: float = 1.0,
                 geocoder: Any | None = None) -> None:
        self._geo = geo
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

    def resolve(self, query: str) -> Place | None:
        key = _WS.sub(" ", query).strip().lower()
        if not key:
            return None
        with self._lock:
            if key in self._cache:
                hit = self._cache[key]
            else:
                try:
                    loc = self._client()(query, exactly_one=True, country_codes="gb",
                                         timeout=self._timeout)
                except GeocoderUnavailable:
                    raise
                except Exception:  # network, timeout, refusal, bad reply: all alike
                    # ``from None``: geopy's error text can hold the request URL, i.e. the
                    # query, which must not reach a log through the exception chain.
                    raise GeocoderUnavailable(
                        "The online place lookup could not be reached (offline, timed out or "
                        "refused)."
                    ) from None
                hit = None
                if loc is not None:
                    label = str(getattr(loc, "address", "") or query).split(",")[0].strip()
                    hit = (label or query.strip(), float(loc.latitude), float(loc.longitude))
                self._cache[key] = hit
        if hit is None:
            return None
        label, lat, lon = hit
        authority = self._geo.authority_at(lat, lon)
        if authority is None:
            raise PlaceNotFound(
                f"{query.strip()!r} was found outside England; Waymark covers England only."
            )
        return Place(label, lat, lon, authority, "geocoder")


# --------------------------------------------------------------------------------------
# The geography
# --------------------------------------------------------------------------------------

@dataclass
class _Partition:
    postcodes: np.ndarray  # sorted, compact ("YO105DD")
    lat: np.ndarray
    lon: np.ndarray
    auth: np.ndarray  # index into codes
    codes: list[str]


def _read_csv(path: Path) -> list[dict[str, str]]:
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))
    except FileNotFoundError as exc:
        raise DataError(f"{path}: geography file missing; run scripts/build_geography.py") from exc
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DataError(f"{path}: cannot read geography file: {exc}") from exc


_CACHE: dict[tuple[Path, bool], "Geography"] = {}
_CACHE_LOCK = threading.Lock()


class Geography:
    """England's authorities, postcodes, outward codes and towns, loaded lazily.

    Use :meth:`load` (cached per directory). Small tables load at once; each postcode
    area's partition loads on first use and stays cached.
    """

    def __init__(self, data_dir: Path, *, online: bool = False) -> None:
        self.data_dir = Path(data_dir)
        self.online = online
        self._lock = threading.RLock()
        self._partitions: dict[str, _Partition | None] = {}
        self._load_tables()
        self.resolvers: list[Resolver] = [
            PostcodeResolver(self), OutcodeResolver(self), AuthorityResolver(self),
            GazetteerResolver(self), DistrictResolver(self),
        ]
        if online:
            self.resolvers.append(NominatimResolver(self))
        self._boundaries: tuple[list[str], Any, list[Any]] | None = None
        self._points: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] | None = None

    # ---- loading -----------------------------------------------------------------

    @classmethod
    def load(cls, data_dir: Path | str | None = None, *, online: bool | None = None) -> "Geography":
        """The geography in ``data_dir`` (a ``geography`` folder, or a data root holding
        one; default the shipped one). ``online`` defaults to the environment variable
        ``WAYMARK_ONLINE_GEOCODER=1``; otherwise the online geocoder is off."""
        d = Path(data_dir) if data_dir is not None else SHIPPED_GEOGRAPHY
        if not (d / "authorities.csv").exists() and (d / "geography" / "authorities.csv").exists():
            d = d / "geography"
        if online is None:
            online = os.environ.get(ONLINE_ENV_VAR, "").strip().lower() in {"1", "true", "yes", "on"}
        key = (d.resolve(), bool(online))
        with _CACHE_LOCK:
            geo = _CACHE.get(key)
            if geo is None:
                geo = cls(d, online=bool(online))
                _CACHE[key] = geo
            return geo

    @classmethod
    def clear_cache(cls) -> None:
        """Forget every loaded geography (tests; after rebuilding the data)."""
        with _CACHE_LOCK:
            _CACHE.clear()

    def _load_tables(self) -> None:
        d = self.data_dir
        if not d.is_dir():
            raise DataError(f"{d}: geography directory not found; run scripts/build_geography.py")
        self._authorities: dict[str, Authority] = {}
        self._aliases: dict[str, str] = {}  # name key -> code
        try:
            for row in _read_csv(d / "authorities.csv"):
                a = Authority(row["code"], row["name"], row["region"], float(row["lat"]),
                              float(row["lon"]))
                self._authorities[a.code] = a
                names = [row["name"], row.get("ons_name") or ""]
                names += [n for n in (row.get("aliases") or "").split(";")]
                for n in names:
                    if n.strip():
                        self._aliases.setdefault(_name_key(n), a.code)
        except (KeyError, ValueError) as exc:
            raise DataError(f"{d / 'authorities.csv'}: bad row: {exc}") from exc
        if not self._authorities:
            raise DataError(f"{d / 'authorities.csv'}: no authorities")
        # Full names first so an authority's own name always wins over a district's.
        self._old_codes: dict[str, str] = {}
        self._districts: dict[str, tuple[str, str, float, float]] = {}
        lad_path = d / "lad_to_authority.csv"
        if lad_path.exists():
            for row in _read_csv(lad_path):
                code = row.get("code", "")
                if code not in self._authorities:
                    continue
                self._old_codes[row["lad_code"]] = code
                k = _name_key(row.get("lad_name", ""))
                if k and k not in self._aliases and k not in self._districts:
                    try:
                        self._districts[k] = (row["lad_name"], code, float(row["lat"]),
                                              float(row["lon"]))
                    except (KeyError, ValueError):
                        pass
        self._splits: dict[str, tuple[str, list[str]]] = {}
        split_path = d / "split_authorities.csv"
        if split_path.exists():
            for row in _read_csv(split_path):
                succ = [c for c in row.get("successors", "").split(";") if c]
                self._splits[row["old_code"]] = (row["old_name"], succ)
                self._splits[_name_key(row["old_name"])] = (row["old_name"], succ)
        self._outcodes: dict[str, tuple[float, float, str]] = {}
        for row in _read_csv(d / "outcodes.csv"):
            try:
                self._outcodes[row["outcode"]] = (float(row["lat"]), float(row["lon"]),
                                                  row["authority"])
            except (KeyError, ValueError) as exc:
                raise DataError(f"{d / 'outcodes.csv'}: bad row: {exc}") from exc
        self._places: dict[str, list[tuple[str, float, float, str, int]]] = {}
        places_path = d / "places.csv"
        if places_path.exists():
            for row in _read_csv(places_path):
                try:
                    rec = (row["name"], float(row["lat"]), float(row["lon"]), row["authority"],
                           int(row.get("population") or 0))
                except (KeyError, ValueError) as exc:
                    raise DataError(f"{places_path}: bad row: {exc}") from exc
                self._places.setdefault(_name_key(row["name"]), []).append(rec)
            for recs in self._places.values():
                recs.sort(key=lambda r: -r[4])

    # ---- authorities -------------------------------------------------------------

    @property
    def authorities(self) -> dict[str, Authority]:
        """All upper-tier authorities by current GSS code (153 for England)."""
        return dict(self._authorities)

    @property
    def boundaries_path(self) -> Path:
        """The simplified authority boundaries (GeoJSON, properties ``code``, ``name``)."""
        return self.data_dir / "boundaries.geojson"

    def authority(self, code_or_name: str) -> Authority | None:
        """The authority for a GSS code (current, lower-tier or former) or a name
        ("City of York", "york", "Cornwall Council", "Brighton & Hove"); None if unknown.
        A former district name ("Harrogate", "South Lakeland") gives its authority today."""
        if not isinstance(code_or_name, str):
            return None
        text = code_or_name.strip()
        c = text.upper()
        if _GSS.match(c):
            c = self._old_codes.get(c, c)
            return self._authorities.get(c)
        k = _name_key(text)
        if not k:
            return None
        code = self._aliases.get(k)
        if code is None and k in self._districts:
            code = self._districts[k][1]
        return self._authorities.get(code) if code else None

    def _split_message(self, text: str) -> str | None:
        key = text.strip().upper() if _GSS.match(text.strip().upper()) else _name_key(text)
        hit = self._splits.get(key)
        if not hit:
            return None
        name, succ = hit
        names = " and ".join(f"{self._authorities[c].name} ({c})" for c in succ
                             if c in self._authorities)
        return (f"{name} no longer exists: it was split into {names}. Type one of those, "
                f"or a town or postcode.")

    def resolve_authority(self, text: str) -> Place | None:
        """A Place at the authority's population-weighted centre, or at a former district's
        centre when a district name is typed; None when the text names no authority.
        Raises PlaceNotFound for a GSS-shaped code that is not known or was split."""
        t = text.strip()
        if _GSS.match(t.upper()):
            a = self.authority(t)
            if a is None:
                msg = self._split_message(t)
                raise PlaceNotFound(msg or (
                    f"{t!r} is not the code of an English local authority Waymark knows. "
                    f"Type the authority's name (e.g. York) or a postcode."))
            return Place(a.name, a.lat, a.lon, a, "authority")
        k = _name_key(t)
        code = self._aliases.get(k)
        if code:
            a = self._authorities[code]
            return Place(a.name, a.lat, a.lon, a, "authority")
        msg = self._split_message(t)
        if msg:
            raise PlaceNotFound(msg)
        return None

    def resolve_district(self, text: str) -> Place | None:
        """A lower-tier or former district name ("South Lakeland", "Tendring") → a Place at
        the district's centre, in the upper-tier authority that now serves it. Tried after
        towns, so "Harrogate" is the town, not the former district."""
        hit = self._districts.get(_name_key(text))
        if hit is None:
            return None
        name, code, lat, lon = hit
        return Place(name, lat, lon, self._authorities[code], "authority")

    # ---- postcodes ---------------------------------------------------------------

    def _partition(self, area: str) -> _Partition | None:
        with self._lock:
            if area in self._partitions:
                return self._partitions[area]
            path = self.data_dir / "postcodes" / f"{area}.csv.gz"
            part: _Partition | None = None
            if path.exists():
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
                part = _Partition(arr[order], np.array(lats)[order], np.array(lons)[order],
                                  np.array(auth, dtype=np.int32)[order], list(codes))
            self._partitions[area] = part
            return part

    def _check_outcode_shape(self, text: str, outcode: str) -> str:
        area = re.match(r"^[A-Z]+", outcode).group(0)  # type: ignore[union-attr]
        if area not in UK_POSTCODE_AREAS:
            raise InvalidPostcode(
                f"{text.strip()!r} is not a UK postcode: no postcode starts with {area!r}. "
                f"Check it, or type {_EXAMPLES}.")
        return area

    def _not_in_england(self, text: str, area: str) -> None:
        if area in _AREA_COUNTRY:
            raise PlaceNotFound(
                f"{text.strip()!r} is a postcode in {_AREA_COUNTRY[area]}; Waymark covers "
                f"England only.")

    def resolve_postcode(self, text: str) -> Place:
        """A full postcode, any case or spacing → its position and authority.

        Raises InvalidPostcode when it is not shaped like one, PlaceNotFound when it is
        shaped right but not in England's postcode directory."""
        pc = normalise_postcode(text)
        if pc is None:
            raise InvalidPostcode(
                f"{text.strip()!r} is not a full UK postcode (like YO10 5DD). Check it, or "
                f"type just its first half (like YO10).")
        out = pc.split(" ")[0]
        area = self._check_outcode_shape(text, out)
        self._not_in_england(text, area)
        part = self._partition(area)
        compact = pc.replace(" ", "")
        if part is not None:
            i = int(np.searchsorted(part.postcodes, compact))
            if i < len(part.postcodes) and part.postcodes[i] == compact:
                code = part.codes[int(part.auth[i])]
                return Place(pc, float(part.lat[i]), float(part.lon[i]),
                             self._authorities.get(code), "postcode")
        hint = f" Try its first half, {out}." if out in self._outcodes else ""
        raise PlaceNotFound(
            f"Postcode {pc} is not in Waymark's list of English postcodes (it may be new, "
            f"mistyped, or outside England).{hint}")

    def resolve_outcode(self, text: str) -> Place:
        """An outward code ("TR1", "yo10") → the mean position of its postcodes and the
        authority holding most of them."""
        oc = normalise_outcode(text)
        if oc is None:
            raise InvalidPostcode(
                f"{text.strip()!r} is not the first half of a UK postcode (like TR1 or YO10).")
        area = self._check_outcode_shape(text, oc)
        self._not_in_england(text, area)
        hit = self._outcodes.get(oc)
        if hit is None:
            raise PlaceNotFound(
                f"{oc} is not a postcode district in England that Waymark knows. Check it, or "
                f"type a full postcode or a town.")
        lat, lon, code = hit
        return Place(oc, lat, lon, self._authorities.get(code), "outcode")

    # ---- gazetteer ---------------------------------------------------------------

    def resolve_name(self, text: str) -> Place | None:
        """A town or village name ("Truro", "richmond, north yorkshire") → the most
        populous match, or the one whose authority or region matches the qualifier after
        a comma or in brackets; None when the gazetteer has no such name."""
        raw = text.strip()
        qualifier = ""
        m = re.match(r"^(.*?)\s*(?:,\s*(.+)|\((.+)\))\s*$", raw)
        if m and m.group(1):
            raw, qualifier = m.group(1), (m.group(2) or m.group(3) or "")
        recs = self._places.get(_name_key(raw))
        if not recs:
            return None
        chosen = recs[0]
        if qualifier:
            qk = _name_key(qualifier)
            for r in recs:
                a = self._authorities.get(r[3])
                if a and qk in (_name_key(a.name), _name_key(a.region)):
                    chosen = r
                    break
            else:
                qa = self.authority(qualifier)
                for r in recs:
                    if qa and r[3] == qa.code:
                        chosen = r
                        break
        name, lat, lon, code, _pop = chosen
        return Place(name, lat, lon, self._authorities.get(code), "place")

    def _suggest(self, text: str) -> list[str]:
        k = _name_key(text)
        if not k:
            return []
        names: dict[str, str] = {}
        for key, recs in self._places.items():
            names.setdefault(key, recs[0][0])
        for key, code in self._aliases.items():
            names.setdefault(key, self._authorities[code].name)
        keys = difflib.get_close_matches(k, list(names), n=3, cutoff=0.8)
        return [names[x] for x in keys]

    # ---- the chain -----------------------------------------------------------------

    def resolve(self, query: str) -> Place:
        """Resolve free text: full postcode → outward code → authority → town → (online).

        Raises InvalidPostcode for a malformed postcode attempt ("YO10 5D", "ZZ99"),
        PlaceNotFound for well-formed text that nothing knows, InvalidInput for empty text.
        Only WaymarkError subclasses escape."""
        if not isinstance(query, str) or not query.strip():
            raise InvalidInput(f"Nothing to look up: type {_EXAMPLES}.")
        text = query.strip()
        if len(text) > 200:
            raise InvalidInput("That is too long for a place: type " + _EXAMPLES + ".")
        online_error: GeocoderUnavailable | None = None
        for resolver in self.resolvers:
            if resolver.name == "geocoder":
                if looks_like_postcode(text):
                    break
                try:
                    place = resolver.resolve(text)
                except GeocoderUnavailable as exc:
                    online_error = exc
                    break
            else:
                place = resolver.resolve(text)
            if place is not None:
                return place
            if resolver.name == "outcode" and looks_like_postcode(text):
                # Shaped like a postcode but neither a full postcode nor an outward code.
                raise InvalidPostcode(
                    f"{text!r} is not a complete UK postcode. A full postcode looks like "
                    f"YO10 5DD; you can also type just its first half (YO10), or a town.")
        hint = ""
        suggestions = self._suggest(text)
        if suggestions:
            hint = " Did you mean " + " or ".join(suggestions) + "?"
        why = ""
        if online_error is not None:
            why = " The online place lookup could not be reached, so only Waymark's own list was searched."
        raise PlaceNotFound(
            f"{text!r} is not a place, postcode or local authority in England that Waymark "
            f"knows.{hint}{why} Type {_EXAMPLES}.")

    # ---- spatial -------------------------------------------------------------------

    def _load_boundaries(self) -> tuple[list[str], Any, list[Any]]:
        if self._boundaries is None:
            import shapely
            from shapely.geometry import shape

            try:
                with open(self.boundaries_path, encoding="utf-8") as fh:
                    gj = json.load(fh)
                codes = [f["properties"]["code"] for f in gj["features"]]
                geoms = [shape(f["geometry"]) for f in gj["features"]]
            except (OSError, ValueError, KeyError, TypeError) as exc:
                raise DataError(f"{self.boundaries_path}: cannot read boundaries: {exc}") from exc
            self._boundaries = (codes, shapely.STRtree(geoms), geoms)
        return self._boundaries

    def authority_at(self, lat: float, lon: float) -> Authority | None:
        """The authority containing a point (simplified boundaries), else the authority of
        the nearest sector point within ~5 km (coastline, generalisation slivers), else None
        (outside England)."""
        try:
            lat, lon = float(lat), float(lon)
        except (TypeError, ValueError):
            return None
        if not (math.isfinite(lat) and math.isfinite(lon)):
            return None
        from shapely.geometry import Point

        codes, tree, geoms = self._load_boundaries()
        idx = tree.query(Point(lon, lat), predicate="intersects")
        if len(idx):
            # Near a simplified border two polygons may overlap: prefer the nearest point.
            if len(idx) == 1:
                return self._authorities.get(codes[int(idx[0])])
            cands = {codes[int(i)] for i in idx}
        else:
            cands = None
        best: tuple[float, str] | None = None
        for code, (lats, lons, _w) in self._all_points().items():
            if cands is not None and code not in cands:
                continue
            d = float(haversine_km(lat, lon, lats, lons).min())
            if best is None or d < best[0]:
                best = (d, code)
        if best is None or (cands is None and best[0] > 5.0):
            return None
        return self._authorities.get(best[1])

    def _all_points(self) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
        if self._points is None:
            acc: dict[str, tuple[list[float], list[float], list[float]]] = {}
            path = self.data_dir / "area_points.csv"
            for row in _read_csv(path):
                try:
                    la, lo, w = acc.setdefault(row["code"], ([], [], []))
                    la.append(float(row["lat"]))
                    lo.append(float(row["lon"]))
                    w.append(float(row["weight"]))
                except (KeyError, ValueError) as exc:
                    raise DataError(f"{path}: bad row: {exc}") from exc
            self._points = {c: (np.array(a), np.array(b), np.array(w))
                            for c, (a, b, w) in acc.items()}
        return self._points

    def area_points(self, code: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Population-weighted points covering an authority (postcode-sector centres,
        weight = postcodes in the sector), for "how far is support from where children
        live" gap analysis. Accepts any code or name :meth:`authority` accepts."""
        a = self.authority(code)
        if a is None:
            raise PlaceNotFound(f"{code!r} is not an English local authority Waymark knows.")
        pts = self._all_points().get(a.code)
        if pts is None:
            return (np.array([a.lat]), np.array([a.lon]), np.array([1.0]))
        return pts
