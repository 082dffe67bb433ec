"""Filtering, dashboard figures and fiche of projects (no Streamlit here), one module each.

The projects map is :mod:`carnet.maps.projects`.
"""

from carnet.projets.constants import NON_RENSEIGNE  # noqa: F401 - callers import it from here
from carnet.projets.views.dashboard import dashboard, fmt_euros, fmt_meuros  # noqa: F401
from carnet.projets.views.fiche import fiche, fmt_coordinates  # noqa: F401
from carnet.projets.views.filters import Filters, apply_filters, choices, enrich  # noqa: F401
