"""``python -m pathways gaps``: the docs/contracts.md JSON contract, CSV, Excel, what-if, errors."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from pathways.cli import main
from services.clitools import run

from .gaps_world import NORTH, SOUTH, tiny_world


@pytest.fixture
def root(tmp_path):
    return tiny_world(tmp_path / "data")


def gaps(capsys, *argv):
    try:
        code = run(main, ["gaps", *map(str, argv)])
    except SystemExit as exc:  # argparse refusing a flag
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_json_contract_on_the_shipped_data():
    proc = subprocess.run([sys.executable, "-m", "pathways", "gaps", "--json", "--area", "York"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    (york,) = out["areas"]
    assert (york["code"], york["name"]) == ("E06000014", "York")
    assert set(york["stages"]["therapeutic_support"]) >= {"covered", "services", "nearest_km"}
    assert set(york["cohorts"]["age_16_to_17"]) >= {"covered"}


def test_json_for_a_data_directory(capsys, root):
    code, out, _ = gaps(capsys, "--json", "--data", root)
    assert code == 0
    data = json.loads(out)
    assert [a["code"] for a in data["areas"]] == [NORTH, SOUTH]
    assert data["areas"][0]["stages"]["therapeutic_support"]["services"] == 2
    assert "national" in data["rules"]


def test_csv_has_one_row_per_area(capsys, root):
    code, out, _ = gaps(capsys, "--csv", "--data", root, "--area", "Southtown")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["name"] for r in rows] == ["Southtown"]
    assert rows[0]["therapeutic_support_covered"] == "False"
    assert rows[0]["refer_to_social_care_covered"] == "True"
    assert rows[0]["stale_share"] == "1.0"


def test_excel_workbook(capsys, root, tmp_path):
    from openpyxl import load_workbook

    target = tmp_path / "gaps.xlsx"
    code, _, err = gaps(capsys, "--xlsx", target, "--data", root)
    assert code == 0 and "Wrote 2 areas" in err
    wb = load_workbook(target)
    assert wb.sheetnames == ["Areas", "Local authority", "Integrated care board (ICB)", "NHS England",
                             "Police and Crime Commissioner", "Police", "Probation Service",
                             "Statements", "Cohorts", "Commissioners", "Sources", "Rules"]
    assert wb["Areas"]["B2"].value == "Northtown"
    assert wb["Cohorts"].max_row == 11


def test_text_statements(capsys, root):
    code, out, _ = gaps(capsys, "--data", root, "--area", NORTH)
    assert code == 0
    assert out.startswith("Northtown (E06000901): ")
    assert "  - Northtown: no pathway for children who display harmful sexual behaviour" in out


def test_what_if(capsys, root):
    code, out, _ = gaps(capsys, "--json", "--data", root, "--what-if-type", "hsb_service",
                        "--what-if-at", "Northville")
    assert code == 0
    result = json.loads(out)
    assert result["areas"][0]["closes"]["cohorts"] == ["hsb"]
    code, out, _ = gaps(capsys, "--data", root, "--what-if-type", "hsb_service", "--what-if-covers", "Southtown")
    assert code == 0 and "Southtown: would close the gap in" in out


@pytest.mark.parametrize("argv, message", [
    (["--area", "Narnia"], "'Narnia' is not an English children's services authority"),
    (["--what-if-at", "Northville"], "needs --what-if-type"),
    (["--what-if-type", "therapeutic", "--what-if-ages", "9-3"], "not a possible age range"),
    (["--what-if-type", "therapeutic"], "which areas"),
    (["--json", "--csv"], "not allowed with"),
])
def test_bad_input_is_one_line_and_exit_2(capsys, root, argv, message):
    code, _, err = gaps(capsys, "--data", root, *argv)
    assert code == 2
    assert message in err and "Traceback" not in err
