"""« Carnet PDF » in a real browser: the Territoire page's button downloads the Cambrésis carnet,
offline (every request leaving the local server is aborted)."""

from __future__ import annotations

import subprocess
from urllib.parse import urlparse

import pytest

from tests.browser.conftest import ARTIFACTS, ROOT
from tests.support import CHROMIUM, server_env, streamlit_app

pytestmark = [
    pytest.mark.browser,
    pytest.mark.integration,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium absent"),
]


def test_button_downloads_the_territoire_carnet(built_cache, browser, tmp_path):
    outside = []
    with streamlit_app(server_env(built_cache, tmp_path), ROOT) as url:
        page = browser.new_page(viewport={"width": 1024, "height": 768}, accept_downloads=True)
        try:
            page.route("**/*", lambda r: r.continue_() if urlparse(r.request.url).hostname in
                       ("127.0.0.1", "localhost") else (outside.append(r.request.url), r.abort()))
            page.goto(f"{url}/territoire?territoire=cambresis", timeout=120_000)
            button = page.get_by_role("button", name="Carnet PDF")
            button.wait_for(timeout=120_000)
            with page.expect_download(timeout=180_000) as dl:
                button.click()
            download = dl.value
            path = tmp_path / download.suggested_filename
            download.save_as(path)
            page.screenshot(path=str(ARTIFACTS / "rapport_button_1024.png"))
        finally:
            page.close()
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert download.suggested_filename == "carnet-nord-cambresis.pdf"
    assert "Cambrésis" in text and "Clause de revoyure : bilan à mi-parcours" in text
    assert "Projets engagés selon le document publié : 91 sur 280" in text
    assert "n'a pas pu être produit" not in text
    assert all(urlparse(u).hostname is None or "tile" in u for u in outside), outside
