"""Roles of the projects registry and password hashing (standard library only).

Roles: ``viewer`` (default, read-only: safe on a projector), ``editor`` (create, edit,
delete/undo, import), ``admin`` (editor + audit log of everyone, purge of illustrative
records). Accounts live in ``.streamlit/secrets.toml`` with *hashed* passwords::

    [carnet.users.marie]
    password_hash = "pbkdf2_sha256$600000$<sel>$<empreinte>"
    role = "editor"

    [carnet.oidc_roles]          # with st.login (OIDC): e-mail → role
    "marie.dupont@example.org" = "admin"

Hash a password with ``python -m carnet.projets.roles`` (asks it twice, prints the hash).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Mapping

from carnet.projets.errors import PermissionDenied

ROLES: dict[str, str] = {"viewer": "Lecteur", "editor": "Éditeur", "admin": "Administrateur"}
PERMISSIONS: dict[str, set[str]] = {
    "viewer": {"read", "export"},
    "editor": {"read", "export", "edit", "import"},
    "admin": {"read", "export", "edit", "import", "admin"},
}
ACTION_LABELS = {"read": "consulter", "export": "exporter", "edit": "modifier",
                 "import": "importer", "admin": "administrer"}
ITERATIONS = 600_000


def hash_password(password: str, iterations: int = ITERATIONS) -> str:
    """Hash a password with PBKDF2-SHA256 and a random salt.

    Returns
    -------
    str
        ``pbkdf2_sha256$<iterations>$<salt b64>$<hash b64>``.
    """
    if not password:
        raise ValueError("mot de passe vide")
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    b64 = lambda b: base64.b64encode(b).decode()  # noqa: E731
    return f"pbkdf2_sha256${iterations}${b64(salt)}${b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """Check a password against a stored hash (constant-time); False if malformed."""
    try:
        algo, iterations, salt, digest = stored.split("$")
        if algo != "pbkdf2_sha256":
            return False
        computed = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt),
                                       int(iterations))
        return hmac.compare_digest(computed, base64.b64decode(digest))
    except (ValueError, TypeError, AttributeError):
        return False


def authenticate(users: Mapping, username: str, password: str) -> str | None:
    """Return the role of a user whose password matches, else None.

    Parameters
    ----------
    users : Mapping
        ``secrets["carnet"]["users"]``: username → {password_hash, role}.
    """
    entry = users.get(username) if users else None
    if not entry or not password:
        hash_password("x", 1_000)  # similar work whether or not the user exists
        return None
    if "password" in entry and "password_hash" not in entry:
        return None  # plaintext passwords are refused
    if not verify_password(password, str(entry.get("password_hash", ""))):
        return None
    role = str(entry.get("role", "viewer"))
    return role if role in ROLES else "viewer"


def role_for_email(oidc_roles: Mapping | None, email: str | None) -> str:
    """Role of an OIDC-authenticated e-mail (``viewer`` when not listed)."""
    if not email or not oidc_roles:
        return "viewer"
    role = str({k.lower(): v for k, v in oidc_roles.items()}.get(email.lower(), "viewer"))
    return role if role in ROLES else "viewer"


def can(role: str | None, action: str) -> bool:
    """Whether ``role`` may perform ``action`` (read, export, edit, import, admin)."""
    return action in PERMISSIONS.get(role or "viewer", set())


def require(role: str | None, action: str) -> None:
    """Raise :class:`PermissionDenied` (French message) unless ``can(role, action)``."""
    if not can(role, action):
        raise PermissionDenied(
            f"Action refusée : le rôle « {ROLES.get(role or 'viewer', role)} » ne permet pas "
            f"de {ACTION_LABELS.get(action, action)}. Connectez-vous avec un compte éditeur."
        )


def main() -> int:
    """Ask a password twice and print its hash for ``secrets.toml``.

    Without a terminal (a pipe, a script), the password is read once from standard input.
    """
    import getpass
    import sys

    if not sys.stdin.isatty():
        first = sys.stdin.readline().rstrip("\n")
        if not first:
            print("Aucun mot de passe lu sur l'entrée standard.", file=sys.stderr)
            return 1
        print(hash_password(first))
        return 0
    first = getpass.getpass("Mot de passe : ")
    if first != getpass.getpass("Confirmation : "):
        print("Les deux saisies diffèrent.")
        return 1
    print(hash_password(first))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
