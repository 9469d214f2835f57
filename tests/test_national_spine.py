"""The statutory spine: a front door, the police and a child's medical route for all 153 areas.

The shipped directory is checked against the reference tables independently of the build
(the force of each area is recomputed here from the ONS lookup); the build itself is run on
small fixture research files (tests/fixtures/spine/) to check what it does with bad rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
import yaml

from databuild.cli import main as databuild_cli
from databuild.national import build_national
from databuild.writer import GENERATED, SOURCES_BEGIN, SOURCES_END, generated_section, write_outputs
from services.freshness import source_warnings
from services.models import Service
from services.search import SearchFilters, search

from .conftest import COMPILED_AREAS

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SOURCES = DATA / "sources"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "spine"
MEDICAL = {"sarc", "csaac", "child_house"}
COMPILED = {code: stem for stem, code in COMPILED_AREAS.items()}
REMAPS = {"E10000023": "E06000065", "E10000027": "E06000066", "E08000016": "E08000038", "E08000019": "E08000039"}


def _local(directory, code: str, types: set[str]) -> list:
    return [s for s in directory.services if code in s.service_areas and types & set(s.service_types)]


def _ons_force_of() -> dict[str, str]:
    """Each upper-tier authority's police force area, straight from the two CSVs."""
    with (SOURCES / "local-authorities.csv").open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["country_name"] == "England"]
    with (SOURCES / "lookup_ltla24_csp24_pfa24.csv").open(encoding="utf-8", newline="") as fh:
        pfa = {r["ltla24_code"]: r["pfa24_code"] for r in csv.DictReader(fh)}
    by_id = {r["id"]: r for r in rows}
    out: dict[str, set[str]] = {}
    for r in rows:
        if r["tier_id"] == "3":
            code = REMAPS.get(r["gss"], r["gss"])
            out.setdefault(code, set()).add(pfa.get(code) or pfa[r["gss"]])  # either code: the lookup is mixed
        elif r["tier_id"] == "2":
            county = by_id[r["parent_local_authority_id"]]
            out.setdefault(county["gss"], set()).add(pfa[r["gss"]])
    assert all(len(v) == 1 for v in out.values()), "a county whose districts are in two forces"
    return {code: next(iter(v)) for code, v in out.items()}


def _medical_gaps() -> set[str]:
    section = generated_section((DATA / "SOURCES.md").read_text(encoding="utf-8")) or ""
    return set(re.findall(r"\((E\d{8})\)", "\n".join(x for x in section.splitlines() if x.startswith("- no medical route"))))


# -- the shipped directory -------------------------------------------------------------------

def test_all_153_authorities_have_a_front_door_police_and_a_medical_route_or_a_listed_gap(shipped):
    codes = set(shipped.geography.authorities)
    assert len(codes) == 153
    gaps = _medical_gaps()
    for code in sorted(codes):
        doors = _local(shipped, code, {"social_care_front_door"})
        police = [s for s in _local(shipped, code, {"police"}) if not s.is_national]
        medical = _local(shipped, code, MEDICAL)
        assert len(doors) == 1, (code, [s.id for s in doors])  # one, never a duplicate
        assert len(police) == 1, (code, [s.id for s in police])
        assert medical or code in gaps, f"{code}: no medical route and not listed as a gap in SOURCES.md"
        assert not (medical and code in gaps), f"{code} is listed as a gap but has {medical[0].id}"


def test_each_area_is_served_by_the_force_the_ons_lookup_names(shipped):
    force_of = _ons_force_of()
    assert len(set(force_of.values())) == 39
    generated = [s for s in shipped.services if s.id.startswith("police-")]
    pfas = [re.search(r"\(ONS (E23\d{6})", s.notes or "").group(1) for s in generated]
    assert len(pfas) == len(set(pfas))  # one record per force
    for service in generated:
        pfa = re.search(r"\(ONS (E23\d{6})", service.notes or "").group(1)
        for code in service.service_areas:
            assert force_of[code] == pfa, (service.id, code)
    covered = {c for s in generated for c in s.service_areas}
    hand = {c for s in shipped.services if "police" in s.service_types and not s.is_national
            and not s.id.startswith("police-") for c in s.service_areas}
    assert covered | hand == set(force_of)


def _generated_records() -> list[dict]:
    out = []
    for name in GENERATED.values():
        out += yaml.safe_load((DATA / "services" / name).read_text(encoding="utf-8"))["services"]
    return out


def test_every_generated_record_cites_pages_and_is_unverified():
    records = _generated_records()
    assert len(records) > 153
    for r in records:
        assert r["verified"] is False, r["id"]
        assert re.search(r"https?://", r["source"]), r["id"]
        assert r["sources"] and all(p["url"].startswith(("http://", "https://")) for p in r["sources"]), r["id"]
        assert r["last_verified"], r["id"]
        if r.get("phones"):
            # Numbers only from a cited page: the page that supports phones is cited.
            assert any("phones" in p["supports"] for p in r["sources"]), r["id"]


def test_police_records_give_999_and_101_and_no_invented_website():
    police = [r for r in _generated_records() if r["service_types"] == ["police"]]
    research = yaml.safe_load((SOURCES / "police_forces.yaml").read_text(encoding="utf-8")) \
        if (SOURCES / "police_forces.yaml").exists() else {"forces": []}
    sites = {f["pfa"]: {f.get("url"), f.get("report_page")} for f in research.get("forces") or []}
    for r in police:
        assert [p["number"] for p in r["phones"]] == ["999", "101"]
        assert "free" in r["phones"][1]["description"]
        pfa = re.search(r"\(ONS (E23\d{6})", r["notes"]).group(1)
        # The force's own reporting page or its site, as the research gives them, or none at all.
        assert r.get("url") in sites.get(pfa, {None}), r["id"]


def test_regenerated_files_equal_the_committed_ones():
    build = build_national(DATA)
    for name, text in build.files.items():
        assert (DATA / "services" / name).read_text(encoding="utf-8") == text, (
            f"data/services/{name} is out of date: run python -m databuild national")
    committed = generated_section((DATA / "SOURCES.md").read_text(encoding="utf-8"))
    assert committed == build.sources_section, "the SOURCES.md national spine section is out of date"


def test_the_six_compiled_areas_keep_their_own_records_and_they_win(shipped):
    generated_ids = {r["id"] for r in _generated_records()}
    for code, stem in COMPILED.items():
        own = yaml.safe_load((DATA / "services" / f"{stem}.yaml").read_text(encoding="utf-8"))["services"]
        own_types = {t for r in own if code in r["service_areas"] for t in r["service_types"]}
        for r in own:  # every hand-compiled record loads as written
            assert shipped.get(r["id"]) is not None, r["id"]
        for s in shipped.services:
            if s.id in generated_ids and code in s.service_areas:
                assert not own_types & set(s.service_types), (code, s.id)


@pytest.mark.parametrize("where", ["LS9 7TF", "YO10 5DD", "TR1", "N1 1AA", "NG1 5FS", "SY1 1AA"])
def test_no_statutory_route_is_listed_twice_in_search(shipped, where):
    place = shipped.resolve_place(where)
    hits = [h for h in search(shipped, place, SearchFilters(age=9)) if h.local]
    ids = [h.service.id for h in hits]
    assert len(ids) == len(set(ids))
    for kind in ("social_care_front_door", "police"):
        assert sum(kind in h.service.service_types for h in hits) == 1, (where, kind, ids)


def test_leeds_search_lists_the_spine(shipped):
    hits = search(shipped, shipped.resolve_place("LS9 7TF"), SearchFilters(age=9))
    local = {h.service.service_types[0] for h in hits if h.local}
    assert {"social_care_front_door", "police"} <= local
    door = next(h.service for h in hits if "social_care_front_door" in h.service.service_types)
    assert "https://www.gov.uk/report-child-abuse-to-local-council" in " ".join(door.referral_routes)


# -- the build on fixtures ---------------------------------------------------------------------

def _data_dir(tmp_path: Path, *, research: bool = True) -> Path:
    root = tmp_path / "data"
    (root / "sources").mkdir(parents=True)
    (root / "services").mkdir()
    for name in ("reference.yaml", "local-authorities.csv", "lookup_ltla24_csp24_pfa24.csv"):
        shutil.copy(SOURCES / name, root / "sources" / name)
    if research:
        for name in ("front_doors.yaml", "police_forces.yaml", "child_sarcs.yaml"):
            shutil.copy(FIXTURES / name, root / "sources" / name)
    return root


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def test_without_research_files_every_area_still_gets_a_front_door_and_police(tmp_path):
    root = _data_dir(tmp_path, research=False)
    build = build_national(root)
    assert not build.problems, [str(p) for p in build.problems]
    doors = build.records["front_door"]
    assert len(doors) == 153 and all(not d.get("phones") for d in doors)
    assert all(d["url"] == d["organization"]["url"] for d in doors)  # the council's homepage
    police = build.records["police"]
    assert len(police) == 39 and all("url" not in p for p in police)
    assert all("could not be confirmed" in p["notes"] for p in police)
    assert build.records["medical"] == []
    assert sum(len(v) for v in build.medical_gaps.values()) == 153
    assert any("not there yet" in n for n in build.notes)


def test_research_rows_are_used_and_bad_ones_reported(tmp_path):
    root = _data_dir(tmp_path)
    build = build_national(root)
    problems = [str(p) for p in build.problems]
    doors = root / "sources" / "front_doors.yaml"
    assert any(p.endswith(f"front_doors.yaml:{_line_of(doors, 'E99999999')}: gss: 'E99999999' is not one of England's "
                          "153 children's services authorities") for p in problems), problems
    assert any("front_doors.yaml" in p and "0113 24x 0000" in p for p in problems)
    assert any("police_forces.yaml" in p and "E23999999" in p for p in problems)
    assert any("child_sarcs.yaml" in p and "E99999998" in p for p in problems)
    leeds = next(r for r in build.records["front_door"] if r["service_areas"] == ["E08000035"])
    assert leeds["url"] == "https://www.leeds.gov.uk/children-and-families/report-a-concern"
    assert leeds["phones"] == [{"number": "0113 376 0336", "description": "Duty and Advice Team (option 2)"}]
    assert "Leeds Children's Trust" in leeds["name"] and "Leeds Children's Trust" in leeds["notes"]
    assert str(leeds["last_verified"]) == "2026-11-30"
    wy = next(r for r in build.records["police"] if "E08000035" in r["service_areas"])
    assert wy["url"] == "https://www.westyorkshire.police.uk/" and str(wy["last_verified"]) == "2026-11-29"
    (sarc,) = build.records["medical"]
    assert set(sarc["service_areas"]) == {"E08000032", "E08000033", "E08000034", "E08000035", "E08000036"}
    assert sarc["locations"] == [{"name": "Morley, Leeds", "city": "Morley", "latitude": sarc["locations"][0]["latitude"],
                                  "longitude": sarc["locations"][0]["longitude"], "precision": "town"}]
    assert "accepts_self_referral" not in sarc  # self-referral only from 16: said in words
    assert any("16 or over" in r for r in sarc["referral_routes"])
    assert (sarc["min_age"], sarc["max_age"]) == (0, 17)
    assert "hours" in sarc["notes"]  # what the page does not say is said
    assert "South Yorkshire" in build.sources_section and "fixture: nothing found" in build.sources_section


def test_a_news_item_is_a_source_for_the_numbers_never_the_familys_link(tmp_path):
    """The only page found for a council's front door is a news item: its numbers stay, cited
    to that page, and the family is linked to the council's own homepage instead."""
    root = _data_dir(tmp_path)
    doors = root / "sources" / "front_doors.yaml"
    news = "https://www.wolverhamptonsafeguarding.org.uk/latest-news/multi-agency-safeguarding-hub-mash"
    doors.write_text(doors.read_text(encoding="utf-8") + f"""  - gss: E08000031
    name: "City of Wolverhampton Council"
    page: {news}
    page_title: "Multi Agency Safeguarding Hub (MASH)"
    phones:
      - number: "01902 555392"
        description: "MASH"
""", encoding="utf-8")
    build = build_national(root)
    door = next(r for r in build.records["front_door"] if r["service_areas"] == ["E08000031"])
    assert door["url"] == door["organization"]["url"] != news
    assert [p["number"] for p in door["phones"]] == ["01902 555392"]
    (page,) = [p for p in door["sources"] if p["url"] == news]
    assert "phones" in page["supports"] and "url" not in page["supports"]
    assert "news article" in door["notes"]
    assert "homepage only: Wolverhampton (E08000031)" in build.sources_section
    record = Service.model_validate(door)
    assert source_warnings(record, dt.date(2026, 12, 7)) == []


def test_hand_compiled_records_win_in_the_build(tmp_path):
    root = _data_dir(tmp_path)
    (root / "services" / "leeds.yaml").write_text(yaml.safe_dump({"services": [
        {"id": "leeds-police", "name": "West Yorkshire Police (Leeds)", "description": "x", "service_areas": ["E08000035"],
         "service_types": ["police"], "source": "https://www.westyorkshire.police.uk", "last_verified": "2026-11-01"},
        {"id": "leeds-front-door", "name": "Leeds front door", "description": "x", "service_areas": ["E08000035"],
         "service_types": ["social_care_front_door"], "source": "https://www.leeds.gov.uk", "last_verified": "2026-11-01"},
    ]}), encoding="utf-8")
    before = (root / "services" / "leeds.yaml").read_bytes()
    build = build_national(root)
    assert all(r["service_areas"] != ["E08000035"] for r in build.records["front_door"])
    wy = next(r for r in build.records["police"] if "E08000036" in r["service_areas"])
    assert "E08000035" not in wy["service_areas"]
    write_outputs(build.files, build.sources_section, root)
    assert (root / "services" / "leeds.yaml").read_bytes() == before
    again = build_national(root)
    assert again.files == build.files  # the generated files are never read back as hand-compiled


def test_bad_reference_rows_are_reported_with_their_line(tmp_path, capsys):
    root = _data_dir(tmp_path, research=False)
    la = root / "sources" / "local-authorities.csv"
    with la.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
        fields = list(rows[0])
    kent_id = next(r["id"] for r in rows if r["gss"] == "E10000016")
    for r in rows:
        if r["gss"] == "E08000035":
            r["homepage_url"] = ""
    rows.append({**rows[0], "id": "9001", "gss": "E06999999", "tier_id": "3", "country_name": "England",
                 "parent_local_authority_id": "", "slug": "atlantis", "name": "Atlantis Council"})
    rows.append({**rows[0], "id": "9002", "gss": "E07999999", "tier_id": "2", "country_name": "England",
                 "parent_local_authority_id": kent_id, "slug": "nowhere", "name": "Nowhere District Council"})
    with la.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    build = build_national(root)
    problems = [str(p) for p in build.problems]
    leeds_line = _line_of(la, ",leeds,")
    assert any(p.endswith(f"local-authorities.csv:{leeds_line}: homepage_url: E08000035 (Leeds City Council) has no homepage")
               for p in problems), problems
    assert any(f"local-authorities.csv:{len(rows)}: gss: 'E06999999'" in p for p in problems)
    assert any(f"local-authorities.csv:{len(rows) + 1}: gss: district E07999999 of Kent has no police force area" in p
               for p in problems)
    # The rest is still built: one bad row never takes the others down.
    assert len(build.records["front_door"]) == 152 and len(build.records["police"]) == 39
    # The command line says the same and fails.
    code = databuild_cli(["national", "--data", str(root)])
    out = capsys.readouterr()
    assert code == 1
    assert "has no homepage" in out.out and "bad row(s)" in out.err


def test_check_flags_stale_output(tmp_path, capsys):
    root = _data_dir(tmp_path)
    (root / "SOURCES.md").write_text("# Sources\n\nHand-written text stays.\n", encoding="utf-8")
    databuild_cli(["national", "--data", str(root)])
    text = (root / "SOURCES.md").read_text(encoding="utf-8")
    assert text.startswith("# Sources\n\nHand-written text stays.\n") and SOURCES_BEGIN in text and SOURCES_END in text
    capsys.readouterr()
    doors = root / "sources" / "front_doors.yaml"
    doors.write_text(doors.read_text(encoding="utf-8").replace("Duty and Advice Team", "Duty team"), encoding="utf-8")
    assert databuild_cli(["national", "--data", str(root), "--check"]) == 1
    assert "statutory_front_doors.yaml: differs" in capsys.readouterr().out
