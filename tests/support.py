"""Helpers shared by the test modules (import as ``tests.support``)."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def sources_dir() -> Path | None:
    """The real sources folder from ``$CARNET_SOURCES``, or None when absent."""
    env = os.environ.get("CARNET_SOURCES")
    if not env:
        return None
    p = Path(env).resolve()
    return p if p.exists() else None


needs_sources = pytest.mark.skipif(
    sources_dir() is None, reason="CARNET_SOURCES non défini : tests d'intégration ignorés"
)


CHROMIUM = Path("/usr/bin/chromium")
#: The flags every headless Chromium of the tests and benchmarks runs with.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


def launch_chromium(pw):
    """Debian's headless Chromium through Playwright (``pw``: a ``sync_playwright()`` handle)."""
    return pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


@contextlib.contextmanager
def chromium():
    """A headless Chromium (Playwright), closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            yield browser
        finally:
            browser.close()


#: Marks of a test driving Chromium against the app on the real Nord pack.
BROWSER_APP = [
    pytest.mark.browser,
    pytest.mark.integration,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium absent"),
    pytest.mark.skipif(sources_dir() is None, reason="CARNET_SOURCES non défini"),
]


def require_map_assets() -> None:
    """Skip unless the offline map assets are installed."""
    from carnet.maps.assets import is_installed

    if not is_installed():
        pytest.skip("bibliothèques cartographiques absentes : python -m carnet.maps.assets install")


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen | None = None, tries: int = 120) -> None:
    """Wait until the Streamlit server at ``url`` answers its health check.

    Raises
    ------
    RuntimeError
        If it does not within ``tries`` half-seconds, or ``proc`` exits first.
    """
    for _ in range(tries):
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"le serveur Streamlit s'est arrêté (code {proc.returncode})")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("le serveur Streamlit n'a pas démarré")


def start_streamlit(env: dict, root: Path, script: str = "app.py", port: int | None = None,
                    extra_args=(), log=subprocess.DEVNULL) -> tuple[subprocess.Popen, str]:
    """Start ``streamlit run script`` headless on the loopback; return (process, base URL).

    The caller stops it with :func:`stop`; :func:`streamlit_app` does both.
    """
    port = port or free_port()
    stderr = subprocess.DEVNULL if log is subprocess.DEVNULL else subprocess.STDOUT  # into the log
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false", *extra_args],
        cwd=root, env=env, stdout=log, stderr=stderr,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc)
    except BaseException:
        stop(proc)
        raise
    return proc, url


def stop(proc: subprocess.Popen) -> None:
    """Stop a server process started by :func:`start_streamlit` (kill after 10 s)."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@contextlib.contextmanager
def streamlit_app(env: dict, root: Path, **kwargs):
    """Run ``streamlit run app.py`` on a free loopback port; yield its base URL."""
    try:
        proc, url = start_streamlit(env, root, **kwargs)
    except RuntimeError as exc:
        pytest.fail(str(exc))
    try:
        yield url
    finally:
        stop(proc)


# --- accounts ------------------------------------------------------------------------


def accounts_home(home: Path, users: dict[str, tuple[str, str]]) -> Path:
    """A ``HOME`` whose ``.streamlit/secrets.toml`` declares ``users`` (name → (password, role)).

    Real password hashes (:func:`carnet.auth.hash_password`); returns ``home``.
    """
    from carnet.auth import hash_password

    (home / ".streamlit").mkdir(parents=True, exist_ok=True)
    (home / ".streamlit" / "secrets.toml").write_text(
        "".join(f'[carnet.users.{name}]\npassword_hash = "{hash_password(pwd)}"\nrole = "{role}"\n\n'
                for name, (pwd, role) in users.items()), encoding="utf-8")
    return home


def app_env(cache: Path, database_url: str, home: Path | None = None, **extra: str) -> dict:
    """The environment of an app server: this process's, with the test cache and registry."""
    env = {**os.environ, "CARNET_CACHE": str(cache), "CARNET_DATABASE_URL": database_url, **extra}
    if home is not None:
        env["HOME"] = str(home)
    return env


#: The editor account of most browser tests.
EDITOR = {"marie": ("editeur-demo", "editor")}


def server_env(cache: Path, tmp: Path, users: dict | None = None, database_url: str | None = None
               ) -> dict:
    """The environment of an app server on ``cache``: accounts ``users`` (default
    :data:`EDITOR`) in ``tmp/home``, and a registry (a fresh SQLite file in ``tmp`` unless
    ``database_url``)."""
    home = accounts_home(tmp / "home", EDITOR if users is None else users)
    return app_env(cache, database_url or f"sqlite:///{tmp / 'projets.sqlite'}", home)


def sidebar_login(page, name: str, password: str, *, unfold: bool | str = False,
                  timeout: int = 30_000):
    """Sign in through the sidebar account box as a user would; return the sidebar locator.

    ``unfold``: True clicks the sidebar open first (at 1024 px it starts folded),
    ``"if-folded"`` only when it is not visible.
    """
    sidebar = page.get_by_test_id("stSidebar")
    if unfold is True or (unfold == "if-folded" and not sidebar.is_visible()):
        page.locator('[data-testid="stExpandSidebarButton"]').click(timeout=60_000)
    sidebar.get_by_text("Compte : non connecté (lecteur)").click()
    signed_in = sidebar.get_by_text(f"Compte : {name}")
    # On a loaded machine a submission made while the page is still running its first script
    # run can be dropped by Streamlit (the form is redrawn): then fill and submit it again,
    # as a user would, once the page is idle — never twice once signed in.
    for attempt in range(2):
        sidebar.get_by_label("Identifiant").fill(name)
        sidebar.get_by_label("Mot de passe").fill(password)
        sidebar.get_by_role("button", name="Se connecter").click()
        try:
            signed_in.wait_for(timeout=timeout // 2 if attempt == 0 else timeout)
            break
        except Exception:  # noqa: BLE001 - Playwright's TimeoutError; retried once
            if attempt == 1 or signed_in.count():
                raise
            page.wait_for_timeout(1000)
            status = page.locator("[data-testid='stStatusWidget']")
            for _ in range(60):  # until the page's run is over
                if not status.count():
                    break
                page.wait_for_timeout(500)
            box = sidebar.get_by_label("Identifiant")
            if not box.is_visible():  # the account box folded on redraw: open it again
                sidebar.get_by_text("Compte : non connecté (lecteur)").click()
    return sidebar


def open_signed_in(page, base: str, path: str = "plan_actions", heading: str = "Plan d'actions",
                   user: str = "marie", password: str = "editeur-demo"):
    """Open ``base/path``, wait for its title, sign in through the sidebar; return the sidebar."""
    page.goto(f"{base}/{path}")
    page.wait_for_selector(f'h1:has-text("{heading}")', timeout=60_000)
    return sidebar_login(page, user, password)


def shown(markdown: str) -> str:
    """What a reader sees of an escaped Markdown string (backslash escapes resolved)."""
    return re.sub(r"\\(.)", r"\1", markdown)


def open_tab(at, label: str):
    """Open tab ``label`` of the Plan d'actions page as a click on it does (its tabs are lazy:
    the table and the dashboard are made only in their open tab), rerun; returns ``at``."""
    from carnet.ui.projets import PLAN_TAB_KEY, PLAN_TABS

    assert label in PLAN_TABS or label == "Administration", label
    at.session_state[PLAN_TAB_KEY] = label
    return at.run()
