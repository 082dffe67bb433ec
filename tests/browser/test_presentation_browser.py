"""The Présentation page in Chromium, as a presenter uses it (issue #11 §2).

At 1920×1080 with every request leaving 127.0.0.1 aborted: the Cambrésis's story, keyboard
only (ArrowRight and PageDown, as clickers send), ten slides on; at each the URL's ``diapo``,
the title and body sizes (≥ 48 px, ≥ 28 px) and the WCAG contrast of the texts as the
browser computes their colours (≥ 4,5:1); polygons on the map slides; Escape goes back to
Territoire. The download button gives ``recit_cambresis.html``, offline. No failed request,
no console error. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import ARTIFACTS, ROOT
from tests.browser.test_smoke import OfflinePage
from tests.support import BROWSER_APP, require_map_assets, server_env, streamlit_app

pytestmark = BROWSER_APP

#: Slides of the Cambrésis story that draw a map (1-based), and the least polygons expected.
MAP_SLIDES = {1: 7, 4: 100, 5: 100}

#: The texts checked (CSS selector → what): title, part, body, figures, sources, bottom bar.
TEXTS = {
    ".carnet-diapo h2": "titre",
    ".carnet-diapo .partie": "partie",
    ".carnet-diapo.texte p": "texte",
    ".carnet-diapo.texte li": "point ou chiffre",
    ".carnet-diapo .valeur": "valeur",
    ".carnet-diapo .reference": "référence",
    ".carnet-diapo footer p": "sources",
    ".carnet-barre .compteur": "compteur",
    ".st-key-diapo_barre button p": "bouton",
}

_STYLES = """(sels) => {
  function rgb(s) { const m = s.match(/[\\d.]+/g) || []; return m.map(Number); }
  function bg(el) {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.99)) { return c.slice(0, 3); }
    }
    return [255, 255, 255];
  }
  const out = [];
  for (const sel of sels) {
    for (const el of document.querySelectorAll(sel)) {
      const r = el.getBoundingClientRect();
      if (!r.width || !el.textContent.trim()) { continue; }
      const s = getComputedStyle(el);
      out.push({sel, size: parseFloat(s.fontSize), fg: rgb(s.color).slice(0, 3), bg: bg(el),
                text: el.textContent.trim().slice(0, 40)});
    }
  }
  return out;
}"""


def _contrast(fg, bg) -> float:
    def lum(c):
        lin = [v / 255 / 12.92 if v / 255 <= 0.04045 else ((v / 255 + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    hi, lo = sorted((lum(fg), lum(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.fixture(scope="module")
def presentation_app(built_cache, tmp_path_factory):
    require_map_assets()
    with streamlit_app(server_env(built_cache, tmp_path_factory.mktemp("presentation")), ROOT) as url:
        yield url


def _map_polygons(page, timeout_ms: int = 60_000) -> int:
    """Polygons drawn in the slide's map frame, once the frame stays (Streamlit may replace a
    component frame while a run redraws it: the count is read again from the new frame)."""
    last: Exception | None = None
    for _ in range(5):
        try:
            frame_el = page.locator("iframe[title='streamlit_folium.st_folium']").first
            frame_el.wait_for(timeout=timeout_ms)
            frame = frame_el.element_handle().content_frame()
            if frame is None:  # the element was replaced between the two reads: no frame yet
                raise RuntimeError("frame detached before it was read")
            frame.wait_for_selector("path.leaflet-interactive", timeout=timeout_ms)
            page.wait_for_timeout(800)
            return frame.locator("path.leaflet-interactive").count()
        except Exception as exc:  # noqa: BLE001 - Playwright's « Frame was detached »
            if "detached" not in str(exc):
                raise
            last = exc
            page.wait_for_timeout(500)
    raise AssertionError(f"le cadre de la carte est remplacé sans cesse : {last}")


def _replaced_frame(page, request) -> bool:
    """True when ``request`` was cancelled with a component frame that Streamlit replaced (the
    map frame when a slide is redrawn): the frame's document or one of its stylesheets, aborted
    on localhost. Nothing else is excused: a failure in the page itself, or any other reason,
    fails the test (requests leaving 127.0.0.1 are counted apart, in ``off.blocked``)."""
    try:
        frame = request.frame
    except Exception:  # noqa: BLE001 - a request without a frame (service worker) is not excused
        return False
    return request.failure == "net::ERR_ABORTED" and frame != page.main_frame


def _idle(page, timeout_ms: int = 60_000) -> None:
    """Wait until the page's script run is over (Streamlit's status widget, hidden here, gone)."""
    page.wait_for_timeout(300)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
                           timeout=timeout_ms)


def test_ten_slides_with_the_keyboard_offline(presentation_app, browser):
    off = OfflinePage(browser, 1920, 1080)
    page = off.page
    failed: list[str] = []
    page.on("requestfailed", lambda r: None if _replaced_frame(page, r) else failed.append(
        f"{r.url} {r.failure} (à {page.url})"))
    page.goto(f"{presentation_app}/presentation?territoire=cambresis")
    page.wait_for_selector(".carnet-diapo[data-numero='1'] h2", timeout=90_000)
    page.wait_for_url(re.compile(r"[?&]diapo=1\b"), timeout=30_000)
    page.locator("iframe[title*='carnet_diapo_clavier']").wait_for(state="attached", timeout=30_000)
    # the chrome is gone: no header, no toolbar, no sidebar
    for testid in ("stHeader", "stToolbar", "stSidebar", "stDecoration"):
        assert not page.get_by_test_id(testid).is_visible(), testid
    seen, low = [], []
    polygons = {1: _map_polygons(page)}
    for step in range(1, 11):
        k = step + 1
        page.keyboard.press("ArrowRight" if step % 2 else "PageDown")
        page.wait_for_url(re.compile(rf"[?&]diapo={k}\b"), timeout=30_000)
        page.wait_for_selector(f".carnet-diapo[data-numero='{k}'] h2", timeout=30_000)
        seen.append(int(re.search(r"diapo=(\d+)", page.url).group(1)))
        if k in MAP_SLIDES:
            polygons[k] = _map_polygons(page)
        # the bottom bar comes after the slide in the run: wait until it is redrawn too
        page.wait_for_function(f"() => (document.querySelector('.carnet-barre .compteur') || {{}})"
                               f".textContent === '{k} / 13'", timeout=30_000)
        _idle(page)
        for s in page.evaluate(_STYLES, list(TEXTS)):
            ratio = _contrast(s["fg"], s["bg"])
            least = 48 if s["sel"].endswith("h2") else 28 if s["sel"] in (
                ".carnet-diapo.texte p", ".carnet-diapo.texte li") else 0
            if ratio < 4.5 or s["size"] < least:
                low.append((k, s["sel"], s["text"], round(ratio, 2), s["size"]))
        if k == 2:
            page.screenshot(path=str(ARTIFACTS / "presentation-chiffres-1920.png"))
        if k == 4:
            page.screenshot(path=str(ARTIFACTS / "presentation-carte-1920.png"))
    assert seen == list(range(2, 12))
    assert low == [], low
    assert all(polygons[k] >= n for k, n in MAP_SLIDES.items()), polygons

    page.keyboard.press("Escape")
    page.wait_for_url(re.compile(r"/territoire\b"), timeout=30_000)
    page.get_by_role("heading", name="Cambrésis").first.wait_for(timeout=60_000)
    assert "territoire=cambresis" in page.url
    page.wait_for_timeout(1000)
    page.keyboard.press("ArrowRight")  # the bridge left with its page: the key does nothing here
    page.wait_for_timeout(2000)
    assert "/territoire" in page.url and "/presentation" not in page.url
    assert off.blocked == [] and failed == [] and off.errors == [], (off.blocked, failed, off.errors)
    off.context.close()


def test_download_gives_the_offline_deck(presentation_app, browser, tmp_path):
    off = OfflinePage(browser, 1024, 768)
    page = off.page
    page.goto(f"{presentation_app}/presentation?territoire=cambresis&diapo=12")
    page.wait_for_selector(".carnet-diapo[data-numero='12'] h2", timeout=90_000)
    # the bridge reports the window's size once (one more run): a click before that run is
    # over holds the previous run's file id, which Streamlit has already dropped
    page.wait_for_selector(".carnet-diapo[data-numero='12'][data-fenetre='1024x768']", timeout=60_000)
    _idle(page)
    with page.expect_download(timeout=120_000) as info:
        page.get_by_role("button", name="Télécharger (HTML)").click()
    d = info.value
    assert d.suggested_filename == "recit_cambresis.html"
    path = tmp_path / d.suggested_filename
    d.save_as(path)
    deck = path.read_text(encoding="utf-8")
    assert "Le Cambrésis : comprendre, débattre, agir" in deck and "91 sur 280" in deck
    assert re.findall(r"<script[^>]*\bsrc=", deck) == [] and "<link" not in deck
    page.screenshot(path=str(ARTIFACTS / "presentation-1024.png"))
    assert off.blocked == [] and off.errors == [], (off.blocked, off.errors)
    off.context.close()
