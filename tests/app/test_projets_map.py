"""The Plan d'actions map with AppTest: the registry goes to the frame once, a filter sends a mask.

AppTest does not render components: the page keeps the arguments it gave the frame in
``st.session_state["projets_map__payload"]`` (carnet/ui/projets/carte.py).
"""

from __future__ import annotations

import pytest

from carnet.maps.fastprojets import decode_mask
from tests.app.conftest import no_exception

pytestmark = pytest.mark.integration


@pytest.fixture
def plan(app, tmp_path, monkeypatch):
    """The Plan d'actions on a fresh registry (the founding document's 10 seed projects)."""
    monkeypatch.setenv("CARNET_DATABASE_URL", f"sqlite:///{tmp_path / 'projets.sqlite'}")
    monkeypatch.delenv("CARNET_FAST_MAP", raising=False)
    app.switch_page("pages/plan_actions.py").run()
    no_exception(app)
    return app


def _args(at) -> dict:
    return at.session_state["projets_map__payload"]


def test_registry_sent_once_then_masks(plan):
    first = _args(plan)
    data = first["data"]
    assert data is not None and len(data["k"]) == len(data["r"]) == first["count"]
    assert first["context"]["departement"].startswith("/app/static/geo/nord-projets-departement-")
    shown = decode_mask(first["mask"], len(data["k"]))
    assert shown.all()  # no filter: every located project

    plan.sidebar.multiselect(key="pf_categories").set_value(["innovant"]).run()
    no_exception(plan)
    after = _args(plan)
    assert after["data"] is None and after["version"] == first["version"]  # not sent again
    shown = decode_mask(after["mask"], len(data["k"]))
    assert 0 < shown.sum() == after["count"] < len(data["k"])
    assert len(after["mask"]) < 100


def test_a_new_frame_asks_and_is_served_once(plan):
    version = _args(plan)["version"]
    plan.session_state["projets_map"] = {"n": 1, "need": version}  # the frame of a page come back
    plan.run()
    no_exception(plan)
    assert _args(plan)["data"] is not None
    plan.run()  # the same request seen again: not served twice
    assert _args(plan)["data"] is None
    plan.session_state["projets_map"] = {"n": 2, "need": "une-autre-version"}  # stale: ignored
    plan.run()
    assert _args(plan)["data"] is None


def test_a_saved_project_changes_the_version_and_is_sent(plan, tmp_path):
    from carnet.db import get_engine
    from carnet.projets.repository import ProjetRepository
    from carnet.projets.territory import TerritoryContext

    before = _args(plan)["version"]
    repo = ProjetRepository(get_engine(f"sqlite:///{tmp_path / 'projets.sqlite'}"),
                            TerritoryContext.load("nord"))
    repo.create({"titre": "Halte fluviale", "commune": "59122", "territoire": "cambresis",
                 "categorie": "mod", "statut": "engage", "orientation": "cohesion"}, user="autre")
    plan.run()  # another editor's save, seen on the next rerun
    no_exception(plan)
    after = _args(plan)
    assert after["version"] != before and after["data"] is not None
    words = after["data"]["w"]
    assert "Halte" in words and "fluviale" in words


def test_lazy_tabs_send_the_table_only_when_open_and_keep_its_choices(plan):
    from tests.support import open_tab

    assert not plan.dataframe and not plan.metric  # a first visit: the map, not the table
    assert not any(s.label == "Fiche du projet" for s in plan.selectbox)
    open_tab(plan, "Tableau")
    no_exception(plan)
    assert len(plan.dataframe[0].value) == 10
    plan.multiselect(key="pa_columns").set_value(["N°", "Titre", "Maître d'ouvrage"]).run()
    pid = int(plan.dataframe[0].value["N°"].iloc[0])
    plan.selectbox(key="projets_fiche").set_value(pid).run()
    version = _args(plan)["version"]
    open_tab(plan, "Carte")
    assert not plan.dataframe
    assert _args(plan)["data"] is None and _args(plan)["version"] == version  # same frame
    open_tab(plan, "Tableau")
    no_exception(plan)
    assert list(plan.dataframe[0].value.columns) == ["N°", "Titre", "Maître d'ouvrage"]
    assert plan.selectbox(key="projets_fiche").value == pid
