"""Logins kept in the projects database: throttling, audit, sessions across reloads.

Why the database: a Streamlit reload is a new session, and several server processes
may serve one deployment; counters kept in ``st.session_state`` would reset on every
reload. The three tables (migration ``0002_logins``) work on SQLite and PostgreSQL.

Throttling (see :class:`~carnet.auth.AuthPolicy`): failures are counted per
account name (``compte:<nom>``, whether or not the account exists, so that a lock tells
nothing) and per client (``source:<adresse IP>``, or ``source:local``). After
``delay_after`` consecutive failures each new attempt must wait a delay that doubles
(15 s, 30 s, 60 s…); after ``lock_after`` failures the name or client is locked for
``lock_minutes``; a success resets both counters; failures are forgotten after
``forget_hours`` without any. An attempt is *counted before* the password is checked,
so simultaneous attempts cannot slip past the limits. Every attempt, refusal, logout
and unlock is written to ``login_event`` (who, when, from where, outcome; never the
password).

Sessions: a successful login gets a random 256-bit token; only its SHA-256 is stored
(``login_session``), with the account's hash fingerprint and an absolute expiry
(``session_hours``). The token lives in a browser *session* cookie (gone when the
browser closes). It cannot be forged (random, not derived from anything), it is useless
after logout (revoked server-side), after expiry, or once the account's password or
the account itself changes; the role is read again from the secrets on every page.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from carnet import auth as roles
from carnet.projets.models import LoginEvent, LoginSession, LoginThrottle

#: Outcomes written to ``login_event`` → French label for the administration page.
OUTCOMES = {"success": "connexion réussie", "failure": "échec", "throttled": "refus (attente)",
            "logout": "déconnexion", "unlock": "déblocage"}


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)  # SQLite returns naive datetimes (stored in UTC)
    return value


def account_key(username: str) -> str:
    """Throttling key of an account name (invalid names share one key)."""
    return f"compte:{username}" if roles.valid_username(username) else "compte:(invalide)"


def source_key(source: str | None) -> str:
    """Throttling key of a client (IP address, ``local`` when unknown)."""
    return f"source:{str(source or 'local')[:100]}"


def _logged_name(username) -> str:
    return username if roles.valid_username(username) else roles.shown_name(str(username or ""))


def token_id(token: str) -> str:
    """What the database keeps of a session token (its SHA-256, hex)."""
    return hashlib.sha256(str(token).encode()).hexdigest()


@dataclass(frozen=True)
class LoginResult:
    """Outcome of a login attempt.

    Attributes
    ----------
    role : str or None
        The role when the login succeeded.
    wait : int
        Seconds to wait before the next attempt is accepted (0: none).
    message : str
        French message for the user (empty on success).
    """

    role: str | None
    wait: int = 0
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.role is not None


def wait_text(seconds: int) -> str:
    """« 15 secondes », « 2 minutes », « 15 minutes » (rounded up to the minute)."""
    if seconds < 60:
        return f"{seconds} seconde{'s' if seconds > 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minute{'s' if minutes > 1 else ''}"


class LoginGuard:
    """Throttled, audited password logins and sessions over the projects database.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        A migrated engine (:func:`carnet.db.get_engine`).
    policy : AuthPolicy, optional
    """

    def __init__(self, engine: Engine, policy: roles.AuthPolicy | None = None):
        self.engine = engine
        self.policy = policy or roles.AuthPolicy()

    # -- audit ----------------------------------------------------------------------
    def _event(self, conn, username, source, outcome: str, detail: str | None = None,
               at: datetime | None = None) -> None:
        conn.execute(LoginEvent.__table__.insert().values(
            at=at or _now(), username=_logged_name(username)[:100],
            source=str(source or "local")[:100], outcome=outcome,
            detail=(detail or None) and detail[:200]))

    def events(self, limit: int = 100) -> list[dict]:
        """The latest login events, newest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(LoginEvent).order_by(LoginEvent.id.desc())
                                .limit(limit)).mappings().all()
        return [{**dict(r), "at": _aware(r["at"])} for r in rows]

    # -- throttling -----------------------------------------------------------------
    def _insert_missing(self, conn, keys: list[str]) -> None:
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        stmt = dialect.insert(LoginThrottle.__table__).values(
            [{"key": k, "failures": 0, "last_failure_at": None} for k in keys])
        conn.execute(stmt.on_conflict_do_nothing(index_elements=["key"]))

    def _wait(self, row, now: datetime) -> int:
        failures, last = row["failures"], _aware(row["last_failure_at"])
        if not failures or last is None:
            return 0
        left = last + timedelta(seconds=self.policy.wait_seconds(failures)) - now
        return max(0, int(-(-left.total_seconds() // 1)))

    def _forgotten(self, row, now: datetime) -> bool:
        last = _aware(row["last_failure_at"])
        return last is not None and now - last > timedelta(hours=self.policy.forget_hours)

    def blocked(self, now: datetime | None = None) -> list[dict]:
        """Names and clients that must wait now: ``key``, ``failures``, ``wait`` (s)."""
        now = now or _now()
        with self.engine.connect() as conn:
            rows = conn.execute(select(LoginThrottle.__table__)
                                .where(LoginThrottle.failures > 0)).mappings().all()
        out = [{"key": r["key"], "failures": r["failures"], "wait": self._wait(r, now)}
               for r in rows if not self._forgotten(r, now)]
        return sorted((r for r in out if r["wait"] > 0), key=lambda r: r["key"])

    def unlock(self, key: str, by: str, source: str | None = None) -> None:
        """Reset one counter (administrators), audited."""
        with self.engine.begin() as conn:
            conn.execute(delete(LoginThrottle).where(LoginThrottle.key == key))
            self._event(conn, by, source, "unlock", f"débloqué : {key}")

    def _recently_throttled(self, conn, username, source, now: datetime) -> bool:
        """Whether a refusal of this name and client was audited in the last minute (a
        script hammering a locked account must not fill the journal)."""
        t = LoginEvent.__table__
        last = conn.execute(select(t.c.outcome).where(
            t.c.username == _logged_name(username)[:100],
            t.c.source == str(source or "local")[:100], t.c.at > now - timedelta(minutes=1))
            .order_by(t.c.id.desc()).limit(1)).scalar()
        return last == "throttled"

    def attempt(self, users: Mapping | None, username: str, password: str,
                source: str | None = None, now: datetime | None = None) -> LoginResult:
        """Check a login, throttled per name and per client; audited.

        Parameters
        ----------
        users : Mapping
            ``secrets["carnet"]["users"]``.
        username, password : str
        source : str, optional
            The client's IP address (None: ``local``).
        now : datetime, optional
            For tests.
        """
        now = now or _now()
        keys = [account_key(username), source_key(source)]
        table = LoginThrottle.__table__
        with self.engine.begin() as conn:
            self._insert_missing(conn, keys)  # also takes SQLite's write lock
            rows = conn.execute(select(table).where(table.c.key.in_(keys))
                                .with_for_update()).mappings().all()
            rows = [{**r, "failures": 0} if self._forgotten(r, now) else dict(r) for r in rows]
            wait = max((self._wait(r, now) for r in rows), default=0)
            if wait:
                if not self._recently_throttled(conn, username, source, now):
                    self._event(conn, username, source, "throttled",
                                f"attente de {wait_text(wait)}", at=now)
            else:  # count the attempt as a failure before checking it
                for r in rows:
                    conn.execute(update(table).where(table.c.key == r["key"]).values(
                        failures=r["failures"] + 1, last_failure_at=now))
        if wait:
            return LoginResult(None, wait, "Trop d'essais infructueux : réessayez dans "
                                           f"{wait_text(wait)}.")
        role = roles.authenticate(users, username, password, self.policy.min_iterations)
        with self.engine.begin() as conn:
            if role is not None:
                conn.execute(delete(LoginThrottle).where(LoginThrottle.key.in_(keys)))
                self._event(conn, username, source, "success", f"rôle : {roles.role_label(role)}",
                            at=now)
                return LoginResult(role)
            failures = max(r["failures"] + 1 for r in rows)
            nxt = self.policy.wait_seconds(failures)
            detail = f"{failures} échec(s) consécutif(s)"
            if failures >= self.policy.lock_after:
                detail += f" : verrouillé {self.policy.lock_minutes} min"
            self._event(conn, username, source, "failure", detail, at=now)
        message = "Identifiant ou mot de passe incorrect."
        if failures >= self.policy.lock_after:
            message += (f" Trop d'échecs : connexion bloquée pendant "
                        f"{self.policy.lock_minutes} minutes.")
        elif nxt:
            message += f" Prochain essai possible dans {wait_text(nxt)}."
        return LoginResult(None, nxt, message)

    # -- sessions -------------------------------------------------------------------
    def open_session(self, users: Mapping | None, username: str, source: str | None = None,
                     now: datetime | None = None) -> str:
        """Start a session for a logged-in account; return its token (for the cookie)."""
        now = now or _now()
        token = secrets.token_urlsafe(32)
        entry = dict((users or {}).get(username) or {})
        with self.engine.begin() as conn:
            conn.execute(delete(LoginSession).where(
                LoginSession.expires_at < now - timedelta(days=1)))
            conn.execute(LoginSession.__table__.insert().values(
                id=token_id(token), username=username,
                fingerprint=roles.account_fingerprint(entry),
                source=str(source or "local")[:100], created_at=now,
                expires_at=now + timedelta(hours=self.policy.session_hours), revoked_at=None))
        return token

    def resume(self, users: Mapping | None, token: str | None,
               now: datetime | None = None) -> tuple[str, str] | None:
        """``(username, role)`` of a live session token, None if unknown, expired, revoked,
        or if the account was removed, its password changed or its hash is now refused."""
        if not token or len(token) > 100:
            return None
        now = now or _now()
        with self.engine.connect() as conn:
            row = conn.execute(select(LoginSession.__table__).where(
                LoginSession.id == token_id(token))).mappings().first()
        if row is None or row["revoked_at"] is not None or _aware(row["expires_at"]) <= now:
            return None
        entry = (users or {}).get(row["username"])
        if (entry is None or not hasattr(entry, "keys")
                or roles.account_fingerprint(entry) != row["fingerprint"]
                or roles.hash_problem(entry, self.policy.min_iterations) is not None):
            return None
        return row["username"], roles.account_role(users, row["username"])

    def close(self, token: str | None, username: str, source: str | None = None,
              now: datetime | None = None) -> None:
        """Log out: revoke the session token (if any) and audit it."""
        now = now or _now()
        with self.engine.begin() as conn:
            if token:
                conn.execute(update(LoginSession).where(LoginSession.id == token_id(token))
                             .values(revoked_at=now))
            self._event(conn, username, source, "logout", at=now)
