"""Présentation: the current territoire's story, one slide at a time, full screen."""

from carnet import fiches
from carnet.ui import data, presentation, state

p = data.pack()
terr = fiches.territory_options(p)
tid = state.get("territoire", terr, next(iter(terr)))
presentation.render(p, tid)
