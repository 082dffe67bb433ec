"""Two editors, one project, two real browsers (issue #8, §2), on SQLite and PostGIS.

Alice and Bruno (two Playwright contexts, two sessions) open the same project's edit
form. Alice saves a change; Bruno, who started from the same version, saves his: he gets
the conflict view (both versions side by side, his input kept), re-applies it in one
click, and the audit log holds both edits with Alice's change kept. The conflict view
is photographed at 1024×768 in ``test-artifacts/conflit-1024x768.png``.

``postgis-2-processus`` (issue #12 §4): Alice and Bruno reach two app processes on one
PostGIS database, as behind the reverse proxy of docs/DEPLOIEMENT.md: what Alice saved in
one process is what Bruno's process shows him in the conflict view.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.browser.conftest import ARTIFACTS, ROOT
from tests.projets.conftest import PG_URL, _reset_pg
from tests.support import BROWSER_APP, chromium, require_map_assets, server_env, sidebar_login, streamlit_app

TITLE = "Médiathèque de Caudry"
B_TITLE = "Médiathèque de Caudry (extension de Bruno)"
A_MOA = "Ville de Caudry (modifié par Alice)"

pytestmark = BROWSER_APP

CREATE = (
    "import os\n"
    "from carnet.db import get_engine\n"
    "from carnet.projets.repository import ProjetRepository\n"
    "from carnet.projets.territory import TerritoryContext\n"
    "repo = ProjetRepository(get_engine(os.environ['CARNET_DATABASE_URL']),"
    " TerritoryContext.load('nord'))\n"
    f"p = repo.create({{'titre': {TITLE!r}, 'commune': '59139', 'territoire': 'cambresis',"
    " 'categorie': 'mod', 'statut': 'etude', 'maitre_ouvrage': 'Ville de Caudry'},"
    " user='test')\n"
    "print(p['id'])\n"
)


@pytest.fixture(scope="module", params=["sqlite", "postgis", "postgis-2-processus"])
def app(request, built_cache, tmp_path_factory):
    """(Alice's base URL, Bruno's base URL, database URL, project id)."""
    require_map_assets()
    tmp = tmp_path_factory.mktemp(f"editeurs_{request.param}")
    if request.param == "sqlite":
        url = f"sqlite:///{tmp / 'projets.sqlite'}"
    else:
        if not PG_URL:
            if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
                pytest.fail("CI sans CARNET_TEST_DATABASE_URL : moitié PostGIS non exécutée")
            pytest.skip("CARNET_TEST_DATABASE_URL non défini : tests PostGIS ignorés")
        url = PG_URL
        _reset_pg(url)
    env = server_env(built_cache, tmp, {"alice": ("alice-demo", "editor"),
                                        "bruno": ("bruno-demo", "editor")}, url)
    out = subprocess.run([sys.executable, "-c", CREATE], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True)
    pid = int(out.stdout.split()[-1])
    with streamlit_app(env, ROOT) as base:
        if request.param.endswith("-2-processus"):
            with streamlit_app(env, ROOT) as other:
                yield base, other, url, pid
        else:
            yield base, base, url, pid
    if request.param.startswith("postgis"):
        _reset_pg(url)


def _login_and_open(browser, base: str, name: str, pwd: str, pid: int):
    ctx = browser.new_context(viewport={"width": 1024, "height": 768})
    page = ctx.new_page()
    page.set_default_timeout(90_000)  # clicks too, on a loaded CI machine
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(f"{base}/plan_actions")
    page.wait_for_selector("h1:has-text(\"Plan d'actions\")", timeout=60_000)
    # at 1024 px the sidebar starts folded (projector layout): unfold it as a user would
    sidebar_login(page, name, pwd, unfold=True, timeout=90_000)
    page.get_by_role("tab", name="Tableau", exact=True).click()
    box = page.get_by_test_id("stSelectbox").filter(has_text="Fiche du projet")
    option = page.get_by_role("option", name=f"n°{pid} — {TITLE}")
    for attempt in range(3):  # a rerun still running (after the tab click) closes the list
        box.click()
        page.keyboard.type(TITLE)
        try:
            option.wait_for(timeout=30_000)
            break
        except Exception:  # noqa: BLE001 - the list was closed under us: open it again
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
    option.click()
    page.locator(".carnet-plain.carnet-fiche").filter(has_text=TITLE).wait_for(timeout=90_000)
    page.get_by_role("button", name="Modifier", exact=True).click()
    page.get_by_text(f"Le projet n°{pid} est ouvert dans l'onglet « Saisie »").wait_for(
        timeout=90_000)
    page.get_by_role("tab", name="Saisie", exact=True).click()
    panel = page.get_by_role("tabpanel", name="Saisie")
    panel.get_by_text(f"Modifier le projet n°{pid}").wait_for(timeout=90_000)
    return ctx, page, panel


def _text(panel, label: str):
    return panel.get_by_role("textbox", name=label, exact=True)


def test_two_editors_conflict_view_and_one_click_reapply(app):
    from sqlalchemy import create_engine

    from carnet.projets.repository import ProjetRepository

    base_a, base_b, url, pid = app
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium() as browser:
        ctx_a, page_a, panel_a = _login_and_open(browser, base_a, "alice", "alice-demo", pid)
        ctx_b, page_b, panel_b = _login_and_open(browser, base_b, "bruno", "bruno-demo", pid)

        _text(panel_a, "Maître d'ouvrage").fill(A_MOA)
        panel_a.get_by_role("button", name="Enregistrer").click()
        page_a.get_by_text(f"Projet n°{pid} enregistré (version 2)").wait_for(timeout=90_000)

        _text(panel_b, "Titre *").fill(B_TITLE)
        panel_b.get_by_role("button", name="Enregistrer").click()
        try:
            panel_b.get_by_text("Conflit : pendant votre saisie, alice a enregistré").wait_for(
                timeout=90_000)
        except Exception:
            page_b.screenshot(path=str(ARTIFACTS / "conflit-echec.png"), full_page=True)
            raise
        table = panel_b.locator(".carnet-plain.carnet-conflit").filter(has_text="Votre saisie")
        table.wait_for(timeout=90_000)
        panel_b.get_by_text("Conflit : pendant votre saisie").scroll_into_view_if_needed()
        page_b.screenshot(path=str(ARTIFACTS / "conflit-1024x768.png"))
        headers = table.locator("th").all_inner_texts()
        cells = table.locator("td").all_inner_texts()
        assert "Version enregistrée (alice)" in headers and "Votre saisie" in headers, headers
        assert B_TITLE in cells and TITLE in cells, cells  # his input, the stored title
        assert A_MOA in cells, cells  # Alice's change, side by side
        assert _text(panel_b, "Titre *").input_value() == B_TITLE  # input kept in the form
        box = table.bounding_box()
        assert box["x"] + box["width"] <= 1024, box  # no column cut off at 1024 px
        for page in (page_a, page_b):
            body = page.locator("body").inner_text()
            assert "Traceback" not in body and 'File "/' not in body

        panel_b.get_by_role("button", name="Réappliquer mes modifications").click()
        page_b.get_by_text(f"Vos modifications sont enregistrées : projet n°{pid}, version 3"
                           ).wait_for(timeout=90_000)
        errors = page_a.errors + page_b.errors
        ctx_a.close()
        ctx_b.close()
    assert errors == []

    engine = create_engine(url)
    try:
        repo = ProjetRepository(engine)
        stored = repo.get(pid)
        assert (stored["titre"], stored["maitre_ouvrage"], stored["version"]) == (
            B_TITLE, A_MOA, 3)
        hist = repo.history(pid)
        assert [(h["action"], h["user"]) for h in hist] == [
            ("create", "test"), ("update", "alice"), ("update", "bruno")]
        assert hist[1]["after"]["maitre_ouvrage"] == A_MOA
        assert hist[2]["before"]["maitre_ouvrage"] == A_MOA  # B re-applied on A's version
        assert hist[2]["after"]["titre"] == B_TITLE
    finally:
        engine.dispose()
