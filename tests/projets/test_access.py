"""Role checks at the repository level and the read-only admin screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from carnet import db
from carnet.auth import hash_password
from carnet.projets.errors import PermissionDenied
from carnet.projets.repository import ProjetRepository, UserRepository
from carnet.ui.projets import accounts_frames
from tests.projets.conftest import sample

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "plan_actions.py")


def _writes(r: UserRepository, pid: int, version: int) -> dict:
    """Each write of the registry, as a zero-argument call."""
    return {
        "create": lambda: r.create(sample(titre="Nouveau"), r.user),
        "update": lambda: r.update(pid, {**sample(), "titre": "Modifié"}, version, r.user),
        "delete": lambda: r.delete(pid, r.user),
        "restore": lambda: r.restore(pid, r.user),
        "create_many": lambda: r.create_many([sample(titre="Importé")], r.user),
        "purge_illustrative": lambda: r.purge_illustrative("nord", r.user),
    }


ALLOWED = {
    "viewer": set(),
    "editor": {"create", "update", "delete", "restore", "create_many"},
    "admin": {"create", "update", "delete", "restore", "create_many", "purge_illustrative"},
}


@pytest.mark.parametrize("role", ["viewer", "editor", "admin"])
def test_writes_need_the_right_role(repo, role):
    p = repo.create(sample(), user="seed")
    r = UserRepository(repo, "marie", role)
    before = repo.count("nord")
    for name, call in _writes(r, p["id"], p["version"]).items():
        if name in ALLOWED[role]:
            call()
            if name == "update":
                p = repo.get(p["id"])
            continue
        with pytest.raises(PermissionDenied, match="Action refusée"):
            call()
    if role == "viewer":
        assert repo.count("nord") == before and repo.get(p["id"])["titre"] == "Collège à Cambrai"
        assert [h["action"] for h in repo.history(p["id"])] == ["create"]


def test_reads_pass_through_for_viewers(repo):
    p = repo.create(sample(), user="seed")
    r = UserRepository(repo, "anonyme", "viewer")
    assert r.get(p["id"])["titre"] == "Collège à Cambrai"
    assert len(r.dataframe("nord")) == 1 and r.history(p["id"])
    assert r.ctx is repo.ctx and r.can("export") and not r.can("edit")


def test_unknown_role_is_read_only(repo):
    r = UserRepository(repo, "x", "superuser")
    with pytest.raises(PermissionDenied):
        r.create(sample(), "x")


def test_accounts_frames_never_show_secrets():
    users = {"marie": {"password_hash": hash_password("pw", 600_000), "role": "éditeur"},
             "faible": {"password_hash": hash_password("pw", 1), "role": "admin"},
             "paul": {"password": "en-clair", "role": "admin"},
             "zoe": {"role": "root"},
             "<b>x</b>": {"password_hash": hash_password("pw", 600_000), "role": "editor"}}
    accounts, oidc = accounts_frames(users, {"a@b.fr": "administrateur"})
    rows = accounts.set_index("Identifiant")
    assert rows.loc["marie", "Rôle"] == "Éditeur"
    assert rows.loc["marie", "Mot de passe"] == "haché (PBKDF2, 600\u202f000 itérations)"
    # a 1-iteration hash used to be shown as « haché (PBKDF2) » and to log in
    assert rows.loc["faible", "Mot de passe"].startswith("trop faible (1 itération, minimum")
    assert rows.loc["paul", "Mot de passe"].startswith("en clair : refusé")
    assert rows.loc["zoe", "Rôle"].startswith("root (inconnu")
    assert rows.loc["<b>x</b>", "Mot de passe"].startswith("identifiant invalide")
    text = accounts.to_string() + oidc.to_string()
    assert "pbkdf2_sha256$" not in text and "en-clair" not in text
    assert oidc.to_dict("records") == [{"Adresse électronique": "a@b.fr",
                                        "Rôle": "Administrateur"}]
    relaxed, _ = accounts_frames(users, {}, min_iterations=1)
    assert relaxed.set_index("Identifiant").loc["faible", "Mot de passe"] == \
        "haché (PBKDF2, 1 itération)"


@pytest.fixture
def page_repo(tmp_path, ctx, monkeypatch):
    import carnet.ui.projets as ui

    repo = ProjetRepository(db.get_engine(f"sqlite:///{tmp_path / 'p.sqlite'}"), ctx)
    monkeypatch.setattr(ui, "repository", lambda: repo)
    import carnet.ui.auth as auth

    secrets = {"users": {"marie": {"password_hash": hash_password("pw", 1000), "role": "admin"}},
               "oidc_roles": {}, "auth": {"min_iterations": 1000}}
    monkeypatch.setattr(auth, "secrets_section", lambda name: secrets.get(name, {}))
    monkeypatch.setenv("CARNET_DATABASE_URL", f"sqlite:///{tmp_path / 'p.sqlite'}")
    yield repo
    db.dispose_all()


def _run(role: str, **state) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["projets_auth"] = {"user": "marie", "role": role}
    for k, v in state.items():
        at.session_state[k] = v
    return at.run()


def test_admin_tab_only_for_admins(page_repo):
    page_repo.create(sample(titre="Démo", illustratif=True), user="u")
    for role in ("viewer", "editor"):
        at = _run(role)
        assert not at.exception, at.exception
        assert [t.label for t in at.tabs][-1] == "Import / export"
    at = _run("admin")
    assert not at.exception, at.exception
    assert [t.label for t in at.tabs][-1] == "Administration"
    accounts = next(d.value for d in at.dataframe if "Identifiant" in d.value.columns)
    assert accounts.to_dict("records") == [
        {"Identifiant": "marie", "Rôle": "Administrateur",
         "Mot de passe": "haché (PBKDF2, 1\u202f000 itérations)"}]
    assert "Connexions" in [h.value for h in at.subheader]  # the login journal
    purge = next(b for b in at.button if b.label == "Supprimer les projets illustratifs")
    assert purge.disabled
    at.checkbox[0].check().run()
    at = next(b for b in at.button if b.label == "Supprimer les projets illustratifs").click().run()
    assert not at.exception, at.exception
    assert "1 projet(s) illustratif(s) supprimé(s)." in [s.value for s in at.success]
    assert page_repo.count("nord") == 0


def test_viewer_cannot_restore_through_session_state(page_repo):
    p = page_repo.create(sample(), user="u")
    page_repo.delete(p["id"], "u")
    at = _run("viewer", projets_undo=p["id"])
    at = next(b for b in at.button if b.label.startswith("↩ Annuler")).click().run()
    assert not at.exception, at.exception
    assert any("Action refusée" in e.value for e in at.error)
    assert page_repo.get(p["id"], include_deleted=True)["deleted_at"] is not None
