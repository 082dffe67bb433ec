"""A second pack (Somme): its maps carry no word of the Nord (centre, attribution, labels)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

pytestmark = pytest.mark.integration

# "Nord" as a word, a Nord commune code, Nord places; not the Somme's own
# "CC du Territoire Nord Picardie" (an EPCI name of the data).
NORD = re.compile(r"\bnord\b(?! Picardie)|\"59\d{3}\"|Cambrai|Cambrésis|Lille", re.IGNORECASE)


@pytest.fixture
def somme(somme_cache, monkeypatch):
    from carnet.pack import load_pack

    monkeypatch.setenv("CARNET_CACHE", str(somme_cache))
    return load_pack("somme")


def test_somme_maps_name_nothing_of_the_nord(somme):
    from carnet.maps import atlas
    from carnet.maps.projects import MapContext, projects_map

    amiens = "80021"
    tid = somme.territoire_of(amiens)
    maps = {
        "commune": atlas.commune_map(somme, None, "pop_2021", overlays=tuple(atlas.overlays()),
                                     selected=amiens),
        "territory": atlas.commune_map(somme, tid, "pop_2021", overlays=tuple(atlas.overlays())),
        "territories": atlas.territories_map(somme, "pop_2021"),
        "locator": atlas.locator_map(somme, amiens, "pop_2021"),
        "projects": projects_map(pd.DataFrame(columns=["lon", "lat"]), MapContext.from_pack(somme)),
    }
    (south, west), (north, east) = MapContext.from_pack(somme).bounds()
    for kind, m in maps.items():
        html = m.get_root().render()
        assert "Amiens" in html, kind
        found = NORD.findall(html)
        assert not found, (kind, found[:5])
        lat, lon = m.location
        assert south < lat < north and west < lon < east, kind  # opens on the Somme
    assert MapContext.from_pack(somme).territories_label == "Arrondissements"
