"""The values a lookup returns: an authority and a resolved place."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Authority", "Place"]


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
