"""The atlas's map layer: offline folium maps with compact, escaped payloads.

Public API (imported lazily, so ``python -m carnet.maps.assets`` starts fast):

- :func:`base_map` — offline-first map (no tiles by default, explicit max zoom);
- :func:`choropleth` — classified commune choropleth with legend and tooltips;
- :func:`add_outlines`, :func:`add_polygons`, :func:`add_points`,
  :func:`add_layer_control` — overlay layers;
- :func:`classify`, :data:`SCHEMES` — classification registry (mapclassify);
- :func:`commune_map`, :func:`territories_map`, :func:`locator_map` — the atlas's maps of
  a pack (:mod:`carnet.maps.atlas`);
- :func:`add_projects`, :func:`projects_map` — projects on any map, or on their own
  (:mod:`carnet.maps.projects`);
- :func:`use_local_assets`, :func:`install_assets`, :func:`assets_installed`,
  :func:`external_links` — offline assets (see :mod:`carnet.maps.assets`).

This package never imports streamlit; the Streamlit wrapper is
:func:`carnet.ui.assets.show_map`.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "base_map": "carnet.maps.base",
    "TILES": "carnet.maps.base",
    "choropleth": "carnet.maps.thematic",
    "classify": "carnet.maps.thematic",
    "Classification": "carnet.maps.thematic",
    "SCHEMES": "carnet.maps.thematic",
    "palette": "carnet.maps.thematic",
    "format_value": "carnet.maps.thematic",
    "add_outlines": "carnet.maps.layers",
    "add_polygons": "carnet.maps.layers",
    "add_points": "carnet.maps.layers",
    "add_layer_control": "carnet.maps.layers",
    "commune_map": "carnet.maps.atlas",
    "territories_map": "carnet.maps.atlas",
    "locator_map": "carnet.maps.atlas",
    "add_projects": "carnet.maps.projects",
    "projects_map": "carnet.maps.projects",
    "use_local_assets": "carnet.maps.assets",
    "external_links": "carnet.maps.assets",
    "AssetError": "carnet.maps.assets",
    "esc": "carnet.maps.elements",
}
_ALIASES = {
    "install_assets": ("carnet.maps.assets", "install"),
    "assets_installed": ("carnet.maps.assets", "is_installed"),
}

__all__ = sorted([*_EXPORTS, *_ALIASES])


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    if name in _ALIASES:
        module, attr = _ALIASES[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'carnet.maps' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
