"""Open Referral UK (ORUK, a profile of HSDS 3): import, export and a read-only API.

- :mod:`.terms`: Waymark's own HSDS taxonomy (service types, stages, pathway fields as
  attributes) and the deterministic ids used in exports.
- :mod:`.taxonomy_map`: the user-editable map from feed taxonomy terms to service types.
- :mod:`.mapping`: one HSDS/ORUK service record → a Waymark record plus its problems
  (the record's assembly), from :mod:`.values` (single values: text, numbers, dates, times,
  links, emails, phone numbers, ages, waiting times), :mod:`.parts` (one reader a part:
  phones, schedules, places, service areas, organisation, contacts, costs, taxonomy,
  languages, eligibility) and :mod:`.waymark_export` (what only Waymark's own export
  carries), with :mod:`.context` (what every record's mapping needs).
- :mod:`.importer`: a whole feed → a Waymark data directory and a report.
- :mod:`.fetch`: a paged ORUK API client with timeouts, retries and resume.
- :mod:`.exporter`: a Waymark directory → ORUK 3.0 JSON (valid against the profile's schemas).
- :mod:`.api`: the read-only ORUK API (FastAPI).
- :mod:`.report`: what an import found wrong, per record.
- :mod:`.overlay`: local pathway knowledge keyed by service id, re-applied on every import.
- :mod:`.schema`: the published HSDS objects as pydantic models (the OpenAPI schema).

``services.oruk`` imports only ``services``; FastAPI is imported by :mod:`.api` alone.
"""

from __future__ import annotations

__all__: list[str] = []
