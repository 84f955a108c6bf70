"""Ids numbered when taken: the same ids as counting from 2 each time, in linear time."""

from __future__ import annotations

from transforms.unique_ids import UniqueIds


def counted_from_two(base: str, taken: set[str]) -> str:
    """The numbering presswatch has always used, written the slow way: the first free of base, base-2, base-3..."""
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


class TestUniqueIds:
    def test_ids_are_the_ones_counting_from_two_gives(self) -> None:
        """Mixed bases, ids already taken and names that look numbered get exactly the ids they always got."""
        taken = {"herald", "herald-3", "post-2"}
        bases = ["herald", "herald", "herald", "post", "post", "herald-2", "post", "herald", "feed"]
        expected, slow_taken = [], set(taken)
        for base in bases:
            expected.append(counted_from_two(base, slow_taken))
            slow_taken.add(expected[-1])

        ids = UniqueIds(taken)

        assert [ids.claim(base) for base in bases] == expected

    def test_thousands_of_one_base_are_all_different(self) -> None:
        """Sixteen thousand claims of one base give sixteen thousand ids, numbered 2 upwards after the first."""
        ids = UniqueIds()

        claimed = [ids.claim("the-herald") for _ in range(16_000)]

        assert len(set(claimed)) == 16_000
        assert claimed[:3] == ["the-herald", "the-herald-2", "the-herald-3"]
        assert claimed[-1] == "the-herald-16000"
