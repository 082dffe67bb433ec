"""Roles, password hashing, the cost of a login attempt, names and login settings."""

from __future__ import annotations

import hashlib

import pytest

from carnet import auth as roles
from carnet.auth import (
    AuthPolicy,
    authenticate,
    can,
    hash_password,
    require,
    role_for_email,
    verify_password,
)
from carnet.projets.errors import PermissionDenied, ProjetError


def test_hash_is_salted_and_verifies():
    h1, h2 = hash_password("s3cret", 1000), hash_password("s3cret", 1000)
    assert h1 != h2 and h1.startswith("pbkdf2_sha256$1000$")
    assert "s3cret" not in h1
    assert verify_password("s3cret", h1) and not verify_password("autre", h1)
    assert not verify_password("s3cret", "garbage")


def test_authenticate():
    users = {"marie": {"password_hash": hash_password("pw", 1000), "role": "editor"},
             "plain": {"password": "pw", "role": "admin"},
             "odd": {"password_hash": hash_password("pw", 1000), "role": "root"},
             "paul": {"password_hash": hash_password("pw", 1000), "role": "administrateur"},
             "zoe": {"password_hash": hash_password("pw", 1000), "role": "Éditeur"}}
    check = lambda name, pw: authenticate(users, name, pw, min_iterations=1000)  # noqa: E731
    assert check("marie", "pw") == "editor"
    assert check("marie", "mauvais") is None
    assert check("marie", "") is None
    assert check("inconnu", "pw") is None
    assert check("plain", "pw") is None  # plaintext refused
    assert check("odd", "pw") == "viewer"
    assert check("paul", "pw") == "admin" and check("zoe", "pw") == "editor"  # French names


def test_hash_below_the_minimum_is_refused():
    """A 1-iteration hash used to log in and be shown as « haché (PBKDF2) »."""
    weak = {"password_hash": hash_password("pw", 1), "role": "admin"}
    assert verify_password("pw", weak["password_hash"])  # the hash itself is right…
    assert authenticate({"x": weak}, "x", "pw") is None  # … but below 600 000 iterations
    assert authenticate({"x": weak}, "x", "pw", min_iterations=1) == "admin"
    state = roles.password_state(weak)
    assert state == ("trop faible (1 itération, minimum 600\u202f000) : connexion refusée, "
                     "à hacher de nouveau")
    assert roles.password_state({"password_hash": hash_password("pw", 1000)}, 1000) == \
        "haché (PBKDF2, 1\u202f000 itérations)"
    too_many = {"password_hash": hash_password("pw", 1).replace("$1$", "$99999999$")}
    assert roles.password_state(too_many).startswith("trop coûteux")
    assert authenticate({"x": too_many}, "x", "pw") is None


@pytest.fixture
def pbkdf2_spy(monkeypatch):
    """Replace PBKDF2 by a cheap, deterministic stand-in that records its iterations."""
    calls: list[int] = []

    def fake(name, password, salt, iterations, dklen=None):
        calls.append(iterations)
        return hashlib.sha256(b"%s|%s|%d" % (password, salt, iterations)).digest()

    monkeypatch.setattr(hashlib, "pbkdf2_hmac", fake)
    return calls


def test_every_attempt_costs_the_same_iterations(pbkdf2_spy):
    """Unknown name, wrong password, weak or plaintext hash: the same PBKDF2 work.

    Counted, not timed: the old dummy hash ran 1 000 iterations against 600 000 for a real
    account (0.4 ms vs 203 ms), which told which accounts exist.
    """
    users = {"marie": {"password_hash": hash_password("bon", 600_000), "role": "editor"},
             "paul": {"password_hash": hash_password("bon", 800_000), "role": "admin"},
             "faible": {"password_hash": hash_password("bon", 10), "role": "admin"},
             "clair": {"password": "bon"}, "casse": {"password_hash": "pbkdf2_sha256$x$y$z"}}
    attempts = [("inconnu", "bon"), ("marie", "faux"), ("paul", "faux"), ("marie", ""),
                ("faible", "bon"), ("clair", "bon"), ("casse", "bon"), ("<script>", "bon"),
                ("x" * 304, "bon"), ("marie", "bon"), ("paul", "bon")]
    costs = {}
    for name, pw in attempts:
        pbkdf2_spy.clear()
        result = authenticate(users, name, pw)
        costs[(name[:10], pw)] = (sum(pbkdf2_spy), result)
    assert {cost for cost, _ in costs.values()} == {800_000}, costs
    assert costs[("marie", "bon")][1] == "editor" and costs[("paul", "bon")][1] == "admin"
    assert [r for k, (_, r) in costs.items() if k[1] != "bon" or k[0] not in ("marie", "paul")] \
        == [None] * 9


def test_no_account_costs_the_minimum(pbkdf2_spy):
    assert authenticate({}, "marie", "pw") is None
    assert sum(pbkdf2_spy) == roles.MIN_ITERATIONS == 600_000


def test_permissions():
    assert can("viewer", "read") and can("viewer", "export")
    assert not can("viewer", "edit") and not can(None, "import")
    assert can("editor", "edit") and can("editor", "import") and not can("editor", "admin")
    assert can("admin", "admin")
    with pytest.raises(PermissionDenied, match="« Lecteur » ne permet pas de modifier"):
        require("viewer", "edit")
    require("editor", "edit")


def test_moderate_permission_for_the_workshop():
    # who may moderate participants' contributions: editors and administrators
    assert not can("viewer", "moderate") and not can(None, "moderate")
    assert can("editor", "moderate") and can("admin", "moderate")
    with pytest.raises(PermissionDenied, match="« Lecteur » ne permet pas de modérer les "
                                               "contributions"):
        require("viewer", "moderate")


def test_shared_infrastructure_lives_outside_the_projects_package():
    import importlib

    from carnet import db
    from carnet.db.base import Base
    from carnet.projets.models import LoginThrottle, Projet

    assert Projet.metadata is Base.metadata is LoginThrottle.metadata
    assert db.MIGRATIONS_DIR.name == "migrations" and (db.MIGRATIONS_DIR / "env.py").exists()
    for old in ("carnet.projets.db", "carnet.projets." + "roles"):
        with pytest.raises(ModuleNotFoundError):
            importlib.import_module(old)


def test_role_names_in_french():
    assert [roles.role_label(r) for r in ("viewer", "editor", "admin", None)] == \
        ["lecteur", "éditeur", "administrateur", "lecteur"]
    assert roles.normalize_role(" Éditeur ") == "editor"
    assert roles.normalize_role("administratrice") == "admin"
    assert roles.normalize_role("root") is None


def test_oidc_roles():
    mapping = {"Marie@Example.org": "admin", "paul@example.org": "éditeur"}
    assert role_for_email(mapping, "marie@example.org") == "admin"
    assert role_for_email(mapping, "paul@example.org") == "editor"
    assert role_for_email(mapping, "x@example.org") == "viewer"
    assert role_for_email(None, None) == "viewer"


@pytest.mark.parametrize("name,ok", [
    ("marie", True), ("marie.dupont", True), ("m-dupont_59@nord.fr", True), ("josé", True),
    ("a" * 64, True), ("a" * 65, False), ("x" * 304, False), ("<script>alert(1)</script>", False),
    ("", False), ("_cache", False), ("marie dupont", False), ("marie\n", False),
    ("\x1b[31mrouge", False), (None, False),
])
def test_valid_username(name, ok):
    assert roles.valid_username(name) is ok


def test_shown_name_is_short_and_printable():
    assert roles.shown_name("x" * 304) == "x" * 40 + "… (304 caractères)"
    assert roles.shown_name("\x1b[31m") == "\ufffd[31m"


def test_policy_from_secrets():
    p = AuthPolicy.from_mapping({"min_iterations": 1000, "lock_minutes": 30})
    assert (p.min_iterations, p.lock_minutes, p.delay_after, p.lock_after) == (1000, 30, 5, 10)
    assert [p.wait_seconds(n) for n in range(12)] == \
        [0, 0, 0, 0, 0, 15, 30, 60, 120, 240, 1800, 1800]
    for bad, message in (({"lock_after": "10"}, "entier positif"), ({"delay_after": 0}, "entier"),
                         ({"lock_after": True}, "entier"), ({"verrou": 3}, "réglage inconnu"),
                         ({"delay_after": 8, "lock_after": 4}, "supérieur ou égal"),
                         ({"min_iterations": 10**9}, "au plus")):
        with pytest.raises(ProjetError, match=message):
            AuthPolicy.from_mapping(bad)


def test_load_secrets_merges_files_like_streamlit(tmp_path):
    home, local = tmp_path / "home.toml", tmp_path / "local.toml"
    home.write_text('[carnet.users.marie]\npassword_hash = "h"\nrole = "editor"\n'
                    '[carnet.cli]\nrequire_account = false\n', encoding="utf-8")
    local.write_text('[carnet.cli]\nrequire_account = true\n', encoding="utf-8")
    merged = roles.load_secrets([home, local, tmp_path / "absent.toml"])
    assert merged["cli"] == {"require_account": True}
    assert merged["users"]["marie"]["role"] == "editor"
    local.write_text("[carnet\n", encoding="utf-8")
    with pytest.raises(ProjetError, match="Fichier de secrets illisible .*local.toml"):
        roles.load_secrets([local])


def test_hash_command_reads_stdin_without_terminal(monkeypatch, capsys):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("mot-de-passe\n"))
    assert roles.main() == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith("pbkdf2_sha256$600000$") and "mot-de-passe" not in out
    assert verify_password("mot-de-passe", out)
