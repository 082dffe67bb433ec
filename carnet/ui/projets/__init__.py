"""Streamlit helpers of the "Plan d'actions" page (projects registry, issue #4).

Every data string reaches the browser as plain text: through st.dataframe, the fiche's
escaped HTML table (``carnet.ui.plain.table``), ``plain.md`` in alerts and captions (file
names, CRS names, values quoted in errors), or the folium map (one escaper and one JSON
encoder in ``carnet.maps.encoding``); nothing here uses ``unsafe_allow_html``.
"""

from __future__ import annotations

import streamlit as st

from carnet import auth as roles  # noqa: F401 - the page checks permissions as ui.roles.can
from carnet.projets.repository import ProjetRepository
from carnet.ui.auth import current_user  # noqa: F401 - the pages' entry point (account box: app.py)

# The edit / fiche / delete flow (carnet.ui.projets.edition), re-exported for the page.
from carnet.ui.projets.edition import (  # noqa: F401
    EDIT_KEY,
    FLASH_KEY,
    edit_tab,
    fiche_picker,
    fiche_section,
    flash,
    open_project,
    project_form,
    show_flash,
    undo_bar,
)

#: Tabs of the Plan d'actions page; the open one is ``st.session_state[PLAN_TAB_KEY]``.
PLAN_TABS = ["Carte", "Tableau", "Tableau de bord", "Saisie", "Import / export"]
PLAN_TAB_KEY = "pa_tab"
#: Widgets of the lazy tabs (made only while their tab is open) whose choice outlives a visit
#: to another tab: the table's columns, the fiche shown.
KEPT_WIDGETS = ("pa_columns", "projets_fiche")


def keep_lazy_widgets() -> None:
    """Keep the choices of :data:`KEPT_WIDGETS` while their tab is closed.

    Streamlit forgets the state of a widget not made in a run; writing it back as
    Session State at the top of each run keeps it (the documented way).
    """
    for key in KEPT_WIDGETS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


@st.cache_resource(show_spinner="Ouverture du registre des projets…")
def _repository(url: str, pack_id: str) -> ProjetRepository:
    from carnet.db import get_engine
    from carnet.projets.seed import ensure_seed
    from carnet.projets.territory import TerritoryContext
    from carnet.ui.data import pack

    repo = ProjetRepository(get_engine(url), TerritoryContext.from_pack(pack()))
    ensure_seed(repo, pack_id)
    _seed_contrats(repo.engine, pack_id)
    return repo


def _seed_contrats(engine, pack_id: str) -> None:
    """Seed the pack's contracts next to its projects (then link projects to enjeux).

    Guarded: a contract seed file in error must not close the action plan; the error is
    logged here and shown by the contract page, which reads the same files.
    """
    import logging

    from carnet.contrat.repository import ContratRepository, ensure_seed
    from carnet.errors import CarnetError

    try:
        ensure_seed(ContratRepository(engine, pack_id))
    except CarnetError as exc:
        logging.getLogger(__name__).warning("Graine des contrats (%s) : %s", pack_id, exc)


def repository() -> ProjetRepository | None:
    """The registry of the app's pack (None, with a French message, if no pack)."""
    from carnet.db import get_database_url
    from carnet.ui.data import ensure_pack

    p = ensure_pack()
    return None if p is None else _repository(get_database_url(), p.id)



# The page's helpers, by concern (one module each); re-exported for ``pages/plan_actions.py``.
from carnet.ui.projets.admin import accounts_frames, admin_section  # noqa: E402,F401
from carnet.ui.projets.carte import LOCATION_CHOICES, new_map_click, show_projects_map  # noqa: E402,F401
from carnet.ui.projets.dashboard import dashboard_section  # noqa: E402,F401
from carnet.ui.projets.filters import FILTER_PARAMS, LEGACY_FILTER_PARAMS, YEARS, filters_sidebar  # noqa: E402,F401
from carnet.ui.projets.table import TABLE_COLUMNS, table_view  # noqa: E402,F401
from carnet.ui.projets.transfert import export_section, import_section  # noqa: E402,F401
from carnet.ui.projets.words import CHOISIR, TOUS  # noqa: E402,F401
