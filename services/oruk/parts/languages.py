"""Languages, given as names, ``{code, name}`` objects or codes: kept as names, once each."""

from __future__ import annotations

from typing import Any

from .. import terms as T
from ..values import dict_of, items_of, text_of

__all__ = ["language_names", "service_languages"]


def language_names(value: Any) -> list[str]:
    """Language names, each once, from a name, a list of names, or ``{code, name}`` objects
    (a code alone is named from Waymark's list, else kept as given)."""
    out: list[str] = []
    for item in items_of(value) if not isinstance(value, str) else [value]:
        if isinstance(item, str):
            name = text_of(item)
        elif isinstance(item, dict):
            code = text_of(item.get("code"))
            name = text_of(item.get("name")) or text_of(item.get("language")) or (
                (T.language_name(code) or code) if code else None)
        else:
            name = None
        if name and name not in out:
            out.append(name)
    return out


def service_languages(raw: dict[str, Any]) -> list[str]:
    """Languages of the service and of each of its locations, first mention first."""
    languages = language_names(raw.get("languages"))
    for sal in items_of(raw.get("service_at_locations")):
        for lang in language_names(dict_of(dict_of(sal).get("location")).get("languages")):
            if lang not in languages:
                languages.append(lang)
    return languages
