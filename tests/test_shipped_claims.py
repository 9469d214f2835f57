"""The corrected claims in the shipped records (issue 16): each one a family could act on."""

from __future__ import annotations

import datetime as dt

import pytest

from services.directory import load_directory
from services.freshness import source_warnings
from services.models import REFERRAL_CRITICAL
from services.search import SearchFilters, search

SHROPSHIRE, TELFORD = "E06000051", "E06000020"


@pytest.fixture(scope="module")
def directory():
    return load_directory()


@pytest.fixture(scope="module")
def by_id(directory):
    return {s.id: s for s in directory.services}


def hits_for(directory, area: str, age: int):
    return search(directory, directory.place_for_area(area), SearchFilters(age=age))


def routes(service) -> str:
    return " ".join(service.referral_routes).lower()


def test_no_adults_only_service_is_offered_to_a_shropshire_nine_year_old(directory):
    offered = [h.service for h in hits_for(directory, "Shropshire", 9)]
    assert offered
    assert not [s.id for s in offered if s.ages_stated and s.min_age >= 18]
    assert "shropshire-sarc-the-glade" not in {s.id for s in offered}


def test_the_glade_in_telford_is_for_adults_and_says_children_go_elsewhere(by_id):
    glade = by_id["shropshire-sarc-the-glade"]
    assert glade.min_age == 18 and not glade.serves_age(17)
    assert "children" not in glade.name.lower()
    assert "does not see children" in glade.description
    assert any("cqc.org.uk/location/1-877389019" in p.url and "min_age" in p.supports for p in glade.sources)


def test_the_west_midlands_childrens_service_is_offered_for_a_shropshire_nine_year_old(directory):
    ids = [h.service.id for h in hits_for(directory, "Shropshire", 9)]
    assert "shropshire-west-midlands-cypsas" in ids
    ids_telford = [h.service.id for h in hits_for(directory, "Telford and Wrekin", 9)]
    assert "shropshire-west-midlands-cypsas" in ids_telford


def test_west_midlands_service_ages_and_referral_routes(by_id):
    wm = by_id["shropshire-west-midlands-cypsas"]
    assert (wm.min_age, wm.max_age) == (0, 17)
    assert wm.accepts_self_referral is True
    text = routes(wm)
    assert "13 and over can refer themselves" in text
    assert "under 13" in text and "police" in text and "social care" in text
    assert set(wm.service_areas) == {SHROPSHIRE, TELFORD}


def test_no_phone_number_for_the_west_midlands_service_until_sources_agree(by_id):
    wm = by_id["shropshire-west-midlands-cypsas"]
    assert wm.phones == []
    assert "different helpline numbers" in (wm.notes or "")


def test_havens_under_13s_are_referred_by_police_or_social_care(by_id):
    havens = by_id["islington-the-havens"]
    text = routes(havens)
    assert "under 13 cannot be referred directly" in text
    assert "police" in text and "children's social care" in text
    assert "contact the havens directly" not in text
    assert havens.accepts_self_referral is not True
    assert "follow-up" in havens.description.lower() and "beyond the first week" in havens.description
    assert "therapeutic_support" in havens.stages


def test_york_acer_house_replaces_the_hospital_weekday_service(by_id):
    csaas, adult = by_id["york-csaac"], by_id["york-sarc-adult-service"]
    for s in (csaas, adult):
        assert "Acer House" in s.name and "Acer House" in s.description
        assert "York Hospital" not in s.description and "Monday to Friday" not in " ".join(
            sch.description for sch in s.schedules)
        assert any(p.updated == dt.date(2025, 3, 10) for p in s.sources)
    assert csaas.accepts_self_referral is False and csaas.max_age == 15
    assert adult.min_age == 16 and adult.accepts_self_referral is True
    assert "16 and over can go to acer house without a referral" in routes(adult)


def test_101_is_free(by_id):
    s = by_id["national-101"]
    assert s.free is True
    assert "free" in s.description and "April 2020" in s.description
    assert "charged" not in (s.notes or "").replace("could still charge", "")
    assert any(p.updated == dt.date(2020, 3, 31) and "free" in p.supports for p in s.sources)


def test_nhs_111_online_is_for_5_and_over_and_under_5s_phone(by_id):
    s = by_id["national-nhs-111"]
    text = routes(s) + " " + s.description.lower()
    assert "aged 5 and over" in text
    assert "under 5" in text and "phone" in text


def test_nspcc_programme_ages_as_the_nspcc_states_them(by_id):
    soss = by_id["national-nspcc-speak-out-stay-safe"]
    assert (soss.min_age, soss.max_age) == (5, 11)
    assert any("learning.nspcc.org.uk/services/speak-out-stay-safe" in p.url and "min_age" in p.supports
               for p in soss.sources)
    ttp = by_id["national-nspcc-turn-the-page"]
    # The NSPCC's own page states no range; the others disagree: no range recorded.
    assert not ttp.ages_stated
    assert any(p.url == "https://learning.nspcc.org.uk/services-children-families/turn-the-page" for p in ttp.sources)


def test_programmes_that_run_only_in_some_places_are_not_offered_as_everywhere(by_id):
    for sid in ("national-nspcc-turn-the-page", "national-nspcc-women-as-protectors",
                "national-nspcc-letting-the-future-in"):
        assert by_id[sid].availability == "some_areas", sid
    for sid in ("national-childline", "national-nspcc-helpline", "national-999"):
        assert by_id[sid].availability == "everywhere", sid


def test_child_facing_helplines_ages_as_the_organisations_state_them(by_id):
    assert by_id["national-childline"].max_age == 18  # under-19s
    assert by_id["national-rape-crisis-support-line"].min_age == 16
    shout = by_id["national-shout"]
    assert "any age" in (shout.eligibility or "")  # Shout states no minimum age


def test_renamed_services(by_id):
    assert by_id["bracknell-forest-youth-offending-service"].name == "Bracknell Forest Youth Justice Team"
    camhs = by_id["shropshire-camhs-beeu"]
    assert "replacing BeeU" in camhs.name and (camhs.min_age, camhs.max_age) == (0, 25)
    assert "West Mercia Youth Justice Service" in by_id["shropshire-youth-justice-service"].name
    assert "MASH" in by_id["york-childrens-front-door"].name


def test_cornwall_camhs_takes_self_referrals(by_id):
    camhs = by_id["cornwall-camhs"]
    assert camhs.accepts_self_referral is True
    assert "parents and young people themselves" in routes(camhs)


def test_every_referral_critical_claim_rests_on_a_current_page(directory):
    today = dt.date(2026, 11, 30)
    found = {(w.service_id, w.field) for s in directory.services for w in source_warnings(s, today)}
    assert found == set()  # the numbers data/SOURCES.md lists are marked unconfirmed, not warned about


def test_records_cite_dated_pages_where_they_show_a_date_and_read_this_week(directory):
    for s in directory.services:
        for p in s.sources:
            # Read when the record was compiled or re-checked (never after, never long before).
            assert p.read is not None and dt.timedelta(0) <= s.last_verified - p.read <= dt.timedelta(days=31) \
                or p.read == dt.date(2026, 11, 30), (s.id, p.url, p.read)
            assert p.url.startswith(("https://", "http://")), (s.id, p.url)
        claims = [f for f in REFERRAL_CRITICAL if f in s.model_fields_set and getattr(s, f) not in (None, [])]
        if claims:
            assert s.sources, s.id


def test_a_record_resting_on_old_pages_is_shown_as_out_of_date(by_id):
    today = dt.date(2026, 11, 30)
    assert by_id["shropshire-axis-counselling"].is_stale(today)  # 2019 newspaper report only
    # The Glade: its ages rest on CQC's current (undated) listing; an old 2019 report beside it
    # does not age the listing (freshness is about a claim, not an organisation).
    assert not by_id["shropshire-sarc-the-glade"].is_stale(today)
    assert not by_id["york-csaac"].is_stale(today)  # Acer House, 2025
    assert not by_id["shropshire-west-midlands-cypsas"].is_stale(today)
