"""How far a listing can be trusted: one short line a family reads, the details a click away.

A parent learns to ignore a label that is on every card. So each listing carries **at most
one trust line** (:func:`trust_line`), chosen by what matters most to someone about to act:

1. a claim they would act on that only old pages state — said as *that* claim
   ("the phone numbers were last confirmed in 2017: check them on the page");
2. a record nobody has re-read for over a year ("last checked 1 June 2025");
3. otherwise where the details come from and when they were read
   ("From Leeds City Council's page, read 30 Nov 2026"), or that the organisation confirmed
   them.

Freshness is about a claim, not an organisation: an old page saying 101 is free does not
make a police force's listing "out of date". The claims whose age counts are
:data:`~services.models.DATED_CLAIMS` (ages, who can refer, hours, whether a child must have
told someone, and the phone numbers). A page's date is its own, or the one its own words give
(``dated_by``); an undated page counts as current and says "page undated" in the details
(:func:`claim_details`), never as a warning on the card.

Age limits belong to specialist services: 999, the police and children's social care serve
every child, so their cards say nothing about ages (:func:`ages_text` returns None).

:func:`source_warnings` is the maintainer's side: a referral-critical field or a phone number
that rests on no cited page, or a referral-critical field resting only on pages older than two
years, is a claim a family could act on without anything current behind it (``services
validate`` prints them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .links import is_staging_host, link_problem
from .models import (
    DATED_CLAIMS,
    REFERRAL_CRITICAL,
    SERVICE_CLAIM,
    SOURCE_MAX_AGE_YEARS,
    Phone,
    Service,
    SourcePage,
    source_cutoff,
)

__all__ = [
    "NOT_CHECKED",
    "OUT_OF_DATE",
    "UNIVERSAL_TYPES",
    "Label",
    "ClaimDetail",
    "labels",
    "trust_line",
    "claim_details",
    "freshness_summary",
    "ages_text",
    "SourceWarning",
    "source_warnings",
    "unconfirmed_numbers",
]

NOT_CHECKED = "not_checked_with_organisation"
OUT_OF_DATE = "out_of_date"

#: Services every child can use whatever their age: no age caveat on them.
UNIVERSAL_TYPES = frozenset({"emergency", "police", "social_care_front_door", "lado"})

#: A claim in words a family understands, with its verb, for "… was last confirmed in 2017"
#: (the verb is stored, not guessed from the words: "the ages they see" are plural).
_CLAIM_WORDS: dict[str, tuple[str, str]] = {
    SERVICE_CLAIM: ("this service", "was"),
    "phones": ("the phone numbers", "were"),
    "schedules": ("the opening hours", "were"),
    "min_age": ("the ages they see", "were"),
    "max_age": ("the ages they see", "were"),
    "accepts_self_referral": ("who can contact them", "was"),
    "referral_routes": ("how to be referred", "was"),
    "requires_disclosure": ("whether a child must have told someone", "was"),
}


def _claim_words(field: str) -> tuple[str, str]:
    """A claim's words and verb; a field without words of its own reads as its name."""
    return _CLAIM_WORDS.get(field, (field.replace("_", " "), "was"))


@dataclass(frozen=True)
class Label:
    """One thing a user should know about how current a listing is."""

    id: str  # NOT_CHECKED | OUT_OF_DATE
    text: str
    #: A few words for a crowded line (a plan step, a map pop-up).
    short: str


@dataclass(frozen=True)
class ClaimDetail:
    """One claim of a listing and the pages behind it, for the details view."""

    field: str
    words: str
    pages: tuple[SourcePage, ...]
    #: The newest date of its pages; None when a page is undated (current) or none states it.
    confirmed: dt.date | None
    old: bool
    #: Why a claim no page states is kept anyway (the numbers' ``unconfirmed`` reasons).
    unconfirmed: tuple[str, ...] = ()

    def page_dates(self) -> list[str]:
        """Each page's date in words: its own, the one its words give, or "page undated"."""
        return [_page_date_words(p) for p in self.pages]


def _date_text(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _short_date(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def _page_date_words(page: SourcePage) -> str:
    if page.updated:
        return f"dated {_date_text(page.updated)}"
    if page.dated_by:
        return f"about {page.dated_by.date.year} ({page.dated_by.reason})"
    return "page undated"


def _old_claim_words(old: dict[str, dt.date]) -> str:
    """'the phone numbers were last confirmed in 2017' for the oldest one or two claims."""
    if SERVICE_CLAIM in old:  # the service itself is old news: every other claim with it
        old = {SERVICE_CLAIM: old[SERVICE_CLAIM]}
    words: dict[tuple[str, str], dt.date] = {}
    for field, day in sorted(old.items(), key=lambda kv: kv[1]):
        words.setdefault(_claim_words(field), day)
    parts = list(words.items())[:2]
    if len(parts) == 1:
        ((w, verb), day), = parts
        return f"{w} {verb} last confirmed in {day.year}"
    ((w1, _), d1), ((w2, _), d2) = parts
    return f"{w1} ({d1.year}) and {w2} ({d2.year}) were last confirmed over {SOURCE_MAX_AGE_YEARS} years ago"


def _host(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None


def _own_hosts(service: Service) -> set[str]:
    """The hosts of the service's own link and its organisation's: its own site(s)."""
    return {h for h in (_host(service.url), _host(service.organization.url if service.organization else None)) if h}


def _primary_page(service: Service) -> SourcePage | None:
    """The page a family's trust line names: the organisation's own page stating the phones,
    else its own page behind the link (999 and 101 are stated on a national page, but West
    Yorkshire Police's card should not read "from a page on devon-cornwall.police.uk"), else
    any page stating the phones, else the link's, else the first page."""
    own = _own_hosts(service)
    ranked = [(own_site, field) for own_site in (True, False) for field in ("phones", "url")]
    for own_site, field in ranked:
        for page in service.sources:
            if field in page.supports and (not own_site or _host(page.url) in own):
                return page
    return service.sources[0] if service.sources else None


def possessive(name: str) -> str:
    """A name owning something, as written in British English: "Leeds City Council's",
    "Samaritans'" (a name ending in s takes the apostrophe alone); a name that is already
    possessive ("Barnardo's") stays as it is.

    >>> possessive("Leeds City Council"), possessive("Samaritans"), possessive("Barnardo's")
    ("Leeds City Council's", "Samaritans'", "Barnardo's")
    """
    if name.endswith(("'s", "\u2019s")):
        return name
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _page_owner(service: Service, page: SourcePage) -> str:
    """Whose page it is, as a person would say it: the organisation's when the page is on its
    site (or the listing's own link), else the site's name."""
    page_host = _host(page.url)
    own = _own_hosts(service)
    if service.organization and page_host in own:
        return f"{possessive(service.organization.name)} page"
    if not page_host or is_staging_host(page_host):  # a staging copy's address means nothing to a family
        return "a published page"
    if page_host in _DATA_HOSTS:  # GOV.UK's list of councils, kept on GitHub
        return "a published list"
    return f"a page on {page_host}"


#: Hosts of data files (a family reads "a published list", not a code-hosting site's name).
_DATA_HOSTS = frozenset({"github.com", "raw.githubusercontent.com", "gitlab.com"})


def trust_line(service: Service, today: dt.date | None = None, *, months: int = 12) -> str:
    """The one short trust line for a card (see the module docstring for the order)."""
    old = service.old_claims(today)
    if old:
        return f"Check first: {_old_claim_words(old)}."
    if service.verified_age_days(today) > months * 365 // 12:
        return f"Last checked {_short_date(service.last_verified)}: check with them first."
    if service.verified:
        who = service.organization.name if service.organization else "the organisation"
        return f"Checked with {who}, {_short_date(service.last_verified)}."
    page = _primary_page(service)
    if page is None:
        return f"Compiled {_short_date(service.last_verified)} from published pages."
    read = page.read or service.last_verified
    return f"From {_page_owner(service, page)}, read {_short_date(read)}."


def claim_details(service: Service, today: dt.date | None = None) -> list[ClaimDetail]:
    """Every dated claim the listing makes, with its pages and their dates (the details view)."""
    old = service.old_claims(today)
    dates = service.claim_dates()
    out: list[ClaimDetail] = []
    for field, confirmed in dates.items():
        pages = tuple(p for p in service.sources if field in p.supports)
        kept = unconfirmed_numbers(service) if field == "phones" else []
        why = tuple(dict.fromkeys(f"{p.number}: {p.unconfirmed}" for p in kept))
        out.append(ClaimDetail(field, _claim_words(field)[0], pages, confirmed,
                               field in old, why))
    return out


def unconfirmed_numbers(service: Service) -> list[Phone]:
    """The numbers kept although no cited page could be shown to state them, each saying why
    (``Phone.unconfirmed``): what ``services validate`` counts and data/SOURCES.md lists."""
    return [p for p in service.phones if p.unconfirmed]


def labels(service: Service, today: dt.date | None = None, *, months: int = 12) -> list[Label]:
    """The labels behind the trust line, most serious first (empty: nothing to say).

    "Out of date" names the old claim; "not checked with the organisation" stays a fact in the
    JSON and the details, never a warning on a card.
    """
    out: list[Label] = []
    if service.is_stale(today, months=months):
        old = service.old_claims(today)
        if old:
            why = f"{_old_claim_words(old)}, more than {SOURCE_MAX_AGE_YEARS} years ago"
        else:
            why = f"these details were last checked on {_date_text(service.last_verified)}"
        out.append(Label(OUT_OF_DATE, f"Check first: {why}. The service may have changed.",
                         "check with them first"))
    if not service.verified:
        out.append(Label(NOT_CHECKED,
                         f"Compiled on {_date_text(service.last_verified)} from published pages; not yet "
                         "confirmed with the organisation.",
                         "from published pages"))
    return out


def freshness_summary(service: Service, today: dt.date | None = None) -> dict[str, Any]:
    """The JSON block for a service item: both labels apart, the trust line and the dates."""
    newest = service.newest_source_date()
    return {
        "checked_with_organisation": service.verified,
        "out_of_date": service.is_stale(today),
        "newest_source": newest.isoformat() if newest else None,
        "old_claims": {f: d.isoformat() for f, d in sorted(service.old_claims(today).items())},
        "trust_line": trust_line(service, today),
        "labels": [{"id": lab.id, "text": lab.text} for lab in labels(service, today)],
    }


def ages_text(service: Service) -> str | None:
    """The ages a service is for, saying so plainly when its pages do not state them.

    None for the services every child can use (999, the police, children's social care):
    an age caveat there would only be noise.
    """
    if set(service.service_types) <= UNIVERSAL_TYPES:
        return None
    if not service.ages_stated:
        return "Ages not stated: ask them whether they can help this child"
    lo, hi = service.min_age, service.max_age
    if lo <= 0 and hi >= 100:
        return "All ages"
    if hi >= 100:
        return f"Ages {lo} and over"
    if lo <= 0:
        return f"Children and young people up to age {hi}"
    return f"Ages {lo} to {hi}"


@dataclass(frozen=True)
class SourceWarning:
    """A claim a family acts on with no current page behind it, or a link that is not the
    organisation's own page."""

    service_id: str
    field: str
    message: str


def source_warnings(service: Service, today: dt.date | None = None) -> list[SourceWarning]:
    """Claims a family acts on with nothing current behind them, and links that are not the
    organisation's own page.

    * A referral-critical claim, or the phone numbers, resting on no cited page: a family
      rings a number, so a number no page states is as unsupported as an age range. Numbers
      each marked ``unconfirmed`` (a reviewed exception that says why it is kept) are counted
      by :func:`unconfirmed_numbers` instead.
    * A referral-critical claim resting only on pages over two years old. (Old numbers are
      kept, with the card saying how old they are: dropping one would leave a family no way
      to reach the service. So an old page behind the numbers is not warned about here.)
    * A link a family is given (the service's ``url``, or the organisation's, which the pages
      fall back to) that is a news article or a copy rather than the organisation's page.

    A page with no date of its own, and no words that date it, counts as current (it was read
    when the record was compiled); a page dated either way older than the cut-off does not.
    """
    cutoff = source_cutoff(today)
    out: list[SourceWarning] = []
    org_url = service.organization.url if service.organization else None
    for field, url in (("url", service.url), ("organization.url", org_url if org_url != service.url else None)):
        why = link_problem(url) if url else None
        if why:  # the family's link must be the organisation's own, live page
            out.append(SourceWarning(service.id, field, f"{why}: cite it under sources and give the organisation's "
                                     "own page as url (or none)"))
    for field in DATED_CLAIMS:
        if not service.makes_claim(field):
            continue
        pages = [p for p in service.sources if field in p.supports]
        if not pages and not (field == "phones" and all(p.unconfirmed for p in service.phones)):
            out.append(SourceWarning(service.id, field, "rests on no source page (add one to sources with this field in supports, "
                                     "remove the claim, or say on each number why it is kept: unconfirmed)"))
        elif field in REFERRAL_CRITICAL and all(p.date is not None and p.date < cutoff for p in pages):
            newest = max(p.date for p in pages if p.date is not None)
            out.append(
                SourceWarning(
                    service.id,
                    field,
                    f"rests only on pages older than {SOURCE_MAX_AGE_YEARS} years (newest {newest.isoformat()}): "
                    "find a current page or remove the claim",
                )
            )
    return out
