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
