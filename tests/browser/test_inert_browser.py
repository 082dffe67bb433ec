"""Real browser: Markdown and HTML in data stay text, and the page fetches nothing from them.

Issue #8 §3: ``st.table`` rendered Markdown, so a project whose title was
``![pixel](http://…)`` made every viewer's browser request the URL (it reached a
listener). Here a local HTTP listener stands for the attacker's server: a project whose
every text field holds links, images, raw HTML, bare URLs, e-mails, ``:red[…]``, emoji
shortcodes and LaTeX pointing at it is shown in the fiche (1024×768), a file named with
such payloads goes through the import wizard, and every page is opened with hostile
query parameters. Every request that leaves 127.0.0.1 is recorded and aborted; the
listener records what reaches it. Both must stay empty, the page must hold no ``<a>`` or
``<img>`` made from data and no traceback text. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import http.server
import subprocess
import sys
import threading
import time
from urllib.parse import urlparse

import pytest

from tests.browser.conftest import ARTIFACTS, ROOT
from tests.support import BROWSER_APP, require_map_assets, server_env, sidebar_login, streamlit_app

FIELDS = ("titre", "description", "enjeu", "maitre_ouvrage", "partenaires", "source")
LABELS = {"titre": "Titre", "description": "Description", "enjeu": "Enjeu",
          "maitre_ouvrage": "Maître d'ouvrage", "partenaires": "Partenaires", "source": "Source"}
LEAKS = ("Traceback", 'File "/', ".py", "Error:", "/work/", "site-packages")

pytestmark = BROWSER_APP


class _Listener(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 - http.server's name
        type(self).hits.append(self.path)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def listener():
    """A local HTTP server standing for the attacker's: (port, list of paths requested)."""
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Listener)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv.server_address[1], _Listener.hits
    srv.shutdown()


def payloads(port: int) -> dict[str, str]:
    """One hostile text per field, all pointing at the listener or a foreign host."""
    pixel = f"http://127.0.0.1:{port}/pixel.png"
    return {
        "titre": f"[texte](https://exemple.invalid/lien) ![pixel]({pixel}) **gras**",
        "description": (f"<img src=\"{pixel}?html\" onerror=\"alert(1)\">\n"
                        f"![pixel2]({pixel}?md2)\n<a href=\"https://exemple.invalid\">a</a>"),
        "enjeu": f":red[rouge] :material/warning: :smile: $x^2$ `code` {pixel}?nu",
        "maitre_ouvrage": "contact@exemple.invalid www.exemple.invalid <script>alert(2)</script>",
        "partenaires": f"[![logo]({pixel}?logo)](https://exemple.invalid) ~~barré~~ | a | b |",
        "source": f"=cmd|' /C calc'!A0 <{pixel}?auto> [ref]: {pixel}?ref",
    }


@pytest.fixture(scope="module")
def app(built_cache, tmp_path_factory, listener):
    require_map_assets()
    port, _ = listener
    tmp = tmp_path_factory.mktemp("inerte")
    env = server_env(built_cache, tmp)
    script = (
        "import json, os, sys\n"
        "from carnet.db import get_engine\n"
        "from carnet.projets.repository import ProjetRepository\n"
        "from carnet.projets.territory import TerritoryContext\n"
        "repo = ProjetRepository(get_engine(os.environ['CARNET_DATABASE_URL']),"
        " TerritoryContext.load('nord'))\n"
        "repo.create({**json.loads(sys.argv[1]), 'commune': '59122', 'territoire': 'cambresis',"
        " 'categorie': 'mod', 'statut': 'engage'}, user='test')\n"
    )
    import json

    subprocess.run([sys.executable, "-c", script, json.dumps(payloads(port))], cwd=ROOT, env=env,
                   check=True)
    with streamlit_app(env, ROOT) as url:
        yield url, tmp, port


class Recorder:
    """A browser context at a given size whose requests leaving 127.0.0.1 are recorded and aborted."""

    def __init__(self, browser, listener_port: int, width: int = 1024, height: int = 768):
        self.foreign: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.port = listener_port
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        # requests in flight, counted here: Playwright's "networkidle" never came on a loaded CI
        # machine (the map frame keeps fetching while Streamlit reruns)
        self.pending: set = set()
        self.context.on("request", lambda r: self.pending.add(r))
        self.context.on("requestfinished", lambda r: self.pending.discard(r))
        self.context.on("requestfailed", lambda r: self.pending.discard(r))

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(("data:", "blob:", "about:")) or urlparse(url).hostname in ("127.0.0.1",
                                                                                       "localhost"):
            route.continue_()  # the app's server, and the listener (which records it)
        else:
            self.foreign.append(url)
            route.abort()

    def live_elements(self) -> list[str]:
        """``<a>``, ``<img>``, KaTeX, coloured text or emoji made from data, in every frame."""
        found = []
        js = """(port) => {
          const out = [];
          const data = (u) => { try { const x = new URL(u, location.href);
            return x.host === '127.0.0.1:' + port || x.hostname.endsWith('exemple.invalid')
              || x.protocol === 'mailto:'; } catch (e) { return false; } };
          for (const a of document.querySelectorAll('a[href]'))  // the page's own links: its host
            if (data(a.href)) out.push('a ' + a.href);
          for (const i of document.querySelectorAll('img, image, source, video, audio, iframe[src]'))
            if (data(i.src || i.getAttribute('href') || '')) out.push('img ' + i.src);
          if (document.querySelector('.katex')) out.push('katex');
          if (document.body && document.body.innerText.includes('\\u{1F604}')) out.push('emoji');
          for (const s of document.querySelectorAll('[data-testid=stMarkdownContainer] span'))
            if ((s.getAttribute('style') || '').includes('color') && s.innerText.includes('rouge'))
              out.push('colour');
          // a <script> element made of the data (its body is the payload), not our map
          // scripts that carry the raw string as JSON data (\u003cscript\u003ealert(2)…)
          for (const s of document.querySelectorAll('script'))
            if (s.textContent.trim() === 'alert(2)') out.push('script');
          return out; }"""
        for frame in self.page.frames:
            try:
                found += frame.evaluate(js, self.port)
            except Exception:  # noqa: BLE001 - a frame detached meanwhile
                continue
        return found



def _settle(rec: Recorder, seconds: float = 2.0) -> None:
    """Let the page finish its run and any fetch it would start.

    Waits for the status widget to go, then for half a second with no request in flight
    (at most 90 s: past that, what is still pending must be the app's own server, never the
    listener nor a foreign host, whose requests are answered or aborted at once).
    """
    page = rec.page
    end = time.time() + 30
    time.sleep(0.5)
    while time.time() < end and page.locator("[data-testid='stStatusWidget']").count():
        time.sleep(0.2)
    end, quiet_since = time.time() + 90, None
    while time.time() < end:
        page.wait_for_timeout(100)  # lets Playwright deliver the request events
        if rec.pending:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.time()
        elif time.time() - quiet_since >= 0.5:
            break
    stray = [r.url for r in list(rec.pending) if urlparse(r.url).port == rec.port]
    assert stray == [], stray
    time.sleep(seconds)


def _assert_clean(rec: Recorder, hits: list[str]) -> None:
    assert rec.live_elements() == []
    assert hits == [], hits  # nothing reached the listener
    assert rec.foreign == [], rec.foreign  # nothing even tried to leave the machine
    assert rec.dialogs == [] and rec.errors == [], (rec.dialogs, rec.errors)
    text = rec.page.locator("body").inner_text()
    assert not [leak for leak in LEAKS if leak in text], text[:2000]


def test_fiche_of_a_hostile_project_is_text_and_fetches_nothing(app, browser, listener):
    url, _, port = app
    _, hits = listener
    hits.clear()
    expected = payloads(port)
    rec = Recorder(browser, port, 1280, 900)
    page = rec.page
    page.goto(f"{url}/plan_actions")
    page.wait_for_selector("h1:has-text(\"Plan d'actions\")", timeout=60_000)
    page.get_by_role("tab", name="Tableau", exact=True).click()
    # the table toolbar: search and full screen, but no raw "Download as CSV" (disableDataExport)
    grid = page.get_by_role("tabpanel", name="Tableau").get_by_test_id("stDataFrame")
    grid.wait_for(timeout=120_000)  # after the map: slow on a loaded machine
    grid.hover()
    toolbar = page.get_by_test_id("stElementToolbarButton")
    toolbar.first.wait_for(timeout=30_000)
    labels = [b.get_attribute("aria-label") or b.inner_text() for b in toolbar.locator("button").all()]
    assert labels and not [label for label in labels if "Download" in label or "CSV" in label], labels
    box = page.get_by_test_id("stSelectbox").filter(has_text="Fiche du projet")
    box.click()
    page.keyboard.type("[texte]")
    page.get_by_role("option").filter(has_text="[texte](https:").first.click()
    fiche = page.locator(".carnet-fiche")
    fiche.wait_for(timeout=30_000)
    page.set_viewport_size({"width": 1024, "height": 768})  # a projector in a meeting room
    _settle(rec)
    cells = {th.inner_text(): td.inner_text() for th, td in zip(
        fiche.locator("tbody th").all(), fiche.locator("tbody td").all(), strict=True)}
    for field, label in LABELS.items():
        assert cells[label] == expected[field], (label, cells[label])
    fiche.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "fiche-projet-hostile-1024x768.png"))
    page.screenshot(path=str(ARTIFACTS / "fiche-projet-hostile-1024-page.png"), full_page=True)
    # the fiche's table fits the 1024 px window: no sideways scrolling of the page
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    _assert_clean(rec, hits)
    rec.context.close()


def test_hostile_file_name_through_the_import_wizard(app, browser, listener):
    url, tmp, port = app
    _, hits = listener
    hits.clear()
    rec = Recorder(browser, port, 1280, 1000)
    page = rec.page
    page.goto(f"{url}/plan_actions")
    page.wait_for_selector("h1:has-text(\"Plan d'actions\")", timeout=60_000)
    sidebar_login(page, "marie", "editeur-demo")
    page.get_by_role("tab", name="Import / export", exact=True).click()
    # no "/" in a file name: http:127.0.0.1:port is how a browser still reads it as a URL
    name = f"[lien](https:exemple.invalid) ![p](http:127.0.0.1:{port}) :smile: $x$ **g**"
    upload = page.locator('input[type="file"]')
    upload.wait_for(state="attached", timeout=120_000)  # after the map (slow on a loaded machine)

    upload.set_input_files(files=[{"name": f"{name}.geojson", "mimeType": "application/json",
                                   "buffer": b'{"type": "FeatureCollection", "features": 5}'}])
    error = page.get_by_test_id("stAlertContentError").filter(has_text=f"{name}.geojson")
    error.wait_for(timeout=30_000)
    _settle(rec, 1)
    assert "n'a pas pu être lu" in error.inner_text() or "refusé" in error.inner_text()

    csv = f"titre;commune;description\nMaison de santé;59122;![x](http://127.0.0.1:{port}/csv)\n"
    upload.set_input_files(files=[{"name": f"{name}.csv", "mimeType": "text/csv",
                                   "buffer": csv.encode()}])
    page.get_by_role("button", name="Importer 1 projet(s)").click()
    done = page.get_by_test_id("stAlertContentSuccess").filter(has_text="importé(s) depuis")
    done.wait_for(timeout=30_000)
    _settle(rec)
    said = done.get_by_test_id("stMarkdownContainer").inner_text().replace("\u2060", "")
    assert said == f"1 projet(s) importé(s) depuis {name}.csv."
    page.screenshot(path=str(ARTIFACTS / "import-nom-hostile.png"))
    _assert_clean(rec, hits)
    rec.context.close()


@pytest.mark.parametrize("path", ["", "territoire", "commune", "comparer", "plan_actions", "sources"])
def test_hostile_query_parameters_in_a_real_browser(app, browser, listener, path):
    url, _, port = app
    _, hits = listener
    hits.clear()
    rec = Recorder(browser, port, 1280, 900)
    page = rec.page
    evil = f"![p](http://127.0.0.1:{port}/q)<img src=http://127.0.0.1:{port}/h>"
    query = ("indicateurs=pop_2022,pop_2022&unites=cambresis,cambresis&territoire=cambresis"
             f"&territoire={evil}&commune={'9' * 5000}&carte=epci,{evil}&classes={evil}&x={evil}")
    page.goto(f"{url}/{path}?{query}")
    page.get_by_test_id("stMain").locator("h1").first.wait_for(timeout=60_000)
    _settle(rec)
    assert page.get_by_test_id("stException").count() == 0
    _assert_clean(rec, hits)
    rec.context.close()
