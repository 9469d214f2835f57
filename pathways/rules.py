"""Conditions on a situation: the small language pathway.yaml writes its rules in.

The domain's rules (when a stage applies, who is invited, which prompt fires) are data, so
a practitioner reading ``data/pathway.yaml`` sees every rule Waymark applies and a reviewer
can change one without touching code. This module parses those conditions — checking each
field name and value against the :class:`~pathways.situation.Situation` model, so a typo
is a load error and never a rule that silently never fires — and evaluates them.

Forms (``field`` is a situation field)::

    {field: age, gte: 16}              # eq, ne, in, not_in, gt, gte, lt, lte, known
    {field: indicators, includes: sti} # list fields: includes, includes_any, known
    {all: [cond, ...]}  {any: [cond, ...]}  {not: cond}
    {ref: name}                        # a named condition from ``conditions:``
    true / false                       # always / never

An unknown value (``None``) never satisfies ``eq``, ``in`` or a comparison, and always
satisfies ``ne`` and ``not_in``: "not known to be X" is "not X" for a rule's purposes.
Write ``{field: f, known: false}`` for rules about what has not been found out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from services.errors import Problem

from .situation import FIELD_KINDS, FieldKind

__all__ = [
    "Condition",
    "Always",
    "Compare",
    "AllOf",
    "AnyOf",
    "NotOf",
    "Named",
    "ConditionParser",
    "OPS",
]


class Condition(Protocol):
    """Anything that can say whether it holds for a situation's values."""

    def holds(self, values: Mapping[str, Any]) -> bool: ...

    def fields(self) -> frozenset[str]: ...

    def describe(self) -> str: ...


@dataclass(frozen=True)
class Always:
    """``true`` or ``false`` written as a condition."""

    value: bool = True

    def holds(self, values: Mapping[str, Any]) -> bool:
        return self.value

    def fields(self) -> frozenset[str]:
        return frozenset()

    def describe(self) -> str:
        return "always" if self.value else "never"


def _casefold(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


def _eq(a: Any, b: Any) -> bool:
    return a is not None and _casefold(a) == _casefold(b)


def _in(a: Any, b: Any) -> bool:
    return a is not None and _casefold(a) in {_casefold(x) for x in b}


def _cmp(test: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    return lambda a, b: a is not None and test(a, b)


#: Operator → (test, kinds it applies to, whether its operand is a list).
OPS: dict[str, tuple[Callable[[Any, Any], bool], frozenset[FieldKind], bool]] = {
    "eq": (_eq, frozenset({"int", "bool", "enum", "str"}), False),
    "ne": (lambda a, b: not _eq(a, b), frozenset({"int", "bool", "enum", "str"}), False),
    "in": (_in, frozenset({"int", "enum", "str"}), True),
    "not_in": (lambda a, b: not _in(a, b), frozenset({"int", "enum", "str"}), True),
    "gt": (_cmp(lambda a, b: a > b), frozenset({"int"}), False),
    "gte": (_cmp(lambda a, b: a >= b), frozenset({"int"}), False),
    "lt": (_cmp(lambda a, b: a < b), frozenset({"int"}), False),
    "lte": (_cmp(lambda a, b: a <= b), frozenset({"int"}), False),
    "known": (lambda a, b: (a is not None and a != ()) == b, frozenset({"int", "bool", "enum", "str", "list"}), False),
    "includes": (lambda a, b: a is not None and b in a, frozenset({"list"}), False),
    "includes_any": (lambda a, b: a is not None and any(x in a for x in b), frozenset({"list"}), True),
}


@dataclass(frozen=True)
class Compare:
    """One test of one situation field."""

    field: str
    op: str
    value: Any

    def holds(self, values: Mapping[str, Any]) -> bool:
        return OPS[self.op][0](values.get(self.field), self.value)

    def fields(self) -> frozenset[str]:
        return frozenset({self.field})

    def describe(self) -> str:
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        return f"{self.field} {self.op} {value}"


@dataclass(frozen=True)
class _Group:
    """Some conditions together: :class:`AllOf` and :class:`AnyOf` differ only in how their
    items' answers combine and in the word between them."""

    items: tuple[Any, ...]
    joiner: ClassVar[str]

    def fields(self) -> frozenset[str]:
        return frozenset().union(*(item.fields() for item in self.items))

    def describe(self) -> str:
        return "(" + f" {self.joiner} ".join(item.describe() for item in self.items) + ")"


@dataclass(frozen=True)
class AllOf(_Group):
    joiner: ClassVar[str] = "and"

    def holds(self, values: Mapping[str, Any]) -> bool:
        return all(item.holds(values) for item in self.items)


@dataclass(frozen=True)
class AnyOf(_Group):
    joiner: ClassVar[str] = "or"

    def holds(self, values: Mapping[str, Any]) -> bool:
        return any(item.holds(values) for item in self.items)


@dataclass(frozen=True)
class NotOf:
    item: Any

    def holds(self, values: Mapping[str, Any]) -> bool:
        return not self.item.holds(values)

    def fields(self) -> frozenset[str]:
        return self.item.fields()

    def describe(self) -> str:
        return f"not {self.item.describe()}"


@dataclass(frozen=True)
class Named:
    """A named condition from ``conditions:``; kept named so explanations read well."""

    name: str
    item: Any

    def holds(self, values: Mapping[str, Any]) -> bool:
        return self.item.holds(values)

    def fields(self) -> frozenset[str]:
        return self.item.fields()

    def describe(self) -> str:
        return self.name


_COMBINERS = ("all", "any", "not", "ref", "field")


class ConditionParser:
    """Parses raw YAML conditions, collecting located problems instead of stopping.

    ``named`` holds the raw ``conditions:`` table; references are resolved lazily (and
    checked for cycles) so the table may be written in any order.
    """

    def __init__(
        self, file: str, named: Mapping[str, Any] | None = None, named_lines: Mapping[str, int] | None = None
    ) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self._raw_named = dict(named or {})
        self._named_lines = dict(named_lines or {})
        self._named: dict[str, Any] = {}
        self._resolving: list[str] = []

    # -- public ------------------------------------------------------------------------
    def parse(self, raw: Any, where: str, line: int | None) -> Any:
        """A Condition for ``raw``; on a problem, record it and return ``Always(False)``."""
        return self._parse(raw, where, line)

    def named(self, name: str) -> Any:
        """Resolve the named condition ``name`` (used to check the whole table)."""
        return self._ref(name, f"conditions.{name}", self._named_lines.get(name))

    # -- internals ---------------------------------------------------------------------
    def _problem(self, line: int | None, where: str, message: str) -> Always:
        self.problems.append(Problem(self.file, line, where, message))
        return Always(False)

    def _parse(self, raw: Any, where: str, line: int | None) -> Any:
        line = getattr(raw, "line", None) or line
        if isinstance(raw, bool):
            return Always(raw)
        if not isinstance(raw, dict):
            return self._problem(
                line,
                where,
                f"{raw!r} is not a condition (use true, a {{field: ...}} test, all, any, not or ref)",
            )
        keys = [k for k in raw if k in _COMBINERS]
        if len(keys) != 1:
            return self._problem(
                line,
                where,
                "a condition needs exactly one of field, all, any, not, ref "
                f"(found {', '.join(map(str, raw)) or 'nothing'})",
            )
        key = keys[0]
        key_line = getattr(raw, "key_lines", {}).get(key, line)
        if key == "field":
            return self._compare(raw, where, line)
        extra = [k for k in raw if k != key]
        if extra:
            return self._problem(key_line, where, f"{', '.join(map(str, extra))} cannot go with {key!r}")
        body = raw[key]
        if key in ("all", "any"):
            if not isinstance(body, list) or not body:
                return self._problem(key_line, f"{where}.{key}", "must be a non-empty list of conditions")
            lines = getattr(body, "item_lines", [key_line] * len(body))
            items = tuple(self._parse(item, f"{where}.{key}[{i}]", lines[i]) for i, item in enumerate(body))
            return AllOf(items) if key == "all" else AnyOf(items)
        if key == "not":
            return NotOf(self._parse(body, f"{where}.not", key_line))
        if not isinstance(body, str):
            return self._problem(key_line, f"{where}.ref", "must name a condition from 'conditions:'")
        return self._ref(body, f"{where}.ref", key_line)

    def _ref(self, name: str, where: str, line: int | None) -> Any:
        if name in self._named:
            return self._named[name]
        if name not in self._raw_named:
            known = ", ".join(sorted(self._raw_named)) or "none defined"
            return self._problem(line, where, f"{name!r} is not a named condition (known: {known})")
        if name in self._resolving:
            cycle = " -> ".join([*self._resolving[self._resolving.index(name) :], name])
            return self._problem(line, where, f"named conditions refer to each other in a loop: {cycle}")
        self._resolving.append(name)
        try:
            body = self._parse(self._raw_named[name], f"conditions.{name}", self._named_lines.get(name))
        finally:
            self._resolving.pop()
        result = Named(name, body)
        self._named[name] = result
        return result

    def _compare(self, raw: Mapping[str, Any], where: str, line: int | None) -> Any:
        field = raw["field"]
        key_lines = getattr(raw, "key_lines", {})
        if not isinstance(field, str) or field not in FIELD_KINDS:
            known = ", ".join(sorted(FIELD_KINDS))
            return self._problem(
                key_lines.get("field", line),
                f"{where}.field",
                f"{field!r} is not a situation field (known: {known})",
            )
        ops = [k for k in raw if k != "field"]
        if len(ops) != 1 or ops[0] not in OPS:
            return self._problem(
                line,
                where,
                f"a test of {field!r} needs exactly one operator: {', '.join(OPS)} "
                f"(found {', '.join(map(str, ops)) or 'none'})",
            )
        op = ops[0]
        op_line = key_lines.get(op, line)
        test, kinds, is_list = OPS[op]
        kind, choices = FIELD_KINDS[field]
        if kind not in kinds:
            return self._problem(op_line, f"{where}.{op}", f"cannot be used on {field!r} (a {kind} field)")
        value = raw[op]
        if op == "known":
            if not isinstance(value, bool):
                return self._problem(op_line, f"{where}.known", "must be true or false")
            return Compare(field, op, value)
        if is_list:
            if not isinstance(value, list) or not value:
                return self._problem(op_line, f"{where}.{op}", "must be a non-empty list")
            for item in value:
                message = _bad_value(field, kind, choices, item)
                if message:
                    return self._problem(op_line, f"{where}.{op}", message)
            return Compare(field, op, tuple(value))
        message = _bad_value(field, kind, choices, value)
        if message:
            return self._problem(op_line, f"{where}.{op}", message)
        return Compare(field, op, value)


def _bad_value(field: str, kind: FieldKind, choices: tuple[str, ...], value: Any) -> str | None:
    """Why ``value`` can never match ``field``, or None when it can."""
    if kind == "bool":
        return (
            None if isinstance(value, bool) else f"{value!r} is not true or false ({field} is a yes/no field)"
        )
    if kind == "int":
        ok = isinstance(value, int) and not isinstance(value, bool)
        return None if ok else f"{value!r} is not a whole number ({field} is a number)"
    if kind in ("enum", "list"):
        if value in choices:
            return None
        return f"{value!r} is not a value of {field} (one of: {', '.join(choices)})"
    return None if isinstance(value, str) else f"{value!r} is not text ({field} is text)"
