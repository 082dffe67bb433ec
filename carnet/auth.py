"""Roles and permissions of the application, accounts and password hashing (standard library only).

Roles: ``viewer`` (« lecteur », default, read-only: safe on a projector), ``editor``
(« éditeur »: create, edit, delete/undo, import, moderate workshop contributions),
``admin`` (« administrateur »: editor + accounts, login journal, purge of illustrative
records). Accounts live in
``.streamlit/secrets.toml`` with *hashed* passwords; roles may be written in French or
English::

    [carnet.users.marie]
    password_hash = "pbkdf2_sha256$600000$<sel>$<empreinte>"
    role = "éditeur"

    [carnet.auth]                # optional, defaults shown
    min_iterations = 600000      # hashes below this are refused (login and admin page)
    delay_after = 5              # failures before a growing delay between attempts
    lock_after = 10              # failures before a lock …
    lock_minutes = 15            # … of this length
    session_hours = 8            # a login survives reloads for at most this long

    [carnet.cli]
    require_account = true       # CLI writes need --utilisateur, a declared account

    [carnet.oidc_roles]          # with st.login (OIDC): e-mail → role
    "marie.dupont@example.org" = "administrateur"

Hash a password with ``python -m carnet.auth`` (asks it twice, prints the hash).

Timing: :func:`authenticate` costs the same number of PBKDF2 iterations whether the
account exists or not, the password is wrong, empty, or the stored hash is refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

from carnet.errors import PermissionDenied, ProjetError
from carnet.formatting import fmt_int

ROLES: dict[str, str] = {"viewer": "Lecteur", "editor": "Éditeur", "admin": "Administrateur"}
#: Role names accepted in secrets.toml (French or English) → internal role.
ROLE_ALIASES: dict[str, str] = {
    "viewer": "viewer", "lecteur": "viewer", "lectrice": "viewer",
    "editor": "editor", "éditeur": "editor", "editeur": "editor", "éditrice": "editor",
    "editrice": "editor",
    "admin": "admin", "administrateur": "admin", "administratrice": "admin",
}
#: What each role may do. ``moderate``: accept, edit or reject what participants
#: contribute in a workshop (the people who run the contract's workshops: editors and
#: administrators; a viewer only reads).
PERMISSIONS: dict[str, set[str]] = {
    "viewer": {"read", "export"},
    "editor": {"read", "export", "edit", "import", "moderate"},
    "admin": {"read", "export", "edit", "import", "moderate", "admin"},
}
ACTION_LABELS = {"read": "consulter", "export": "exporter", "edit": "modifier",
                 "import": "importer", "moderate": "modérer les contributions",
                 "admin": "administrer"}
ITERATIONS = 600_000
#: Default minimum accepted for a stored hash (OWASP 2023 for PBKDF2-SHA256).
MIN_ITERATIONS = ITERATIONS
#: Above this a stored hash is refused too (a typo would make every login take minutes).
MAX_ITERATIONS = 10_000_000
#: Account and CLI names: 1 to 64 letters, digits, ``_ . @ -``, starting with a letter/digit.
USERNAME_RE = re.compile(r"^[^\W_][\w.@-]{0,63}$")
USERNAME_RULE = ("1 à 64 caractères : lettres, chiffres, point, tiret, tiret bas ou @, "
                 "en commençant par une lettre ou un chiffre")
_DUMMY_SALT = b"carnet-dummy-salt"


def normalize_role(value) -> str | None:
    """Internal role (``viewer``, ``editor``, ``admin``) of a French or English name, or None."""
    return ROLE_ALIASES.get(str(value or "").strip().lower())


def role_label(role: str | None) -> str:
    """French label of a role, in lower case for running text (« éditeur »)."""
    return ROLES.get(role or "viewer", ROLES["viewer"]).lower()


def valid_username(name) -> bool:
    """Whether ``name`` is an acceptable account or CLI user name (see :data:`USERNAME_RE`)."""
    return isinstance(name, str) and bool(USERNAME_RE.fullmatch(name))


def shown_name(name: str, limit: int = 40) -> str:
    """A refused name made safe to print: control characters replaced, long names cut."""
    text = "".join(c if c.isprintable() else "\ufffd" for c in str(name))
    if len(text) > limit:
        return f"{text[:limit]}… ({len(text)} caractères)"
    return text


@dataclass(frozen=True)
class AuthPolicy:
    """Login settings, from ``[carnet.auth]`` of the secrets (see the module docstring)."""

    min_iterations: int = MIN_ITERATIONS
    delay_after: int = 5
    lock_after: int = 10
    lock_minutes: int = 15
    session_hours: int = 8
    #: First delay (seconds) after ``delay_after`` failures; doubles with each failure.
    base_delay: int = 15
    #: Failures older than this (hours, without success) are forgotten.
    forget_hours: int = 24

    @classmethod
    def from_mapping(cls, values: Mapping | None) -> AuthPolicy:
        """Read the settings; raise :class:`ProjetError` (French) on a bad value."""
        values = dict(values or {})
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ProjetError(f"[carnet.auth] : réglage inconnu « {shown_name(unknown[0])} » "
                              f"(réglages : {', '.join(sorted(known))}).")
        out = {}
        for name, value in values.items():
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ProjetError(f"[carnet.auth] {name} : un entier positif est attendu "
                                  f"(lu : {shown_name(repr(value))}).")
            out[name] = value
        policy = cls(**out)
        if policy.lock_after < policy.delay_after:
            raise ProjetError("[carnet.auth] : lock_after doit être supérieur ou égal à "
                              "delay_after.")
        if policy.min_iterations > MAX_ITERATIONS:
            raise ProjetError(f"[carnet.auth] min_iterations : au plus {MAX_ITERATIONS}.")
        return policy

    def wait_seconds(self, failures: int) -> int:
        """Delay imposed before the next attempt after ``failures`` consecutive failures."""
        if failures >= self.lock_after:
            return self.lock_minutes * 60
        if failures >= self.delay_after:
            return self.base_delay * 2 ** (failures - self.delay_after)
        return 0


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


def parse_hash(stored) -> tuple[int, bytes, bytes] | None:
    """``(iterations, salt, digest)`` of a ``pbkdf2_sha256$…`` string, None if malformed."""
    try:
        algo, iterations, salt, digest = str(stored).split("$")
        n = int(iterations)
        if algo != "pbkdf2_sha256" or n < 1 or not iterations.isdigit():
            return None
        salt_b, digest_b = base64.b64decode(salt, validate=True), base64.b64decode(digest,
                                                                                  validate=True)
        if not salt_b or len(digest_b) != 32:
            return None
        return n, salt_b, digest_b
    except (ValueError, TypeError):
        return None


def verify_password(password: str, stored: str) -> bool:
    """Check a password against a stored hash (constant-time); False if malformed."""
    parsed = parse_hash(stored)
    if parsed is None or not isinstance(password, str):
        return False
    n, salt, digest = parsed
    computed = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, n)
    return hmac.compare_digest(computed, digest)


def _entry(users: Mapping | None, username) -> dict | None:
    if not users or not isinstance(username, str):
        return None
    entry = users.get(username)
    return dict(entry) if hasattr(entry, "keys") else None


def hash_problem(entry: Mapping | None, min_iterations: int = MIN_ITERATIONS) -> str | None:
    """Why an account cannot log in (French), or None when its hash is acceptable."""
    entry = dict(entry) if entry is not None and hasattr(entry, "keys") else {}
    if "password_hash" not in entry:
        if "password" in entry:
            return "en clair : refusé, à remplacer par un hachage"
        return "absent : connexion impossible"
    parsed = parse_hash(entry["password_hash"])
    if parsed is None:
        return "format inconnu : connexion impossible"
    n = parsed[0]
    if n < min_iterations:
        return (f"trop faible ({fmt_int(n)} itération{'s' if n > 1 else ''}, minimum "
                f"{fmt_int(min_iterations)}) : "
                "connexion refusée, à hacher de nouveau")
    if n > MAX_ITERATIONS:
        return (f"trop coûteux ({fmt_int(n)} itérations, maximum {fmt_int(MAX_ITERATIONS)}) : "
                "connexion refusée")
    return None


def password_state(entry: Mapping | None, min_iterations: int = MIN_ITERATIONS) -> str:
    """What the admin page says of an account's password (never the hash itself)."""
    problem = hash_problem(entry, min_iterations)
    if problem:
        return problem
    n = parse_hash(dict(entry)["password_hash"])[0]
    return f"haché (PBKDF2, {fmt_int(n)} itération{'s' if n > 1 else ''})"


def work_iterations(users: Mapping | None, min_iterations: int = MIN_ITERATIONS) -> int:
    """PBKDF2 iterations every login attempt costs: the largest acceptable account hash.

    Never below ``min_iterations`` (no account hash below it is accepted), so that an
    attempt on an unknown name costs what an attempt on a real account costs.
    """
    best = min_iterations
    for entry in (users or {}).values():
        if hasattr(entry, "keys") and hash_problem(entry, min_iterations) is None:
            best = max(best, parse_hash(dict(entry)["password_hash"])[0])
    return best


def authenticate(users: Mapping | None, username: str, password: str,
                 min_iterations: int = MIN_ITERATIONS) -> str | None:
    """Return the role of a user whose password matches, else None.

    Every call costs exactly :func:`work_iterations` PBKDF2 iterations — unknown user,
    wrong or empty password, plaintext, malformed or too weak stored hash alike — so
    that the answer time does not tell which accounts exist.

    Parameters
    ----------
    users : Mapping
        ``secrets["carnet"]["users"]``: username → {password_hash, role}.
    min_iterations : int
        Stored hashes below this are refused (``[carnet.auth] min_iterations``).
    """
    budget = work_iterations(users, min_iterations)
    entry = _entry(users, username) if valid_username(username) else None
    ok = False
    if entry is not None and hash_problem(entry, min_iterations) is None:
        n, salt, digest = parse_hash(entry["password_hash"])
        computed = hashlib.pbkdf2_hmac("sha256", str(password or "").encode(), salt, n)
        ok = hmac.compare_digest(computed, digest) and bool(password)
        budget -= n
    if budget > 0:  # pad to the same cost (the whole cost when there is no usable account)
        hashlib.pbkdf2_hmac("sha256", str(password or "").encode(), _DUMMY_SALT, budget)
    if not ok:
        return None
    return normalize_role(entry.get("role")) or "viewer"


def account_fingerprint(entry: Mapping | None) -> str:
    """A short digest of an account's stored hash: a login ends when the password changes."""
    stored = str(dict(entry or {}).get("password_hash", ""))
    return hashlib.sha256(stored.encode()).hexdigest()[:32]


def account_role(users: Mapping | None, username: str) -> str | None:
    """Role of a declared account (unknown role names → viewer), None if not declared."""
    entry = _entry(users, username)
    if entry is None:
        return None
    return normalize_role(entry.get("role")) or "viewer"


def secrets_files() -> list[Path]:
    """The secrets files Streamlit reads, lowest precedence first (plus ``$CARNET_SECRETS``)."""
    files = [Path.home() / ".streamlit" / "secrets.toml",
             Path.cwd() / ".streamlit" / "secrets.toml"]
    extra = os.environ.get("CARNET_SECRETS", "").strip()
    if extra:
        files.append(Path(extra))
    return files


def load_secrets(files: list[Path] | None = None) -> dict:
    """The ``[carnet]`` table of the secrets files (for the CLI; the app uses st.secrets).

    Raises
    ------
    ProjetError
        A file exists but is not valid TOML (French message naming it).
    """
    merged: dict = {}
    for path in files if files is not None else secrets_files():
        if not path.is_file():
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ProjetError(f"Fichier de secrets illisible « {path} » : {exc}") from None
        for key, value in dict(data.get("carnet", {})).items():
            if isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key] = {**merged[key], **value}
            else:
                merged[key] = value
    return merged


def role_for_email(oidc_roles: Mapping | None, email: str | None) -> str:
    """Role of an OIDC-authenticated e-mail (``viewer`` when not listed)."""
    if not email or not oidc_roles:
        return "viewer"
    role = {str(k).lower(): v for k, v in oidc_roles.items()}.get(email.lower(), "viewer")
    return normalize_role(role) or "viewer"


def can(role: str | None, action: str) -> bool:
    """Whether ``role`` may perform ``action`` (read, export, edit, import, moderate, admin)."""
    return action in PERMISSIONS.get(role or "viewer", set())


def require(role: str | None, action: str) -> None:
    """Raise :class:`PermissionDenied` (French message) unless ``can(role, action)``."""
    if not can(role, action):
        verb = ACTION_LABELS.get(action, action)
        of = "d'" if verb[:1] in "aeéiouy" else "de "
        raise PermissionDenied(
            f"Action refusée : le rôle « {ROLES.get(role or 'viewer', role)} » ne permet pas "
            f"{of}{verb}. Connectez-vous avec un compte éditeur."
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
