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


def test_section_on_the_nord(built_cache, database, monkeypatch):
    """The Cambrésis with the registry's seed projects (10, of the founding document)."""
    monkeypatch.setenv("CARNET_CACHE", str(built_cache))
    monkeypatch.setenv("CARNET_PACK", "nord")
    at = run("cambresis", monkeypatch)
    text = texts(at)
    assert "Indicateurs retenus : Taux de chômage des 15" in text
    assert "Indicateurs par défaut absents" not in text
    assert "les communes du territoire, 116" in text
    df = at.dataframe[0].value
    assert len(df) == 116 and df.columns[:4].tolist() == ["Rang", "Commune", "Code",
                                                         "Score de besoin"]
    first = df["Quadrant"].tolist()
    assert first[0] == "besoin élevé, peu de projets"
    assert df["Projets"].astype(int).sum() > 0  # the seed projects are counted
    assert [m.label for m in at.metric][0] == "Besoin élevé, peu de projets"
    at.radio[0].set_value("pack").run()
    assert not at.exception
    assert "toutes les communes du pack, 649" in texts(at)  # 648 + L'Orée de Mormal's own row
    assert len(at.dataframe[0].value) == 116


def test_section_on_the_somme(somme_cache, database, monkeypatch):
    """The Somme: arrondissements as territories, no « part des 75 ans » in its pack."""
    monkeypatch.setenv("CARNET_CACHE", str(somme_cache))
    monkeypatch.setenv("CARNET_PACK", "somme")
    at = run("abbeville", monkeypatch)
    text = texts(at)
    assert "Indicateurs par défaut absents de ce carnet : part\\_75plus." in text
    assert at.multiselect[0].value == ["taux_chomage_2021", "revenu_median_2019",
                                       "taux_pauvrete_2019", "evol_pop_2015_2021"]
    assert "Aucun projet dans le registre" in text
    assert len(at.dataframe[0].value) == 164
    at.multiselect[0].set_value([]).run()
    assert "Choisissez au moins un indicateur" in texts(at)
