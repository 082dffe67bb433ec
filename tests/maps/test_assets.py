"""Offline assets: installer (integrity, idempotence, French errors) and rewiring."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import tarfile
from dataclasses import replace
from pathlib import Path

import folium
import folium.plugins
import pytest

from carnet.maps import assets


def _tarball(path: Path, files: dict[str, bytes]) -> str:
    """Write an npm-like tarball; return its SRI integrity."""
    with tarfile.open(path, "w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    digest = hashlib.sha512(path.read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode()


@pytest.fixture
def fake_packages(tmp_path, monkeypatch):
    """Two fake packages whose tarballs sit in tmp/tarballs (no network)."""
    src = tmp_path / "tarballs"
    src.mkdir()
    one = assets.VendorPackage("leaflet", "9.9.9", "", ("dist/leaflet.js", "LICENSE"))
    two = assets.VendorPackage("leaflet.markercluster", "8.8.8", "", ("dist/mc.js",))
    one = replace(
        one,
        integrity=_tarball(
            src / one.tarball, {"dist/leaflet.js": b"var L={};", "LICENSE": b"BSD", "x": b""}
        ),
    )
    two = replace(two, integrity=_tarball(src / two.tarball, {"dist/mc.js": b"//mc"}))
    monkeypatch.setattr(assets, "PACKAGES", (one, two))
    return src, one, two


def test_install_from_dir_is_idempotent(tmp_path, fake_packages, monkeypatch):
    src, one, _ = fake_packages
    static = tmp_path / "static"
    vdir = assets.install(static, from_dir=src)
    assert (vdir / one.folder / "leaflet.js").read_bytes() == b"var L={};"
    assert (vdir / one.folder / "LICENSE").is_file()
    assert not (vdir / one.folder / "x").exists()  # only the listed files
    assert assets.is_installed(static)
    manifest = json.loads((vdir / "manifest.json").read_text())
    assert set(manifest) == {"leaflet-9.9.9", "leaflet.markercluster-8.8.8"}

    def boom(*args, **kwargs):
        raise AssertionError("must not reinstall")

    monkeypatch.setattr(assets, "_extract", boom)
    assert assets.install(static, from_dir=src) == vdir  # fast path
    (vdir / one.folder / "leaflet.js").unlink()
    assert not assets.is_installed(static)


def test_integrity_mismatch_is_refused(tmp_path, fake_packages, monkeypatch):
    src, one, two = fake_packages
    bad = replace(one, integrity="sha512-AAAA")
    monkeypatch.setattr(assets, "PACKAGES", (bad, two))
    with pytest.raises(assets.AssetError, match="Empreinte inattendue"):
        assets.install(tmp_path / "static", from_dir=src)
    assert not (tmp_path / "static" / "vendor").exists()


def test_missing_npm_gives_french_error(tmp_path, fake_packages, monkeypatch):
    monkeypatch.setattr(assets.shutil, "which", lambda name: None)
    with pytest.raises(assets.AssetError, match="npm est introuvable"):
        assets.install(tmp_path / "static")


def test_cli_messages(tmp_path, fake_packages, capsys, monkeypatch):
    src, _, _ = fake_packages
    static = tmp_path / "static"
    assert assets.main(["check", "--static-dir", str(static)]) == 1
    assert "python -m carnet.maps.assets install" in capsys.readouterr().err
    argv = ["install", "--static-dir", str(static), "--from-dir", str(src)]
    assert assets.main(argv) == 0
    assert "installées" in capsys.readouterr().out
    assert assets.main(argv) == 0
    assert "déjà installées" in capsys.readouterr().out
    monkeypatch.setattr(assets.shutil, "which", lambda name: None)
    assert assets.main(["install", "--force", "--static-dir", str(static)]) == 1
    assert capsys.readouterr().err.startswith("Erreur : npm est introuvable")


def test_pinned_packages_are_the_real_ones():
    assert [p.spec for p in assets.PACKAGES] == ["leaflet@1.9.4", "leaflet.markercluster@1.5.3"]
    for p in assets.PACKAGES:
        assert p.integrity.startswith("sha512-") and len(p.integrity) == 95


def test_rewire_folium_defaults():
    m = folium.Map(tiles=None)
    folium.plugins.MarkerCluster().add_to(m)
    assert assets.external_links(m)  # folium's CDN links
    assets.use_local_assets(m)
    js, css = assets.asset_links(m)
    assert js == [
        "/app/static/vendor/leaflet-1.9.4/leaflet.js",
        "/app/static/vendor/leaflet.markercluster-1.5.3/leaflet.markercluster.js",
    ]
    assert css == [
        "/app/static/vendor/leaflet-1.9.4/leaflet.css",
        "/app/static/vendor/leaflet.markercluster-1.5.3/MarkerCluster.css",
        "/app/static/vendor/leaflet.markercluster-1.5.3/MarkerCluster.Default.css",
    ]
    assert assets.external_links(m) == []
    # class attributes untouched: other maps still get folium's defaults
    assert folium.Map.default_js[0][1].startswith("https://")


def test_unknown_plugin_is_reported():
    m = folium.Map(tiles=None)
    folium.plugins.Fullscreen().add_to(m)
    assets.use_local_assets(m)
    remaining = assets.external_links(m)
    assert remaining and all("fullscreen" in u.lower() for u in remaining)


def test_branca_colormap_would_pull_d3_from_cdn():
    import branca.colormap

    m = folium.Map(tiles=None)
    branca.colormap.LinearColormap(["#ffffff", "#000000"]).add_to(m)
    assets.use_local_assets(m)
    assert any("d3" in u for u in assets.external_links(m))


@pytest.mark.skipif(not assets.is_installed(), reason="assets non installés (make assets)")
def test_installed_vendor_files_are_served_files():
    vdir = assets.vendor_dir()
    for package in assets.PACKAGES:
        for name in package.files:
            f = vdir / package.folder / name.removeprefix("dist/")
            assert f.is_file() and f.stat().st_size > 0
    assert (vdir / "leaflet-1.9.4" / "leaflet.js").read_text()[:200].find("Leaflet") >= 0


def test_failing_npm_gives_french_error(tmp_path, fake_packages, monkeypatch):
    fake = tmp_path / "npm"
    fake.write_text("#!/bin/sh\necho 'npm error code E404' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setattr(assets.shutil, "which", lambda name: str(fake))
    with pytest.raises(assets.AssetError, match="Échec de « npm pack ».*E404"):
        assets.install(tmp_path / "static")
    assert not (tmp_path / "static" / "vendor").exists()


def _map_with_a_uuid_in_its_data(text: str) -> folium.Map:
    m = folium.Map(location=[50.2, 3.2], zoom_start=9, tiles=None)
    folium.Marker([50.2, 3.2], tooltip=text).add_to(m)
    return m


def test_stable_html_same_map_same_page_data_untouched(tmp_path):
    """Two builds of one map (new random ids each) give the same page and the same hashed
    file; a data string that looks like an id is left as it is."""
    lookalike = "marker_0123456789abcdef0123456789abcdef"
    a, b = _map_with_a_uuid_in_its_data(lookalike), _map_with_a_uuid_in_its_data(lookalike)
    assert a.get_name() != b.get_name()
    ha, hb = assets.stable_html(a), assets.stable_html(b)
    assert ha == hb and a.get_name() not in ha and lookalike in ha
    assert "map_0001" in ha
    rel = assets.write_hashed(tmp_path, "cartes", "essai", ".html", ha)
    assert assets.write_hashed(tmp_path, "cartes", "essai", ".html", hb) == rel
    assert [p.name for p in (tmp_path / "cartes").iterdir()] == [rel.split("/")[1]]
    assert (tmp_path / rel).read_text(encoding="utf-8") == ha
