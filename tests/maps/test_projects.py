"""Projects drawn on any map: on the Nord commune choropleth (needs against projects)."""

from __future__ import annotations

import pytest

from carnet.maps import add_projects, atlas, projects_map
from carnet.maps.elements import Legend
from carnet.maps.projects import decode_points, payloads

pytestmark = pytest.mark.integration


@pytest.fixture
def seed(nord):
    from benchmarks.map_identity import seed_projects

    df, _ = seed_projects(nord)
    return df


def test_projects_on_the_commune_choropleth(nord, seed):
    m = atlas.commune_map(nord, None, "taux_chomage_2022")
    assert add_projects(m, seed) is m
    html = m.get_root().render()
    # the choropleth: its layer, its legend, a commune in its data
    assert "Communes \\u2014 Taux de ch\\u00f4mage" in html and "Cambrai" in html
    # the projects: their cluster, every located seed project (its title), their legend
    assert "markerClusterGroup" in html
    assert sorted(p["tooltip"][0] for p in decode_points(payloads(html)[0])) == sorted(
        seed.loc[seed["lon"].notna(), "titre"])
    assert any(t.startswith("Contournement du Cateau") for t in seed["titre"])
    assert "Engagé, en cours, réalisé" in html
    assert len([c for c in m._children.values() if isinstance(c, Legend)]) == 2


def test_projects_map_on_a_given_map(nord, seed):
    m = atlas.territories_map(nord, "pop_2022")
    assert projects_map(seed, m=m) is m
    tips = [p["tooltip"] for p in decode_points(payloads(m.get_root().render())[0])]
    assert any(t[0].startswith("Contournement du Cateau") for t in tips)
