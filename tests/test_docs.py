"""Fails when something user-facing is undocumented (datasette-style)."""

from pathlib import Path

from carnet.cli import parser
from carnet.config import available_packs, load_config

ROOT = Path(__file__).resolve().parent.parent


def test_readme_documents_every_cli_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    sub = next(a for a in parser()._actions if a.dest == "command")
    for name in sub.choices:
        assert f"python -m carnet {name}" in readme, f"README : commande « {name} » non documentée"


def test_readme_gives_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme and "make test" in readme and "CARNET_SOURCES" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_pack_documents_its_perimeter():
    assert {"nord", "somme"} <= set(available_packs())
    for pid in available_packs():
        cfg = load_config(pid)
        assert len(cfg.perimetre.get("note", "")) > 30, pid
        assert cfg.territoires, pid


def test_architecture_lists_every_carnet_module():
    """docs/ARCHITECTURE.md names every module under carnet/, and no module that is gone."""
    import re

    doc = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "carnet").rglob("*.py")}
    listed = set(re.findall(r"`(carnet/[\w/]+\.py)`", doc))
    missing, gone = sorted(modules - listed), sorted(listed - modules)
    assert not missing, ("docs/ARCHITECTURE.md : module(s) absent(s) de la liste des modules : "
                         + ", ".join(missing))
    assert not gone, ("docs/ARCHITECTURE.md : module(s) listé(s) mais absent(s) du code : "
                      + ", ".join(gone))


def test_architecture_defines_the_vocabulary():
    doc = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    for word in ("pack", "territoire", "maille", "indicateur", "couche", "projet", "contrat",
                 "enjeu", "orientation"):
        assert f"| **{word}** |" in doc, f"docs/ARCHITECTURE.md : « {word} » non défini"
