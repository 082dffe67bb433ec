"""Fixtures for the map layer tests: tiny in-code GeoDataFrames, HTML helpers."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # pytest run as a script, not as "python -m pytest"
    sys.path.insert(0, str(ROOT))

XSS_NAME = "<img src=x onerror=alert(1)>"


@pytest.fixture
def communes() -> gpd.GeoDataFrame:
    """Six square 'communes' in a 3x2 grid near Lille, one with a hostile name.

    Values 1 234.5 ... with one missing (statistical secrecy).
    """
    boxes, codes, names = [], [], []
    for i in range(6):
        x0, y0 = 3.0 + 0.05 * (i % 3), 50.6 + 0.05 * (i // 3)
        boxes.append(shapely.box(x0, y0, x0 + 0.05, y0 + 0.05))
        codes.append(f"5900{i}")
        names.append(f"Commune {i}")
    names[2] = XSS_NAME
    names[3] = "Saint-Amand-les-Eaux"
    values = [1234.5, 10.0, 250.0, np.nan, 5000.25, 80.0]
    return gpd.GeoDataFrame(
        {"code": codes, "nom": names, "valeur": values, "taux": [12.34, 5, 7, 9, 1, 3]},
        geometry=boxes,
        crs=4326,
    )


def script_and_link_urls(html: str) -> list[str]:
    """``src`` of every script and ``href`` of every stylesheet link in ``html``."""
    urls = re.findall(r"<script[^>]*\bsrc=[\"']([^\"']+)", html, flags=re.I)
    for tag in re.findall(r"<link\b[^>]*>", html, flags=re.I):
        if re.search(r"rel=[\"']?stylesheet", tag, flags=re.I):
            urls += re.findall(r"href=[\"']([^\"']+)", tag, flags=re.I)
    return urls
