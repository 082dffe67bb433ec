"""Real browser: log in on Accueil, reload, still logged in; log out, reload, logged out.

The server reads a temporary secrets file (``HOME``/.streamlit/secrets.toml) declaring one
editor with a real 600 000-iteration hash, and a temporary registry. Screenshot of the
frame with the account box at 1024×768: ``test-artifacts/connexion-cadre.png``.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import ARTIFACTS, ROOT
from tests.support import BROWSER_APP, accounts_home, app_env, chromium, streamlit_app

ANON = "Compte : non connecté (lecteur)"
MARIE = "Compte : marie (éditeur)"

pytestmark = BROWSER_APP


@pytest.fixture(scope="module")
def server(built_cache, tmp_path_factory):
    home = accounts_home(tmp_path_factory.mktemp("home"), {"marie": ("Nord-2026!", "éditeur")})
    url = f"sqlite:///{tmp_path_factory.mktemp('registre') / 'projets.sqlite'}"
    env = app_env(built_cache, url, home)
    with streamlit_app(env, ROOT) as base:
        yield base


def _account(page, label: str):
    box = page.get_by_test_id("stSidebar").get_by_test_id("stExpander").filter(has_text=label)
    box.first.wait_for(timeout=60_000)
    return box.first


def test_login_survives_reload_until_logout(server):
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1024, "height": 768})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(server)
        # at 1024 px the sidebar starts folded (projector layout): unfold it as a user would;
        # it then stays open for the browser session (reloads and other pages included)
        page.locator('[data-testid="stExpandSidebarButton"]').click(timeout=60_000)
        box = _account(page, ANON)
        box.get_by_text(ANON).click()
        box.get_by_label("Identifiant").fill("marie")
        box.get_by_label("Mot de passe").fill("faux")
        box.get_by_role("button", name="Se connecter").click()
        page.get_by_text("Identifiant ou mot de passe incorrect.").wait_for(timeout=60_000)
        box.get_by_label("Mot de passe").fill("Nord-2026!")
        box.get_by_role("button", name="Se connecter").click()
        box = _account(page, MARIE)
        page.wait_for_function("document.cookie.includes('carnet_session=')", timeout=30_000)

        page.reload()
        page.get_by_role("heading", level=1).first.wait_for(timeout=60_000)
        box = _account(page, MARIE)  # still logged in after the reload
        box.get_by_text(MARIE).click()
        box.get_by_role("button", name="Se déconnecter").wait_for(timeout=30_000)
        page.wait_for_timeout(800)
        page.screenshot(path=str(ARTIFACTS / "connexion-cadre.png"))

        page.goto(f"{server}/plan_actions")  # another page of the frame, same login
        page.get_by_role("tab", name="Saisie").wait_for(timeout=60_000)
        _account(page, MARIE)
        page.get_by_role("tab", name="Saisie").click()
        assert page.get_by_text("Lecture seule : connectez-vous").count() == 0

        box = _account(page, MARIE)
        box.get_by_text(MARIE).click()
        box.get_by_role("button", name="Se déconnecter").click()
        _account(page, ANON)
        page.wait_for_function("!document.cookie.includes('carnet_session=')", timeout=30_000)
        page.reload()
        page.get_by_role("heading", level=1).first.wait_for(timeout=60_000)
        _account(page, ANON)
        assert not errors, errors
