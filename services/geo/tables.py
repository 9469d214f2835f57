"""The authority table: England's 153 children's services authorities by code and name.

Every resolver that names an authority goes through this one table, so a former district
code, an alias or a split county is understood the same way everywhere.
"""

from __future__ import annotations

import csv
from pathlib import Path

from ..errors import DataError
from .places import Authority
from .text import GSS, name_key

__all__ = ["AuthorityTable", "read_csv"]


def read_csv(path: Path) -> list[dict[str, str]]:
    """Rows of a geography CSV; a missing or unreadable file is a DataError naming it."""
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))
    except FileNotFoundError as exc:
        raise DataError(f"{path}: geography file missing; run python -m databuild geography") from exc
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DataError(f"{path}: cannot read geography file: {exc}") from exc


class AuthorityTable:
    """``authorities.csv`` with its aliases, ``lad_to_authority.csv`` (former and lower-tier
    codes, district names) and ``split_authorities.csv`` (abolished, split counties)."""

    def __init__(self, data_dir: Path) -> None:
        self.by_code: dict[str, Authority] = {}
        self.aliases: dict[str, str] = {}  # name key -> code
        path = data_dir / "authorities.csv"
        try:
            for row in read_csv(path):
                a = Authority(row["code"], row["name"], row["region"], float(row["lat"]), float(row["lon"]))
                self.by_code[a.code] = a
                names = [row["name"], row.get("ons_name") or "", *(row.get("aliases") or "").split(";")]
                for n in names:
                    if n.strip():
                        self.aliases.setdefault(name_key(n), a.code)
        except (KeyError, ValueError) as exc:
            raise DataError(f"{path}: bad row: {exc}") from exc
        if not self.by_code:
            raise DataError(f"{path}: no authorities")
        # Full names first so an authority's own name always wins over a district's.
        self.old_codes: dict[str, str] = {}
        self.districts: dict[str, tuple[str, str, float, float]] = {}
        lad_path = data_dir / "lad_to_authority.csv"
        if lad_path.exists():
            for row in read_csv(lad_path):
                code = row.get("code", "")
                if code not in self.by_code:
                    continue
                self.old_codes[row["lad_code"]] = code
                k = name_key(row.get("lad_name", ""))
                if k and k not in self.aliases and k not in self.districts:
                    try:
                        self.districts[k] = (row["lad_name"], code, float(row["lat"]), float(row["lon"]))
                    except (KeyError, ValueError):
                        pass
        self.splits: dict[str, tuple[str, list[str]]] = {}
        split_path = data_dir / "split_authorities.csv"
        if split_path.exists():
            for row in read_csv(split_path):
                succ = [c for c in row.get("successors", "").split(";") if c]
                self.splits[row["old_code"]] = (row["old_name"], succ)
                self.splits[name_key(row["old_name"])] = (row["old_name"], succ)

    def get(self, code_or_name: str) -> Authority | None:
        """The authority for a GSS code (current, lower-tier or former) or a name
        ("City of York", "york", "Cornwall Council", "Brighton & Hove"); None if unknown.
        A former district name ("Harrogate", "South Lakeland") gives its authority today."""
        if not isinstance(code_or_name, str):
            return None
        text = code_or_name.strip()
        c = text.upper()
        if GSS.match(c):
            return self.by_code.get(self.old_codes.get(c, c))
        k = name_key(text)
        if not k:
            return None
        code = self.aliases.get(k)
        if code is None and k in self.districts:
            code = self.districts[k][1]
        return self.by_code.get(code) if code else None

    def split_message(self, text: str) -> str | None:
        """For an abolished county that was split ("Cumbria"), what to type instead."""
        key = text.strip().upper() if GSS.match(text.strip().upper()) else name_key(text)
        hit = self.splits.get(key)
        if not hit:
            return None
        name, succ = hit
        names = " and ".join(f"{self.by_code[c].name} ({c})" for c in succ if c in self.by_code)
        return f"{name} no longer exists: it was split into {names}. Type one of those, or a town or postcode."
