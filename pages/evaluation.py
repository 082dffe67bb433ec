"""Évaluation: the clause de revoyure of a territoire's contract (T0, implementation, needs)."""

import streamlit as st

from carnet import fiches
from carnet.ui import components, data, state
from carnet.ui.contrat import evaluation

p = data.pack()
components.page_style()
terr = fiches.territory_options(p)
tid = state.get("territoire", terr, next(iter(terr)))
st.title(f"Évaluation — {terr[tid]}")
st.caption("Clause de revoyure : où en est le territoire par rapport à son état à la signature du "
           "contrat (T0), et où en est son plan d'actions.")
evaluation.render(p, tid, terr[tid])
