"""Ids made unique by numbering (base, base-2, base-3, ...), in time linear in the number of ids handed out."""

from __future__ import annotations

from collections.abc import Iterable


class UniqueIds:
    """Hands out ids not yet taken; remembers, per base, the number it reached, so a thousand "the-herald"s cost
    a thousand steps rather than half a million (the numbers handed out are the same as counting from 2 each time)."""

    def __init__(self, taken: Iterable[str] = ()) -> None:
        self.taken = set(taken)
        self.next_number: dict[str, int] = {}

    def claim(self, base: str) -> str:
        """`base` if free, else `base-N` for the smallest N >= 2 not taken; the id is taken from then on."""
        candidate = base
        if candidate in self.taken:
            number = self.next_number.get(base, 2)
            candidate = f"{base}-{number}"
            while candidate in self.taken:
                number += 1
                candidate = f"{base}-{number}"
            self.next_number[base] = number + 1
        self.taken.add(candidate)
        return candidate

    def __contains__(self, identifier: object) -> bool:
        return identifier in self.taken
