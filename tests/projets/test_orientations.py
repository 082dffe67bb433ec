"""The orientations are the pack's: one table in territoire.toml, one accessor."""

from __future__ import annotations

import tomllib

import pytest

from carnet import config
from carnet.errors import ConfigError
from carnet.projets import constants
from carnet.projets.orientations import _parse, orientations
from tests.projets.conftest import make_communes


def test_nord_orientations_read_from_its_pack_file():
    raw = tomllib.loads(config.config_path("nord").read_text(encoding="utf-8"))["orientations"]
    o = orientations("nord")
    assert o.codes == ["cohesion", "environnement", "developpement"] == [r["code"] for r in raw]
    assert o.short["environnement"] == "Environnement préservé"
    assert o.colors == {"cohesion": "#d95f02", "environnement": "#1b9e77",
                        "developpement": "#7570b3"}
    assert o.labels["developpement"] == "Créer les conditions d'un développement responsable"
    assert o.expected() == "1, 2 ou 3"


def test_no_nord_fact_left_in_the_constants():
    for name in ("ORIENTATIONS", "ORIENTATION_SHORT", "ORIENTATION_COLORS", "CONTRATS"):
        assert not hasattr(constants, name), name
    assert "orientation" not in constants.VOCABS


def test_codes_numbers_and_labels_per_pack():
    assert constants.to_code("orientation", "2", "nord") == "environnement"
    assert constants.to_code("orientation", "cohésion sociale et solidarités", "nord") == "cohesion"
    assert orientations("somme").codes == [] and not orientations("somme")
    assert constants.to_code("orientation", "2", "somme") is None
    assert constants.to_code("orientation", "cohesion", "somme") is None
    assert constants.vocabs("somme")["orientation"] == {}


def test_default_pack_follows_carnet_pack(monkeypatch):
    monkeypatch.setenv("CARNET_PACK", "somme")
    assert not orientations()
    monkeypatch.setenv("CARNET_PACK", "nord")
    assert len(orientations()) == 3


def test_a_pack_without_orientations_refuses_one_and_draws_none():
    from carnet.maps.projects import legend_html
    from carnet.projets.demo import generate_demo
    from carnet.projets.territory import TerritoryContext
    from carnet.projets.validation import clean_projet
    from carnet.projets.views import fiche

    somme = TerritoryContext(pack_id="somme", communes=make_communes())
    clean, errors = clean_projet({"titre": "Maison", "orientation": "1"}, somme)
    assert errors == ["orientation inconnu(e) « 1 » (attendu : aucune orientation déclarée "
                      "pour ce pack)"]
    clean, errors = clean_projet({"titre": "Maison"}, somme)
    assert not errors and clean["orientation"] is None and clean["pack"] == "somme"
    rows = generate_demo(somme, None, 20, seed=3)
    assert {r["orientation"] for r in rows} == {None}
    legend = legend_html("somme")
    assert "Cohésion" not in legend and "Environnement" not in legend
    assert "Cohésion sociale et solidarités" in legend_html("nord")
    assert dict(fiche({"titre": "Maison", "orientation": None}, somme))["Orientation"] == (
        "Non renseigné")


@pytest.mark.parametrize(("rows", "message"), [
    ([{"code": "a", "numero": 1, "libelle": "A", "libelle_court": "A"}], "incomplète"),
    ([{"code": "a", "numero": 1, "libelle": "A", "libelle_court": "A", "couleur": "rouge"}],
     "couleur « rouge »"),
    ([{"code": "a", "numero": 1, "libelle": "A", "libelle_court": "A", "couleur": "#000000"},
      {"code": "a", "numero": 2, "libelle": "B", "libelle_court": "B", "couleur": "#000000"}],
     "code d'orientation en double"),
])
def test_bad_orientation_table_is_said_in_french(rows, message):
    with pytest.raises(ConfigError, match=message):
        _parse(rows, "territoire.toml")
