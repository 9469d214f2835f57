"""``python -m pathways plan``: flags, text, Markdown and JSON output, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pathways.cli import build_parser, main
from pathways.situation import FIELD_KINDS
from services.clitools import run

from .conftest import PLAN_KEYS, service, write_data_dir

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def small_data(tmp_path):
    return write_data_dir(
        tmp_path / "data",
        {
            "york.yaml": [
                service("york-front-door", service_types=["social_care_front_door"]),
                service("york-therapy", service_types=["therapeutic"], available_during_investigation=True),
            ],
        },
    )


#: The situation both the text and the JSON plan tests describe: a 9-year-old's disclosure,
#: with the investigation under way.
DISCLOSURE_AT_9 = ("--age", "9", "--concern", "disclosure", "--investigation", "ongoing")


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = run(main, list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_every_situation_field_is_a_flag():
    plan = build_parser()._subparsers._group_actions[0].choices["plan"]  # type: ignore[union-attr]
    flags = {opt for action in plan._actions for opt in action.option_strings}
    for name in FIELD_KINDS:
        assert "--" + name.replace("_", "-") in flags, name
    assert {"--json", "--markdown", "--data", "--postcode", "--place", "--area"} <= flags


def test_text_plan_is_printable(capsys, small_data):
    code, out, err = cli(capsys, "plan", *DISCLOSURE_AT_9, "--area", "York", "--data", str(small_data))
    assert code == 0 and err == ""
    for heading in (
        "TODAY, FOR THIS CHILD",
        "TODAY",
        "NEXT",
        "LATER",
        "STRATEGY DISCUSSION",
        "PRACTICE REMINDERS",
        "WHO TO CONTACT LATER",
    ):
        assert heading in out
    assert "call 999" in out
    assert "York Therapy" in out
    assert "No local service in the directory delivers" in out
    assert max(len(line) for line in out.splitlines()) <= 100
    # the same-day strategy discussion (a disclosure) opens the plan
    first_step = next(line for line in out.splitlines() if line.startswith("1. "))
    assert "strategy discussion" in first_step.lower()


def test_json_plan_follows_the_contract(capsys, small_data):
    code, out, _ = cli(
        capsys, "plan", "--json", *DISCLOSURE_AT_9, "--area", "E06000014", "--child-displays-hsb",
        "--indicators", "sexualised_behaviour,behaviour_change", "--suspect-age", "15",
        "--living-arrangement", "kinship_care", "--other-children", "2", "--days-since-last-abuse", "unknown",
        "--data", str(small_data),
    )
    assert code == 0
    data = json.loads(out)
    assert list(data) == PLAN_KEYS
    now = [s["stage"] for s in data["steps"] if s["when"] == "now"]
    assert sorted(line["stage"] for line in data["summary"]) == sorted(now)
    assert data["area"] == {"code": "E06000014", "name": "York", "coverage": "local"}
    assert data["situation"]["child_displays_hsb"] is True
    assert data["situation"]["days_since_last_abuse"] is None
    assert data["situation"]["other_children"] == 2
    assert data["situation"]["indicators"] == ["sexualised_behaviour", "behaviour_change"]
    assert data["situation"]["suspect_age"] == 15 and data["situation"]["suspect_is_child"] is True
    assert data["situation"]["living_arrangement"] == "kinship_care"
    # a 15-year-old suspect: youth justice is in the room (from 10, never below)
    assert {"childrens_social_care", "police", "health_paediatrics", "youth_justice"} <= set(
        data["strategy_discussion_invitees"]
    )
    assert data["later_contacts"]


def test_markdown_plan(capsys, small_data):
    code, out, _ = cli(
        capsys, "plan", "--markdown", "--age", "16", "--place", "York", "--data", str(small_data)
    )
    assert code == 0
    assert out.startswith("# Waymark plan for a child in York")
    assert "## Now" in out and "## Practice reminders" in out


def test_the_family_around_the_child_is_flags_too(capsys, small_data):
    code, out, _ = cli(
        capsys, "plan", "--json", "--age", "12", "--area", "York", "--concern", "signs_only",
        "--suspect-sex", "female", "--suspect-relationship", "parent", "--suspect-has-contact",
        "--education", "home_educated", "--raised-by", "gp", "--placing-area", "Leeds",
        "--living-arrangement", "foster_care", "--domestic-abuse", "--multiple-suspects",
        "--data", str(small_data),
    )
    assert code == 0
    data = json.loads(out)
    assert data["placing_area"] == {"code": "E08000035", "name": "Leeds"}
    invitees = set(data["strategy_discussion_invitees"])
    assert {"gp", "placing_authority", "iro"} <= invitees and "school" not in invitees
    prompts = {p["id"] for p in data["prompts"]}
    assert {"abuse_by_women", "contact_with_suspect", "not_in_school", "looked_after_child",
            "domestic_abuse_alongside", "complex_abuse"} <= prompts


def test_the_text_plan_opens_with_what_to_do_today(capsys, small_data):
    code, out, _ = cli(capsys, "plan", "--age", "9", "--area", "York", "--data", str(small_data))
    assert code == 0
    lines = out.splitlines()
    assert lines[2].startswith("What to do today")
    assert lines[3].startswith("[ ] ")


def test_postcode_stands_for_area(capsys, small_data):
    code, out, _ = cli(
        capsys, "plan", "--json", "--age", "9", "--postcode", "yo105dd", "--data", str(small_data)
    )
    assert code == 0 and json.loads(out)["area"]["name"] == "York"


@pytest.mark.parametrize(
    "argv, message",
    [
        (["plan", "--age", "19", "--area", "York"], "age: 19 is an adult's age"),
        (["plan", "--age", "19", "--area", "York"], "Rape Crisis"),
        (["plan", "--age", "18", "--area", "York"], "NAPAC"),
        (["plan", "--age", "18", "--area", "York"], "https://www.nhs.uk/sarcs"),
        (
            ["plan", "--age", "9", "--area", "York", "--suspect-age", "34", "--suspect-is-child"],
            "suspect_age 34 is an adult's age, but the suspect is said to be a child",
        ),
        (
            ["plan", "--age", "9", "--area", "York", "--suspect-age", "8", "--suspect-registered-offender"],
            "cannot be a registered sex offender",
        ),
        (
            ["plan", "--age", "9", "--area", "York", "--suspect-age", "7", "--suspect-relationship", "parent"],
            "a parent or a parent's partner cannot be 7",
        ),
        (
            ["plan", "--age", "9", "--area", "York", "--suspect-age", "30", "--suspect-relationship",
             "other_child_in_network"],
            "another child in the network but is 30",
        ),
        (
            ["plan", "--age", "9", "--area", "York", "--concern", "signs_only", "--retracted"],
            "retracted means the child took back what they said",
        ),
        (["plan", "--age", "9", "--area", "York", "--indicators", "sti,rash"], "indicators: 'rash' is not an indicator"),
        (["plan", "--age", "9", "--area", "York", "--indicators", "STD,rash"], "'STD', 'rash' are not indicators"),
        (["plan", "--age", "9", "--area", "York", "--suspect-age", "300"], "suspect_age: 300 is not a possible age"),
        (["plan", "--age", "9", "--area", "York", "--living-arrangement", "hotel"], "invalid choice: 'hotel'"),
        (["plan", "--age", "9", "--area", "Yrok"], "Did you mean York?"),
        (["plan", "--age", "9", "--area", "Cornwal"], "Did you mean Cornwall?"),
        (["plan", "--age", "nine", "--area", "York"], "'nine' is not a whole number"),
        (
            ["plan", "--age", "9", "--area", "York", "--other-children", "-1"],
            "other_children: -1 cannot be below 0",
        ),
        (["plan", "--age", "9", "--area", "York", "--concern", "rumour"], "invalid choice: 'rumour'"),
        (
            ["plan", "--age", "9", "--area", "Narnia"],
            "'Narnia' is not an English children's services authority",
        ),
        (["plan", "--age", "9", "--postcode", "ZZ99 9ZZ"], "is not a UK postcode"),
        (["plan", "--age", "9"], "one of the arguments --area --postcode --place is required"),
        (["plan", "--age", "9", "--area", "York", "--postcode", "YO10 5DD"], "not allowed with argument"),
        (["plan", "--area", "York"], "the following arguments are required: --age"),
        (
            ["plan", "--age", "9", "--area", "York", "--days-since-last-abuse", "soon"],
            "'soon' is not a whole number of days",
        ),
        (["plan", "--age", "9", "--area", "York", "--frobnicate"], "unrecognized arguments: --frobnicate"),
        (["plan", "--age", "9", "--area", "York", "--json", "--markdown"], "not allowed with argument"),
        (["nonsense"], "invalid choice: 'nonsense'"),
        (
            ["plan", "--age", "9", "--area", "York", "--placing-area", "Narnia"],
            "placing_area: 'Narnia' is not an English children's services authority",
        ),
        (["plan", "--age", "9", "--area", "York", "--placing-area", "Leds"], "Did you mean Leeds?"),
        (["plan", "--age", "9", "--area", "York", "--raised-by", "teacher"], "invalid choice: 'teacher'"),
        (["plan", "--age", "9", "--area", "York", "--education", "nursery"], "invalid choice: 'nursery'"),
        (["plan", "--age", "9", "--area", "York", "--suspect-sex", "woman"], "invalid choice: 'woman'"),
        (
            ["plan", "--age", "2", "--area", "York", "--education", "school"],
            "education: a child of 2 is too young for school",
        ),
        (
            ["plan", "--age", "9", "--area", "York", "--concern", "risk_only", "--retracted"],
            "but concern is risk_only",
        ),
    ],
)
def test_bad_flags_exit_2_with_one_line(capsys, argv, message):
    with pytest.raises(SystemExit) as info:
        code = run(main, argv)
        raise SystemExit(code)
    assert info.value.code == 2
    _, err = capsys.readouterr()
    assert message in err
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err


def test_broken_pathway_in_data_dir_exits_1(capsys, small_data):
    (small_data / "pathway.yaml").write_text("version: 1\nstart: nowhere\n", encoding="utf-8")
    code, out, err = cli(capsys, "plan", "--age", "9", "--area", "York", "--data", str(small_data))
    assert code == 1 and out == ""
    assert "pathway.yaml:2: start: 'nowhere' is not a stage" in err


def test_module_entry_point_runs_without_traceback(small_data):
    ok = subprocess.run(
        [
            sys.executable,
            "-m",
            "pathways",
            "plan",
            "--json",
            "--age",
            "12",
            "--area",
            "York",
            "--data",
            str(small_data),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["steps"][0]["stage"] == "immediate_safety"
    bad = subprocess.run(
        [sys.executable, "-m", "pathways", "plan", "--age", "19", "--area", "York"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr


def test_help_lists_plan(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    assert "plan" in capsys.readouterr().out
