"""The « Besoins et projets » section (``render_besoins``) in AppTest: tiny pack, Nord, Somme."""

from __future__ import annotations

import pytest


def _section():
    import os

    from carnet.pack import load_pack
    from carnet.ui.contrat.besoins import render_besoins
    from carnet.ui.guard import page_guard

    with page_guard():
        render_besoins(load_pack(os.environ["CARNET_PACK"]),
                       os.environ.get("BESOINS_TERRITOIRE") or None)


@pytest.fixture
def database(tmp_path, monkeypatch):
    from carnet import db

    monkeypatch.setenv("CARNET_DATABASE_URL", f"sqlite:///{tmp_path / 'projets.sqlite'}")
    yield
    db.dispose_all()


def run(territoire: str | None, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("BESOINS_TERRITOIRE", territoire or "")
    at = AppTest.from_function(_section, default_timeout=120).run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def texts(at) -> str:
    parts = []
    for kind in ("subheader", "markdown", "caption", "info", "warning"):
        parts += [str(e.value) for e in getattr(at, kind)]
    return "\n".join(parts)


def test_section_on_the_tiny_pack(tiny_pack, database, monkeypatch):
    at = run("plateau", monkeypatch)
    text = texts(at)
    assert "Besoins et projets" in text and "ddof = 0" in text
    assert "Indicateurs par défaut absents de ce carnet" in text
    assert at.multiselect[0].value == ["taux_chomage_2022", "revenu_median_2021"]
    df = at.dataframe[0].value
    assert df["Commune"].tolist()[0] == "Bellecourt" and df["Rang"].tolist()[0] == "1"
    assert len(at.get("download_button")) == 2
