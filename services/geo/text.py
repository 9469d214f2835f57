"""How people type places: postcode shapes and name keys, as pure functions.

Pure and table-free so that every resolver can use them and their examples run as doctests.
"""

from __future__ import annotations

import re

__all__ = [
    "UK_POSTCODE_AREAS",
    "AREA_COUNTRY",
    "EXAMPLES",
    "GSS",
    "compact",
    "normalise_postcode",
    "normalise_outcode",
    "postcode_area",
    "looks_like_postcode",
    "name_key",
    "close_names",
]

#: Every UK postcode area (plus Crown Dependencies and BFPO). An outward code whose letters
#: are not here is not a postcode (e.g. ``ZZ99``), so it is malformed rather than unknown.
UK_POSTCODE_AREAS = frozenset(
    "AB AL B BA BB BD BF BH BL BN BR BS BT BX CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH "
    "DL DN DT DY E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT "
    "KW KY L LA LD LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG "
    "RH RM S SA SE SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD "
    "WF WN WR WS WV YO ZE".split()
)
#: Areas wholly outside England, to say why a real postcode is not found.
AREA_COUNTRY = {
    **{a: "Scotland" for a in "AB DD DG EH FK G HS IV KA KW KY ML PA PH TD ZE".split()},
    **{a: "Wales" for a in "CF LD LL NP SA".split()},
    "BT": "Northern Ireland", "GY": "Guernsey", "JE": "Jersey", "IM": "the Isle of Man",
    "BF": "the British Forces Post Office", "BX": "a non-geographic address",
}

EXAMPLES = "a postcode (YO10 5DD), its first half (TR1), a town (Truro) or a local authority (York)"

GSS = re.compile(r"^[EWSN][0-9]{8}$")
_PC_FULL = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_PC_OUT = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
_PC_ATTEMPT = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]*$")
_WS = re.compile(r"\s+")


def compact(text: object) -> str:
    """Upper case with all white space removed ("" for anything that is not text).

    >>> compact(" yo10  5dd ")
    'YO105DD'
    """
    if not isinstance(text, str):
        return ""
    return _WS.sub("", text).upper()


def normalise_postcode(text: str) -> str | None:
    """Canonical full postcode ("YO10 5DD") from any case and spacing, or None.

    None means "not shaped like a full UK postcode": the caller decides whether that is
    an error. Never raises.

    >>> normalise_postcode(" yo105dd ")
    'YO10 5DD'
    >>> normalise_postcode("TR1") is None
    True
    """
    m = _PC_FULL.match(compact(text))
    if not m:
        return None
    return f"{m.group(1)} {m.group(2)}"


def normalise_outcode(text: str) -> str | None:
    """Canonical outward code ("TR1", "YO10", "EC1A") from any case and spacing, or None.

    >>> normalise_outcode("ec1a"), normalise_outcode("YO10 5DD")
    ('EC1A', None)
    """
    c = compact(text)
    return c if _PC_OUT.match(c) else None


def postcode_area(text: str) -> str | None:
    """The letters that start a postcode or outward code, or None.

    >>> postcode_area("YO10 5DD")
    'YO'
    """
    m = re.match(r"^([A-Z]{1,2})[0-9]", compact(text))
    return m.group(1) if m else None


def looks_like_postcode(text: str) -> bool:
    """True when the text is evidently an attempt at a postcode (letters then a digit,
    letters and digits only, at most 8 of them), so a failure should say "postcode".

    >>> looks_like_postcode("YO10 5D"), looks_like_postcode("A1 road"), looks_like_postcode("York")
    (True, False, False)
    """
    c = compact(text)
    if not c or len(c) > 8 or not _PC_ATTEMPT.match(c) or GSS.match(c):
        return False
    # "A1 road": three letters running after the first digit is a word, not a postcode.
    return not re.search(r"[0-9].*[A-Z]{3}", c)


_NAME_DROP = re.compile(
    r"^(the |london borough of |royal borough of |city and county of |council of the |"
    r"county of |city of |borough of |metropolitan borough of )+"
)
_NAME_SUFFIX = re.compile(
    r"(\s+(metropolitan borough|metropolitan district|county borough|borough|district|"
    r"city|county|unitary))?\s+(council|authority)$"
)


def name_key(text: str) -> str:
    """Key for name matching: case, '&'/'and', punctuation, 'City of', 'Council' ignored.

    >>> name_key("City of York Council"), name_key("Brighton & Hove"), name_key("Bristol, City of")
    ('york', 'brighton and hove', 'bristol')
    """
    t = text.lower().replace("&", " and ")
    t = re.sub(r"[\u2018\u2019'`.]", "", t)
    t = re.sub(r"[^a-z0-9]+", " ", t).strip()
    t = re.sub(r"\bsaint\b", "st", t)
    t = re.sub(r" (city|county|borough) of$", "", t)  # "Bristol, City of"
    t = _NAME_SUFFIX.sub("", t).strip()
    if t.startswith("city of london") or t.startswith("the city of london"):
        return "city of london"  # not "London": the City is its own small authority
    t = _NAME_DROP.sub("", t).strip()
    return t


def close_names(text: str, names: dict[str, str], *, n: int = 3, cutoff: float = 0.8) -> list[str]:
    """Names someone typing ``text`` may have meant: misspellings, and names that start with
    what was typed (``names`` maps a :func:`name_key` to the name to show).

    >>> names = {"york": "York", "westmorland and furness": "Westmorland and Furness"}
    >>> close_names("Yrok", names, cutoff=0.75), close_names("Westmorland", names)
    (['York'], ['Westmorland and Furness'])
    """
    import difflib

    k = name_key(text)
    if not k:
        return []
    found = difflib.get_close_matches(k, list(names), n=n, cutoff=cutoff)
    if len(k) >= 4:
        found += [key for key in names if key.startswith(k + " ") and key not in found]
    return [names[key] for key in found[:n]]
