"""The map of a slide: the atlas's own maps, chosen by the view's ``genre``.

``carte(pack, territoire, vue, *, projets=None, m=None)`` dispatches through :data:`_GENRES`
to the builders every page uses (:mod:`carnet.maps.atlas`, :mod:`carnet.maps.carnets`,
:mod:`carnet.maps.projects`), so a slide shows the atlas's map, never a screenshot, and the
presenter page, the HTML diaporama and the PDF draw the same one.
"""

from __future__ import annotations

import folium
import pandas as pd

from carnet.errors import lookup
from carnet.recits.model import VueCarte


def _communes(pack, tid, vue: VueCarte, *, m=None, **_):
    from carnet.fiches import default_indicator, indicator_options, latest_vintage
    from carnet.maps.atlas import commune_map

    iid = (latest_vintage(pack, vue.indicateur) if vue.indicateur else None) or \
        default_indicator(pack, indicator_options(pack), "carte")
    scope = tid if vue.etendue == "territoire" else None
    couches = tuple(c for c in vue.couches if c == "epci" or c in pack.layer_ids)
    return commune_map(pack, scope, iid, vue.classes, couches, m=m)


def _territoires(pack, tid, vue: VueCarte, *, m=None, **_):
    from carnet.fiches import latest_vintage
    from carnet.maps.atlas import territories_map

    return territories_map(pack, latest_vintage(pack, vue.indicateur or "population") or "pop_2022", m=m)


def _section(section_id: str):
    def build(pack, tid, vue: VueCarte, *, m=None, **_):
        from carnet.carnets.sections import SECTION_LAYERS
        from carnet.maps.carnets import carnet_map

        return carnet_map(pack, tid, [c for c in SECTION_LAYERS[section_id] if c in pack.layer_ids], m=m)
    return build


def _projets(pack, tid, vue: VueCarte, *, projets=None, m=None, **_):
    from carnet.maps.projects import MapContext, projects_map
    from carnet.projets.territory import TerritoryContext
    from carnet.projets.views import enrich

    df = projets if projets is not None else pd.DataFrame()
    if len(df) and "territoire" in df:
        df = df[df["territoire"] == tid]
    if len(df) and "commune_nom" not in df:
        df = enrich(df, TerritoryContext.from_pack(pack))
    return projects_map(df, MapContext.from_pack(pack), contrats=[tid], m=m)


_GENRES = {
    "communes": _communes,
    "territoires": _territoires,
    "patrimoine": _section("histoire"),
    "culture": _section("culture"),
    "environnement": _section("environnement"),
    "projets": _projets,
}


def carte(pack, territoire: str, vue: VueCarte, *, projets: pd.DataFrame | None = None,
          m: folium.Map | None = None) -> folium.Map:
    """The map of view ``vue`` for ``territoire`` (``m``: drawn on that map when given)."""
    return lookup(_GENRES, vue.genre, "Genre de carte")(pack, territoire, vue, projets=projets, m=m)
