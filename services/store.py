"""Services by position, materialised only when something looks at them.

A national directory holds ~100,000 services but a search shows a dozen. Holding every
record as a pydantic object costs seconds to rebuild and most of a gigabyte; here a record
validated once is kept as compact JSON and turned back into a :class:`Service` on first
access (tens of microseconds), so a warm start reads bytes rather than rebuilding objects.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Sequence
from typing import overload

from .models import Service

__all__ = ["ServiceStore"]

#: Batches of at least this many records are materialised with the collector paused.
_BATCH_PAUSE = 32


class ServiceStore(Sequence[Service]):
    """An immutable sequence of services backed by objects, JSON payloads, or both."""

    __slots__ = ("_objects", "_payloads", "_ids", "_positions")

    def __init__(
        self,
        objects: Sequence[Service] | None = None,
        *,
        payloads: Sequence[bytes] | None = None,
        ids: Sequence[str] | None = None,
    ) -> None:
        if objects is None and payloads is None:
            raise ValueError("a store needs objects or payloads")
        self._objects: list[Service | None] = list(objects) if objects is not None else [None] * len(payloads or ())
        self._payloads = list(payloads) if payloads is not None else None
        self._ids = list(ids) if ids is not None else [s.id for s in self._objects if s is not None]
        if len(self._ids) != len(self._objects):
            raise ValueError("ids and records differ in length")
        self._positions = {sid: i for i, sid in enumerate(self._ids)}

    @classmethod
    def of(cls, services: Sequence[Service]) -> ServiceStore:
        return services if isinstance(services, ServiceStore) else cls(services)

    def __len__(self) -> int:
        return len(self._objects)

    @overload
    def __getitem__(self, i: int) -> Service: ...

    @overload
    def __getitem__(self, i: slice) -> tuple[Service, ...]: ...

    def __getitem__(self, i: int | slice) -> Service | tuple[Service, ...]:
        if isinstance(i, slice):
            return tuple(self[j] for j in range(*i.indices(len(self))))
        obj = self._objects[i]
        if obj is None:
            assert self._payloads is not None
            # Validated when the cache was written; trusted bytes from our own cache file.
            obj = Service.model_validate_json(self._payloads[i])
            self._objects[i] = obj
        return obj

    def take(self, positions: Iterable[int]) -> list[Service]:
        """The services at ``positions`` (in that order), materialising missing ones together.

        A search at national scale can touch a thousand records at once. Materialising them
        as one batch with the cyclic garbage collector paused is about twice as fast as one
        by one (each new record's objects would otherwise be rescanned as they pile up);
        reference counting still frees everything as usual.
        """
        positions = list(positions)
        objects = self._objects
        if self._payloads is not None:
            missing = [i for i in positions if objects[i] is None]
            if missing:
                pause = len(missing) >= _BATCH_PAUSE and gc.isenabled()
                if pause:
                    gc.disable()
                try:
                    payloads = self._payloads
                    for i in missing:
                        if objects[i] is None:
                            objects[i] = Service.model_validate_json(payloads[i])
                finally:
                    if pause:
                        gc.enable()
        return [objects[i] for i in positions]  # type: ignore[misc]

    def __iter__(self) -> Iterator[Service]:
        for i in range(len(self)):
            yield self[i]

    def __add__(self, other: Sequence[Service]) -> ServiceStore:
        return ServiceStore([*self, *other])

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (ServiceStore, tuple, list)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def materialised(self) -> int:
        """How many records have been built from their bytes so far (the rest wait for use)."""
        return sum(o is not None for o in self._objects)

    @property
    def ids(self) -> list[str]:
        return self._ids

    def position(self, service_id: str) -> int | None:
        return self._positions.get(service_id)

    def get(self, service_id: str) -> Service | None:
        i = self._positions.get(service_id)
        return None if i is None else self[i]

    def payloads(self) -> list[bytes]:
        """Every record as compact JSON (for the on-disk cache)."""
        if self._payloads is not None:
            return self._payloads
        # exclude_unset, not exclude_defaults: a field the record left out (ages not stated)
        # must stay left out after the round trip, and one it stated must stay stated.
        return [s.model_dump_json(exclude_unset=True).encode() for s in self]

    def __repr__(self) -> str:
        return f"ServiceStore({len(self)} services)"
