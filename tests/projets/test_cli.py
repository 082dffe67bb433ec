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
    assert "contrat inconnu « atlantide »" in capsys.readouterr().err


def test_add_subparsers_registers_commands():
    p = argparse.ArgumentParser()
    add_subparsers(p.add_subparsers(dest="command"))
    a = p.parse_args(["projets", "import", "f.csv", "--territoire", "nord", "--contrat",
                      "cambresis", "--dry-run"])
    assert (a.file, a.territoire, a.contrat, a.dry_run) == ("f.csv", "nord", "cambresis", True)
    a = p.parse_args(["projets", "export", "--territoire", "nord", "--format", "gpkg"])
    assert (a.format, a.output, a.contrat) == ("gpkg", None, None)
    a = p.parse_args(["demo-projets", "--territoire", "nord", "--contrat", "cambresis",
                      "--n", "280"])
    assert a.n == 280 and callable(a.func)
