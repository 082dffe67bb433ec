"""Sign-in of the page frame: the account box of every page, kept across reloads.

``account_box()`` is drawn by ``app.py`` in the sidebar of every page; pages read the
signed-in user with :func:`current_user`. Two ways to sign in:

- an identity provider (OIDC, ``st.login``), when ``[auth]`` is configured in
  ``secrets.toml``: Streamlit keeps that login in its own signed cookie;
- an account of ``[carnet.users]`` (hashed password), checked by
  :class:`carnet.projets.logins.LoginGuard` (throttled, audited). Streamlit has no
  mechanism to keep such a login across reloads (``st.login`` is OIDC only and
  ``st.context.cookies`` is read-only), so after a successful login the browser gets a
  *session* cookie ``carnet_session`` holding a random token whose SHA-256 is in the
  database. Limits: the cookie is written by a script of the page, so it cannot be
  ``HttpOnly`` (no script of the app shows untrusted HTML); it is ``SameSite=Strict``
  and ``Secure`` over HTTPS; it lasts until the browser closes, at most
  ``session_hours`` (8 h) on the server side; logging out revokes it server-side even
  if the browser kept it. The token is never put in the page address (addresses are
  meant to be shared).
"""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

import streamlit as st

from carnet import auth as roles
from carnet.projets.errors import ProjetError
from carnet.ui.plain import md

AUTH_KEY = "projets_auth"
COOKIE = "carnet_session"
_COOKIE_PENDING = "auth_cookie_pending"
_NOTICE = "auth_notice"
ANONYMOUS = {"user": "anonyme", "role": "viewer"}
PARIS = ZoneInfo("Europe/Paris")


def secrets_section(name: str) -> dict:
    """``st.secrets["carnet"][name]`` as a dict ({} without secrets.toml)."""
    try:
        return dict(st.secrets.get("carnet", {}).get(name, {}))
    except Exception:  # noqa: BLE001 - no or unreadable secrets.toml: no accounts
        return {}


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001
        return False


def policy() -> roles.AuthPolicy:
    """Login settings from ``[carnet.auth]`` (raises ProjetError on a bad value)."""
    return roles.AuthPolicy.from_mapping(secrets_section("auth"))


def _guard():
    from carnet.db import get_database_url, get_engine
    from carnet.projets.logins import LoginGuard

    return LoginGuard(get_engine(get_database_url()), policy())


def _source() -> str:
    try:
        return st.context.ip_address or "local"
    except Exception:  # noqa: BLE001 - outside a browser session (tests)
        return "local"


def _cookie_token() -> str | None:
    try:
        value = st.context.cookies.get(COOKIE)
    except Exception:  # noqa: BLE001
        return None
    return str(value) if value else None


def current_user() -> tuple[str, str]:
    """``(user, role)`` of this browser session; ``("anonyme", "viewer")`` by default.

    The account box (:func:`account_box`, drawn by ``app.py`` on every page) signs in
    and out; this function only reads the result.
    """
    user = getattr(st, "user", None)
    if user is not None and getattr(user, "is_logged_in", False):
        email = user.get("email")
        return str(email), roles.role_for_email(secrets_section("oidc_roles"), email)
    state = st.session_state.get(AUTH_KEY) or ANONYMOUS
    role = state.get("role") if state.get("role") in roles.ROLES else "viewer"
    return str(state.get("user", "anonyme")), role


def _set_cookie_script(token: str | None) -> str:
    """A script that writes (or, with None, deletes) the session cookie of this site."""
    if token is None:
        value = f"{COOKIE}=; Max-Age=0; Path=/; SameSite=Strict"
    else:
        value = f"{COOKIE}={token}; Path=/; SameSite=Strict"
    return ("<script>(function(){var c=" + json.dumps(value) + ";"
            "if(location.protocol==='https:'){c+='; Secure';}"
            "document.cookie=c;})();</script>")


def _restore_or_check(users: dict) -> dict:
    """The session's login: resumed from the cookie on a new session (a reload), and
    checked again on every page (logout elsewhere, expiry, password or role change)."""
    state = st.session_state.get(AUTH_KEY)
    if state is None:  # a new Streamlit session: a reload, a new tab
        state = dict(ANONYMOUS)
        token = _cookie_token()
        if token:
            try:
                resumed = _guard().resume(users, token)
            except Exception:  # noqa: BLE001 - database down: stay a viewer, say so
                st.session_state[_NOTICE] = ("La session n'a pas pu être vérifiée (base des "
                                             "projets injoignable) : lecture seule.")
                resumed = None
            if resumed:
                state = {"user": resumed[0], "role": resumed[1], "token": token}
        st.session_state[AUTH_KEY] = state
    elif state.get("token"):
        try:
            resumed = _guard().resume(users, state["token"])
        except Exception:  # noqa: BLE001
            resumed = None
        if resumed is None:
            st.session_state[_NOTICE] = ("Votre session a pris fin (déconnexion, expiration ou "
                                         "compte modifié) : vous êtes en lecture seule.")
            st.session_state[_COOKIE_PENDING] = None
            state = dict(ANONYMOUS)
        else:
            state = {**state, "role": resumed[1]}
        st.session_state[AUTH_KEY] = state
    return state


def _login(users: dict, name: str, password: str) -> None:
    try:
        guard = _guard()
        result = guard.attempt(users, name, password, _source())
        token = guard.open_session(users, name, _source()) if result.ok else None
    except ProjetError as exc:
        st.error(f"Connexion impossible : {exc}")
        return
    except Exception:  # noqa: BLE001 - no traceback on the page
        st.error("Connexion impossible : la base des projets ne répond pas. Réessayez plus tard.")
        return
    if not result.ok:
        st.error(result.message)
        return
    st.session_state[AUTH_KEY] = {"user": name, "role": result.role, "token": token}
    st.session_state[_COOKIE_PENDING] = token
    st.rerun()


def _logout(state: dict) -> None:
    try:
        _guard().close(state.get("token"), state["user"], _source())
    except Exception:  # noqa: BLE001 - log out locally anyway
        st.session_state[_NOTICE] = ("Déconnecté de cette page, mais la base des projets ne "
                                     "répond pas : fermez le navigateur pour clore la session.")
    st.session_state[AUTH_KEY] = dict(ANONYMOUS)
    st.session_state[_COOKIE_PENDING] = None
    st.rerun()


def account_box() -> tuple[str, str]:
    """The account box of the frame (sidebar, every page); return ``(user, role)``."""
    user = getattr(st, "user", None)
    if user is not None and getattr(user, "is_logged_in", False):
        name, role = current_user()
        with st.expander(f"Compte : {md(name)} ({roles.role_label(role)})",
                         icon=":material/account_circle:"):
            st.caption("Connecté par le fournisseur d'identité de la collectivité.")
            if st.button("Se déconnecter", key="auth_oidc_logout"):
                st.logout()
        return name, role

    users = secrets_section("users")
    state = _restore_or_check(users)
    name, role = current_user()
    logged = state.get("user", "anonyme") != "anonyme"
    title = (f"Compte : {md(name)} ({roles.role_label(role)})" if logged
             else "Compte : non connecté (lecteur)")
    notice = st.session_state.pop(_NOTICE, None)
    with st.expander(title, icon=":material/account_circle:", expanded=bool(notice)):
        if notice:
            st.warning(notice)
        if logged:
            try:
                hours = policy().session_hours
            except ProjetError:
                hours = roles.AuthPolicy.session_hours
            st.caption(f"Connecté : {name}, rôle {roles.role_label(role)}. La connexion dure "
                       f"jusqu'à la fermeture du navigateur ({hours} heure"
                       f"{'s' if hours > 1 else ''} au plus).")
            if st.button("Se déconnecter", key="projets_logout"):
                _logout(state)
        else:
            _login_form(users)
    if _COOKIE_PENDING in st.session_state:
        st.html(_set_cookie_script(st.session_state.pop(_COOKIE_PENDING)),
                unsafe_allow_javascript=True)
    return name, role


def _login_form(users: dict) -> None:
    st.caption("Lecteur par défaut : consulter et exporter. Un compte éditeur ou "
               "administrateur permet de saisir et d'importer des projets.")
    try:
        policy()
    except ProjetError as exc:
        st.error(f"Connexion désactivée : {exc}")
        return
    if not users and not _oidc_configured():
        st.caption("Aucun compte n'est déclaré sur cette installation (voir « Rôles et "
                   "comptes » dans le README).")
    with st.form("projets_login"):
        name = st.text_input("Identifiant", max_chars=64, key="auth_user")
        pwd = st.text_input("Mot de passe", type="password", key="auth_password")
        submitted = st.form_submit_button("Se connecter", key="auth_submit")
    if submitted:
        _login(users, name.strip(), pwd)
    if _oidc_configured() and st.button("Se connecter avec le fournisseur d'identité",
                                        key="auth_oidc_login"):
        st.login()


def logins_admin_section(admin: str) -> None:
    """Administrators: names and clients waiting or locked (unlock), latest login events."""
    import pandas as pd

    from carnet.projets.logins import OUTCOMES, wait_text

    try:
        guard = _guard()
        blocked, events = guard.blocked(), guard.events(200)
    except Exception:  # noqa: BLE001
        st.error("Journal des connexions indisponible : la base des projets ne répond pas.")
        return
    st.subheader("Connexions")
    if blocked:
        st.markdown("**En attente ou verrouillés**")
        for row in blocked:
            c1, c2 = st.columns([3, 1])
            c1.text(f"{row['key']} — {row['failures']} échec(s), encore {wait_text(row['wait'])}")
            if c2.button("Débloquer", key=f"unlock_{row['key']}"):
                guard.unlock(row["key"], admin, _source())
                st.rerun()
    else:
        st.caption("Aucun identifiant ni poste verrouillé.")
    frame = pd.DataFrame([{
        "Date": e["at"].astimezone(PARIS).strftime("%d/%m/%Y %H:%M:%S"), "Identifiant": e["username"],
        "Poste": e["source"], "Résultat": OUTCOMES.get(e["outcome"], e["outcome"]),
        "Détail": e["detail"] or ""} for e in events],
        columns=["Date", "Identifiant", "Poste", "Résultat", "Détail"])
    st.caption("Les 200 derniers événements, heure de Paris (jamais de mot de passe).")
    st.dataframe(frame, hide_index=True, width="stretch")
