"""What every record's mapping needs: the geography, the term map, where the feed is, today.

One ``Context`` serves a whole import, so a postcode many records share is resolved once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..errors import WaymarkError
from ..geography import Geography
from .taxonomy_map import TaxonomyMap

__all__ = ["Context"]


@dataclass
class Context:
    """What every record's mapping needs: geography, the term map, where the feed is."""

    geography: Geography
    taxonomy_map: TaxonomyMap
    source: str
    is_url: bool = False
    today: dt.date = field(default_factory=dt.date.today)
    previous_dates: dict[str, dt.date] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._postcodes: dict[str, tuple[Any, str | None]] = {}

    def place_of_postcode(self, postcode: str) -> Any:
        """The shipped geography's Place for a postcode, or None (cached)."""
        return self.postcode_lookup(postcode)[0]

    def postcode_lookup(self, postcode: str) -> tuple[Any, str | None]:
        """(Place or None, why not) for a postcode, from the shipped geography (cached)."""
        if postcode not in self._postcodes:
            try:
                self._postcodes[postcode] = (self.geography.resolve_postcode(postcode), None)
            except WaymarkError as exc:
                self._postcodes[postcode] = (None, str(exc))
        return self._postcodes[postcode]
