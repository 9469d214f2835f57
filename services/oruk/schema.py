"""The ORUK 3.0 objects Waymark publishes, as pydantic models for the API's OpenAPI document.

These mirror exactly what :mod:`.exporter` writes (``extra="forbid"``): a test validates
every exported service against :class:`Service`, so the published schema cannot drift from
the data. Optional fields are left out of bodies, never sent as null (the API serialises
with ``exclude_none``); the bodies are also checked against the profile's own JSON schemas.
"""

from __future__ import annotations

from typing import Generic, TypeVar

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
    "OrganizationFull",
    "OrganizationIdentifier",
    "Contact",
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
    description: str
    uri: str | None = None
    version: str | None = None


class TaxonomyTerm(_Out):
    id: str = Field(description="UUID; the readable key (waymark:stage:...) is in code and term")
    name: str
    description: str
    parent_id: str | None = None
    taxonomy: str | None = None
    taxonomy_id: str | None = None
    term: str | None = None
    code: str | None = None
    language: str | None = None


class Attribute(_Out):
    id: str
    link_id: str
    link_type: str
    link_entity: str
    taxonomy_term_id: str
    value: str | None = Field(None, description="Plain text: true/false, a number, the words (one attribute per "
                                                "item of a list); left out for a service type or stage")
    taxonomy_term: TaxonomyTerm


class Language(_Out):
    id: str
    service_id: str | None = None
    phone_id: str | None = None
    name: str
    code: str | None = None


class Phone(_Out):
    id: str
    service_id: str | None = None
    number: str
    type: str | None = None
    description: str | None = None
    languages: list[Language] = []


class Address(_Out):
    id: str
    location_id: str
    address_1: str
    city: str
    state_province: str = Field(description="The local authority the address is in")
    postal_code: str
    country: str
    address_type: str


class Accessibility(_Out):
    id: str
    location_id: str
    description: str


class Schedule(_Out):
    id: str
    service_id: str | None = None
    valid_from: str | None = None
    valid_to: str | None = None
    freq: str | None = None
    byday: str | None = None
    opens_at: str | None = None
    closes_at: str | None = None
    description: str | None = None
    attributes: list[Attribute] = []


class Location(_Out):
    id: str
    location_type: str
    name: str | None = None
    description: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    external_identifier: str | None = Field(None, description="The Waymark location id (type 'waymark')")
    external_identifier_type: str | None = None
    addresses: list[Address] = []
    accessibility: list[Accessibility] = []
    attributes: list[Attribute] = []


class ServiceAtLocation(_Out):
    id: str
    service_id: str
    location_id: str
    location: Location


class ServiceArea(_Out):
    id: str
    service_id: str | None = None
    name: str | None = None
    uri: str | None = Field(None, description="ONS statistical geography URI ending in the area's GSS code")


class CostOption(_Out):
    id: str
    service_id: str | None = None
    option: str | None = None
    currency: str | None = None
    amount: float | None = None
    amount_description: str | None = None


class Contact(_Out):
    id: str
    service_id: str | None = None
    name: str | None = None
    title: str | None = None
    email: str | None = None


class Url(_Out):
    id: str
    title: str | None = None
    url: str


class OrganizationIdentifier(_Out):
    id: str
    organization_id: str
    identifier_scheme: str | None = None
    identifier_type: str
    identifier: str


class Organization(_Out):
    id: str
    name: str
    description: str
    email: str | None = None
    website: str | None = None
    organization_identifiers: list[OrganizationIdentifier] = []


class Service(_Out):
    id: str
    organization_id: str
    name: str
    description: str
    url: str | None = None
    email: str | None = None
    status: str
    application_process: str | None = None
    wait_time: str | None = None
    eligibility_description: str | None = None
    minimum_age: int | None = None
    maximum_age: int | None = None
    assured_date: str | None = None
    last_modified: str | None = None
    organization: Organization
    phones: list[Phone] = []
    schedules: list[Schedule] = []
    service_areas: list[ServiceArea] = []
    service_at_locations: list[ServiceAtLocation] = []
    languages: list[Language] = []
    cost_options: list[CostOption] = []
    contacts: list[Contact] = []
    additional_urls: list[Url] = Field([], description="The pages behind the record's claims (HSDS 3.1 url); "
                                            "their dates and the fields each supports are attributes linked to them")
    attributes: list[Attribute] = []


class OrganizationFull(Organization):
    services: list[Service] = []


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
