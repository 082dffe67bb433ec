"""Login throttling, audit and sessions kept in the projects database (SQLite and PostGIS)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from carnet import db
from carnet.auth import AuthPolicy, hash_password
from carnet.projets.logins import LoginGuard, token_id

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
POLICY = AuthPolicy(min_iterations=1000)
SECRET = "Mot-de-passe-tres-secret"


@pytest.fixture
def users():
    return {"marie": {"password_hash": hash_password(SECRET, 1000), "role": "éditeur"},
            "paul": {"password_hash": hash_password(SECRET, 1000), "role": "admin"}}


@pytest.fixture
def guard(engine):
    return LoginGuard(engine, POLICY)


@pytest.fixture
def pbkdf2_calls(monkeypatch):
    """Count the PBKDF2 computations (the real function still runs)."""
    real, calls = hashlib.pbkdf2_hmac, []

    def spy(*args, **kwargs):
        calls.append(args[3])
        return real(*args, **kwargs)

    monkeypatch.setattr(hashlib, "pbkdf2_hmac", spy)
    return calls


def _fail(guard, users, n, name="marie", source="10.0.0.1", start=T0):
    """``n`` wrong passwords, each as soon as allowed; return the time after the last."""
    t = start
    for _ in range(n):
        result = guard.attempt(users, name, "faux", source, now=t)
        assert result.role is None and result.message.startswith("Identifiant ou mot de passe")
        t += timedelta(seconds=result.wait)
    return t


def test_delay_after_five_failures_then_lock_after_ten(guard, users, pbkdf2_calls):
    waits = []
    t = T0
    for _ in range(10):
        r = guard.attempt(users, "marie", "faux", "10.0.0.1", now=t)
        waits.append(r.wait)
        t += timedelta(seconds=r.wait)
    assert waits == [0, 0, 0, 0, 15, 30, 60, 120, 240, 900]
    assert "connexion bloquée pendant 15 minutes" in r.message
    assert len(pbkdf2_calls) == 10
    # locked: even the right password is refused, without checking it
    pbkdf2_calls.clear()
    early = guard.attempt(users, "marie", SECRET, "10.0.0.2", now=t - timedelta(seconds=1))
    assert early.role is None and early.wait == 1 and pbkdf2_calls == []
    assert early.message == "Trop d'essais infructueux : réessayez dans 1 seconde."
    assert guard.attempt(users, "marie", SECRET, "10.0.0.2", now=t - timedelta(minutes=14)) \
        .message.endswith("réessayez dans 14 minutes.")
    # after 15 minutes: the right password works and resets the counter
    assert guard.attempt(users, "marie", SECRET, "10.0.0.2", now=t).role == "editor"
    assert [guard.attempt(users, "marie", "faux", "10.0.0.3", now=t).wait
            for _ in range(4)] == [0, 0, 0, 0]


def test_a_wrong_password_during_the_delay_is_not_checked(guard, users, pbkdf2_calls):
    t = _fail(guard, users, 5)
    pbkdf2_calls.clear()
    r = guard.attempt(users, "marie", SECRET, "10.0.0.1", now=t - timedelta(seconds=5))
    assert (r.role, r.wait, pbkdf2_calls) == (None, 5, [])
    assert guard.attempt(users, "marie", SECRET, "10.0.0.1", now=t).role == "editor"


def test_after_the_lock_one_more_failure_locks_again(guard, users):
    t = _fail(guard, users, 10)
    r = guard.attempt(users, "marie", "faux", "10.0.0.1", now=t)
    assert r.wait == 900


def test_counters_live_in_the_database_not_in_the_session(engine, users):
    """A reload is a new Streamlit session: a new guard (and engine) sees the same counts."""
    _fail(LoginGuard(engine, POLICY), users, 5)
    url = engine.url.render_as_string(hide_password=False)
    db.dispose_all()
    fresh = LoginGuard(db.get_engine(url), POLICY)
    r = fresh.attempt(users, "marie", SECRET, "10.0.0.9", now=T0 + timedelta(seconds=1))
    assert r.role is None and r.wait > 0


def _waits(guard, users, name, sources):
    t, waits = T0, []
    for source in sources:
        r = guard.attempt(users, name, "faux", source, now=t)
        waits.append(r.wait)
        t += timedelta(seconds=r.wait)
    return waits


def test_unknown_names_are_throttled_like_accounts(guard, users):
    """The delays and the lock do not tell whether the account exists."""
    a = _waits(guard, users, "marie", [f"10.0.1.{i}" for i in range(10)])
    b = _waits(guard, users, "personne", [f"10.0.2.{i}" for i in range(10)])
    assert a == b == [0, 0, 0, 0, 15, 30, 60, 120, 240, 900]


def test_one_client_trying_many_names_is_throttled(guard, users):
    t = T0
    for i in range(10):  # ten names, one failure each, from one client
        r = guard.attempt(users, f"nom{i}", "faux", "10.0.0.66", now=t)
        t += timedelta(seconds=r.wait)
    assert r.wait == 900
    r = guard.attempt(users, "marie", SECRET, "10.0.0.66", now=t - timedelta(minutes=1))
    assert r.role is None and "réessayez" in r.message  # even a right password, this client
    assert guard.attempt(users, "marie", SECRET, "10.0.0.67", now=T0).role == "editor"


def test_failures_are_forgotten_after_a_day(guard, users):
    t = _fail(guard, users, 9)
    r = guard.attempt(users, "marie", "faux", "10.0.0.1", now=t + timedelta(hours=25))
    assert r.wait == 0


def test_login_events_are_audited_without_the_password(guard, users, engine):
    t = _fail(guard, users, 5)
    guard.attempt(users, "marie", SECRET, "10.0.0.1", now=t - timedelta(seconds=3))
    guard.attempt(users, "marie", SECRET, "10.0.0.1", now=t - timedelta(seconds=2))  # not twice
    guard.attempt(users, "marie", SECRET, "10.0.0.1", now=t)
    guard.attempt(users, "<script>alert(1)</script>" + "x" * 300, SECRET, "10.0.0.1", now=t)
    token = guard.open_session(users, "marie", "10.0.0.1", now=t)
    guard.close(token, "marie", "10.0.0.1", now=t)
    events = guard.events()
    assert [(e["username"], e["source"], e["outcome"]) for e in reversed(events)] == (
        [("marie", "10.0.0.1", "failure")] * 5
        + [("marie", "10.0.0.1", "throttled"), ("marie", "10.0.0.1", "success"),
           ("<script>alert(1)</script>xxxxxxxxxxxxxxx… (325 caractères)", "10.0.0.1", "failure"),
           ("marie", "10.0.0.1", "logout")])
    assert events[2]["detail"] == "rôle : éditeur" and events[-1]["at"] == T0
    assert events[-5]["detail"] == "5 échec(s) consécutif(s)"
    with engine.connect() as conn:
        dump = " ".join(str(row) for table in ("login_event", "login_session", "login_throttle")
                        for row in conn.execute(text(f"SELECT * FROM {table}")))
    assert SECRET not in dump and "faux" not in dump and token not in dump


def test_admin_sees_and_unlocks(guard, users):
    t = _fail(guard, users, 10)
    blocked = guard.blocked(now=t - timedelta(minutes=5))
    assert blocked == [{"key": "compte:marie", "failures": 10, "wait": 300},
                       {"key": "source:10.0.0.1", "failures": 10, "wait": 300}]
    guard.unlock("compte:marie", "paul", "10.9.9.9")
    assert [b["key"] for b in guard.blocked(now=t - timedelta(minutes=5))] == ["source:10.0.0.1"]
    assert guard.attempt(users, "marie", SECRET, "10.0.0.5", now=t - timedelta(minutes=5)).ok
    assert guard.events()[1]["outcome"] == "unlock"
    assert guard.events()[1]["detail"] == "débloqué : compte:marie"


def test_session_survives_reloads_until_logout(guard, users, engine):
    token = guard.open_session(users, "marie", "10.0.0.1", now=T0)
    assert len(token) >= 43
    assert guard.resume(users, token, now=T0 + timedelta(hours=7)) == ("marie", "editor")
    with engine.connect() as conn:  # the database keeps only the token's SHA-256
        ids = [r[0] for r in conn.execute(text("SELECT id FROM login_session"))]
    assert ids == [token_id(token)] and token not in ids
    guard.close(token, "marie", now=T0 + timedelta(hours=1))
    assert guard.resume(users, token, now=T0 + timedelta(hours=1)) is None  # no replay


def test_session_ends_on_expiry_password_change_removal_and_forgery(guard, users):
    token = guard.open_session(users, "marie", now=T0)
    assert guard.resume(users, token, now=T0 + timedelta(hours=8)) is None  # 8 h at most
    assert guard.resume(users, token + "x", now=T0) is None
    assert guard.resume(users, "", now=T0) is None and guard.resume(users, None) is None
    assert guard.resume(users, "a" * 5000, now=T0) is None
    changed = {**users, "marie": {**users["marie"], "password_hash": hash_password("n", 1000)}}
    assert guard.resume(changed, token, now=T0) is None
    assert guard.resume({"paul": users["paul"]}, token, now=T0) is None
    demoted = {**users, "marie": {**users["marie"], "role": "lecteur"}}
    assert guard.resume(demoted, token, now=T0) == ("marie", "viewer")  # role read again
    stricter = LoginGuard(guard.engine, AuthPolicy(min_iterations=600_000))
    assert stricter.resume(users, token, now=T0) is None  # the hash is now too weak


def test_simultaneous_attempts_cannot_pass_the_limit(guard, users, monkeypatch):
    """Each attempt is counted before its password is checked: 20 at once, 5 checked."""
    from concurrent.futures import ThreadPoolExecutor

    from carnet import auth as roles

    checked = []
    real = roles.authenticate
    monkeypatch.setattr(roles, "authenticate",
                        lambda *a, **k: checked.append(1) or real(*a, **k))
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda i: guard.attempt(users, "marie", "faux", f"10.3.0.{i}",
                                                        now=T0), range(20)))
    assert len(checked) == 5
    assert sorted(r.wait for r in results) == [0] * 4 + [15] * 16
    assert sum("réessayez" in r.message for r in results) == 15
