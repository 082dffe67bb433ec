"""Hostile URLs on every page: a French message at worst, never a traceback or live Markdown.

Issue #8 §3: ``/comparer?indicateurs=pop_2022,pop_2022`` showed a ``ValueError`` traceback
with server paths. Every page is opened through ``app.py`` (as the server does) with
duplicated, unknown, over-long, HTML and Markdown query parameters; nothing in any element
may hold traceback text or a server path, and a planted payload is shown escaped.
"""

from __future__ import annotations

import pytest

from carnet.ui.state import PARAMS
from tests.app.inert import HOSTILE, assert_inert, assert_no_leak, displayed
from tests.app.tables import html_tables

pytestmark = pytest.mark.integration

PAGES = ["pages/accueil.py", "pages/territoire.py", "pages/commune.py", "pages/comparer.py",
         "pages/plan_actions.py", "pages/sources.py"]

QUERIES = {
    # the same parameter twice (?territoire=a&territoire=b), a value repeated in a list
    "dupliques": {"territoire": ["cambresis", "douaisis"], "indicateur": ["pop_2022", "pop_2022"],
                  "classes": ["quantiles", "quantiles"], "commune": ["59122", "59350"],
                  "niveau": ["epci", "territoire"], "unites": "cambresis,cambresis,douaisis",
                  "indicateurs": "pop_2022,pop_2022", "carte": "epci,epci,gares,gares"},
    "inconnus": {**{name: "inconnu" for name in PARAMS}, "commune": "99999",
                 "unites": ",,,", "indicateurs": ",pop_1850,", "page": "admin", "x": "1"},
    "trop_longs": {name: "9" * 20_000 for name in PARAMS},
    "html_markdown": {**{name: HOSTILE for name in PARAMS}, "carte": f"epci,{HOSTILE}",
                      "commune": f"59122{HOSTILE}"},
}


@pytest.fixture
def hostile_app(app, tmp_path, monkeypatch):
    """The app on a throw-away projects registry (the Plan d'actions page seeds it)."""
    monkeypatch.setenv("CARNET_DATABASE_URL", f"sqlite:///{tmp_path / 'projets.sqlite'}")
    yield app
    from carnet import db

    db.dispose_all()


@pytest.mark.parametrize("query", list(QUERIES))
@pytest.mark.parametrize("page", PAGES)
def test_hostile_query_parameters(hostile_app, page, query):
    at = hostile_app
    at.query_params.update(QUERIES[query])
    at.switch_page(page).run()
    assert_no_leak(at)
    assert_inert(at)
    assert at.title, page  # the page itself rendered (not only an error message)
    # at most a French message on a value it cannot use (an unknown commune), never a failure
    assert not [e.value for e in at.error if "n'a pas pu" in e.value], [e.value for e in at.error]
    assert all(len(e.value) < 600 for e in at.error)  # a 20 000-character value is not repeated


def test_duplicated_indicators_compare_once(hostile_app):
    """The reported URL: the comparison shows the indicator once, as a normal page."""
    at = hostile_app
    at.query_params.update({"indicateurs": "pop_2022,pop_2022", "niveau": "territoire"})
    at.switch_page("pages/comparer.py").run()
    assert_no_leak(at)
    assert at.multiselect(key="w_indicateurs").value == ["pop_2022"]
    (table,) = html_tables(at, "carnet-compare")
    assert list(table.columns).count("Population 2022") == 1, list(table.columns)


def test_commune_search_text_is_shown_as_typed(hostile_app):
    at = hostile_app
    at.switch_page("pages/commune.py").run()
    at.text_input(key="recherche_commune").input(HOSTILE).run()
    assert_no_leak(at)
    assert_inert(at)
    said = [displayed(w.value) for w in at.warning if "Aucune commune" in w.value]
    assert said == [f"Aucune commune ne correspond à « {HOSTILE} »."], [w.value for w in at.warning]
