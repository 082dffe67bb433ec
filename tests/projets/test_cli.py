"""CLI functions, called directly and through argparse."""

from __future__ import annotations

import argparse

import geopandas as gpd

from carnet.projets.cli import add_subparsers, demo_projets, projets_export, projets_import


def test_import_dry_run_then_real_then_export(repo, tmp_path, capsys):
    f = tmp_path / "p.csv"
    f.write_bytes("titre;commune;statut\nMusée de la Dentelle;59139;engagé\n"
                  "Béguinage;59139;engagé\n".encode("cp1252"))
    assert projets_import(str(f), "nord", "cambresis", dry_run=True, repo=repo) == 0
    assert "rien n'a été enregistré" in capsys.readouterr().out
    assert repo.count() == 0
    assert projets_import(str(f), "nord", "cambresis", repo=repo) == 0
    assert "2 projet(s) importé(s)" in capsys.readouterr().out
    out = tmp_path / "p.gpkg"
    assert projets_export("nord", "cambresis", "gpkg", str(out), repo=repo) == 0
    assert sorted(gpd.read_file(out)["titre"]) == ["Béguinage", "Musée de la Dentelle"]


def test_import_rejected_rows_exit_1_and_lists_lines(repo, tmp_path, capsys):
    f = tmp_path / "p.csv"
    f.write_text("titre;commune\nA;59122\n;59122\nB;12345\n", encoding="utf-8")
    assert projets_import(str(f), "nord", repo=repo) == 1
    out = capsys.readouterr().out
    assert "ligne 3 (sans titre) : titre manquant" in out
    assert "ligne 4 (B) : code commune inconnu « 12345 »" in out
    assert repo.count() == 0


def test_import_refused_file_exit_2(repo, tmp_path, capsys):
    f = tmp_path / "p.vrt"
    f.write_text("<OGRVRTDataSource/>")
    assert projets_import(str(f), "nord", repo=repo) == 2
    assert "extension « .vrt » non prise en charge" in capsys.readouterr().err
    assert projets_import(str(tmp_path / "absent.csv"), "nord", repo=repo) == 2


def test_demo_projets(repo, capsys):
    assert demo_projets("nord", "cambresis", 12, repo=repo) == 0
    df = repo.dataframe("nord", "cambresis")
    assert len(df) == 12 and df["illustratif"].all()
    assert demo_projets("nord", "atlantide", 3, repo=repo) == 2
    assert "territoire inconnu « atlantide »" in capsys.readouterr().err


def _parse(argv):
    """Parse like ``python -m carnet`` and settle --pack/--territoire (warnings on stderr)."""
    from carnet.cli import parser
    from carnet.cli_options import resolve_pack_arguments

    args = parser().parse_args(argv)
    resolve_pack_arguments(args)
    return args


def test_pack_and_territoire_flags(capsys, monkeypatch):
    monkeypatch.delenv("CARNET_PACK", raising=False)
    a = _parse(["projets", "import", "f.csv", "--pack", "nord", "--territoire", "cambresis",
                "--dry-run"])
    assert (a.file, a.pack, a.territoire, a.dry_run) == ("f.csv", "nord", "cambresis", True)
    a = _parse(["projets", "export", "--format", "gpkg"])  # the default pack
    assert (a.pack, a.territoire, a.format, a.output) == ("nord", None, "gpkg", None)
    a = _parse(["demo-projets", "--pack", "somme", "--n", "280"])
    assert (a.pack, a.territoire, a.n) == ("somme", None, 280) and callable(a.func)
    a = _parse(["build", "--pack", "somme"])
    assert a.pack == "somme"
    assert capsys.readouterr().err == ""  # the new spellings warn about nothing
    monkeypatch.setenv("CARNET_PACK", "somme")
    assert _parse(["check"]).pack == "somme"
    assert _parse(["projets", "export", "--format", "csv"]).pack == "somme"


def test_territoire_naming_a_pack_is_the_deprecated_pack(capsys, monkeypatch):
    monkeypatch.delenv("CARNET_PACK", raising=False)
    a = _parse(["projets", "import", "f.csv", "--territoire", "nord", "--contrat", "cambresis"])
    assert (a.pack, a.territoire) == ("nord", "cambresis")
    err = capsys.readouterr().err
    assert "--territoire nord est obsolète : utilisez --pack nord" in err
    assert "--contrat cambresis est obsolète : utilisez --territoire cambresis" in err
    a = _parse(["projets", "export", "--territoire", "somme", "--format", "csv"])
    assert (a.pack, a.territoire) == ("somme", None)
    assert "--territoire somme est obsolète : utilisez --pack somme" in capsys.readouterr().err
    for command in (["build"], ["check"], ["sources"], ["export", "--maille", "commune"]):
        a = _parse([*command, "--territoire", "nord"])
        assert a.pack == "nord" and a.territoire is None
        assert "--territoire nord est obsolète : utilisez --pack nord" in capsys.readouterr().err


def test_territoire_with_pack_is_always_a_contract_territory(capsys):
    # a region pack may have a territory named like a pack: with --pack, no guessing
    a = _parse(["projets", "export", "--pack", "nord", "--territoire", "somme",
                "--format", "csv"])
    assert (a.pack, a.territoire) == ("nord", "somme")
    a = _parse(["demo-projets", "--territoire", "cambresis"])  # not a pack id
    assert (a.pack, a.territoire) == ("nord", "cambresis")
    assert capsys.readouterr().err == ""


def test_contrat_alone_is_the_deprecated_territoire(capsys):
    a = _parse(["demo-projets", "--pack", "nord", "--contrat", "cambresis"])
    assert (a.pack, a.territoire) == ("nord", "cambresis")
    assert "--contrat cambresis est obsolète : utilisez --territoire cambresis" in (
        capsys.readouterr().err)


def test_conflicting_or_misplaced_territoire_is_refused(capsys):
    from carnet.cli import main

    assert main(["demo-projets", "--pack", "nord", "--territoire", "cambresis",
                 "--contrat", "douaisis"]) == 2
    assert "désignent deux territoires" in capsys.readouterr().err
    assert main(["check", "--pack", "nord", "--territoire", "cambresis"]) == 2
    assert "ne prend pas de territoire de contrat" in capsys.readouterr().err


def test_deprecated_flags_through_a_real_process(tmp_path):
    """The whole command line, as a script written for the old flags runs it."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "CARNET_DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite'}",
           "CARNET_PACK": ""}
    out = subprocess.run([sys.executable, "-m", "carnet", "sources", "--territoire", "nord"],
                         cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "Avertissement : --territoire nord est obsolète : utilisez --pack nord." in out.stderr
    assert "Dossier des sources" in out.stdout


def test_import_options_mapping_proposals_partial(tech_repo, tmp_path, capsys):
    from tests.projets.test_import_mapping import row, xlsx

    f = tmp_path / "plan.xlsx"
    f.write_bytes(xlsx([row(), row(titre="Médiathèque", commune="Cambray", code=None),
                        row(titre="Salle", commune="Villers", code=None)]))
    args = dict(repo=tech_repo, dry_run=True)
    assert projets_import(str(f), "nord", **args) == 1
    out = capsys.readouterr().out
    assert "Correspondance des colonnes :" in out
    assert "Code commune INSEE ← Code INSEE (contenu : 100 % de codes INSEE" in out
    assert "Titre ← Intitulé de l'opération (en-tête)" in out
    assert "ligne 6 (Médiathèque) : commune « Cambray » non reconnue" not in out
    assert "ligne 6 (Médiathèque) : commune « Cambray » non reconnu(e) : proposition " \
           "« Cambrai (59122) » à accepter" in out
    assert "ligne 7 (Salle) : commune « Villers » ambigu(ë)" in out
    assert "Propositions (appliquées seulement avec --accepter-suggestions" in out
    assert "vouliez-vous dire « Cambrai (59122) » ?" in out
    # --colonnes overrides the guess: the title now comes from the "Porteur" column
    assert projets_import(str(f), "nord", colonnes='titre="Porteur"', **args) == 1
    out = capsys.readouterr().out
    assert "Titre ← Porteur (choix de l'utilisateur)" in out
    assert "ligne 6 (Département du Nord) : commune « Cambray »" in out
    assert projets_import(str(f), "nord", colonnes='intitule="X"', **args) == 2
    assert "champ(s) inconnu(s) : intitule" in capsys.readouterr().err
    # a mapping file settles the ambiguous name; the fuzzy one by --accepter-suggestions
    m = tmp_path / "correspondance.toml"
    m.write_text('[colonnes]\nmaitre_ouvrage = "Porteur"\n[valeurs.commune]\n'
                 'Villers = "59624"\n', encoding="utf-8")
    assert projets_import(str(f), "nord", mapping_file=str(m), accept_suggestions=True,
                          **args) == 0
    assert "3 ligne(s) valide(s) sur 3, prêtes à importer." in capsys.readouterr().out
    assert tech_repo.count() == 0
    # partial import of the valid rows, for real
    assert projets_import(str(f), "nord", repo=tech_repo, partial=True) == 0
    assert "1 projet(s) importé(s), 0 mis à jour, 0 inchangé(s)." in capsys.readouterr().out
    assert tech_repo.count() == 1


def test_import_argparse_options():
    p = argparse.ArgumentParser()
    add_subparsers(p.add_subparsers(dest="command"))
    a = p.parse_args(["projets", "import", "f.xlsx", "--territoire", "nord", "--colonnes",
                      'titre="Intitulé",commune="Code INSEE"', "--mapping", "m.toml",
                      "--accepter-suggestions", "--importer-valides", "--doublons", "ignorer"])
    assert (a.colonnes, a.mapping, a.accepter_suggestions, a.importer_valides, a.doublons) == (
        'titre="Intitulé",commune="Code INSEE"', "m.toml", True, True, "ignorer")
