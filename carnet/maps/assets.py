"""Offline map assets: install Leaflet and its plugins, rewire folium to them.

Folium (0.20) points every map at public CDNs (Leaflet, jQuery, Bootstrap,
Font Awesome, awesome-markers...). The atlas must work with no internet, so the
few files it really needs are installed at setup time from npm tarballs into
``static/vendor/`` (gitignored, never committed) and served by Streamlit's
static file serving at ``/app/static/vendor/...``.

Only Leaflet and Leaflet.markercluster are installed: the atlas draws no
awesome-markers icon, no Bootstrap widget and no jQuery-based popup, so those
links are dropped from every map.

How streamlit-folium (0.27.4) loads them: its component bundles no Leaflet.
``st_folium`` strips every ``<script src>`` and stylesheet ``<link>`` from the
rendered header, collects instead the ``default_js`` / ``default_css`` of every
``JSCSSMixin`` in the map (plus two d3 CDN scripts whenever a branca
``ColorMap`` is present, hence the atlas's own HTML legend), and the iframe
loads those URLs one after the other before injecting the remaining header
(inline styles) and running the map script. So rewiring ``default_js`` /
``default_css`` per instance (:func:`use_local_assets`) covers both the
standalone HTML and the Streamlit component.

Command line (idempotent, fast when already installed)::

    python -m carnet.maps.assets install [--force] [--from-dir DIR]
    python -m carnet.maps.assets check

``--from-dir`` takes a folder of tarballs made elsewhere with ``npm pack``, for a
machine with no registry access. Every tarball is checked against the pinned
SHA-512 integrity below before a single file is extracted.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # folium is imported lazily: the installer CLI must start fast
    import folium

ROOT = Path(__file__).resolve().parents[2]
STATIC_DIR = ROOT / "static"
VENDOR_SUBDIR = "vendor"
DEFAULT_BASE_URL = "/app/static/vendor"
MANIFEST_NAME = "manifest.json"


class AssetError(RuntimeError):
    """Assets could not be installed or are missing (message in French)."""


@dataclass(frozen=True)
class VendorPackage:
    """One npm package whose files are served by the app.

    Parameters
    ----------
    name, version : str
        npm package name and exact version.
    integrity : str
        The registry's ``dist.integrity`` (``sha512-<base64>``) of the tarball.
    files : tuple of str
        Paths inside the tarball's ``package/`` folder to install.
    """

    name: str
    version: str
    integrity: str
    files: tuple[str, ...]

    @property
    def folder(self) -> str:
        """Install folder under ``static/vendor/``, e.g. ``leaflet-1.9.4``."""
        return f"{self.name}-{self.version}"

    @property
    def spec(self) -> str:
        """npm spec, e.g. ``leaflet@1.9.4``."""
        return f"{self.name}@{self.version}"

    @property
    def tarball(self) -> str:
        """File name ``npm pack`` gives the tarball."""
        return f"{self.name.lstrip('@').replace('/', '-')}-{self.version}.tgz"


LEAFLET = VendorPackage(
    name="leaflet",
    version="1.9.4",
    integrity=(
        "sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA=="
    ),
    files=(
        "dist/leaflet.js",
        "dist/leaflet.css",
        "dist/images/layers.png",
        "dist/images/layers-2x.png",
        "dist/images/marker-icon.png",
        "dist/images/marker-icon-2x.png",
        "dist/images/marker-shadow.png",
        "LICENSE",
    ),
)
MARKERCLUSTER = VendorPackage(
    name="leaflet.markercluster",
    version="1.5.3",
    integrity=(
        "sha512-vPTw/Bndq7eQHjLBVlWpnGeLa3t+3zGiuM7fJwCkiMFq+nmRuG3RI3f7f4N4TDX7T4NpbAXpR2+NTRSEGfCSeA=="
    ),
    files=(
        "dist/leaflet.markercluster.js",
        "dist/MarkerCluster.css",
        "dist/MarkerCluster.Default.css",
        "MIT-LICENCE.txt",
    ),
)
PACKAGES: tuple[VendorPackage, ...] = (LEAFLET, MARKERCLUSTER)

# folium resource name -> (package, file inside the package's folder). The
# names are those folium (0.20) gives its default_js / default_css entries.
LOCAL_JS: dict[str, tuple[VendorPackage, str]] = {
    "leaflet": (LEAFLET, "leaflet.js"),
    "markerclusterjs": (MARKERCLUSTER, "leaflet.markercluster.js"),
}
LOCAL_CSS: dict[str, tuple[VendorPackage, str]] = {
    "leaflet_css": (LEAFLET, "leaflet.css"),
    "markerclustercss": (MARKERCLUSTER, "MarkerCluster.css"),
    "markerclusterdefaultcss": (MARKERCLUSTER, "MarkerCluster.Default.css"),
}
# Folium defaults the atlas does not need: dropped from every map.
DROPPED = frozenset(
    {
        "jquery",
        "bootstrap",
        "awesome_markers",
        "bootstrap_css",
        "glyphicons_css",
        "awesome_markers_font_css",
        "awesome_markers_css",
        "awesome_rotate_css",
    }
)


def _installed_name(member: str) -> str:
    """Where a tarball file goes in the package folder (``dist/`` is flattened)."""
    return member.removeprefix("dist/")


# --------------------------------------------------------------------------- install


def vendor_dir(static_dir: Path | None = None) -> Path:
    """Return ``<static_dir>/vendor`` (default: ``static/`` at the repo root)."""
    return Path(static_dir or STATIC_DIR) / VENDOR_SUBDIR


def _expected_manifest() -> dict:
    return {p.folder: {"integrity": p.integrity, "files": list(p.files)} for p in PACKAGES}


def is_installed(static_dir: Path | None = None) -> bool:
    """Whether every vendor file is present and matches the pinned versions.

    Cheap: reads one small manifest and stats the files, hashes nothing.
    """
    vdir = vendor_dir(static_dir)
    try:
        manifest = json.loads((vdir / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if manifest != _expected_manifest():
        return False
    return all((vdir / p.folder / _installed_name(f)).is_file() for p in PACKAGES for f in p.files)


def _sri(path: Path) -> str:
    digest = hashlib.sha512(path.read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode("ascii")


def _npm_pack(packages: tuple[VendorPackage, ...], dest: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise AssetError(
            "npm est introuvable : installez Node.js et npm (par exemple "
            "« apt-get install -y nodejs npm »), ou passez --from-dir avec des "
            "archives obtenues ailleurs par « npm pack "
            + " ".join(p.spec for p in packages)
            + " »."
        )
    cmd = [npm, "pack", "--silent", "--pack-destination", str(dest), *(p.spec for p in packages)]
    try:
        proc = subprocess.run(
            cmd, capture_output=True, text=True, timeout=300, check=False, cwd=dest
        )
    except subprocess.TimeoutExpired as exc:
        raise AssetError(
            "Le téléchargement des bibliothèques cartographiques par npm a dépassé 5 minutes : "
            "vérifiez l'accès au dépôt de paquets npm."
        ) from exc
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        raise AssetError(
            "Échec de « npm pack » pour les bibliothèques cartographiques "
            f"(code {proc.returncode}) : " + " | ".join(detail)
        )


def _extract(package: VendorPackage, tarball: Path, target: Path) -> None:
    actual = _sri(tarball)
    if actual != package.integrity:
        raise AssetError(
            f"Empreinte inattendue pour {package.spec} : archive refusée "
            f"(attendu {package.integrity[:23]}…, obtenu {actual[:23]}…)."
        )
    with tarfile.open(tarball, "r:gz") as tar:
        for member_name in package.files:
            try:
                member = tar.getmember(f"package/{member_name}")
            except KeyError as exc:
                raise AssetError(
                    f"Fichier {member_name} absent de l'archive {package.spec}."
                ) from exc
            if not member.isfile():
                raise AssetError(f"{member_name} n'est pas un fichier dans {package.spec}.")
            out = target / _installed_name(member_name)
            out.parent.mkdir(parents=True, exist_ok=True)
            src = tar.extractfile(member)
            assert src is not None  # a regular file always has a stream
            with src, open(out, "wb") as dst:
                shutil.copyfileobj(src, dst)


def install(
    static_dir: Path | None = None, *, force: bool = False, from_dir: Path | None = None
) -> Path:
    """Install the vendor files into ``<static_dir>/vendor`` (idempotent).

    Parameters
    ----------
    static_dir : Path, optional
        The app's static folder (default: ``static/`` at the repo root, next to
        ``app.py``).
    force : bool
        Reinstall even if the manifest says everything is there.
    from_dir : Path, optional
        Folder holding the ``npm pack`` tarballs; default: run ``npm pack``.

    Returns
    -------
    Path
        The vendor folder.

    Raises
    ------
    AssetError
        With a French message, if npm fails, a tarball is missing or its
        integrity does not match the pinned one.
    """
    vdir = vendor_dir(static_dir)
    if not force and is_installed(static_dir):
        return vdir
    vdir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="carnet-assets-") as tmp:
        tmp_path = Path(tmp)
        if from_dir is None:
            _npm_pack(PACKAGES, tmp_path)
            source = tmp_path
        else:
            source = Path(from_dir)
        staging = Path(tempfile.mkdtemp(prefix=".vendor-", dir=vdir.parent))
        try:
            for package in PACKAGES:
                tarball = source / package.tarball
                if not tarball.is_file():
                    raise AssetError(f"Archive introuvable : {tarball} ({package.spec}).")
                _extract(package, tarball, staging / package.folder)
            (staging / MANIFEST_NAME).write_text(
                json.dumps(_expected_manifest(), indent=2), encoding="utf-8"
            )
            if vdir.exists():
                shutil.rmtree(vdir)
            staging.rename(vdir)
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
    return vdir


# --------------------------------------------------------------------------- rewiring


def iter_elements(element) -> Iterator:
    """Yield ``element`` and all its descendants (folium/branca tree)."""
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from iter_elements(child)


def local_url(name: str, base_url: str = DEFAULT_BASE_URL) -> str:
    """Local URL of a folium resource name (``"leaflet"``, ``"markerclustercss"``...)."""
    package, file = {**LOCAL_JS, **LOCAL_CSS}[name]
    return f"{base_url.rstrip('/')}/{package.folder}/{file}"


def _local(table: dict, name: str, url: str, base_url: str) -> str | None:
    if name in table:
        return local_url(name, base_url)
    if name in DROPPED:
        return None
    return url  # unknown: kept, reported by external_links()


def use_local_assets(m: folium.Map, base_url: str | None = None) -> folium.Map:
    """Point the map's and every plugin's JS/CSS at the locally served files.

    The instance attributes ``default_js`` / ``default_css`` are replaced (the
    folium classes are untouched); resources the atlas does not need (jQuery,
    Bootstrap, awesome-markers, Font Awesome) are dropped. Idempotent: call it
    again with another ``base_url`` (e.g. under ``server.baseUrlPath``).

    Parameters
    ----------
    m : folium.Map
        The map, modified in place.
    base_url : str, optional
        URL of the vendor folder as the browser sees it; default: the one given
        last time for this map, else :data:`DEFAULT_BASE_URL`.

    Returns
    -------
    folium.Map
        ``m``, for chaining.
    """
    from folium.elements import JSCSSMixin

    if base_url is None:
        base_url = getattr(m, "_carnet_base_url", DEFAULT_BASE_URL)
    m._carnet_base_url = base_url
    for element in iter_elements(m):
        if not isinstance(element, JSCSSMixin):
            continue
        js_source = getattr(element, "_carnet_js", None) or list(element.default_js)
        css_source = getattr(element, "_carnet_css", None) or list(element.default_css)
        element._carnet_js, element._carnet_css = js_source, css_source
        element.default_js = [
            (name, url)
            for name, src in js_source
            if (url := _local(LOCAL_JS, name, src, base_url)) is not None
        ]
        element.default_css = [
            (name, url)
            for name, src in css_source
            if (url := _local(LOCAL_CSS, name, src, base_url)) is not None
        ]
    return m


def asset_links(m: folium.Map) -> tuple[list[str], list[str]]:
    """The JS and CSS URLs streamlit-folium will load for ``m``.

    Mirrors ``streamlit_folium.st_folium`` (0.27): it walks the map, collects
    every ``JSCSSMixin``'s ``default_js``/``default_css`` and adds two d3 CDN
    scripts whenever a ``branca.colormap.ColorMap`` is in the tree (the atlas
    draws its own legend for that reason).
    """
    import branca.colormap
    from folium.elements import JSCSSMixin

    js: list[str] = []
    css: list[str] = []
    for element in iter_elements(m):
        if isinstance(element, branca.colormap.ColorMap):
            js[0:0] = [
                "https://d3js.org/d3.v4.min.js",
                "https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js",
            ]
        if isinstance(element, JSCSSMixin):
            js.extend(src for _, src in element.default_js)
            css.extend(href for _, href in element.default_css)
    return list(dict.fromkeys(js)), list(dict.fromkeys(css))


def external_links(m: folium.Map) -> list[str]:
    """JS/CSS URLs of ``m`` that are not served by the app (should be empty)."""
    js, css = asset_links(m)
    return [u for u in js + css if not u.startswith("/")]


# ------------------------------------------------------------------- served files


def stable_html(m: folium.Map) -> str:
    """The HTML page of ``m`` with folium's random element ids (``uuid4`` hex) replaced by
    their rank in the tree, so that the same map gives the same text in every process.

    Only the ids of the tree's elements are replaced, in one pass: a data string is left
    as it is.
    """
    root = m.get_root()
    html = root.render()  # first: rendering may add elements (their ids are in the page too)
    ids = {el._id: f"{i:04d}" for i, el in enumerate(iter_elements(root)) if getattr(el, "_id", None)}
    if not ids:
        return html
    pattern = re.compile("|".join(re.escape(i) for i in ids))
    return pattern.sub(lambda match: ids[match.group(0)], html)


def write_hashed(static_dir: Path, subdir: str, stem: str, suffix: str, text: str) -> str:
    """Write ``text`` once as ``<static_dir>/<subdir>/<stem>-<sha256:16><suffix>``, atomically
    (a temporary file renamed: two processes writing the same name both write whole files);
    return its name relative to ``static_dir``.

    The name changes with the content, so the browser may keep the file as long as it likes
    (the fast map's geometry, the carnet map's page).
    """
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    rel = f"{subdir}/{stem}-{digest}{suffix}"
    target = Path(static_dir) / rel
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(target)
    return rel


# --------------------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> int:
    """Command line entry point (messages in French)."""
    parser = argparse.ArgumentParser(
        prog="python -m carnet.maps.assets",
        description="Installe Leaflet et ses extensions dans static/vendor/ (carte hors ligne).",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p_install = sub.add_parser("install", help="installer (ne fait rien si déjà installé)")
    p_install.add_argument("--force", action="store_true", help="réinstaller")
    p_install.add_argument(
        "--from-dir", type=Path, help="dossier d'archives .tgz déjà obtenues par npm pack"
    )
    p_install.add_argument("--static-dir", type=Path, help="dossier static/ (défaut : dépôt)")
    p_check = sub.add_parser("check", help="vérifier l'installation")
    p_check.add_argument("--static-dir", type=Path)
    args = parser.parse_args(argv)

    if args.command == "check":
        if is_installed(args.static_dir):
            print(f"Bibliothèques cartographiques présentes dans {vendor_dir(args.static_dir)}.")
            return 0
        print(
            "Bibliothèques cartographiques absentes : lancez "
            "« python -m carnet.maps.assets install ».",
            file=sys.stderr,
        )
        return 1
    already = not args.force and is_installed(args.static_dir)
    try:
        vdir = install(args.static_dir, force=args.force, from_dir=args.from_dir)
    except AssetError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    names = ", ".join(p.spec for p in PACKAGES)
    verb = "déjà installées" if already else "installées"
    print(f"Bibliothèques cartographiques {verb} ({names}) dans {vdir}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
