"""The directory's records, as pydantic models.

Field names follow Open Referral UK / HSDS 3 where those exist (``id``, ``name``,
``organization``, ``phones``, ``locations``, ``schedules``, ``cost_options``, ...) so that
import and export stay a mapping rather than a translation. Waymark's own pathway fields
(``service_types``, ``stages``, ``min_age`` ...) sit beside them.

The models refuse what would mislead a frightened family: a phone number that is not a
UK number, a link that is not http(s)/tel/mailto, a date checked in the future, a map
position outside the UK, an age range that cannot be.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from .vocabulary import NATIONAL, ServiceType, Stage

__all__ = [
    "Organization",
    "Phone",
    "Location",
    "Schedule",
    "CostOption",
    "Contact",
    "SourcePage",
    "DatedBy",
    "Service",
    "REFERRAL_CRITICAL",
    "DATED_CLAIMS",
    "SERVICE_CLAIM",
    "SOURCE_MAX_AGE_YEARS",
    "source_cutoff",
    "TaxonomyStage",
    "TaxonomyType",
    "Taxonomy",
    "MAX_AGE",
    "GSS_CODE",
    "uk_phone",
    "safe_url",
]

#: Oldest age a record may name: services for adult survivors have no upper limit.
MAX_AGE = 120

#: A GSS code as ONS issues them (E06000014); services may also be ``national``.
GSS_CODE = re.compile(r"^[EWSN]\d{8}$")

_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")

# UK mainland and islands with a margin: Scilly to Shetland, Northern Ireland to Lowestoft.
_UK_LAT = (49.8, 60.95)
_UK_LON = (-8.7, 1.8)

_SHORT_CODES = re.compile(r"^(999|112|101|111|116\d{3}|\d{5})$")  # 116 123, SMS 85258
_UK_NUMBER = re.compile(r"^(0\d{9,10}|0800\d{4,6})$")  # 0800 1111 is a real 8-digit freephone


def uk_phone(value: str) -> str:
    """Accept a UK number as people write it; refuse anything that could not be dialled.

    Spaces, hyphens and a +44 prefix are allowed; stray quotes and letters are not, because
    a wrong number on a helpline listing is worse than none.
    """
    text = value.strip()
    digits = re.sub(r"[\s-]", "", text)
    if digits.startswith("+44"):
        digits = "0" + digits[3:].removeprefix("(0)")
    if not digits.isdigit():
        raise ValueError(f"{value!r} is not a UK phone number (only digits, spaces and +44)")
    if not (_SHORT_CODES.match(digits) or _UK_NUMBER.match(digits)):
        raise ValueError(
            f"{value!r} is not a UK phone number (expected 10 or 11 digits starting 0, "
            "or a short code such as 999, 101, 111 or a 5-digit text number)"
        )
    return text


_SCHEMES = ("http://", "https://", "tel:", "mailto:")


def safe_url(value: str) -> str:
    """Links from data may only be web pages, phone numbers or email addresses.

    Anything else (``javascript:``, ``data:``, a bare word) could run code or mislead when
    rendered as a link, so it is refused rather than cleaned.
    """
    text = value.strip()
    lowered = text.lower()
    if not lowered.startswith(_SCHEMES) or any(c in text for c in "\n\r\t <>\"'`"):
        raise ValueError(f"{value!r} is not a link Waymark will show (use http(s), tel or mailto)")
    if lowered.startswith(("http://", "https://")) and "." not in lowered.split("//", 1)[1].split("/")[0]:
        raise ValueError(f"{value!r} has no web host")
    return text


Url = Annotated[str, AfterValidator(safe_url)]
PhoneNumber = Annotated[str, AfterValidator(uk_phone)]
Text = Annotated[str, Field(min_length=1, max_length=4000)]


class _Model(BaseModel):
    """Strict about unknown keys: a misspelt field is an error, not a silent drop.

    Empty-list defaults are ``Field(default_factory=list)``, not ``= []``: pydantic
    deep-copies a mutable default for every record, which was over a third of the
    validation time of a national directory (same values, same dumps).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Organization(_Model):
    """The body that runs a service (HSDS ``organization``)."""

    id: str | None = None
    name: Text
    description: str | None = None
    url: Url | None = None
    email: str | None = None


class Phone(_Model):
    """A number to call or text (HSDS ``phone``); ``type`` says which.

    ``audience`` says who may use it: ``professionals`` for a line a page reserves for
    practitioners (a family-facing view never offers it as a number to call).

    ``unconfirmed`` is a reviewed exception: a number kept although no page the record cites
    could be shown to state it, with where it comes from and what to ask. ``services
    validate`` counts such numbers instead of warning about them, the details view shows the
    reason, and data/SOURCES.md lists them; an unmarked number with no page behind it is a
    warning.
    """

    number: PhoneNumber
    type: Literal["voice", "text", "textphone", "fax"] = "voice"
    description: str | None = None
    languages: list[str] = Field(default_factory=list)
    audience: Literal["public", "professionals"] = "public"
    unconfirmed: Text | None = None

    @property
    def is_public(self) -> bool:
        """Whether a family may be given this number: not a line reserved for professionals."""
        return self.audience == "public"


class Location(_Model):
    """Where a service is delivered.

    ``precision`` says how much the coordinates can be trusted: a Waymark record never
    invents a street address, so a service whose address has not been checked is placed at
    its town (``town``) or its area (``area``) and says so.
    """

    id: str | None = None
    name: str | None = None
    address_1: str | None = None
    city: str | None = None
    postcode: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    precision: Literal["address", "postcode", "town", "area"] = "town"
    description: str | None = None
    accessibility: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _inside_uk(self) -> Location:
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("latitude and longitude must be given together")
        if self.latitude is not None and self.longitude is not None:
            if not (_UK_LAT[0] <= self.latitude <= _UK_LAT[1]) or not (
                _UK_LON[0] <= self.longitude <= _UK_LON[1]
            ):
                raise ValueError(
                    f"coordinates ({self.latitude}, {self.longitude}) are outside the UK "
                    "(latitude 49.8 to 61, longitude -8.7 to 1.8)"
                )
        return self


class Schedule(_Model):
    """When a service is open (HSDS ``schedule``).

    ``description`` carries the hours as the organisation states them; where nobody knows
    the hours for sure, the description says that rather than guessing.
    """

    description: Text
    byday: str | None = None
    opens_at: dt.time | None = None
    closes_at: dt.time | None = None
    open_24_7: bool = False
    #: The hours hold only from/until these dates (an ORUK schedule's valid_from/valid_to);
    #: ``closed`` marks a closure (a bank holiday, Christmas) rather than opening hours.
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    closed: bool = False

    @model_validator(mode="after")
    def _dates_in_order(self) -> Schedule:
        if self.valid_from and self.valid_to and self.valid_from > self.valid_to:
            raise ValueError(f"valid_from {self.valid_from} is after valid_to {self.valid_to}")
        return self

    def is_current(self, today: dt.date | None = None) -> bool:
        """Whether these hours (or this closure) apply today: expired hours are not shown."""
        day = today or dt.date.today()
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to)


class Contact(_Model):
    """A named person or team to ask for (HSDS ``contact``); their numbers are in ``phones``."""

    name: str | None = None
    title: str | None = None
    email: str | None = None


class CostOption(_Model):
    """What a service costs (HSDS ``cost_option``); most services here are free."""

    option: str | None = None
    amount: float | None = Field(default=None, ge=0)
    amount_description: str | None = None


#: Fields a family or practitioner acts on (who can refer, ages, hours, whether a child must
#: have told someone): each must rest on a page someone can open, and a recent one.
REFERRAL_CRITICAL: tuple[str, ...] = (
    "min_age",
    "max_age",
    "accepts_self_referral",
    "referral_routes",
    "schedules",
    "requires_disclosure",
)

#: The claims whose age a family is told about: the referral-critical fields and the numbers
#: they ring. A claim resting only on pages older than SOURCE_MAX_AGE_YEARS is "old".
DATED_CLAIMS: tuple[str, ...] = (*REFERRAL_CRITICAL, "phones")

#: The claim that the service exists as described: resting on every page the record cites.
SERVICE_CLAIM = "service"

#: A claim whose newest page is older than this says so to users.
SOURCE_MAX_AGE_YEARS = 2


class DatedBy(_Model):
    """The date an undated page's own words give it, and the words (so a reader can check)."""

    date: dt.date
    reason: Text


class SourcePage(_Model):
    """One page behind a record's claims, so that every claim can be traced and dated.

    ``updated`` is the date the page itself shows (published or last updated), never a
    guess; ``read`` is when Waymark's compiler read it (a stored copy). ``supports`` names
    the record's fields the page states, so a claim with no page behind it can be found.
    """

    url: Url
    title: str | None = None
    updated: dt.date | None = None
    #: An undated page dated by its own words ("opened two years ago" in an article of about
    #: 2016): the inferred date counts as the page's date for the two-year rule.
    dated_by: DatedBy | None = None
    read: dt.date | None = None
    supports: list[str] = Field(default_factory=list)

    @property
    def date(self) -> dt.date | None:
        """The page's date: its own, else the one its words give; None when undated."""
        return self.updated or (self.dated_by.date if self.dated_by else None)


class Service(_Model):
    """One service in the directory: HSDS fields plus Waymark's pathway fields."""

    id: str
    name: Text
    description: Text
    organization: Organization | None = None
    url: Url | None = None
    email: str | None = None
    status: Literal["active", "inactive", "defunct", "temporarily closed"] = "active"
    phones: list[Phone] = Field(default_factory=list)
    locations: list[Location] = Field(default_factory=list)
    service_areas: list[str] = Field(min_length=1)
    #: ``some_areas``: a national organisation's programme that runs only in some places, so
    #: it is never offered as available everywhere (check with the organisation).
    availability: Literal["everywhere", "some_areas"] = "everywhere"
    eligibility: str | None = None
    languages: list[str] = Field(default_factory=list)
    accessibility: list[str] = Field(default_factory=list)
    schedules: list[Schedule] = Field(default_factory=list)
    cost_options: list[CostOption] = Field(default_factory=list)
    free: bool | None = None

    service_types: list[ServiceType] = Field(min_length=1)
    stages: list[Stage] = Field(default_factory=list)
    min_age: int = Field(default=0, ge=0, le=MAX_AGE)
    max_age: int = Field(default=MAX_AGE, ge=0, le=MAX_AGE)
    for_parents: bool = False
    requires_disclosure: bool = False
    available_during_investigation: bool | None = None
    accepts_self_referral: bool | None = None
    referral_routes: list[str] = Field(default_factory=list)
    waiting_weeks: float | None = Field(default=None, ge=0, le=520)

    source: Text
    sources: list[SourcePage] = Field(default_factory=list)
    last_verified: dt.date
    verified: bool = False
    notes: str | None = None
    #: How people attend: in person, by phone, online (ORUK ``attending_type``).
    attending: list[Literal["in_person", "phone", "online"]] = Field(default_factory=list)
    contacts: list[Contact] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(
                f"{value!r} is not a service id (lower-case letters, digits, '.', '-', '_')"
            )
        return value

    @field_validator("service_areas")
    @classmethod
    def _areas_shape(cls, value: list[str]) -> list[str]:
        for area in value:
            if area != NATIONAL and not GSS_CODE.match(area):
                raise ValueError(f"{area!r} is not a local authority GSS code or 'national'")
        return value

    @field_validator("last_verified")
    @classmethod
    def _not_future(cls, value: dt.date) -> dt.date:
        if value > dt.date.today():
            raise ValueError(f"{value.isoformat()} is in the future")
        return value

    @model_validator(mode="after")
    def _ages_make_sense(self) -> Service:
        if self.min_age > self.max_age:
            raise ValueError(f"min_age {self.min_age} is above max_age {self.max_age}")
        return self

    @model_validator(mode="after")
    def _sources_name_fields(self) -> Service:
        fields = type(self).model_fields
        for page in self.sources:
            unknown = [f for f in page.supports if f not in fields]
            if unknown:
                raise ValueError(
                    f"sources: {page.url} supports unknown field(s) {', '.join(unknown)}"
                )
        return self

    # -- derived views ------------------------------------------------------------------
    @property
    def is_national(self) -> bool:
        return NATIONAL in self.service_areas

    @property
    def primary_type(self) -> str:
        return self.service_types[0]

    @property
    def is_offered(self) -> bool:
        """Defunct and inactive services are never offered (search, app, plans)."""
        return self.status in ("active", "temporarily closed")

    def current_schedules(self, today: dt.date | None = None) -> list[Schedule]:
        """The hours (and closures) that apply today; expired or not-yet-valid ones are not."""
        return [s for s in self.schedules if s.is_current(today)]

    def serves_age(self, age: int) -> bool:
        return self.min_age <= age <= self.max_age

    @property
    def ages_stated(self) -> bool:
        """Whether the record states the ages it serves.

        A record whose pages give no ages leaves ``min_age``/``max_age`` out; the defaults
        (0 to 120) then mean "not stated", never "all ages", so nobody is turned away on a
        guess and the listing says the ages are not known.
        """
        return (
            "min_age" in self.model_fields_set
            or "max_age" in self.model_fields_set
            or self.min_age != 0
            or self.max_age != MAX_AGE
        )

    def verified_age_days(self, today: dt.date | None = None) -> int:
        return ((today or dt.date.today()) - self.last_verified).days

    def newest_source_date(self) -> dt.date | None:
        """The newest date any cited page carries (its own, or the one its words give)."""
        dates = [p.date for p in self.sources if p.date is not None]
        return max(dates) if dates else None

    def makes_claim(self, field: str) -> bool:
        """Whether the record states something in this field (not left out, empty or unknown)."""
        if field == "min_age":
            return "min_age" in self.model_fields_set or self.min_age != 0
        if field == "max_age":
            return "max_age" in self.model_fields_set or self.max_age != MAX_AGE
        if field not in self.model_fields_set:
            return False
        return getattr(self, field) not in (None, [], "")

    def claim_dates(self) -> dict[str, dt.date | None]:
        """For each dated claim the record makes: the newest date of the pages that state it.

        None where a page behind the claim is undated (read when the record was compiled, so
        counted as current) or where no page states it (``services validate`` reports that).
        """
        out: dict[str, dt.date | None] = {}
        # That the service exists at all, as described: every page says so, so it is old only
        # when every page is dated and old (a record resting on one old news report).
        if self.sources:
            dates = [p.date for p in self.sources]
            out[SERVICE_CLAIM] = max(dates) if all(d is not None for d in dates) else None  # type: ignore[type-var]
        for field in DATED_CLAIMS:
            if not self.makes_claim(field):
                continue
            dates = [p.date for p in self.sources if field in p.supports]
            out[field] = max(dates) if dates and all(d is not None for d in dates) else None  # type: ignore[type-var]
        return out

    def claims_confirmed_on(self) -> dt.date | None:
        """The date of the least recently confirmed claim, when some claim rests only on dated
        pages (None: every claim has an undated, i.e. current, page or none at all)."""
        dated = [d for d in self.claim_dates().values() if d is not None]
        return min(dated) if dated else None

    def old_claims(self, today: dt.date | None = None) -> dict[str, dt.date]:
        """Claims (field → newest page date) whose every page is older than SOURCE_MAX_AGE_YEARS."""
        cutoff = source_cutoff(today)
        return {f: d for f, d in self.claim_dates().items() if d is not None and d < cutoff}

    def is_stale(self, today: dt.date | None = None, *, months: int = 12) -> bool:
        """Out of date: shown to users as "check first", whoever compiled the record.

        :func:`services.eligibility.out_of_date` on a one-row index (the rule is written
        once, over columns): a claim a family acts on rests only on pages older than
        SOURCE_MAX_AGE_YEARS (freshness is about a claim, not an organisation), or the record
        itself was last checked more than ``months`` ago. Whether the organisation confirmed
        the record is a different question (``verified``).
        """
        from .eligibility import one, out_of_date

        return bool(out_of_date(one(self), today, months=months)[0])


def source_cutoff(today: dt.date | None = None) -> dt.date:
    """The oldest page date still counted as current: SOURCE_MAX_AGE_YEARS before ``today``."""
    day = today or dt.date.today()
    try:
        return day.replace(year=day.year - SOURCE_MAX_AGE_YEARS)
    except ValueError:  # 29 February in a leap year
        return day.replace(year=day.year - SOURCE_MAX_AGE_YEARS, day=28)


class TaxonomyType(_Model):
    """A service type as a parent would understand it, and the stages it serves."""

    id: ServiceType
    name: Text
    description: Text
    stages: list[Stage] = Field(min_length=1)


class TaxonomyStage(_Model):
    """A pathway stage with the words Waymark shows for it."""

    id: Stage
    name: Text
    description: Text


class Taxonomy(_Model):
    """``data/taxonomy.yaml``: the human words for the shared vocabulary."""

    stages: list[TaxonomyStage]
    service_types: list[TaxonomyType]

    @model_validator(mode="after")
    def _complete(self) -> Taxonomy:
        from .vocabulary import SERVICE_TYPES, STAGES

        for kind, items, expected in (
            ("stages", self.stages, STAGES),
            ("service_types", self.service_types, SERVICE_TYPES),
        ):
            ids = [item.id for item in items]
            missing = [i for i in expected if i not in ids]
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            if missing:
                raise ValueError(f"{kind} is missing {', '.join(missing)}")
            if dupes:
                raise ValueError(f"{kind} lists {', '.join(dupes)} more than once")
        return self

    def type(self, type_id: str) -> TaxonomyType | None:
        """The words for a service type, or None for an id the taxonomy does not hold."""
        return next((t for t in self.service_types if t.id == type_id), None)

    def stage(self, stage_id: str) -> TaxonomyStage | None:
        """The words for a stage, or None for an id the taxonomy does not hold."""
        return next((s for s in self.stages if s.id == stage_id), None)

    def stages_for(self, service_types: list[str]) -> list[str]:
        out: list[str] = []
        for t in self.service_types:
            if t.id in service_types:
                out.extend(s for s in t.stages if s not in out)
        return out
