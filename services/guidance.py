"""The words Find support shows beside the services (``data/family_guidance.yaml``).

What happens when a family calls each kind of contact, who refers to a service that takes
no self-referrals, what helps while a child waits for therapy, how to get help safely when
the person suspected lives in the same house, and what applies in Wales. Every sentence
names the pages it rests on; the loader refuses a sentence without one (unless it is marked
``advice``: Waymark's own suggestion of what to ask, never a fact about a service) and a
source id that is not listed. Which services go with the words is ``services.sections``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .datadir import data_file
from .directory import validate_file
from .versioned import VersionedLoader
from .vocabulary import ServiceType
from .yamlio import load_mapping

__all__ = [
    "ROLES",
    "Role",
    "SourceRef",
    "Said",
    "CallNowWords",
    "WhileYouWait",
    "Safety",
    "FamilyGuidance",
    "guidance_path",
    "load_guidance",
]

#: The roles a contact plays in "Who to call now", in the order a family reads them.
Role = Literal["front_door", "emergency", "adult_helpline", "child_helpline"]
ROLES: tuple[str, ...] = ("front_door", "emergency", "adult_helpline", "child_helpline")
#: What "while you wait" offers beside a therapy route: a service type, or a call-now role.
Helper = Literal["isva_chisva", "parent_support", "adult_helpline", "child_helpline"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceRef(_Model):
    """A page a sentence rests on: its title, address, when it was read, and its own date."""

    title: str
    url: str
    read: dt.date
    updated: dt.date | None = None


class Said(_Model):
    """One sentence a family reads, with the ids of the pages behind it."""

    text: str
    sources: tuple[str, ...] = ()
    #: Waymark's own suggestion (what to ask), not a claim about a service: needs no page.
    advice: bool = False

    @model_validator(mode="after")
    def _cited(self) -> Said:
        if not self.sources and not self.advice:
            raise ValueError("a sentence a family reads needs sources (or advice: true for Waymark's own suggestion)")
        return self


class CallNowWords(_Model):
    heading: str
    what_happens: str
    sources: tuple[str, ...] = Field(min_length=1)


class WhileYouWait(_Model):
    waiting_types: tuple[ServiceType, ...] = Field(min_length=1)
    long_wait_weeks: float = Field(ge=0)
    why: str
    why_sources: tuple[str, ...] = Field(min_length=1)
    helpers: tuple[Helper, ...]
    ask: tuple[Said, ...]


class Safety(_Model):
    title: str
    items: tuple[Said, ...] = Field(min_length=1)


class FamilyGuidance(_Model):
    """``data/family_guidance.yaml``, checked: every cited id is a listed page."""

    version: int
    sources: dict[str, SourceRef]
    call_now: dict[Role, CallNowWords]
    referred_by: dict[str, Said]
    while_you_wait: WhileYouWait
    safety: Safety
    wales: Said

    @model_validator(mode="after")
    def _complete(self) -> FamilyGuidance:
        missing_roles = [r for r in ROLES if r not in self.call_now]
        if missing_roles:
            raise ValueError(f"call_now is missing {', '.join(missing_roles)}")
        if "default" not in self.referred_by:
            raise ValueError("referred_by needs a 'default' entry")
        unknown = sorted({s for ids in self._cited() for s in ids if s not in self.sources})
        if unknown:
            raise ValueError(f"unknown source id(s): {', '.join(unknown)} (add them under sources)")
        return self

    def _cited(self) -> list[tuple[str, ...]]:
        return [
            *(w.sources for w in self.call_now.values()),
            *(s.sources for s in self.referred_by.values()),
            self.while_you_wait.why_sources,
            *(s.sources for s in self.while_you_wait.ask),
            *(s.sources for s in self.safety.items),
            self.wales.sources,
        ]

    def cite(self, ids: tuple[str, ...]) -> list[SourceRef]:
        """The pages behind a sentence, in the order cited."""
        return [self.sources[i] for i in ids]

    def referral_words(self, service_types: list[str] | tuple[str, ...]) -> Said:
        """Who to ask for a referral to a service of these types (the first type listed, or
        the default)."""
        for t in service_types:
            if t in self.referred_by:
                return self.referred_by[t]
        return self.referred_by["default"]


def guidance_path(data_dir: Path | str | None = None) -> Path:
    """``DIR/family_guidance.yaml`` when a data directory ships one, otherwise the shipped file."""
    return data_file("family_guidance.yaml", data_dir)


def load_guidance(path: Path | str | None = None) -> FamilyGuidance:
    """Load and check the guidance file (``DataFileError`` with ``file:line: field: problem``
    when it is wrong). Cached per file version."""
    return _loader(Path(path) if path is not None else guidance_path())


def _load(path: Path, label: str) -> FamilyGuidance:
    raw = load_mapping(path, label=label, field="family_guidance", keys="version, sources, call_now, ...")
    return validate_file(FamilyGuidance, raw, label)


#: Parsed once per file version (services.versioned): an edit is picked up without a restart.
_loader: VersionedLoader[FamilyGuidance] = VersionedLoader(_load, maxsize=4)
