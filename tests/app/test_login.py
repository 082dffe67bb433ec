"""The account box is in the frame of every page; a login survives a reload, not a logout.

A reload is a new Streamlit session that only has the browser's cookies: here a fresh
AppTest whose ``carnet_session`` cookie is the token the login gave (the real cookie is
checked in tests/browser/test_login_browser.py).
"""

from __future__ import annotations

import re

import pytest

from carnet import db
from carnet.auth import hash_password
from tests.app.conftest import no_exception

pytestmark = pytest.mark.integration

ANON = "Compte : non connecté (lecteur)"
MARIE = "Compte : marie (éditeur)"


@pytest.fixture
def accounts(monkeypatch, tmp_path):
    """One editor account, a low minimum (fast tests), a private registry; the cookie jar."""
    import carnet.ui.auth as auth

    secrets = {"users": {"marie": {"password_hash": hash_password("bon-mot", 1000),
                                   "role": "éditeur"}},
               "auth": {"min_iterations": 1000}, "oidc_roles": {}}
    monkeypatch.setattr(auth, "secrets_section", lambda name: secrets.get(name, {}))
    monkeypatch.setenv("CARNET_DATABASE_URL", f"sqlite:///{tmp_path / 'projets.sqlite'}")
    jar: dict[str, str] = {}
    monkeypatch.setattr(auth, "_cookie_token", lambda: jar.get(auth.COOKIE))
    yield jar
    db.dispose_all()


def _box(at) -> str:
    labels = [e.label for e in at.sidebar.expander if e.label.startswith("Compte")]
    assert len(labels) == 1, labels
    return labels[0]


FRAME = """
import streamlit as st
from carnet.ui import auth
with st.sidebar:
    auth.account_box()
user, role = auth.current_user()
st.markdown(f"utilisateur={user} role={role}")
"""


def _frame():
    """The frame's account box alone (AppTest drops clicks in an app with st.navigation)."""
    from streamlit.testing.v1 import AppTest

    return AppTest.from_string(FRAME, default_timeout=60).run()


def _login(at, name: str, password: str):
    at.text_input(key="auth_user").set_value(name)
    at.text_input(key="auth_password").set_value(password)
    return at.button(key="auth_submit").click().run()


def _who(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("utilisateur="))


@pytest.mark.parametrize("page", ["pages/accueil.py", "pages/commune.py", "pages/sources.py",
                                  "pages/plan_actions.py"])
def test_account_box_on_every_page(app, accounts, page):
    app.run()
    app.switch_page(page).run()
    no_exception(app)
    assert _box(app) == ANON


def test_login_survives_reload_until_logout(accounts):
    at = _login(_frame(), "marie", "bon-mot")
    no_exception(at)
    assert _box(at) == MARIE and _who(at) == "utilisateur=marie role=editor"
    token = at.session_state["projets_auth"]["token"]
    script = [e.proto.body for e in at.get("html") if "carnet_session" in e.proto.body]
    assert script and token in script[0] and "SameSite=Strict" in script[0]

    accounts["carnet_session"] = token  # the browser sends the cookie on reload
    reloaded = _frame()
    no_exception(reloaded)
    assert _box(reloaded) == MARIE and _who(reloaded) == "utilisateur=marie role=editor"

    out = reloaded.button(key="projets_logout").click().run()
    assert _box(out) == ANON and _who(out) == "utilisateur=anonyme role=viewer"
    cleared = [e.proto.body for e in out.get("html") if "carnet_session" in e.proto.body]
    assert cleared and "Max-Age=0" in cleared[0]

    replay = _frame()  # the old cookie, replayed after logout
    assert _box(replay) == ANON
    at.run()  # the first tab: its session ended with the logout
    assert _box(at) == ANON
    assert any("Votre session a pris fin" in w.value for w in at.warning)


def test_wrong_password_then_delay_messages(accounts):
    at = _frame()
    for _ in range(5):
        at = _login(at, "marie", "faux")
        no_exception(at)
    errors = [e.value for e in at.error]
    assert errors == ["Identifiant ou mot de passe incorrect. Prochain essai possible dans "
                      "15 secondes."]
    at = _login(at, "marie", "bon-mot")  # too early, even with the right password
    assert len(at.error) == 1
    assert re.fullmatch(r"Trop d'essais infructueux : réessayez dans 1[0-5] secondes\.",
                        at.error[0].value)
    assert _box(at) == ANON


def test_bad_login_settings_disable_login(app, accounts, monkeypatch):
    import carnet.ui.auth as auth

    monkeypatch.setattr(auth, "secrets_section",
                        lambda name: {"auth": {"lock_after": "dix"}}.get(name, {}))
    app.run()
    no_exception(app)
    assert any(e.value.startswith("Connexion désactivée : [carnet.auth] lock_after")
               for e in app.error)
