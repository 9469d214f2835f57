"""The national build's parts on small inputs: one research row at a time, read from a file so
every problem carries its ``file:line`` as it does in a real build.

Why apart from tests/test_national_spine.py: those build all of England from copies of the
shipped tables; these pin one rule each (which page a date belongs to, which link a family
may follow, who a number is for) without the rest of the build in the way.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path
from typing import Any

import pytest

from databuild.cli import main as databuild_main
from databuild.medical import medical
from databuild.national import build_national
from databuild.police import police
from databuild.reference import Council, Force
from databuild.research import Research, read_research
from databuild.rows import phones_of
from databuild.support import KINDS, support_records
from services.clitools import EXIT_BAD_DATA, run
from services.errors import DataFileError, Problem

PFA, AREA = "E23000025", "E10000029"
FORCES = {PFA: Force(PFA, "Suffolk", (AREA,))}
COUNCILS = {AREA: Council(AREA, "Suffolk", "Suffolk County Council", "suffolk", "https://www.suffolk.gov.uk/", 2)}
REF: dict[str, Any] = {
    "police_force_areas": {"url": "https://example.org/pfa-lookup", "read": dt.date(2026, 11, 30)},
    "national_routes": {"police_numbers": []},
}


def _research(tmp_path: Path, name: str, text: str, keys: tuple[str, ...]) -> tuple[Research, list[Problem]]:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    problems: list[Problem] = []
    return read_research(path, name, keys, problems, []), problems


def _police(tmp_path: Path, row: str) -> tuple[dict[str, Any], list[Problem], list[str]]:
    research, problems = _research(tmp_path, "police_forces.yaml",
                                   "compiled: 2026-11-30\nforces:\n" + textwrap.indent(textwrap.dedent(row), "  "),
                                   ("forces",))
    notes: list[str] = []
    (record,) = police(FORCES, COUNCILS, research, REF, set(), problems, notes)
    return record, problems, notes


# -- police ------------------------------------------------------------------------------------

def test_a_report_pages_date_is_not_lent_to_the_forces_other_page(tmp_path):
    record, problems, _ = _police(tmp_path, """\
        - pfa: E23000025
          url: https://www.suffolk.police.uk/
          source: https://www.suffolk.police.uk/news/2024/june/chief-constables-monthly-column
          report_page: https://www.suffolk.police.uk/contact-us/report-something
          updated: 2021-08-13
        """)
    assert not problems, problems
    source, report = record["sources"][:2]
    assert source["url"].endswith("monthly-column") and "updated" not in source
    assert report["url"].endswith("report-something") and report["updated"] == dt.date(2021, 8, 13)


def test_a_source_that_is_the_report_page_keeps_its_date(tmp_path):
    record, _, _ = _police(tmp_path, """\
        - pfa: E23000025
          url: https://www.suffolk.police.uk/
          source: https://www.suffolk.police.uk/contact-us
          report_page: https://www.suffolk.police.uk/contact-us
          dated_by: {date: 2021-04-09, reason: "a banner of that day"}
        """)
    source, report = record["sources"][:2]
    assert source["dated_by"] == report["dated_by"] == {"date": dt.date(2021, 4, 9), "reason": "a banner of that day"}


def test_a_forces_site_on_a_news_site_is_never_the_link(tmp_path):
    record, problems, notes = _police(tmp_path, """\
        - pfa: E23000025
          url: https://www.eadt.co.uk/news/suffolk-police-contact
        """)
    assert not problems, problems
    assert "url" not in record and "url" not in record["organization"]
    assert not any("website" in route for route in record["referral_routes"])
    assert record["sources"][0]["url"] == "https://www.eadt.co.uk/news/suffolk-police-contact"  # still cited
    assert "url" not in record["sources"][0]["supports"]
    assert any(n.startswith("police_forces.yaml:4: E23000025: url") and "news site" in n for n in notes), notes


# -- reference.yaml ----------------------------------------------------------------------------

REFERENCE = """\
local_authorities:
  file: local-authorities.csv
  url: https://example.org/la
  read: 2026-11-30
police_force_areas:
  file: pfa.csv
  url: https://example.org/pfa
  read: 2026-11-30
national_routes:
  youth_justice:
    url: https://example.org/yj
  report_to_council:
    url: https://example.org/report
  police_numbers:
    - url: https://example.org/999
      supports: [phones]
"""


def _reference_dir(tmp_path: Path, text: str) -> Path:
    root = tmp_path / "data"
    (root / "sources").mkdir(parents=True)
    (root / "sources" / "reference.yaml").write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize("old, new, said", [
    ("  youth_justice:\n    url: https://example.org/yj\n", "", "reference.yaml:9: national_routes.youth_justice: is required"),
    ("  url: https://example.org/pfa\n", "", "reference.yaml:6: police_force_areas.url: is required"),
    ("  read: 2026-11-30\npolice", "police", "reference.yaml:2: local_authorities.read: is required"),
    ("  file: local-authorities.csv\n", "", "reference.yaml:2: local_authorities.file: is required"),
    ("    url: https://example.org/report\n", "    title: GOV.UK\n",
     "reference.yaml:13: national_routes.report_to_council.url: is required"),
    ("  police_numbers:\n    - url: https://example.org/999\n      supports: [phones]\n", "",
     "reference.yaml:9: national_routes.police_numbers: is required"),
    ("    - url: https://example.org/999\n", "    - title: 999\n",
     "reference.yaml:15: national_routes.police_numbers[0].url: is required"),
    ("  read: 2026-11-30\nnational", "  read: yesterday\nnational",
     "reference.yaml:8: police_force_areas.read: 'yesterday' is not a date (YYYY-MM-DD)"),
    ("  url: https://example.org/la\n", "  url: not a page\n", "reference.yaml:3: local_authorities.url:"),
])
def test_a_missing_or_wrong_reference_key_is_named_with_its_line(tmp_path, capsys, old, new, said):
    assert old in REFERENCE
    root = _reference_dir(tmp_path, REFERENCE.replace(old, new, 1))
    with pytest.raises(DataFileError) as caught:
        build_national(root)
    assert any(str(p).startswith(f"data/sources/{said}") for p in caught.value.problems), caught.value.problems
    # The command line says the same in one line, no traceback.
    assert run(databuild_main, ["national", "--data", str(root)]) == EXIT_BAD_DATA
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err


# -- medical -----------------------------------------------------------------------------------

def _medical(tmp_path: Path, page: str) -> tuple[dict[str, Any], list[Problem]]:
    research, problems = _research(tmp_path, "child_sarcs.yaml", f"""\
        compiled: 2026-11-30
        sarcs:
          - name: Suffolk SARC
            page: {page}
            pfa: {PFA}
            min_age: 0
            max_age: 17
            open_24_7: true
            self_referral: false
        """, ("sarcs",))
    (record,) = medical(FORCES, COUNCILS, research, None, {}, {}, REF, problems, [])
    return record, problems


@pytest.mark.parametrize("page, what", [
    ("https://dev.cqc.org.uk/location/RW1R7", "dev.cqc.org.uk is a development or staging copy of a site"),
    ("https://www.eadt.co.uk/news/suffolk-sarc-opens", "eadt.co.uk is a news site"),
    ("https://docslib.org/doc/1/suffolk-sarc", "docslib.org is a document-sharing site"),
])
def test_a_medical_page_that_is_not_the_link_is_said_to_be_what_it_is(tmp_path, page, what):
    record, problems = _medical(tmp_path, page)
    assert not problems, problems
    assert "url" not in record and record["sources"][0]["url"] == page
    assert f"no link is given (the page read: {what}" in record["notes"]
    if "news" not in what:
        assert "news" not in record["notes"]  # a staging copy or a document copy is not called a news report


# -- phones ------------------------------------------------------------------------------------

def _phones(tmp_path: Path, phones: str) -> tuple[list[dict[str, Any]], list[str]]:
    research, problems = _research(tmp_path, "front_doors.yaml", "compiled: 2026-11-30\nauthorities:\n  - phones:\n"
                                   + textwrap.indent(textwrap.dedent(phones), "      "), ("authorities",))
    return phones_of(research.rows[0], "front_doors.yaml", problems), [str(p) for p in problems]


def test_a_mistyped_audience_is_never_given_to_a_family(tmp_path):
    phones, problems = _phones(tmp_path, """\
        - {number: 0113 222 0000, audience: professional}
        - {number: 0113 222 0001, audience: professionals}
        - {number: 0113 222 0002}
        """)
    assert phones == [{"number": "0113 222 0000", "audience": "professionals"},
                      {"number": "0113 222 0001", "audience": "professionals"},
                      {"number": "0113 222 0002"}]
    assert problems == ["front_doors.yaml:4: audience: 'professional' is not public or professionals; "
                        "taken as professionals (never offered to a family)"]


def test_a_phone_type_the_directory_knows_is_kept_and_any_other_is_named_and_left_out(tmp_path):
    phones, problems = _phones(tmp_path, """\
        - {number: 0113 222 0000, type: fax}
        - {number: 07786 200814, type: text}
        - {number: 07786 200815, type: sms}
        - {number: 0113 222 0003}
        """)
    assert phones == [{"number": "0113 222 0000", "type": "fax"}, {"number": "07786 200814", "type": "text"},
                      {"number": "0113 222 0003"}]
    assert len(problems) == 1 and problems[0].startswith(
        "front_doors.yaml:6: type: 07786 200815: 'sms' is not a phone type (voice, text, textphone or fax); "
        "the number is left out"), problems


# -- support -----------------------------------------------------------------------------------

@pytest.mark.parametrize("said, kept", [("true", True), ("false", False), (None, None)])
def test_whether_an_advocate_works_during_an_investigation_is_kept_either_way(tmp_path, said, kept):
    research, problems = _research(tmp_path, "advocates.yaml", f"""\
        compiled: 2026-12-07
        services:
          - id: isva-suffolk
            name: Suffolk ChISVA service
            url: https://www.example.org/chisva
            pfas: [{PFA}]
            {f"during_investigation: {said}" if said else ""}
            sources:
              - url: https://www.example.org/chisva
                supports: [name, url, available_during_investigation]
        """, ("services",))
    kind = next(k for k in KINDS if k.key == "advocate")
    (record,), _ = support_records(kind, research, COUNCILS, FORCES, {}, {}, REF, problems, [])
    assert not problems, problems
    assert record.get("available_during_investigation", "absent") == ("absent" if kept is None else kept)
    assert ("available_during_investigation" in record["sources"][0]["supports"]) == (kept is not None)
