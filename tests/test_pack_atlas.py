"""The atlas settings of a pack (``atlas.toml``): indicator lists and phrases read as data."""

from __future__ import annotations

import shutil

import pytest

from carnet import paths
from carnet.config import ATLAS_LISTS, ATLAS_SUMMARY, load_atlas, load_config
from carnet.errors import ConfigError


def _pack_with(tmp_path, atlas: str | None):
    """The Somme's territoire.toml with ``atlas`` as its atlas.toml (None: no file)."""
    folder = tmp_path / "somme"
    folder.mkdir()
    shutil.copy(paths.PACKS_DIR / "somme" / "territoire.toml", folder / "territoire.toml")
    if atlas is not None:
        (folder / "atlas.toml").write_text(atlas, encoding="utf-8")
    return folder / "territoire.toml"


def test_defaults_cover_every_list_and_summary_key():
    atlas = load_atlas()
    assert set(atlas.lists) == set(ATLAS_LISTS) and set(atlas.summary) == set(ATLAS_SUMMARY)
    assert atlas.ids("chiffres_cles")[0] == "pop_2022"
    assert atlas.phrases == {} and atlas.of_departement is None


def test_the_nord_names_its_territories_and_keeps_the_default_lists():
    cfg = load_config("nord")
    assert cfg.atlas.lists == load_atlas().lists
    assert cfg.atlas.of_departement == "du Nord"
    cam = cfg.atlas.phrases["cambresis"]
    assert (cam.sujet, cam.dans, cam.de) == ("Le Cambrésis", "dans le Cambrésis", "du Cambrésis")
    assert set(cfg.atlas.phrases) == {t.id for t in cfg.territoires}
    assert cfg.controle_epci == "epci-contours-2025"


def test_the_somme_lists_its_own_vintages():
    cfg = load_config("somme")
    assert cfg.atlas.ids("chiffres_cles")[:2] == ("pop_2021", "evol_pop_2015_2021")
    assert cfg.atlas.summary["revenu"] == "revenu_median_2019"
    assert cfg.atlas.of_departement == "de la Somme"
    assert "59" not in cfg.atlas.search_example and "Maubeuge" not in cfg.atlas.search_example
    assert cfg.controle_epci is None  # the EPCI outlines of the Nord say nothing of the Somme
    for key in ATLAS_LISTS:
        assert set(cfg.atlas.ids(key)) <= set(cfg.indicator_ids), key


def test_no_file_means_the_defaults(tmp_path):
    cfg = load_config("somme", path=_pack_with(tmp_path, None))
    assert cfg.atlas == load_atlas()


def test_a_pack_file_overrides_only_its_keys(tmp_path):
    cfg = load_config("somme", path=_pack_with(tmp_path, '[indicateurs]\ncarte = ["pop_2021"]\n'))
    assert cfg.atlas.ids("carte") == ("pop_2021",)
    assert cfg.atlas.ids("chiffres_cles") == load_atlas().ids("chiffres_cles")


def test_an_unknown_indicator_lists_the_packs_indicators(tmp_path):
    path = _pack_with(tmp_path, '[indicateurs]\nchiffres_cles = ["pop_2021", "pop_2022"]\n')
    with pytest.raises(ConfigError) as e:
        load_config("somme", path=path)
    msg = str(e.value)
    assert str(path.parent / "atlas.toml") in msg and "[indicateurs] chiffres_cles" in msg
    assert "Indicateur inconnu : 'pop_2022'" in msg  # in the registry, but not in this pack
    assert "Valeurs possibles : " in msg and "pop_2021" in msg and "taux_chomage_2021" in msg


def test_an_unknown_summary_indicator_is_refused(tmp_path):
    with pytest.raises(ConfigError, match=r"\[resume\] revenu : Indicateur inconnu : 'revenu'"):
        load_config("somme", path=_pack_with(tmp_path, '[resume]\nrevenu = "revenu"\n'))


@pytest.mark.parametrize(("text", "expected"), [
    ('[indicateurs]\ncartes = ["pop_2021"]\n',
     r"Paramètre de \[indicateurs\] inconnu : 'cartes'.*carte_commune"),
    ('[textes]\ndu_dep = "de la Somme"\n', r"Paramètre de \[textes\] inconnu : 'du_dep'"),
    ('[chiffres]\nx = 1\n', r"Tableau inconnu : 'chiffres'. Valeurs possibles : indicateurs, resume, textes"),
    ('indicateurs = 3\n', r"\[indicateurs\] doit être une table"),
    ('[indicateurs]\ncarte = "pop_2021"\n', r"\[indicateurs\] carte : liste d'identifiants attendue"),
    ('[indicateurs]\ncarte = [2021]\n', r"identifiant d'indicateur attendu, trouvé 2021"),
    ('[textes.territoires]\nlille = { sujet = "L", dans = "à L", de = "de L" }\n',
     r"Territoire inconnu : 'lille'. Valeurs possibles : abbeville, amiens, montdidier, peronne"),
    ('[textes.territoires]\namiens = { sujet = "L\'arrondissement" }\n',
     r"amiens : sujet, dans et de attendus"),
    ('[textes\n', r"TOML invalide"),
])
def test_a_faulty_atlas_file_names_the_file_and_the_key(tmp_path, text, expected):
    path = _pack_with(tmp_path, text)
    with pytest.raises(ConfigError, match=expected) as e:
        load_config("somme", path=path)
    assert str(path.parent / "atlas.toml") in str(e.value)
