"""The page guard: a French message with a short reason, the detail in the server log only."""

from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy.exc import OperationalError
from streamlit.testing.v1 import AppTest

from carnet.errors import SourceFormatError
from carnet.projets.errors import ProjetError
from carnet.ui import guard
from tests.app.inert import assert_no_leak, displayed


@pytest.mark.parametrize("exc, expected", [
    (ValueError("could not convert '/work/wt/x/carnet/fiches.py'"), guard.INTERNAL),
    (KeyError("pop_2022"), guard.INTERNAL),
    (TypeError("object of type 'int' has no len()"), guard.INTERNAL),
    (RecursionError("maximum recursion depth exceeded"), "données trop profondément imbriquées"),
    (OperationalError("INSERT …", {}, Exception("database is locked")), "occupée par une autre opération"),
    (OperationalError("CREATE TABLE projet", {}, Exception("table projet already exists")),
     "en cours d'initialisation par une autre session"),
    (OperationalError("SELECT 1", {}, Exception("could not connect to server")),
     "la base des projets est inaccessible"),
    (SourceFormatError("/srv/carnet/sources/insee/base-cc.csv", "colonne CODGEO absente", 3),
     "Fichier base-cc.csv, ligne 3 : colonne CODGEO absente"),
    (ProjetError("Projet n°12 introuvable."), "Projet n°12 introuvable"),
])
def test_reason_is_short_french_and_pathless(exc, expected):
    text = guard.reason(exc)
    assert expected in text
    assert "/" not in text and ".py" not in text and "Error" not in text


def test_scrub_keeps_file_names_and_fractions():
    assert guard.scrub("lu dans /home/u/data/x.csv et C:\\Users\\m\\y.gpkg") == \
        "lu dans x.csv et y.gpkg"
    assert guard.scrub("Fichier /srv/carnet/x.csv : 1/2 lu") == "Fichier x.csv : 1/2 lu"
    assert len(guard.scrub("a" * 1000)) == 300


def _failing_page():
    import streamlit as st

    from carnet.ui.guard import page_guard

    st.title("Avant")
    with page_guard():
        st.write("Début")
        raise ValueError('File "/work/secret/carnet/x.py", line 3: boom')
    st.write("Après")  # the rest of the script still runs


def test_guarded_page_shows_french_message_and_logs_traceback(caplog):
    caplog.set_level(logging.ERROR, logger="carnet.ui")
    at = AppTest.from_function(_failing_page).run()
    assert_no_leak(at)
    [err] = at.error
    text = displayed(err.value)
    ref = re.fullmatch(r"Cette page n'a pas pu s'afficher\u00a0: erreur interne du Carnet, consignée "
                       r"dans le journal du serveur \(référence ([0-9a-f]{8})\)\.", text)
    assert ref, text
    [rec] = [r for r in caplog.records if r.name == "carnet.ui"]
    assert ref.group(1) in rec.getMessage()
    assert rec.exc_info and "boom" in str(rec.exc_info[1])  # the detail stays server-side
    assert [m.value for m in at.markdown] == ["Début", "Après"]


def _control_flow_page():
    import streamlit as st

    from carnet.ui.guard import page_guard

    with page_guard():
        st.write("Avant stop")
        st.stop()
    st.write("jamais")


def test_stop_and_rerun_pass_through():
    at = AppTest.from_function(_control_flow_page).run()
    assert not at.error and not at.exception
    assert [m.value for m in at.markdown] == ["Avant stop"]


@pytest.mark.integration
def test_failing_atlas_page_through_app(app, monkeypatch):
    import carnet.fiches

    def boom(*args, **kwargs):
        raise ValueError("could not convert string to float: '/work/x/carnet/fiches.py'")

    monkeypatch.setattr(carnet.fiches, "compare_display", boom)
    app.switch_page("pages/comparer.py").run()
    assert_no_leak(app)
    assert app.title[0].value == "Comparer"  # what came before the failure stays
    assert displayed(app.error[0].value).startswith("Cette page n'a pas pu s'afficher\u00a0: erreur interne")


@pytest.mark.integration
@pytest.mark.parametrize("db_error, expected", [
    ("database is locked", "occupée par une autre opération depuis plus de 30 secondes"),
    ("table projet already exists", "en cours d'initialisation par une autre session ; rechargez"),
])
def test_registry_errors_through_app(app, monkeypatch, db_error, expected):
    import carnet.ui.projets as ui

    def failing(url, pack_id):  # opening (migrations, seed) of the registry fails
        raise OperationalError("CREATE TABLE projet (…)", {}, Exception(db_error))

    monkeypatch.setattr(ui, "_repository", failing)
    app.switch_page("pages/plan_actions.py").run()
    assert_no_leak(app)
    assert expected in displayed(app.error[0].value), app.error[0].value


def test_config_hides_error_details_and_raw_table_downloads():
    import tomllib
    from pathlib import Path

    conf = tomllib.loads((Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml")
                         .read_text(encoding="utf-8"))
    assert conf["client"]["showErrorDetails"] == "none"
    assert conf["client"]["disableDataExport"] is True


def _unguarded_callback_page():
    import streamlit as st

    def fail():
        raise ValueError('File "/work/secret/x.py", line 1')

    st.button("Lancer", on_click=fail)  # callbacks run before the page, outside any guard


def test_unguarded_error_is_redacted_by_streamlit():
    from streamlit import config

    old = config.get_option("client.showErrorDetails")
    config.set_option("client.showErrorDetails", "none")  # as .streamlit/config.toml says
    try:
        at = AppTest.from_function(_unguarded_callback_page).run()
        at.button[0].click().run()
        text = " ".join(f"{e.message} {' '.join(e.stack_trace)}" for e in at.exception)
        assert at.exception and "secret" not in text and "x.py" not in text, text
    finally:
        config.set_option("client.showErrorDetails", old)
