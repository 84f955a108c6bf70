"""The report's colours: fourteen people told apart, each visible on the white page."""

from __future__ import annotations

from itertools import combinations

import pytest
from coloraide import Color

from transforms.charts import PALETTE, colour_scale, colours

PEOPLE_ON_A_PAGE = 14
MIN_DIFFERENCE = 15.0  # CIEDE2000; about where two line colours stop being confused at a glance
MIN_CONTRAST = 2.0  # against the white page
# Tableau 20, the scheme the report used before: its paired light and dark shades fail the same check.
TABLEAU_20 = (
    "#4e79a7",
    "#a0cbe8",
    "#f28e2b",
    "#ffbe7d",
    "#59a14f",
    "#8cd17d",
    "#b6992d",
    "#f1ce63",
    "#499894",
    "#86bcb6",
    "#e15759",
    "#ff9d9a",
    "#79706e",
    "#bab0ac",
    "#d37295",
    "#fabfd2",
    "#b07aa1",
    "#d4a6c8",
    "#9d7660",
    "#d7b5a6",
)


def closest_pair(palette: tuple[str, ...]) -> float:
    """The smallest CIEDE2000 difference between two colours of the palette."""
    return min(Color(first).delta_e(second, method="2000") for first, second in combinations(palette, 2))


class TestPalette:
    def test_fourteen_people_are_told_apart(self) -> None:
        """Every pair among the first fourteen colours differs by at least MIN_DIFFERENCE."""
        assert closest_pair(PALETTE[:PEOPLE_ON_A_PAGE]) >= MIN_DIFFERENCE

    def test_the_old_scheme_would_fail(self) -> None:
        """The check is strict enough to reject Tableau 20's near-identical pairs."""
        assert closest_pair(TABLEAU_20[:PEOPLE_ON_A_PAGE]) < MIN_DIFFERENCE

    @pytest.mark.parametrize("colour", PALETTE[:PEOPLE_ON_A_PAGE])
    def test_colour_stands_out_on_white(self, colour: str) -> None:
        """Each person's colour has at least MIN_CONTRAST against the page."""
        assert Color(colour).contrast("white") >= MIN_CONTRAST


class TestColourScale:
    def test_same_names_same_colours(self) -> None:
        """The scale every person chart uses and the swatches beside names agree, in the page's order."""
        names = [f"person {index}" for index in range(20)]

        scale = colour_scale(names)

        assert dict(zip(scale["domain"], scale["range"], strict=True)) == colours(names)
        assert scale["range"][len(PALETTE)] == PALETTE[0]  # past the palette it starts again
