"""The published Open Referral UK 3.0 schemas (vendored in tests/fixtures/oruk/official, see
PROVENANCE.md there), as Draft 2020-12 validators with format checks on.

The profile's OpenAPI document names its schemas by their raw GitHub URLs; a ``referencing``
registry maps those URLs to the vendored copies, so nothing is fetched.
"""

from __future__ import annotations

import json
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

OFFICIAL = Path(__file__).resolve().parent / "fixtures" / "oruk" / "official"
PROFILE = OFFICIAL / "uk-profile"
RAW = "https://raw.githubusercontent.com/openreferral/uk-profile/main/"
OPENAPI = OFFICIAL / "mhclg-oruk" / "openapi.json"

#: Schema file (relative to the uk-profile repository) of each endpoint's body.
ENDPOINT_SCHEMAS = {
    "service": "schema/compiled/service.json",
    "service_list": "schema/compiled/service_list.json",
    "service_at_location": "schema/compiled/service_at_location.json",
    "service_at_location_list": "schema/compiled/service_at_location_list.json",
    "organization": "schema/compiled/organization.json",
    "organization_list": "schema/compiled/organization_list.json",
    "taxonomy": "schema/taxonomy.json",
    "taxonomy_term": "schema/taxonomy_term.json",
}


@lru_cache(maxsize=1)
def registry() -> Registry:
    resources = []
    for rel in ENDPOINT_SCHEMAS.values():
        contents = json.loads((PROFILE / rel).read_text(encoding="utf-8"))
        resources.append((RAW + rel, Resource.from_contents(contents, default_specification=DRAFT202012)))
    return Registry().with_resources(resources)


@cache
def validator(name: str) -> Draft202012Validator:
    """A validator for one ORUK schema (``service``, ``taxonomy_term`` ...), formats checked."""
    uri = RAW + ENDPOINT_SCHEMAS[name]
    schema = registry().contents(uri)
    return Draft202012Validator(
        {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": uri, **schema},
        registry=registry(),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def errors(name: str, body: Any) -> list[str]:
    """Every way ``body`` breaks the ORUK schema ``name`` (empty when valid)."""
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
            for e in validator(name).iter_errors(body)]


def empties(body: Any, path: str = "") -> list[str]:
    """Nulls and empty strings anywhere in ``body`` (the compliance guidance: omit instead)."""
    out: list[str] = []
    if isinstance(body, dict):
        for k, v in body.items():
            out += empties(v, f"{path}/{k}")
    elif isinstance(body, list):
        for i, v in enumerate(body):
            out += empties(v, f"{path}/{i}")
    elif body is None or (isinstance(body, str) and not body.strip()):
        out.append(f"{path or '(root)'}: {body!r}")
    return out


def official_openapi() -> dict[str, Any]:
    """The profile's OpenAPI document, made self-contained for schemathesis.

    Three repairs, each to the published document's own defects, not to its meaning: the
    remote schema URLs point at the vendored schemas (inlined under ``components``); the
    parameter type ``time`` (not a JSON Schema type) becomes a string with format ``time``;
    and ``/service_at_locations/{id}``, whose 200 response names the *service* schema by
    mistake, names the service_at_location schema.
    """
    doc = json.loads(OPENAPI.read_text(encoding="utf-8"))
    components = doc.setdefault("components", {}).setdefault("schemas", {})
    names = {RAW + rel: name for name, rel in ENDPOINT_SCHEMAS.items()}
    for uri, name in names.items():
        schema = json.loads(json.dumps(registry().contents(uri)))
        components[name] = schema
    components["taxonomy"] = _retarget(components["taxonomy"], {"taxonomy_term.json": "#/components/schemas/taxonomy_term"})
    doc = _retarget(doc, {uri: f"#/components/schemas/{name}" for uri, name in names.items()})
    for param in doc["components"]["parameters"].values():
        if param.get("schema", {}).get("type") == "time":
            param["schema"] = {"type": "string", "format": "time"}
    sal = doc["paths"]["/service_at_locations/{id}"]["get"]["responses"]["200"]["content"]["application/json"]
    sal["schema"] = {"$ref": "#/components/schemas/service_at_location"}
    return doc


def _retarget(node: Any, refs: dict[str, str]) -> Any:
    if isinstance(node, dict):
        return {k: (refs.get(v, v) if k == "$ref" and isinstance(v, str) else _retarget(v, refs)) for k, v in node.items()}
    if isinstance(node, list):
        return [_retarget(v, refs) for v in node]
    return node
