"""Page files of the atlas (paths relative to ``app.py``)."""

from __future__ import annotations

ACCUEIL = "pages/accueil.py"
TERRITOIRE = "pages/territoire.py"
COMMUNE = "pages/commune.py"
COMPARER = "pages/comparer.py"
SOURCES = "pages/sources.py"
PLAN_ACTIONS = "pages/plan_actions.py"
CONTRAT = "pages/contrat.py"
EVALUATION = "pages/evaluation.py"
ATELIER = "pages/atelier.py"
MODERATION = "pages/moderation.py"
PRESENTATION = "pages/presentation.py"
