"""Freshness and sourcing: "out of date" and "not checked with the organisation" are separate,
unstated ages are said to be unstated, and `services validate` warns about referral-critical
claims with no current page behind them."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

from services.freshness import (
    NOT_CHECKED,
    OUT_OF_DATE,
    ages_text,
    claim_details,
    freshness_summary,
    labels,
    source_warnings,
    trust_line,
)
from services.models import DATED_CLAIMS, Service, source_cutoff
from services.search import service_summary

from .conftest import service

TODAY = dt.date(2026, 11, 30)


def page(url="https://example.org/page", *, updated=None, supports=()):
    out = {"url": url, "read": "2026-11-30", "supports": list(supports)}
    if updated:
        out["updated"] = updated
    return out


def make(**fields) -> Service:
    return Service.model_validate(service("s", **fields))


def test_a_record_compiled_this_week_from_current_pages_is_not_out_of_date():
    s = make(verified=False, last_verified="2026-11-30",
             sources=[page(updated="2025-06-01", supports=["min_age", "max_age"])])
    assert not s.is_stale(TODAY)
    assert [lab.id for lab in labels(s, TODAY)] == [NOT_CHECKED]
    # One quiet trust line says where the details come from; no warning.
    assert trust_line(s, TODAY) == "From a page on example.org, read 30 Nov 2026."


def test_a_staging_copys_address_is_never_named_to_a_family():
    s = make(verified=False, last_verified="2026-11-30", phones=[{"number": "0300 303 1971"}],
             sources=[page("https://theauthorityv13-auth.azurewebsites.net/victims", supports=["phones"])])
    assert trust_line(s, TODAY) == "From a published page, read 30 Nov 2026."


def test_the_trust_line_names_the_organisations_own_page_before_a_national_one():
    """999 and 101 are stated on one force's youth page; another force's card names its own page."""
    s = make(verified=False, last_verified="2026-11-30", url="https://www.westyorkshire.police.uk/",
             organization={"name": "West Yorkshire Police", "url": "https://www.westyorkshire.police.uk/"},
             phones=[{"number": "101"}],
             sources=[page("https://youth.devon-cornwall.police.uk/contacting-the-police", supports=["phones"]),
                      page("https://www.westyorkshire.police.uk/about-us", supports=["name", "url"])])
    assert trust_line(s, TODAY) == "From West Yorkshire Police's page, read 30 Nov 2026."
    listed = make(verified=False, last_verified="2026-11-30",
                  sources=[page("https://github.com/alphagov/local-links-manager/blob/x/data.csv", supports=["url"])])
    assert trust_line(listed, TODAY) == "From a published list, read 30 Nov 2026."


def test_freshness_is_about_a_claim_not_the_organisation():
    # An old page about one thing (101 costing nothing) beside undated current pages: the
    # listing is not "out of date" (the West Yorkshire Police noise the re-check found).
    s = make(verified=True, sources=[page(supports=["phones", "referral_routes"]),
                                     page("https://example.org/old-news", updated="2020-03-31", supports=["free"])])
    assert not s.is_stale(TODAY) and s.old_claims(TODAY) == {}
    # A phone number only an old page states is old, and the line says which claim.
    old_phone = make(phones=[{"number": "0113 222 4403"}], sources=[page(supports=["referral_routes"]),
                              page("https://example.org/2017", updated="2017-05-01", supports=["phones"])])
    assert old_phone.is_stale(TODAY)
    assert old_phone.old_claims(TODAY) == {"phones": dt.date(2017, 5, 1)}
    assert trust_line(old_phone, TODAY) == "Check first: the phone numbers were last confirmed in 2017."


#: Every dated claim's sentence, written out (a new claim needs its words here too).
OLD_CLAIM_SENTENCES = {
    "phones": "the phone numbers were last confirmed in 2017",
    "schedules": "the opening hours were last confirmed in 2017",
    "min_age": "the ages they see were last confirmed in 2017",
    "max_age": "the ages they see were last confirmed in 2017",
    "accepts_self_referral": "who can contact them was last confirmed in 2017",
    "referral_routes": "how to be referred was last confirmed in 2017",
    "requires_disclosure": "whether a child must have told someone was last confirmed in 2017",
}
_CLAIMS = {"phones": [{"number": "0113 222 4403"}], "schedules": [{"description": "Monday to Friday, 9am to 5pm"}],
           "accepts_self_referral": True, "referral_routes": ["Ring them"], "requires_disclosure": True,
           "min_age": 4, "max_age": 17}


@pytest.mark.parametrize("field", DATED_CLAIMS)
def test_every_old_claim_reads_as_a_sentence(field):
    """The verb goes with the claim's words ("the ages they see were"), never a guess from
    the last word's spelling."""
    assert set(OLD_CLAIM_SENTENCES) == set(DATED_CLAIMS)
    others = [f for f in DATED_CLAIMS if f != field]
    s = make(**_CLAIMS, sources=[page(supports=others),
                                 page("https://example.org/2017", updated="2017-05-01", supports=[field])])
    assert set(s.old_claims(TODAY)) == {field}
    assert trust_line(s, TODAY) == f"Check first: {OLD_CLAIM_SENTENCES[field]}."
    assert labels(s, TODAY)[0].text.startswith(f"Check first: {OLD_CLAIM_SENTENCES[field]}, more than 2 years ago")


def test_a_record_resting_only_on_old_pages_says_the_service_itself_is_old():
    s = make(verified=True, last_verified="2026-11-30",
             sources=[page(updated="2019-07-12"), page("https://example.org/b", updated="2021-02-23")])
    assert s.newest_source_date() == dt.date(2021, 2, 23)
    assert s.is_stale(TODAY)
    found = labels(s, TODAY)
    assert [lab.id for lab in found] == [OUT_OF_DATE]  # verified: no "not checked" label
    assert trust_line(s, TODAY) == "Check first: this service was last confirmed in 2021."


def test_an_undated_page_dated_by_its_words_counts_as_dated():
    words = {"date": "2016-01-01", "reason": "'since it opened two years ago' in an article of about 2016"}
    s = make(schedules=[{"description": "24 hours a day", "open_24_7": True}],
             sources=[{**page(supports=["schedules"]), "dated_by": words}])
    assert s.sources[0].date == dt.date(2016, 1, 1)
    assert s.old_claims(TODAY) == {"service": dt.date(2016, 1, 1), "schedules": dt.date(2016, 1, 1)}
    assert "schedules" in {w.field for w in source_warnings(s, TODAY)}
    detail = {c.field: c for c in claim_details(s, TODAY)}["schedules"]
    assert detail.old and detail.page_dates() == [f"about 2016 ({words['reason']})"]


def test_an_undated_page_is_current_and_says_so_only_in_the_details():
    s = make(phones=[{"number": "0113 222 4403"}], sources=[page(supports=["phones"])])
    assert not s.is_stale(TODAY)
    assert "undated" not in trust_line(s, TODAY)
    assert [c.page_dates() for c in claim_details(s, TODAY) if c.field == "phones"] == [["page undated"]]


def test_two_years_is_the_boundary():
    assert source_cutoff(TODAY) == dt.date(2024, 11, 30)
    assert source_cutoff(dt.date(2028, 2, 29)) == dt.date(2026, 2, 28)
    assert not make(sources=[page(updated="2024-11-30")]).is_stale(TODAY)
    assert make(sources=[page(updated="2024-11-29")]).is_stale(TODAY)


def test_a_check_more_than_a_year_old_is_out_of_date_whatever_the_pages():
    s = make(verified=True, last_verified="2025-06-01", sources=[page(updated="2026-01-01")])
    assert s.is_stale(TODAY)
    assert labels(s, TODAY)[0].text.startswith("Check first: these details were last checked on 1 June 2025")
    assert trust_line(s, TODAY) == "Last checked 1 Jun 2025: check with them first."


def test_both_labels_when_both_apply_most_serious_first_and_one_trust_line():
    s = make(verified=False, sources=[page(updated="2019-11-22")])
    assert [lab.id for lab in labels(s, TODAY)] == [OUT_OF_DATE, NOT_CHECKED]
    block = freshness_summary(s, TODAY)
    assert block["checked_with_organisation"] is False and block["out_of_date"] is True
    assert block["newest_source"] == "2019-11-22"
    assert block["old_claims"] == {"service": "2019-11-22"}
    assert block["trust_line"] == "Check first: this service was last confirmed in 2019."
    assert [lab["id"] for lab in block["labels"]] == [OUT_OF_DATE, NOT_CHECKED]


def test_universal_services_carry_no_age_caveat():
    raw = service("door", service_types=["social_care_front_door"])
    del raw["min_age"], raw["max_age"]
    assert ages_text(Service.model_validate(raw)) is None
    assert ages_text(make(service_types=["police"], min_age=0, max_age=120)) is None
    assert ages_text(make(service_types=["emergency"], min_age=0, max_age=120)) is None
    assert ages_text(make(service_types=["helpline"], min_age=0, max_age=120)) == "All ages"


def test_ages_left_out_are_not_stated_never_all_ages():
    raw = service("a")
    del raw["min_age"], raw["max_age"]
    unstated = Service.model_validate(raw)
    assert not unstated.ages_stated
    assert ages_text(unstated).startswith("Ages not stated")
    assert unstated.serves_age(9) and unstated.serves_age(40)  # nobody is turned away on a guess
    assert ages_text(make(min_age=0, max_age=120)) == "All ages"
    assert ages_text(make(min_age=18, max_age=120)) == "Ages 18 and over"


def test_unstated_ages_survive_the_stores_json_round_trip():
    from services.store import ServiceStore

    raw = service("a")
    del raw["min_age"], raw["max_age"]
    stated_all = make(min_age=0, max_age=120)
    store = ServiceStore([Service.model_validate(raw), stated_all])
    again = ServiceStore(payloads=store.payloads(), ids=store.ids)
    assert not again[0].ages_stated
    assert again[1].ages_stated


def test_search_json_carries_the_labels_apart_and_the_sources():
    s = make(verified=False, availability="some_areas",
             sources=[page(updated="2025-03-10", supports=["min_age", "max_age"])])
    item = service_summary(s)
    assert item["verified"] is False
    assert item["stale"] is False and item["freshness"]["out_of_date"] is False
    assert item["freshness"]["checked_with_organisation"] is False
    assert item["ages_stated"] is True and item["availability"] == "some_areas"
    assert item["sources"] == [{"url": "https://example.org/page", "title": None, "updated": "2025-03-10",
                                "read": "2026-11-30", "supports": ["min_age", "max_age"]}]
    json.dumps(item)  # the CLI prints it


# -- the maintainer's warning ------------------------------------------------------------

def test_a_referral_critical_claim_with_no_page_is_warned():
    s = make(accepts_self_referral=True, referral_routes=["Ring them"],
             sources=[page(supports=["min_age", "max_age", "referral_routes"])])
    fields = {w.field for w in source_warnings(s, TODAY)}
    assert fields == {"accepts_self_referral"}


def test_a_claim_resting_only_on_old_pages_is_warned_and_a_current_page_clears_it():
    old = [page(updated="2020-02-04", supports=["min_age", "max_age"])]
    s = make(sources=old)
    warned = source_warnings(s, TODAY)
    assert {w.field for w in warned} == {"min_age", "max_age"}  # stating 0 ("from birth") is a claim too
    assert "older than 2 years (newest 2020-02-04)" in warned[0].message
    current = make(sources=[*old, page("https://example.org/new", supports=["min_age", "max_age"])])
    assert source_warnings(current, TODAY) == []


def test_unknown_and_empty_fields_are_not_claims():
    raw = service("a", accepts_self_referral=None, referral_routes=[], schedules=[])
    del raw["min_age"], raw["max_age"]
    assert source_warnings(Service.model_validate(raw), TODAY) == []


def test_requires_disclosure_set_either_way_is_a_claim():
    assert {w.field for w in source_warnings(make(requires_disclosure=False, sources=[
        page(supports=["min_age", "max_age"])]), TODAY)} == {"requires_disclosure"}


def test_a_number_no_page_states_is_warned_but_an_old_page_behind_it_is_not():
    """Phones are a claim a family acts on: a number with no page is warned about. An old page
    behind a number is said on the card instead (dropping the number would leave none)."""
    number = [{"number": "0808 000 1234"}]
    ages = page(supports=["min_age", "max_age"])
    unsourced = make(phones=number, sources=[ages])
    assert {(w.field, w.message.split(" (")[0]) for w in source_warnings(unsourced, TODAY)} == {
        ("phones", "rests on no source page")}
    old = make(phones=number, sources=[ages, page("https://example.org/2017", updated="2017-05-01",
                                                   supports=["phones"])])
    assert source_warnings(old, TODAY) == []
    sourced = make(phones=number, sources=[page(supports=["min_age", "max_age", "phones"])])
    assert source_warnings(sourced, TODAY) == []


def test_the_organisations_link_is_checked_like_the_services():
    """The pages fall back to the organisation's url, so a news article there is warned too."""
    ages = page(supports=["min_age", "max_age"])
    news = "https://www.yorkshirepost.co.uk/news/crime/acer-house-york-5023939"
    s = make(organization={"name": "Acer House", "url": news}, sources=[ages])
    assert [(w.field, w.message.split(":")[0]) for w in source_warnings(s, TODAY)] == [
        ("organization.url", "yorkshirepost.co.uk is a news site, not the organisation")]
    both = make(url=news, organization={"name": "Acer House", "url": news}, sources=[ages])
    assert [w.field for w in source_warnings(both, TODAY)] == ["url"]  # the same link, said once
    fine = make(url="https://www.york.gov.uk/acer", organization={"name": "York", "url": "https://www.york.gov.uk"},
                sources=[ages])
    assert source_warnings(fine, TODAY) == []


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "services", *args], capture_output=True, text=True, timeout=120)


def test_validate_prints_warnings_apart_from_errors_and_still_exits_0(data_dir):
    root = data_dir({"a.yaml": [
        service("unsourced", accepts_self_referral=True),
        service("sourced", sources=[page(supports=["min_age", "max_age"])]),
    ]})
    out = run_cli("validate", str(root))
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout == ""  # errors only on stdout
    warnings = [line for line in out.stderr.splitlines() if line.startswith("warning:")]
    assert "warning: unsourced: accepts_self_referral: rests on no source page" in "\n".join(warnings)
    assert "warning: unsourced: max_age: rests on no source page" in "\n".join(warnings)
    assert not any(" sourced:" in line for line in warnings)
    assert "2 services, all valid, 3 source warnings" in out.stderr


def test_validate_lists_a_number_kept_unconfirmed_instead_of_warning(data_dir):
    """A number no cited page states warns, unless the record says why it is kept."""
    why = "From the product owner's checked list; no stored page shows it: ask the charity."
    root = data_dir({"a.yaml": [
        service("marked", phones=[{"number": "0808 800 5000", "unconfirmed": why}]),
        service("bare", phones=[{"number": "0808 800 5000"}]),
    ]})
    out = run_cli("validate", str(root))
    assert out.returncode == 0, out.stdout + out.stderr
    warned = [line for line in out.stderr.splitlines() if line.startswith("warning:") and ": phones:" in line]
    assert warned == [line for line in warned if line.startswith("warning: bare: phones:")] and len(warned) == 1
    assert f"unconfirmed: marked: 0808 800 5000: {why}" in out.stderr
    assert "1 number kept unconfirmed on purpose" in out.stderr


def test_validate_with_errors_and_warnings_exits_1(data_dir):
    root = data_dir({"a.yaml": [service("bad", min_age=30, max_age=2), service("unsourced")]})
    out = run_cli("validate", str(root))
    assert out.returncode == 1
    assert "min_age 30 is above max_age 2" in out.stdout
    assert "warning: unsourced: max_age" in out.stderr


def test_validate_caps_a_flood_of_warnings(data_dir):
    root = data_dir({"a.yaml": [service(f"s{i}") for i in range(60)]})
    out = run_cli("validate", str(root))
    lines = [line for line in out.stderr.splitlines() if line.startswith("warning:")]
    # two claims each (min_age and max_age): 120 warnings, 50 shown and one summary line
    assert len(lines) == 51 and "70 more source warnings (60 records in all; --all-warnings lists them)" in lines[-1]
    everything = run_cli("validate", str(root), "--all-warnings")
    assert len([line for line in everything.stderr.splitlines() if line.startswith("warning:")]) == 120


def test_shipped_data_validates():
    """The shipped data loads without a problem. (Its source warnings depend on the day:
    tests/test_national_support.py checks there were none on the day it was compiled.)"""
    out = run_cli("validate")
    assert out.returncode == 0, out.stdout + out.stderr
