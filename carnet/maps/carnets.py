"""The map of a carnet's section: the territoire, its communes and the section's layers.

:func:`carnet_map` draws, on a new offline map or on ``m``, the communes of one territoire
(thin outlines, the territoire's in bold) and the layers a section is built from
(:data:`carnet.carnets.sections.SECTION_LAYERS`: monuments, musées, gares as points, the
parcs naturels régionaux as zones), each as ``couches.toml`` says, the points limited to
the territoire's communes. Every label and tooltip is escaped by :mod:`carnet.maps.layers`.
"""

from __future__ import annotations

from collections.abc import Sequence

import folium

from carnet.maps.atlas import add_layer, geo_attribution, map_layers
from carnet.maps.base import base_map
from carnet.maps.layers import add_layer_control, add_outlines

COMMUNES_LABEL = "Communes"
TERRITORY_LABEL = "Limite du territoire"


def carnet_map(pack, tid: str, couches: Sequence[str], *, m: folium.Map | None = None
               ) -> folium.Map:
    """The territoire ``tid`` of ``pack`` with the layers ``couches`` (those the pack has).

    Parameters
    ----------
    pack : carnet.pack.Pack
        The pack.
    tid : str
        One of its territoires.
    couches : sequence of str
        Layer ids of ``couches.toml``; zones are drawn under points whatever the order, and
        a layer the pack lacks is skipped.
    m : folium.Map, optional
        Map to draw on (a new one otherwise).
    """
    pack.config.territoire(tid)
    c = pack.communes
    mine = c[c["territoire"] == tid][["code", "nom", "geometry"]]
    x0, y0, x1, y1 = mine.total_bounds
    if m is None:
        m = base_map(bounds=[[y0, x0], [y1, x1]])
    credit = geo_attribution(pack)
    wanted = set(couches)
    for lid, spec in map_layers().items():  # zones first, then points
        if lid in wanted and spec["kind"] == "zones":
            add_layer(m, pack, lid)
    add_outlines(m, mine, label=COMMUNES_LABEL, attribution=credit, color="#8a8a8a", weight=0.7)
    add_outlines(m, mine.dissolve()[["geometry"]].assign(nom=""), label=TERRITORY_LABEL,
                 attribution=credit, name_field=None, color="#303030", weight=2.4)
    codes = list(mine["code"])
    for lid, spec in map_layers().items():
        if lid in wanted and spec["kind"] == "points":
            add_layer(m, pack, lid, communes=codes, cluster=False)
    pad = 0.03
    m.fit_bounds([[y0 - pad, x0 - pad], [y1 + pad, x1 + pad]])
    return add_layer_control(m, collapsed=True)
