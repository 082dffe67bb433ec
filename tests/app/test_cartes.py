"""The atlas's cached maps (carnet.ui.cartes): selected commune outline, legend corner."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


@pytest.fixture
def cartes(nord, built_cache):
    from carnet.ui import cartes

    return cartes


def _html(m) -> str:
    return m.get_root().render()


def test_territory_map_outlines_selected_commune(cartes, built_cache):
    plain = _html(cartes.commune_map.__wrapped__("nord", str(built_cache), "cambresis",
                                                 "taux_chomage_2022", "quantiles", ("epci",)))
    chosen = _html(cartes.commune_map.__wrapped__("nord", str(built_cache), "cambresis",
                                                  "taux_chomage_2022", "quantiles", ("epci",),
                                                  selected="59122"))
    assert cartes.SELECTED_LABEL not in plain
    assert cartes.SELECTED_LABEL in chosen and cartes.SELECTED_COLOR in chosen
    # A commune of another territory is not on this map: nothing to outline.
    lille = _html(cartes.commune_map.__wrapped__("nord", str(built_cache), "cambresis",
                                                 "taux_chomage_2022", "quantiles", ("epci",),
                                                 selected="59350"))
    assert cartes.SELECTED_LABEL not in lille


def test_locator_map_outlines_commune_legend_bottom_left(cartes, built_cache):
    from carnet.maps.elements import Legend

    m = cartes.locator_map.__wrapped__("nord", str(built_cache), "59122")
    out = _html(m)
    assert cartes.SELECTED_LABEL in out and cartes.SELECTED_COLOR in out
    assert [c.position for c in m._children.values() if isinstance(c, Legend)] == ["bottomleft"]


def test_territories_map_legend_bottom_left(cartes, built_cache):
    from carnet.maps.elements import Legend

    m = cartes.territories_map.__wrapped__("nord", str(built_cache), "pop_2022")
    legends = [c for c in m._children.values() if isinstance(c, Legend)]
    assert [lg.position for lg in legends] == ["bottomleft"]
