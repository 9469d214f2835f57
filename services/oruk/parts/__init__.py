"""Readers of the parts of an HSDS / ORUK service record, one module a part.

Each reader takes the raw record (or the part), keeps what it can use and reports the rest
as ``(field, message)`` problems, so that :mod:`..mapping` only assembles the record.

- :mod:`.taxonomy`: taxonomy terms and attributes → service types and stages.
- :mod:`.phones`: phones of the service, its locations and its contacts.
- :mod:`.contacts`: named contacts.
- :mod:`.organization`: the organisation that runs the service.
- :mod:`.places`: locations, addresses and map positions.
- :mod:`.areas`: service areas as GSS codes.
- :mod:`.schedules`: opening hours and closures.
- :mod:`.costs`: cost options and fees.
- :mod:`.languages`: languages spoken.
- :mod:`.eligibility`: eligibility text and ages.
"""

from __future__ import annotations

__all__: list[str] = []
