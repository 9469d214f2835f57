"""The HSDS 3 objects Waymark publishes, as pydantic models for the API's OpenAPI document.

These mirror exactly what :mod:`.exporter` writes (``extra="forbid"``): a test validates
every exported service against :class:`Service`, so the published schema cannot drift from
the data.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "TaxonomyDetail",
    "TaxonomyTerm",
    "Attribute",
    "Language",
    "Phone",
    "Address",
    "Accessibility",
    "Schedule",
    "Location",
    "ServiceAtLocation",
    "ServiceArea",
    "CostOption",
    "Organization",
    "Service",
    "Page",
    "Root",
    "ErrorBody",
]

T = TypeVar("T")


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TaxonomyDetail(_Out):
    id: str
    name: str
    description: str | None = None
    uri: str | None = None
    version: str | None = None


class TaxonomyTerm(_Out):
    id: str
    code: str | None = None
    name: str
    description: str | None = None
    parent_id: str | None = None
    taxonomy: str | None = None
    taxonomy_id: str | None = None
    language: str | None = None
    term_uri: str | None = None
    taxonomy_detail: TaxonomyDetail | None = None


class Attribute(_Out):
    id: str
    link_id: str
    link_type: str
    link_entity: str
    taxonomy_term_id: str
    value: str | None = Field(None, description="JSON text for waymark:field: terms (true, null, [\"...\"])")
    label: str | None = None
    taxonomy_term: TaxonomyTerm


class Language(_Out):
    id: str
    name: str
    code: str | None = None
    note: str | None = None


class Phone(_Out):
    id: str
    service_id: str | None = None
    number: str
    extension: str | None = None
    type: str | None = None
    description: str | None = None
    languages: list[Language] = []


class Address(_Out):
    id: str
    location_id: str
    attention: str | None = None
    address_1: str
    address_2: str | None = None
    city: str
    region: str | None = None
    state_province: str | None = None
    postal_code: str
    country: str
    address_type: str


class Accessibility(_Out):
    id: str
    location_id: str
    description: str | None = None
    details: str | None = None
    url: str | None = None


class Schedule(_Out):
    id: str
    service_id: str | None = None
    location_id: str | None = None
    service_at_location_id: str | None = None
    freq: str | None = None
    byday: str | None = None
    opens_at: str | None = None
    closes_at: str | None = None
    description: str | None = None
    attributes: list[Attribute] = []


class Location(_Out):
    id: str
    location_type: str
    url: str | None = None
    organization_id: str | None = None
    name: str | None = None
    alternate_name: str | None = None
    description: str | None = None
    transportation: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    external_identifier: str | None = None
    external_identifier_type: str | None = None
    addresses: list[Address] = []
    accessibility: list[Accessibility] = []
    languages: list[Language] = []
    phones: list[Phone] = []
    schedules: list[Schedule] = []
    attributes: list[Attribute] = []


class ServiceAtLocation(_Out):
    id: str
    service_id: str
    location_id: str
    description: str | None = None
    contacts: list[dict[str, Any]] = []
    phones: list[Phone] = []
    schedules: list[Schedule] = []
    attributes: list[Attribute] = []
    location: Location


class ServiceArea(_Out):
    id: str
    service_id: str | None = None
    name: str | None = None
    description: str | None = None
    extent: str | None = None
    extent_type: str | None = None
    uri: str | None = Field(None, description="ONS statistical geography URI ending in the area's GSS code")


class CostOption(_Out):
    id: str
    service_id: str | None = None
    option: str | None = None
    currency: str | None = None
    amount: float | None = None
    amount_description: str | None = None


class Organization(_Out):
    id: str
    name: str
    alternate_name: str | None = None
    description: str
    email: str | None = None
    website: str | None = None
    url: str | None = None
    tax_status: str | None = None
    tax_id: str | None = None
    year_incorporated: int | None = None
    legal_status: str | None = None
    logo: str | None = None
    uri: str | None = None
    parent_organization_id: str | None = None


class Service(_Out):
    id: str
    organization_id: str | None = None
    program_id: str | None = None
    name: str
    alternate_name: str | None = None
    description: str
    url: str | None = None
    email: str | None = None
    status: str
    interpretation_services: str | None = None
    application_process: str | None = None
    fees_description: str | None = None
    wait_time: str | None = None
    fees: str | None = None
    accreditations: str | None = None
    eligibility_description: str | None = None
    minimum_age: int | None = None
    maximum_age: int | None = None
    assured_date: str | None = None
    assurer_email: str | None = None
    licenses: str | None = None
    alert: str | None = None
    last_modified: str | None = None
    organization: Organization | None = None
    phones: list[Phone] = []
    schedules: list[Schedule] = []
    service_areas: list[ServiceArea] = []
    service_at_locations: list[ServiceAtLocation] = []
    languages: list[Language] = []
    cost_options: list[CostOption] = []
    contacts: list[dict[str, Any]] = []
    funding: list[dict[str, Any]] = []
    required_documents: list[dict[str, Any]] = []
    attributes: list[Attribute] = []


class Page(_Out, Generic[T]):
    """A page of results, as ORUK 3 lists return them."""

    total_items: int
    total_pages: int
    page_number: int
    size: int
    first_page: bool
    last_page: bool
    empty: bool
    contents: list[T]


class Root(_Out):
    version: str
    profile: str
    openapi_url: str


class ErrorBody(_Out):
    detail: str
