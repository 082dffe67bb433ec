"""Who the CLI records as author (``cli:<name>``): validated, and optionally an account."""

from __future__ import annotations

import argparse

import pytest

from carnet.auth import hash_password
from carnet.projets.cli import add_subparsers, cli_user, demo_projets, projets_import
from carnet.projets.errors import ProjetError

CSV = "titre;commune;statut\nMusée de la Dentelle;59139;engagé\n"


@pytest.fixture(autouse=True)
def no_secrets(tmp_path, monkeypatch):
    """No secrets file but the test's own (HOME and the working folder are empty)."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CARNET_SECRETS", raising=False)
    monkeypatch.setenv("LOGNAME", "agent59")


@pytest.fixture
def require_accounts(tmp_path, monkeypatch):
    f = tmp_path / "secrets.toml"
    f.write_text(
        "[carnet.cli]\nrequire_account = true\n"
        f'[carnet.users.marie]\npassword_hash = "{hash_password("x", 1000)}"\nrole = "éditeur"\n'
        f'[carnet.users.lea]\npassword_hash = "{hash_password("x", 1000)}"\nrole = "lecteur"\n',
        encoding="utf-8")
    monkeypatch.setenv("CARNET_SECRETS", str(f))


def _csv(tmp_path):
    f = tmp_path / "p.csv"
    f.write_text(CSV, encoding="utf-8")
    return str(f)


def _authors(repo) -> list[str]:
    return sorted({h["user"] for pid in repo.dataframe("nord")["id"] for h in
                   repo.history(int(pid))})


def test_login_name_is_recorded(repo, tmp_path):
    assert projets_import(_csv(tmp_path), "nord", repo=repo) == 0
    assert _authors(repo) == ["cli:agent59"]


def test_explicit_user_is_recorded(repo, tmp_path):
    assert projets_import(_csv(tmp_path), "nord", repo=repo, user="marie.dupont") == 0
    assert demo_projets("nord", "cambresis", 2, repo=repo, user="marie.dupont") == 0
    assert _authors(repo) == ["cli:marie.dupont"]


@pytest.mark.parametrize("name,shown", [
    ("<script>alert(1)</script>", "« <script>alert(1)</script> »"),
    ("x" * 304, "« " + "x" * 40 + "… (304 caractères) »"),
    ("marie dupont", "« marie dupont »"),
    ("\x1b[2J", "« \ufffd[2J »"),
])
def test_invalid_login_name_is_refused_before_any_write(repo, tmp_path, monkeypatch, capsys,
                                                        name, shown):
    """A `<script>` or 304-character $LOGNAME used to be stored in a 100-character column."""
    monkeypatch.setenv("LOGNAME", name)
    assert projets_import(_csv(tmp_path), "nord", repo=repo) == 2
    err = capsys.readouterr().err
    assert f"nom d'utilisateur refusé {shown}" in err and "indiquez --utilisateur" in err
    assert demo_projets("nord", "cambresis", 2, repo=repo) == 2
    assert projets_import(_csv(tmp_path), "nord", repo=repo, user=name) == 2
    assert repo.count() == 0


def test_deployment_can_require_an_account(repo, tmp_path, capsys, require_accounts):
    assert projets_import(_csv(tmp_path), "nord", repo=repo) == 2
    assert "cette installation exige --utilisateur" in capsys.readouterr().err
    assert projets_import(_csv(tmp_path), "nord", repo=repo, user="agent59") == 2
    assert "« agent59 » n'est pas un compte déclaré" in capsys.readouterr().err
    assert projets_import(_csv(tmp_path), "nord", repo=repo, user="lea") == 2
    assert "« Lecteur » ne permet pas d'importer" in capsys.readouterr().err
    assert demo_projets("nord", "cambresis", 2, repo=repo, user="lea") == 2
    assert repo.count() == 0
    assert projets_import(_csv(tmp_path), "nord", repo=repo, user="marie") == 0
    assert demo_projets("nord", "cambresis", 2, repo=repo, user="marie") == 0
    assert _authors(repo) == ["cli:marie"]


def test_cli_user_function():
    assert cli_user("marie", "import", {}) == "cli:marie"
    secrets = {"cli": {"require_account": True},
               "users": {"paul": {"role": "administrateur"}}}
    assert cli_user("paul", "edit", secrets) == "cli:paul"
    with pytest.raises(ProjetError, match="exige --utilisateur"):
        cli_user(None, "edit", secrets)


def test_utilisateur_option():
    p = argparse.ArgumentParser()
    add_subparsers(p.add_subparsers(dest="command"))
    a = p.parse_args(["projets", "import", "f.csv", "--pack", "nord",
                      "--utilisateur", "marie"])
    assert a.utilisateur == "marie"
    a = p.parse_args(["demo-projets", "--pack", "nord", "--utilisateur", "marie"])
    assert a.utilisateur == "marie"
    assert p.parse_args(["demo-projets", "--pack", "nord"]).utilisateur is None
