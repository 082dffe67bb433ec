"""Modération: an editor opens ateliers for the territoire and moderates their contributions."""

from carnet import fiches
from carnet.ui import ateliers, components, data, state

p = data.pack()
components.page_style()
terr = fiches.territory_options(p)
tid = state.get("territoire", terr, next(iter(terr)))
ateliers.moderation_page(p, tid)
