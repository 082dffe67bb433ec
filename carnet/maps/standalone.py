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
