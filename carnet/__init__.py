"""Carnet de Territoire: territorial atlas and contract tracker.

The core package never imports streamlit; only :mod:`carnet.ui` does.

Importing :mod:`carnet` (which every entry point does first: the CLI, the app, the pages)
keeps GDAL's VRT drivers out: a ``.vrt`` file (even renamed or inside a zip) could make
GDAL read any file of the server. ``GDAL_SKIP`` is set before GDAL loads its drivers; if
pyogrio was imported first (GDAL already loaded), the drivers are dropped at once.
"""

import os as _os
import sys as _sys

__version__ = "0.1.0"

GDAL_SKIPPED = ("OGR_VRT", "VRT")


def _skip_gdal_vrt() -> None:
    skip = _os.environ.get("GDAL_SKIP", "").split()
    skip += [d for d in GDAL_SKIPPED if d not in skip]
    _os.environ["GDAL_SKIP"] = " ".join(skip)
    if "pyogrio" not in _sys.modules:
        return  # GDAL reads GDAL_SKIP when pyogrio first registers its drivers
    import pyogrio
    from pyogrio._ogr import _register_drivers

    # GDALAllRegister ends by deregistering the drivers named by the GDAL_SKIP option.
    pyogrio.set_gdal_config_options({"GDAL_SKIP": _os.environ["GDAL_SKIP"]})
    _register_drivers()


_skip_gdal_vrt()
