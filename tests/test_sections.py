"""Find support's groups (services.sections) and its words (services.guidance)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest

from services.errors import DataFileError
from services.guidance import ROLES, load_guidance
from services.models import Service
from services.search import Hit, SearchFilters, search
from services.sections import (
    call_now,
    group_hits,
    has_professionals_line,
    public_phones,
    too_young_alone,
    while_you_wait,
)
from tests.conftest import service


@dataclass(frozen=True)
class Rule:
    min_age: int = 5
    service_types: tuple[str, ...] = ("helpline",)
    children_max_age: int = 18


def _hit(id: str, km: float | None = 1.0, local: bool = True, **fields) -> Hit:
    if not local:
        fields.setdefault("service_areas", ["national"])
    return Hit(Service.model_validate(service(id, **fields)), km if local else None, local)


DOOR = dict(service_types=["social_care_front_door"], accepts_self_referral=True)
NINE_NINE_NINE = dict(service_types=["emergency"], phones=[{"number": "999"}], min_age=0, max_age=120)
POLICE_101 = dict(service_types=["police"], phones=[{"number": "101"}])
ADULTS = dict(service_types=["helpline", "parent_support"], for_parents=True, phones=[{"number": "0808 800 5000"}],
              stages=["recognise_and_record", "refer_to_social_care"])
CHILDREN = dict(service_types=["helpline"], phones=[{"number": "0800 1111"}], min_age=0, max_age=18)


def _national():
    return [
        _hit("n999", local=False, **NINE_NINE_NINE),
        _hit("line-other", local=False, service_types=["helpline", "parent_support"], for_parents=True,
             phones=[{"number": "0808 1000 900"}]),
        _hit("adults", local=False, **ADULTS),
        _hit("kids", local=False, **CHILDREN),
        _hit("n101", local=False, **POLICE_101),
    ]


def test_who_to_call_now_by_type_and_audience_never_a_professionals_line():
    door = _hit("door", km=None, phones=[{"number": "01904 551900", "description": "day"},
                                         {"number": "01904 999000", "audience": "professionals"},
                                         {"number": "01904 551901", "description": "out of hours"}], **DOOR)
    police = _hit("force", km=None, service_types=["police"], phones=[{"number": "999"}, {"number": "101"}])
    contacts = call_now([door, police, *_national()], age=9, own_contact=Rule())
    assert [c.role for c in contacts] == ["front_door", "emergency", "adult_helpline", "child_helpline"]
    numbers = [[p.number for p, _ in c.phones] for c in contacts]
    assert numbers == [["01904 551900", "01904 551901"], ["999", "101"], ["0808 800 5000"], ["0800 1111"]]
    # 999 from the emergency record, 101 from the local force (the same 999 only once)
    assert [h.service.id for h in contacts[1].hits] == ["n999", "force"]
    assert has_professionals_line(door.service) and len(public_phones(door.service)) == 2


def test_a_front_door_without_a_public_number_comes_after_the_numbers():
    door = _hit("door", km=None, phones=[{"number": "01872 000000", "audience": "professionals"}], **DOOR)
    contacts = call_now([door, *_national()], age=9, own_contact=Rule())
    assert [c.role for c in contacts] == ["emergency", "adult_helpline", "child_helpline", "front_door"]
    assert not contacts[-1].has_number


@pytest.mark.parametrize("age, child_line", [(None, True), (3, False), (5, True), (17, True)])
def test_the_childs_helpline_only_for_a_child_old_enough_to_use_it_alone(age, child_line):
    hits = _national()
    sections = group_hits(hits, age=age, own_contact=Rule())
    roles = [c.role for c in sections.call_now]
    assert ("child_helpline" in roles) is child_line
    every = {h.service.id for h in sections.ask_for + sections.later} | sections.call_now_ids
    assert ("kids" in every) is child_line  # too young: not offered anywhere on the page


def test_too_young_alone_matches_the_pathway_rule():
    kids = Service.model_validate(service("k", **CHILDREN))
    text_only = Service.model_validate(service("t", service_types=["helpline"], phones=[{"number": "85258", "type": "text"}]))
    parents = Service.model_validate(service("p", **ADULTS))
    assert too_young_alone(kids, 4, Rule()) and too_young_alone(text_only, 4, Rule())
    assert not too_young_alone(parents, 4, Rule()) and not too_young_alone(kids, 5, Rule())
    assert not too_young_alone(kids, 4, None) and not too_young_alone(kids, None, Rule())


def test_a_text_only_line_stays_text_only_beside_a_professionals_line_or_a_fax():
    """Only the numbers a family may use decide "text only": a professionals' voice line or
    a fax beside the text number must not make it look usable by a four-year-old."""
    text = Service.model_validate(service("t", service_types=["helpline"], min_age=0, max_age=120, phones=[
        {"number": "85258", "type": "text"},
        {"number": "0300 123 4567", "audience": "professionals"},
        {"number": "0300 123 4568", "type": "fax"},
    ]))
    assert too_young_alone(text, 4, Rule()) and not too_young_alone(text, 5, Rule())
    # a child who may not use a phone alone (``unable``): whatever the age
    assert too_young_alone(text, 12, Rule(), unable=True)
    voice = Service.model_validate(service("v", service_types=["helpline"], min_age=0, max_age=120, phones=[
        {"number": "85258", "type": "text"}, {"number": "0300 123 4569"}]))
    assert not too_young_alone(voice, 4, Rule())


def test_groups_self_referral_first_and_distance_only_within_a_group():
    far_self = _hit("far-self", km=30.0, accepts_self_referral=True)
    near_referral = _hit("near-referral", km=1.0, accepts_self_referral=False)
    mid_unknown = _hit("mid-unknown", km=5.0)
    near_self = _hit("near-self", km=2.0, accepts_self_referral=True)
    national_self = _hit("national-self", local=False, accepts_self_referral=True)
    # search order: local nearest first, national after
    hits = [near_referral, near_self, mid_unknown, far_self, national_self]
    s = group_hits(hits)
    assert [h.service.id for h in s.contact_yourself] == ["near-self", "far-self", "national-self"]
    assert [h.service.id for h in s.ask_how] == ["mid-unknown"]
    assert [h.service.id for h in s.need_referral] == ["near-referral"]
    assert [h.service.id for h in s.ask_for][:3] == ["near-self", "far-self", "national-self"]


def test_an_unknown_investigation_stance_is_never_under_a_promise():
    unknown = _hit("unknown", available_during_investigation=None, accepts_self_referral=True)
    yes = _hit("yes", available_during_investigation=True, accepts_self_referral=True)
    no = _hit("no", available_during_investigation=False)
    s = group_hits([unknown, yes, no], investigation=True)
    assert [h.service.id for h in s.contact_yourself] == ["yes"]
    assert [h.service.id for h in s.ask_first] == ["unknown"]
    assert [h.service.id for h in s.later] == ["no"] and s.waiting_for_investigation == {"no"}


def test_while_you_wait_beside_a_therapy_route_with_a_long_or_unknown_wait():
    rules = load_guidance().while_you_wait
    camhs = _hit("camhs", service_types=["camhs"], accepts_self_referral=False)
    quick = _hit("quick", service_types=["therapeutic"], waiting_weeks=1, accepts_self_referral=True)
    slow = _hit("slow", service_types=["therapeutic"], waiting_weeks=26)
    chisva = _hit("chisva", service_types=["isva_chisva"], accepts_self_referral=False)
    parents = _hit("parents", service_types=["parent_support"], accepts_self_referral=True)
    s = group_hits([camhs, quick, slow, chisva, parents, *_national()], age=9, own_contact=Rule())
    wait = while_you_wait(s, rules)
    assert set(wait.routes) == {"camhs", "slow"}  # a one-week wait is not long
    helpers = [h.service.id for h in wait.helpers]
    assert helpers[0] == "chisva" and "adults" in helpers and "kids" in helpers and "parents" in helpers
    assert not while_you_wait(group_hits([quick]), rules)


# ---- the shipped words -------------------------------------------------------------------

def test_shipped_guidance_cites_a_page_for_every_sentence():
    g = load_guidance()
    assert set(ROLES) <= set(g.call_now)
    cited = {s for ids in g._cited() for s in ids}
    assert cited == set(g.sources), "every listed page is cited, every cited page listed"
    for page in g.sources.values():
        assert page.url.startswith(("http://", "https://")) and page.title
        assert page.read == dt.date(2026, 12, 7)
    for said in [*g.safety.items, *g.while_you_wait.ask, g.wales]:
        assert said.sources and not said.advice
    assert any("55" in item.text for item in g.safety.items)  # the Silent Solution
    assert any("BSL" in item.text for item in g.safety.items)


@pytest.mark.parametrize(
    "old, new, problem",
    [
        ("sources: [citizens_advice_la]", "sources: [nowhere]", "unknown source id(s): nowhere"),
        ("  sources: [wales_joint_statement, childline_wales, childline_uk, wales_safeguarding_procedures]\n", "",
         "needs sources"),
        ("version: 1\n", "version: 1\nextra: 1\n", "extra"),
    ],
)
def test_a_broken_guidance_file_is_refused_with_its_line(tmp_path: Path, old: str, new: str, problem: str):
    shipped = (Path(__file__).resolve().parent.parent / "data" / "family_guidance.yaml").read_text()
    assert old in shipped
    path = tmp_path / "family_guidance.yaml"
    path.write_text(shipped.replace(old, new, 1))
    with pytest.raises(DataFileError) as err:
        load_guidance(path)
    assert problem in str(err.value)
    assert "family_guidance.yaml:" in str(err.value)


@pytest.mark.parametrize("place", ["LS9 7TF", "YO10 5DD", "TR1 1AA"])
def test_shipped_first_answer_has_public_numbers_and_no_professionals_line(shipped, place):
    hits = search(shipped, shipped.resolve_place(place), SearchFilters(age=9))
    s = group_hits(hits, age=9, own_contact=Rule())
    numbers = [p for c in s.call_now for p, _ in c.phones]
    assert len(numbers) >= 2
    assert all(p.is_public for p in numbers)
    assert s.call_now[0].has_number  # a number first, never a page to go and read
