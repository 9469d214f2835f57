"""Issue 8, bad input: ``python -m services search`` and ``python -m pathways plan`` driven
with generated flags and values (hypothesis), in-process through ``services.clitools.run``.

Whatever the argv, the exit code is 0, 1 or 2 and stderr holds no traceback: a user never
sees one. The flags are read from the parsers themselves, so a new flag is covered too.
"""

from __future__ import annotations

import argparse
import contextlib
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pathways.cli
import services.cli
from services.clitools import run
from services.directory import directories

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ROOT / "tests" / "fixtures" / "hostile"


def _subparser(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    for action in parser._actions:  # noqa: SLF001 - argparse has no public walk
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            return action.choices[name]
    raise LookupError(name)


def _flags(parser: argparse.ArgumentParser) -> list[tuple[str, bool, list[str]]]:
    """(flag, takes a value, its choices) for every optional flag except --help."""
    out = []
    for action in parser._actions:  # noqa: SLF001
        if not action.option_strings or action.option_strings[0] in ("-h", "--help"):
            continue
        takes = action.nargs != 0
        out.append((action.option_strings[-1], takes, [str(c) for c in (action.choices or [])]))
    return out


SEARCH = _flags(_subparser(services.cli.build_parser(), "search"))
PLAN = _flags(_subparser(pathways.cli.build_parser(), "plan"))

PLACES = ["YO10 5DD", "yo105dd", "TR1", "Truro", "York", "E06000014", "ZZ99 9ZZ", "YO10 5D", "Paris",
          "Cardiff", "", " ", "SW1A 1AA", "x" * 300, "<script>", "--json", "0", "-1"]
NUMBERS = ["0", "9", "17", "18", "120", "121", "-1", "1e3", "nine", "", "9.5", "99999999999999999999", "unknown"]
DATA_DIRS = [str(ROOT / "data"), str(HOSTILE), "/nonexistent-waymark-dir", "/dev/null", str(ROOT / "README.md")]
junk = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)


def _value(flag: str, choices: list[str]):
    if choices:
        return st.one_of(st.sampled_from(choices), junk)
    if flag == "--data":
        return st.sampled_from(DATA_DIRS)
    if flag in ("--postcode", "--place", "--area"):
        return st.one_of(st.sampled_from(PLACES), junk)
    return st.one_of(st.sampled_from(NUMBERS), st.sampled_from(PLACES), junk)


@st.composite
def argvs(draw, command: str, flags: list[tuple[str, bool, list[str]]]):
    argv = [command]
    for flag, takes, choices in draw(st.lists(st.sampled_from(flags), max_size=6)):
        argv.append(flag)
        if takes:
            argv.append(draw(_value(flag, choices)))
    if draw(st.booleans()):  # often a valid place, so the search or plan itself runs
        argv += ["--postcode", draw(st.sampled_from(["YO10 5DD", "TR1", "N7 8DB"]))]
    if command == "plan" and draw(st.booleans()):
        argv += ["--age", draw(st.sampled_from(NUMBERS))]
    if draw(st.integers(0, 9)) == 0:  # now and then something argparse has never heard of
        argv.append(draw(st.sampled_from(["--bogus", "extra", "-x", "--", "--json=1"])))
    return argv


def _call(main, argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = run(main, argv)
        except SystemExit as exc:  # argparse's own exit (bad flag, --help)
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    return code, out.getvalue(), err.getvalue()


def _check(code: int, err: str, argv: list[str]) -> None:
    assert code in (0, 1, 2), (argv, code, err)
    assert "Traceback" not in err, (argv, err)
    assert 'File "' not in err, (argv, err)
    if code != 0:
        assert err.strip(), f"{argv}: failed with exit {code} but said nothing"
        # one line (argparse's usage line aside): what is wrong, not a dump
        assert len([x for x in err.splitlines() if x.strip() and not x.startswith("usage:")]) <= 3, err


cli = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def setup_module() -> None:
    directories.get(ROOT / "data")  # load once; the runs below use the cached directory


@cli
@given(argv=argvs("search", SEARCH))
def test_services_search_with_generated_flags(argv):
    code, _, err = _call(services.cli.main, argv)
    _check(code, err, argv)


@cli
@given(argv=argvs("plan", PLAN))
def test_pathways_plan_with_generated_flags(argv):
    code, _, err = _call(pathways.cli.main, argv)
    _check(code, err, argv)


def test_known_good_and_bad_invocations():
    assert _call(services.cli.main, ["search", "--postcode", "YO10 5DD", "--json"])[0] == 0
    assert _call(services.cli.main, ["search", "--postcode", "YO10 5D"])[0] == 2
    assert _call(services.cli.main, ["search", "--place", "Truro", "--data", "/nonexistent-waymark-dir"])[0] == 1
    assert _call(pathways.cli.main, ["plan", "--age", "9", "--postcode", "YO10 5DD", "--json"])[0] == 0
    assert _call(pathways.cli.main, ["plan", "--age", "30", "--postcode", "YO10 5DD"])[0] == 2
    code, out, err = _call(pathways.cli.main, ["plan", "--age", "9", "--postcode", "YO10 5DD", "--data", str(HOSTILE), "--markdown"])
    assert code == 0, err
    assert "](javascript:" not in out.replace("\\](javascript:", "")  # link tricks stay text


def test_number_flags_name_the_number_as_written_and_refuse_nan_and_infinity(tmp_path):
    """A big number reads as 1,000,000 (never 1e+06); "nan" and "inf" are refused with a
    message, not passed on to a sleep or a socket timeout that would crash."""
    code, _, err = _call(services.cli.main, ["search", "--postcode", "YO10 5DD", "--age", "1000000"])
    assert code == 2 and "1,000,000 is not a possible age" in err and "e+" not in err
    feed = tmp_path / "feed.json"
    feed.write_text("[]", encoding="utf-8")
    for flag in ("--timeout", "--retry-wait"):
        for bad in ("nan", "inf", "-inf", "NaN"):
            code, _, err = _call(services.cli.main, ["import-oruk", str(feed), "--out", str(tmp_path / "out"), f"{flag}={bad}"])
            assert code == 2 and f"{bad!r} is not a number: give a finite number" in err, (flag, bad, err)
    code, _, err = _call(services.cli.main, ["import-oruk", str(feed), "--out", str(tmp_path / "out"), "--timeout", "1e6"])
    assert code == 2 and "1,000,000 is not a time from 0 to 600 seconds" in err, err
    code, _, err = _call(pathways.cli.main, ["plan", "--age", "nine", "--postcode", "YO10 5DD"])
    assert code == 2 and "'nine' is not a whole number" in err
