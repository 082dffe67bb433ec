"""Pure tests of the pack configuration's départements: one ``[departement]`` table (nord,
somme) or a ``departements = [...]`` list with its ``[ensemble]`` (a region pack)."""

from __future__ import annotations

import pytest

from carnet.config import load_config
from carnet.errors import ConfigError

GEO = """
[geographie]
contours = "contours-admin-express-2018"
cog = "cog-decoupage-administratif-2024"
"""
TERR = """
[[territoires]]
id = "nord"
nom = "Nord"
departements = ["59"]

[[territoires]]
id = "pas-de-calais"
nom = "Pas-de-Calais"
departements = ["62"]
"""


def write(tmp_path, head: str, terr: str = TERR):
    p = tmp_path / "duo" / "territoire.toml"
    p.parent.mkdir(exist_ok=True)
    p.write_text(head + GEO + terr, encoding="utf-8")
    return p


def test_a_list_of_departements_with_its_whole(tmp_path):
    p = write(tmp_path, 'departements = ["59", "62"]\n[ensemble]\ncode = "32"\nnom = "Hauts-de-France"\n'
                        'libelle = "région"\n')
    cfg = load_config(path=p)
    assert cfg.dep_codes == ("59", "62") and cfg.multi
    assert [(d.code, d.nom, d.slug) for d in cfg.departements] == [
        ("59", "Nord", "nord"), ("62", "Pas-de-Calais", "pas-de-calais")]
    assert (cfg.dep, cfg.dep_nom, cfg.ensemble_libelle) == ("32", "Hauts-de-France", "région")
    assert cfg.params_all == ({"dep": "59", "dep_slug": "nord"},
                              {"dep": "62", "dep_slug": "pas-de-calais"})
    assert cfg.territoire("pas-de-calais").departements == ("62",)
    assert (cfg.ensemble.le, cfg.ensemble.au, cfg.ensemble.Mot) == ("la région", "à la région", "Région")
    assert cfg.nom == "Hauts-de-France" and cfg.id == "duo"  # defaults from the whole, the folder


def test_a_list_without_ensemble_names_its_whole_from_its_departements(tmp_path):
    cfg = load_config(path=write(tmp_path, 'departements = ["59", "62"]\n'))
    assert (cfg.dep, cfg.dep_nom, cfg.ensemble_libelle) == ("59-62", "Nord + Pas-de-Calais", "ensemble")


def test_the_single_departement_table_is_unchanged():
    for pid, code, slug in (("nord", "59", "nord"), ("somme", "80", "somme")):
        cfg = load_config(pid)
        assert (cfg.dep, cfg.dep_slug, cfg.dep_codes, cfg.multi) == (code, slug, (code,), False)
        assert cfg.params == {"dep": code, "dep_slug": slug} and cfg.ensemble_libelle == "département"


def test_the_region_pack():
    cfg = load_config("hdf")
    assert cfg.dep_codes == ("02", "59", "60", "62", "80")
    assert (cfg.dep, cfg.dep_nom, cfg.ensemble_libelle) == ("32", "Hauts-de-France", "région")
    assert [t.departements for t in cfg.territoires] == [("02",), ("59",), ("60",), ("62",), ("80",)]
    # no Nord-only source: its indicators are simply not in the pack
    assert not {"insee-comparateur-2025-nord", "insee-dossier-complet-2025-nord"} & set(cfg.sources)
    assert "pop_2022" not in cfg.indicator_ids and "pop_2021" in cfg.indicator_ids


@pytest.mark.parametrize(("head", "message"), [
    ('departements = ["59", "75"]\n',
     r"departements : Département inconnu : '75'\. Valeurs possibles : 02, 59, 60, 62, 80"),
    ('departements = []\n', r"departements : liste non vide de codes INSEE attendue"),
    ('departements = [59, 62]\n',
     r"departements : liste non vide de codes INSEE attendue .* trouvé \[59, 62\]"),
    ('departements = "59"\n', r"departements : liste non vide"),
    ('departements = ["59", "59"]\n', r"departements : code en double"),
    ('departements = ["59", "62"]\n[departement]\ncode = "59"\nnom = "Nord"\nslug = "nord"\n',
     r"\[departement\] et departements : l'un ou l'autre"),
    ('departements = ["59", "62"]\n[ensemble]\nlabel = "x"\n',
     r"Paramètre de \[ensemble\] inconnu : 'label'\. Valeurs possibles : code, libelle, nom"),
    ('departements = ["59", "62"]\n[ensemble]\ncode = "62"\n', r"\[ensemble\] code : '62' est le code"),
    ('departements = ["59", "62"]\n[ensemble]\nlibelle = "pays"\n',
     r"Libellé de \[ensemble\] inconnu : 'pays'\. Valeurs possibles : département, ensemble, région"),
    ('nom = "x"\n', r"clé obligatoire manquante 'departement'"),
])
def test_a_bad_departements_key_names_the_file_and_the_key(tmp_path, head, message):
    p = write(tmp_path, head)
    with pytest.raises(ConfigError, match=message) as e:
        load_config(path=p)
    assert str(p) in str(e.value)


def test_a_territory_outside_the_packs_departements_is_refused(tmp_path):
    p = write(tmp_path, 'departements = ["59", "62"]\n',
              TERR + '\n[[territoires]]\nid = "somme"\nnom = "Somme"\ndepartements = ["80"]\n')
    with pytest.raises(ConfigError, match=r"\[\[territoires\]\] somme : departements : département '80' "
                                          r"hors du carnet \(valeurs : 59, 62\)"):
        load_config(path=p)
