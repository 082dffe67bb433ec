"""French words shared by the Plan d'actions widgets (Streamlit's defaults are English)."""

from __future__ import annotations

#: French placeholders (Streamlit's default is the English "Choose options").
CHOISIR = "Choisir…"
TOUS = "Tous (choisir pour filtrer)"
