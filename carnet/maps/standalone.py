"""One map as one self-contained HTML file: opens from a USB stick on a machine with no network.

Every map of the atlas (:mod:`carnet.maps`) loads Leaflet and its plugins from the app's
``static/vendor`` folder (:mod:`carnet.maps.assets`). A file handed out after a workshop
cannot: :func:`standalone_html` renders the map with its scripts and stylesheets
*inlined* (the CSS images as ``data:`` URIs), so the file requests nothing. Basemap tiles
(the only online part of a map) are left out of the file, and said so in its title bar.

The data strings of the map are escaped as on screen (:mod:`carnet.maps.encoding`): the
same rendering, only the ``<script src>`` and ``<link>`` tags differ.
"""

from __future__ import annotations

import base64
import copy
import html
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from carnet.maps.assets import (
    LOCAL_CSS,
    LOCAL_JS,
    AssetError,
    use_local_assets,
    vendor_dir,
)

if TYPE_CHECKING:
    import folium

#: Base URL the map is rendered with, replaced by the files' contents afterwards.
_INLINE = "carnet-inline:"
_SCRIPT = re.compile(r'<script src="carnet-inline:/([^"]+)"></script>')
_LINK = re.compile(r'<link rel="stylesheet" href="carnet-inline:/([^"]+)"/>')
_CSS_URL = re.compile(r"url\((?!['\"]?(?:data:|#))['\"]?([^)'\"]+)['\"]?\)")
_MIME = {".png": "image/png", ".svg": "image/svg+xml", ".gif": "image/gif"}


def _vendor_file(relative: str, folder: Path) -> Path:
    """A file of the vendor folder named by the rendered URL (never outside the folder)."""
    known = {f"{pkg.folder}/{file}" for pkg, file in [*LOCAL_JS.values(), *LOCAL_CSS.values()]}
    if relative not in known:
        raise AssetError(f"Ressource inconnue dans la carte : {relative}")
    path = folder / relative
    if not path.is_file():
        raise AssetError(f"Fichier de carte absent : {path} (python -m carnet.maps.assets install)")
    return path


def _css_inlined(path: Path) -> str:
    """A stylesheet whose relative ``url(…)`` images are turned into ``data:`` URIs."""

    def _data_uri(match: re.Match) -> str:
        target = (path.parent / match.group(1)).resolve()
        if path.parent.resolve() not in target.parents or not target.is_file():
            return match.group(0)  # outside the package (or absent): left as it is
        mime = _MIME.get(target.suffix.lower(), "application/octet-stream")
        return f"url(data:{mime};base64,{base64.b64encode(target.read_bytes()).decode()})"

    return _CSS_URL.sub(_data_uri, path.read_text(encoding="utf-8"))


def _safe_in_script(text: str) -> str:
    """Library code inside ``<script>``: a literal ``</script`` would end the element."""
    return re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE)


def standalone_html(m: folium.Map, *, title: str = "Carte", static_dir: Path | None = None) -> str:
    """Render ``m`` as one HTML file with Leaflet, plugins, styles and data inlined.

    Parameters
    ----------
    m : folium.Map
        A map of :mod:`carnet.maps`; it is not changed (a copy is rendered).
    title : str
        The page's title (plain text, escaped).
    static_dir : Path, optional
        The ``static`` folder holding ``vendor/`` (default: the project's).

    Returns
    -------
    str
        The HTML document. It requests nothing: no ``src``/``href`` to a file or server
        (links of the attribution control are links, not requests).
    """
    import folium

    folder = vendor_dir(static_dir)
    m = copy.deepcopy(m)  # the app's map may be shared (cached) and drawn meanwhile
    tiles = [k for k, c in m._children.items() if isinstance(c, folium.raster_layers.TileLayer)]
    for k in tiles:
        del m._children[k]
    use_local_assets(m, base_url=_INLINE)
    page = m.get_root().render()
    page = _SCRIPT.sub(lambda g: "<script>" + _safe_in_script(
        _vendor_file(g.group(1), folder).read_text(encoding="utf-8")) + "</script>", page)
    page = _LINK.sub(lambda g: "<style>" + _safe_in_script(
        _css_inlined(_vendor_file(g.group(1), folder))).replace("</style", "<\\/style") + "</style>",
        page)
    if _INLINE in page:
        raise AssetError("Une ressource de la carte n'a pas pu être incluse dans le fichier.")
    note = " (sans fond de carte en ligne)" if tiles else ""
    head = f"<title>{html.escape(title + note)}</title>\n"
    return page.replace("<head>", "<head>\n    " + head, 1)


# ------------------------------------------------------------------ several maps in one file


@dataclass(frozen=True)
class MapParts:
    """One map split for a document holding several (the diaporama): libraries apart.

    ``js`` / ``css`` name the vendor files the map needs (``leaflet-1.9.4/leaflet.js``), to
    be inlined once for the whole document with :func:`library_html`; ``head`` holds the
    map's own header blocks (its styles, folium's small settings script), ``body`` its
    container, ``script`` the JavaScript that draws it (folium's, unchanged: it creates
    ``var <name> = L.map("<name>", …)`` and runs at once, so wrap it to defer it).
    """

    name: str
    js: tuple[str, ...]
    css: tuple[str, ...]
    head: tuple[str, ...]
    body: str
    script: str
    tiles: bool  # basemap tiles were left out


def map_parts(m: folium.Map, *, rename: bool = False) -> MapParts:
    """Render ``m`` (a copy: the app's map is left as it was) into its :class:`MapParts`.

    Tiles are dropped as in :func:`standalone_html`. With ``rename``, the copy gets a fresh
    element name, so the same map drawn twice in one document keeps distinct ids.
    """
    import folium
    from branca.element import CssLink, JavascriptLink

    m = copy.deepcopy(m)
    if rename:
        m._id = uuid.uuid4().hex
    tiles = [k for k, c in m._children.items() if isinstance(c, folium.raster_layers.TileLayer)]
    for k in tiles:
        del m._children[k]
    use_local_assets(m, base_url=_INLINE)
    fig = m.get_root()
    fig.render()
    js, css, head = [], [], []
    for child in fig.header._children.values():
        if isinstance(child, (JavascriptLink, CssLink)):
            url = child.url
            if not url.startswith(_INLINE + "/"):
                raise AssetError(f"La carte charge un fichier externe : {url}")
            (js if isinstance(child, JavascriptLink) else css).append(url[len(_INLINE) + 1:])
        else:
            head.append(child.render())
    script = fig.script.render()
    body = fig.html.render()
    if _INLINE in body + script + "".join(head):
        raise AssetError("Une ressource de la carte n'a pas pu être incluse dans le fichier.")
    return MapParts(name=m.get_name(), js=tuple(js), css=tuple(css), head=tuple(head),
                    body=body, script=script, tiles=bool(tiles))


def library_html(js: Sequence[str], css: Sequence[str], static_dir: Path | None = None) -> str:
    """The vendor stylesheets then scripts named by :class:`MapParts`, inlined, each once.

    Unknown names are refused (:class:`AssetError`): only the pinned vendor files go in.
    """
    folder = vendor_dir(static_dir)
    styles = [_safe_in_script(_css_inlined(_vendor_file(name, folder))).replace(
        "</style", "<\\/style") for name in dict.fromkeys(css)]
    scripts = [_safe_in_script(_vendor_file(name, folder).read_text(encoding="utf-8"))
               for name in dict.fromkeys(js)]
    return ("".join(f"<style>{s}</style>\n" for s in styles)
            + "".join(f"<script>{s}</script>\n" for s in scripts))
