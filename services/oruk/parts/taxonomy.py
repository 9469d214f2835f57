"""Taxonomy terms and attributes: what a record is (service types) and when it helps (stages).

Three shapes carry terms (HSDS 3 ``attributes``, a flat ``taxonomy_terms`` list, ORUK 1
``service_taxonomys``); all are read alike, so one term map serves every feed.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from ...vocabulary import SERVICE_TYPES, STAGES
from .. import terms as T
from ..taxonomy_map import TaxonomyMap, Term
from ..values import Problems, dict_of, items_of, text_of

__all__ = ["terms_of", "read_taxonomy"]


def terms_of(raw: dict[str, Any]) -> list[tuple[Term, Any]]:
    """Every taxonomy term a record carries, with the attribute value where there is one.

    HSDS 3 ``attributes`` (each with ``taxonomy_term``), a flat ``taxonomy_terms`` list,
    and ORUK 1 ``service_taxonomys`` (each with ``taxonomy``).
    """
    out: list[tuple[Term, Any]] = []
    for a in items_of(raw.get("attributes")):
        if not isinstance(a, dict) or text_of(a.get("link_type")) in ("url", "phone"):
            continue  # an attribute of a source page (additional_urls) or a phone, not of the record
        tt = dict_of(a.get("taxonomy_term"))
        ids = [text_of(a.get("taxonomy_term_id")), text_of(tt.get("id")), text_of(tt.get("code")),
               text_of(tt.get("term"))]
        waymark = next((k for k in (T.term_key_of(i) for i in ids) if k), None)
        term = Term(
            waymark or text_of(a.get("taxonomy_term_id")) or text_of(tt.get("id")),
            text_of(tt.get("code")) or text_of(tt.get("term")),
            text_of(tt.get("name")),
            _taxonomy_of(tt),
        )
        out.append((term, a.get("value")))
    for tt in items_of(raw.get("taxonomy_terms")):
        if isinstance(tt, dict):
            out.append((Term(text_of(tt.get("id")), text_of(tt.get("code")), text_of(tt.get("name")), _taxonomy_of(tt)),
                        None))
    for st in items_of(raw.get("service_taxonomys")):
        if isinstance(st, dict):
            tx = dict_of(st.get("taxonomy")) or st
            out.append((Term(text_of(tx.get("id")), None, text_of(tx.get("name")), text_of(tx.get("vocabulary"))),
                        None))
    return [(t, v) for t, v in out if t.id or t.code or t.name]


def _taxonomy_of(tt: dict[str, Any]) -> str | None:
    """The taxonomy an HSDS 3 term belongs to: its name or id, or its ``taxonomy_detail``'s name."""
    detail = dict_of(tt.get("taxonomy_detail"))
    return text_of(tt.get("taxonomy")) or text_of(tt.get("taxonomy_id")) or text_of(detail.get("name"))


def read_taxonomy(raw: dict[str, Any], taxonomy_map: TaxonomyMap, record: dict[str, Any],
                  problems: Problems) -> list[Term]:
    """Taxonomy terms → service types and stages; returns the terms the map does not know."""
    types: list[str] = []
    stages: list[str] = []
    unmapped: list[Term] = []
    ignored_only = False
    for term, _value in terms_of(raw):
        tid = term.id or ""
        if tid.startswith(T.TYPE_PREFIX):
            _own_term(tid, T.TYPE_PREFIX, SERVICE_TYPES, "service type", types, problems)
        elif tid.startswith(T.STAGE_PREFIX):
            _own_term(tid, T.STAGE_PREFIX, STAGES, "pathway stage", stages, problems)
        elif tid.startswith(T.FIELD_PREFIX):
            continue
        else:
            found = taxonomy_map.lookup(term)
            if found is None:
                unmapped.append(term)
            elif not found:
                ignored_only = True
            else:
                types.extend(found)
    types = list(dict.fromkeys(types))
    if types:
        record["service_types"] = types
    elif unmapped or ignored_only:
        labels = ", ".join(repr(t.label) for t in unmapped) or "only terms the map ignores"
        problems.append(("service_types", f"no taxonomy term maps to a Waymark service type ({labels}); "
                         "add the term to the taxonomy map or service_types to the overlay"))
    else:
        problems.append(("service_types", "the record has no taxonomy terms; give service_types in the overlay"))
    if stages:
        record["stages"] = list(dict.fromkeys(stages))
    return unmapped


def _own_term(tid: str, prefix: str, known: Collection[str], what: str, out: list[str], problems: Problems) -> None:
    """A Waymark service type or stage term: its name added to ``out``, or reported when
    Waymark has no such one."""
    name = tid.removeprefix(prefix)
    if name in known:
        out.append(name)
    else:
        problems.append(("attributes", f"{tid!r} is not a Waymark {what}; ignored"))
