"""Atelier: the participants' page of a workshop (no account; ``?atelier=<code>``)."""

from carnet.ui import ateliers, components, data

p = data.pack()
components.page_style()
ateliers.participant_page(p)
