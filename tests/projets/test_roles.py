"""Roles and password hashing."""

from __future__ import annotations

import pytest

from carnet.projets.errors import PermissionDenied
from carnet.projets.roles import (
    authenticate,
    can,
    hash_password,
    require,
    role_for_email,
    verify_password,
)


def test_hash_is_salted_and_verifies():
    h1, h2 = hash_password("s3cret", 1000), hash_password("s3cret", 1000)
    assert h1 != h2 and h1.startswith("pbkdf2_sha256$1000$")
    assert "s3cret" not in h1
    assert verify_password("s3cret", h1) and not verify_password("autre", h1)
    assert not verify_password("s3cret", "garbage")


def test_authenticate():
    users = {"marie": {"password_hash": hash_password("pw", 1000), "role": "editor"},
             "plain": {"password": "pw", "role": "admin"},
             "odd": {"password_hash": hash_password("pw", 1000), "role": "root"}}
    assert authenticate(users, "marie", "pw") == "editor"
    assert authenticate(users, "marie", "mauvais") is None
    assert authenticate(users, "inconnu", "pw") is None
    assert authenticate(users, "plain", "pw") is None  # plaintext refused
    assert authenticate(users, "odd", "pw") == "viewer"


def test_permissions():
    assert can("viewer", "read") and can("viewer", "export")
    assert not can("viewer", "edit") and not can(None, "import")
    assert can("editor", "edit") and can("editor", "import") and not can("editor", "admin")
    assert can("admin", "admin")
    with pytest.raises(PermissionDenied, match="« Lecteur » ne permet pas de modifier"):
        require("viewer", "edit")
    require("editor", "edit")


def test_oidc_roles():
    roles = {"Marie@Example.org": "admin"}
    assert role_for_email(roles, "marie@example.org") == "admin"
    assert role_for_email(roles, "x@example.org") == "viewer"
    assert role_for_email(None, None) == "viewer"


def test_hash_command_reads_stdin_without_terminal(monkeypatch, capsys):
    import io

    from carnet.projets import roles as r

    monkeypatch.setattr("sys.stdin", io.StringIO("mot-de-passe\n"))
    assert r.main() == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith("pbkdf2_sha256$") and "mot-de-passe" not in out
