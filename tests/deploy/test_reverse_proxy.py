"""The deployment recipe, run (issue #12 §4): two app processes behind Debian's nginx.

``deploy/nginx-carnet.conf`` is used as shipped, its ports rewritten: nginx runs in a
temporary prefix, two Streamlit processes share one registry (PostGIS when
``CARNET_TEST_DATABASE_URL`` is set, else one SQLite file). Checked in Chromium:

- a browser with no cookie gets ``carnet_route`` and every one of its requests, the
  websocket included (the page renders only through it), reaches one process;
- two browsers whose keys hash to different processes are each served, whole, by their own;
- the page works through the proxy (title, map frame, no error);
- the content-hashed geometry file of the fast commune map, the versioned map libraries and
  Streamlit's own front end come with ``Cache-Control: immutable`` (the browser keeps them,
  never revalidates); a second browser gets Streamlit's front end from nginx's cache, byte for
  byte the files of the installed Streamlit.
"""

from __future__ import annotations

import getpass
import re
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.browser.conftest import ROOT
from tests.projets.conftest import PG_URL, _reset_pg
from tests.support import (
    BROWSER_APP,
    chromium,
    free_port,
    require_map_assets,
    server_env,
    start_streamlit,
    stop,
)

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
pytestmark = [*BROWSER_APP, pytest.mark.skipif(NGINX is None, reason="nginx absent (apt install nginx)")]

MAIN = """\
user {user};
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
worker_processes 1;
events {{ worker_connections 256; }}
http {{
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {prefix}/carnet.conf;
}}
"""


def main_conf(prefix: Path) -> str:
    """nginx's main file for a run in ``prefix``. Its workers run as this user: started as root
    (CI), they would run as ``nobody`` and could not write the cache under pytest's private
    temporary directory (as non-root, nginx ignores the ``user`` line)."""
    return MAIN.format(prefix=prefix, user=getpass.getuser())


def _site(ports: tuple[int, int], listen: int, cache: Path) -> str:
    """The shipped site file with this run's ports and cache directory, and the backend named
    in a header."""
    text = (ROOT / "deploy" / "nginx-carnet.conf").read_text(encoding="utf-8")
    assert "proxy_cache_path /var/cache/nginx/carnet " in text
    text = text.replace("proxy_cache_path /var/cache/nginx/carnet ", f"proxy_cache_path {cache} ")
    text = text.replace("server 127.0.0.1:8501;", f"server 127.0.0.1:{ports[0]};")
    text = text.replace("server 127.0.0.1:8502;", f"server 127.0.0.1:{ports[1]};")
    text = text.replace("listen 80;", f"listen 127.0.0.1:{listen};")
    assert f":{ports[0]};" in text and f":{ports[1]};" in text and f":{listen};" in text
    # diagnostics of the test only: which process answered
    return text.replace("    location / {", "    location / {\n"
                        "        add_header X-Carnet-Backend $upstream_addr always;", 1)


def _backend(url: str, key: str) -> str:
    req = urllib.request.Request(f"{url}/_stcore/health", headers={"Cookie": f"carnet_route={key}"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return resp.headers["X-Carnet-Backend"]


@pytest.fixture(scope="module")
def proxied(built_cache, tmp_path_factory):
    """(proxy URL, the two backends' addresses)."""
    require_map_assets()
    tmp = tmp_path_factory.mktemp("proxy")
    database = PG_URL or f"sqlite:///{tmp / 'projets.sqlite'}"
    if PG_URL:
        _reset_pg(PG_URL)
    env = server_env(built_cache, tmp, database_url=database)
    ports = (free_port(), free_port())
    procs = []
    try:
        for port in ports:
            procs.append(start_streamlit(env, ROOT, port=port)[0])
        prefix = tmp / "nginx"
        prefix.mkdir()
        listen = free_port()
        (prefix / "carnet.conf").write_text(_site(ports, listen, prefix / "cache"), encoding="utf-8")
        (prefix / "nginx.conf").write_text(main_conf(prefix), encoding="utf-8")
        subprocess.run([NGINX, "-t", "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
                       check=True, capture_output=True)
        nginx = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"),
                                  "-g", "daemon off;"])
        procs.append(nginx)
        url = f"http://127.0.0.1:{listen}"
        for _ in range(100):
            try:
                _backend(url, "x")
                break
            except OSError:
                time.sleep(0.1)
        yield url, {f"127.0.0.1:{p}" for p in ports}
    finally:
        for p in procs:
            stop(p)
        if PG_URL:
            _reset_pg(PG_URL)


def _served(browser, url: str, cookie: str | None):
    """Open Accueil through the proxy; return (backends that answered, cookie, errors)."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    if cookie:
        ctx.add_cookies([{"name": "carnet_route", "value": cookie, "url": url}])
    page = ctx.new_page()
    seen, errors = set(), []
    # the files kept by nginx (X-Carnet-Cache) may come from its cache: no backend to name
    page.on("response", lambda r: None if "x-carnet-cache" in r.headers
            else seen.add(r.headers.get("x-carnet-backend")))
    page.on("pageerror", lambda e: errors.append(str(e)))
    sockets = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    page.goto(url)
    page.get_by_test_id("stMain").locator("h1").first.wait_for(timeout=120_000)
    page.locator("iframe[title*='streamlit_folium']").first.wait_for(timeout=120_000)
    body = page.locator("body").inner_text()
    route = {c["name"]: c["value"] for c in ctx.cookies()}.get("carnet_route")
    ctx.close()
    assert "Traceback" not in body and "Département du Nord" in body
    assert any(s.endswith("/_stcore/stream") for s in sockets), sockets  # through the proxy
    return seen - {None}, route, errors


def test_sessions_stay_on_their_process_and_spread_over_both(proxied):
    url, backends = proxied
    keys: dict[str, str] = {}
    for i in range(64):  # keys that hash to each process (consistent hash: fixed per key)
        keys.setdefault(_backend(url, f"cle-{i}"), f"cle-{i}")
        if len(keys) == 2:
            break
    assert set(keys) == backends, keys
    with chromium() as browser:
        fresh, route, errors = _served(browser, url, None)
        assert route and re.fullmatch(r"[0-9a-f]{32}", route), route  # nginx's $request_id
        assert len(fresh) == 1 and fresh <= backends, fresh
        for backend, key in keys.items():
            seen, kept, more = _served(browser, url, key)
            assert seen == {backend} and kept == key, (seen, backend, kept)
            errors += more
    assert errors == []


def test_hashed_map_files_are_immutable_through_the_proxy(proxied):
    url, _ = proxied
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        headers: dict[str, str] = {}
        page.on("response", lambda r: headers.setdefault(r.url, r.headers.get("cache-control", ""))
                if "/app/static/" in r.url else None)
        page.goto(f"{url}/territoire?territoire=cambresis")
        frame = page.locator("iframe[title*='carnet_fastmap']").first
        frame.wait_for(timeout=120_000)
        frame.element_handle().content_frame().wait_for_selector("path.carnet-commune", timeout=120_000)
        carnet = page.locator("iframe[src*='/app/static/cartes/']").first  # the layers' map page
        carnet.wait_for(state="attached", timeout=120_000)
        carnet.element_handle().content_frame().wait_for_selector(".leaflet-container", timeout=60_000)
        page.close()
    geo = [u for u in headers if re.search(r"/app/static/geo/nord-territoire-[0-9a-f]{16}\.json$", u)]
    pages = [u for u in headers
             if re.search(r"/app/static/cartes/carnet-nord-cambresis-[0-9a-f]{16}\.html$", u)]
    lib = [u for u in headers if "/app/static/vendor/leaflet-1.9.4/leaflet.js" in u]
    assert geo and pages and lib, sorted(headers)
    for u in geo + pages + lib:
        assert headers[u] == "public, max-age=31536000, immutable", (u, headers[u])


def test_streamlit_front_end_is_kept_by_the_browser_and_by_nginx(proxied):
    import streamlit

    url, _ = proxied
    static = Path(streamlit.__file__).parent / "static"
    index = re.search(r'src="\./(static/js/index\.[\w-]+\.js)"', (static / "index.html").read_text())
    assert index, "Streamlit's index.html names its bundle"
    seen: list[tuple[str, str, str]] = []
    with chromium() as browser:
        for _ in range(2):  # two browsers: the second one is served from nginx's cache
            ctx = browser.new_context(viewport={"width": 1280, "height": 900})
            page = ctx.new_page()
            page.on("response", lambda r: seen.append((r.url, r.headers.get("cache-control", ""),
                                                       r.headers.get("x-carnet-cache", "")))
                    if "/static/js/" in r.url else None)
            page.goto(f"{url}/territoire?territoire=cambresis")
            page.locator("iframe[title*='carnet_fastmap']").first.wait_for(timeout=120_000)
            ctx.close()
    bundle = [row for row in seen if row[0].endswith(index.group(1))]
    assert len(bundle) == 2, seen[:5]
    assert all(cc == "public, max-age=31536000, immutable" for _, cc, _ in seen), seen[:3]
    assert bundle[1][2] == "HIT"
    req = urllib.request.Request(f"{url}/{index.group(1)}", headers={"Accept-Encoding": "identity"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        assert resp.headers["X-Carnet-Cache"] == "HIT"
        assert resp.read() == (static / index.group(1)).read_bytes()
