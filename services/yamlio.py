"""Reading YAML data files safely, with line numbers.

PyYAML's safe loader has three habits that are wrong for a directory of services for
children: it keeps the last of two duplicate keys without a word, it follows aliases
without limit (a "billion laughs" file expands to gigabytes when anything walks it), and it
forgets where each value came from. This loader refuses the first two and keeps the third,
so every problem can be reported as ``file:line: field: problem``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from .errors import DataFileError, Problem

__all__ = [
    "LineDict",
    "LineList",
    "load_yaml",
    "load_mapping",
    "loads_yaml",
    "read_text",
    "parse_files",
    "FAST_PARSE_MIN_BYTES",
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

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> LineDict:
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

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> LineList:
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
            for v in obj.values():
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


def load_mapping(path: Path, *, label: str, field: str, keys: str) -> LineDict:
    """A YAML file that must be one mapping (a definitions file): anything else is a
    ``DataFileError`` at ``field`` saying which ``keys`` it should have."""
    raw = load_yaml(path, label=label)
    if not isinstance(raw, LineDict):
        raise DataFileError([Problem(label, getattr(raw, "line", 1), field, f"the file must be a mapping ({keys})")])
    return raw


#: Below this many bytes in all, files are parsed in-process with the line-tracking loader;
#: above it, in worker processes with the fast parser (see :func:`parse_files`).
FAST_PARSE_MIN_BYTES = 2 * 1024 * 1024


def _parse_in_worker(path: str, label: str) -> tuple[str, Any]:
    """Runs in a worker process: the fast Rust parser, isolated from the app.

    yaml_rs is ~20x faster than PyYAML and refuses duplicate keys and alias bombs, but it
    is a young native extension (it has crashed an interpreter in a Streamlit script
    thread), so it never runs inside the app's own process.
    """
    import yaml_rs

    try:
        text = read_text(Path(path), label=label)
    except DataFileError as exc:
        return "error", [(p.file, p.line, p.field, p.message) for p in exc.problems]
    try:
        return "ok", yaml_rs.loads(text)
    except Exception:  # noqa: BLE001 - any refusal: let the careful parser word it
        return "retry", None


def parse_files(paths: list[Path], labels: list[str]) -> list[Any]:
    """Parse many data files: each result is the parsed value or a DataFileError.

    Small directories use the line-tracking loader in-process. Large ones are parsed by
    the fast parser in a pool of worker processes (both cores, and a crash there cannot
    take the app down); whatever the pool cannot do falls back to the careful parser.
    Values from the pool carry no line numbers: callers re-parse a file with
    :func:`loads_yaml` when it has problems to locate.
    """
    results: list[Any] = [None] * len(paths)
    todo = list(range(len(paths)))
    total = 0
    for p in paths:
        try:
            total += p.stat().st_size
        except OSError:
            pass
    if total >= FAST_PARSE_MIN_BYTES and len(paths) > 0:
        todo = _parse_in_pool(paths, labels, results)
    for i in todo:
        try:
            results[i] = load_yaml(paths[i], label=labels[i])
        except DataFileError as exc:
            results[i] = exc
    return results


def _parse_in_pool(paths: list[Path], labels: list[str], results: list[Any]) -> list[int]:
    """Fill ``results`` from worker processes; return the indexes still to parse."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    try:
        import yaml_rs  # noqa: F401 - only checking it is installed
    except ImportError:
        return list(range(len(paths)))
    left: list[int] = []
    workers = max(1, min(len(paths), os.cpu_count() or 1, 4))
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = [pool.submit(_parse_in_worker, str(p), lab) for p, lab in zip(paths, labels)]
            for i, future in enumerate(futures):
                try:
                    kind, value = future.result()
                except (BrokenProcessPool, OSError, RuntimeError):
                    left.append(i)
                    continue
                if kind == "ok":
                    results[i] = value
                elif kind == "error":
                    results[i] = DataFileError([Problem(*p) for p in value])
                else:
                    left.append(i)
    except (BrokenProcessPool, OSError, RuntimeError):
        return [i for i in range(len(paths)) if results[i] is None]
    return left


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
