"""Reading YAML data files safely, with line numbers.

PyYAML's safe loader has three habits that are wrong for a directory of services for
children: it keeps the last of two duplicate keys without a word, it follows aliases
without limit (a "billion laughs" file expands to gigabytes when anything walks it), and it
forgets where each value came from. This loader refuses the first two and keeps the third,
so every problem can be reported as ``file:line: field: problem``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from .errors import DataFileError, Problem

__all__ = [
    "LineDict",
    "LineList",
    "load_yaml",
    "loads_yaml",
    "read_text",
    "parse_fast",
    "line_of",
    "MAX_FILE_BYTES",
    "MAX_NODES",
]

#: Larger files are refused before parsing: no real directory file comes close.
MAX_FILE_BYTES = 64 * 1024 * 1024
#: The most values a file may expand to once aliases are followed.
MAX_NODES = 5_000_000

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineDict(dict):
    """A mapping that remembers its own line and the line of each key (1-based)."""

    __slots__ = ("line", "key_lines")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.line: int = 0
        self.key_lines: dict[Any, int] = {}


class LineList(list):
    """A sequence that remembers its own line and the line of each item (1-based)."""

    __slots__ = ("line", "item_lines")

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.line: int = 0
        self.item_lines: list[int] = []


class _DuplicateKey(yaml.MarkedYAMLError):
    """A key given twice in one mapping; ``field`` names it for the message."""

    field = "yaml"


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader that records lines and refuses duplicate keys."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> LineDict:  # type: ignore[override]
        self.flatten_mapping(node)
        mapping = LineDict()
        mapping.line = node.start_mark.line + 1
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                hash(key)
            except TypeError:
                raise _DuplicateKey(
                    None, None, "a mapping key must be a plain value", key_node.start_mark
                ) from None
            if key in mapping:
                error = _DuplicateKey(
                    None,
                    None,
                    f"duplicate key {key!r} (first on line {mapping.key_lines[key]})",
                    key_node.start_mark,
                )
                error.field = str(key)
                raise error
            mapping[key] = self.construct_object(value_node, deep=deep)
            mapping.key_lines[key] = key_node.start_mark.line + 1
        return mapping

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> LineList:  # type: ignore[override]
        seq = LineList(self.construct_object(child, deep=deep) for child in node.value)
        seq.line = node.start_mark.line + 1
        seq.item_lines = [child.start_mark.line + 1 for child in node.value]
        return seq


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> Any:
    # Built eagerly (deep) so a mapping's lines are known before it is returned.
    return loader.construct_mapping(node, deep=True)


def _construct_seq(loader: _Loader, node: yaml.SequenceNode) -> Any:
    return loader.construct_sequence(node, deep=True)


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


def _expanded_size(root: Any, limit: int) -> int:
    """Count values as if aliases were copied, stopping once ``limit`` is passed.

    Shared (aliased) objects are counted once per reference but measured once, so the
    count is linear in the file even for an alias bomb.
    """
    sizes: dict[int, int] = {}

    def size(obj: Any, depth: int = 0) -> int:
        if depth > 200:
            raise RecursionError
        key = id(obj)
        if key in sizes:
            return sizes[key]
        if isinstance(obj, dict):
            total = 1
            for k, v in obj.items():
                total += size(v, depth + 1) + 1
                if total > limit:
                    break
        elif isinstance(obj, list):
            total = 1
            for v in obj:
                total += size(v, depth + 1)
                if total > limit:
                    break
        else:
            total = 1
        sizes[key] = total
        return total

    return size(root)


def read_text(path: Path, *, label: str | None = None, max_bytes: int = MAX_FILE_BYTES) -> str:
    """A data file's text, refusing files too large to be real data or not UTF-8."""
    name = label or str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DataFileError([Problem(name, None, "file", f"cannot be read ({exc.strerror})")]) from None
    if size > max_bytes:
        raise DataFileError(
            [Problem(name, None, "file", f"is {size:,} bytes; the limit is {max_bytes:,}")]
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DataFileError([Problem(name, None, "file", f"is not UTF-8 text ({exc.reason})")]) from None
    except OSError as exc:
        raise DataFileError([Problem(name, None, "file", f"cannot be read ({exc.strerror})")]) from None
    return text


def load_yaml(path: Path, *, label: str | None = None, max_bytes: int = MAX_FILE_BYTES) -> Any:
    """Parse one YAML file into LineDict/LineList values, or raise DataFileError.

    ``label`` is how the file is named in messages (defaults to the path).
    """
    name = label or str(path)
    return loads_yaml(read_text(path, label=name, max_bytes=max_bytes), label=name)


try:  # A Rust YAML parser: ~50x faster than PyYAML, refuses duplicate keys, caps aliases.
    import yaml_rs as _yaml_rs
except ImportError:  # pragma: no cover - the dependency is declared; this keeps a fallback
    _yaml_rs = None

_LINE_IN_MESSAGE = re.compile(r"line (\d+)")


def parse_fast(text: str, *, label: str = "<text>") -> Any:
    """Parse YAML quickly into plain dicts and lists (no line numbers).

    Used for the common case of a valid file; when a file has problems the caller
    re-parses it with :func:`loads_yaml` to locate them. Duplicate keys and alias bombs
    are refused here too.
    """
    if _yaml_rs is None:
        return loads_yaml(text, label=label)
    try:
        return _yaml_rs.loads(text)
    except _yaml_rs.YAMLDecodeError:
        # Let the line-tracking parser word the problem, so messages are the same
        # whichever parser met the file first.
        return loads_yaml(text, label=label)
    except (ValueError, TypeError, OverflowError) as exc:
        match = _LINE_IN_MESSAGE.search(str(exc))
        first = str(exc).strip().splitlines()[-1] if str(exc).strip() else "is not valid YAML"
        raise DataFileError([Problem(label, int(match.group(1)) if match else None, "yaml", first)]) from None


def loads_yaml(text: str, *, label: str = "<text>") -> Any:
    """Parse YAML text (see :func:`load_yaml`)."""
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        what = exc.problem or "is not valid YAML"
        if exc.context:
            what = f"{exc.context}: {what}"
        field = getattr(exc, "field", "yaml")
        raise DataFileError([Problem(label, line, field, what)]) from None
    except yaml.YAMLError as exc:
        raise DataFileError([Problem(label, None, "yaml", f"is not valid YAML ({exc})")]) from None
    except RecursionError:
        raise DataFileError([Problem(label, None, "yaml", "is nested too deeply")]) from None
    try:
        if _expanded_size(data, MAX_NODES) > MAX_NODES:
            raise DataFileError(
                [Problem(label, None, "yaml", f"expands to more than {MAX_NODES:,} values (alias bomb?)")]
            )
    except RecursionError:
        raise DataFileError([Problem(label, None, "yaml", "is nested too deeply")]) from None
    return data


def line_of(root: Any, loc: tuple[Any, ...]) -> int | None:
    """The line of the value at ``loc`` (a pydantic error location) inside ``root``.

    Walks as deep as the location goes and returns the deepest line known, so an error
    about a missing key points at the record that lacks it.
    """
    line = getattr(root, "line", None) or None
    node: Any = root
    for part in loc:
        if isinstance(node, LineDict) and part in node:
            line = node.key_lines.get(part, line)
            node = node[part]
        elif isinstance(node, LineList) and isinstance(part, int) and 0 <= part < len(node):
            line = node.item_lines[part]
            node = node[part]
        else:
            break
    return line
