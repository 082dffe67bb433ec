"""Action-plan projects registry (issue #4).

Core modules of this package never import streamlit; Streamlit helpers live in
``carnet/ui/projets.py`` and the page in ``pages/plan_actions.py``.
"""

import os as _os

# A .vrt file (even renamed or inside a zip) could make GDAL read arbitrary server files:
# keep GDAL's VRT drivers out before pyogrio/GDAL is first loaded.
_skip = _os.environ.get("GDAL_SKIP", "")
if "OGR_VRT" not in _skip.split():
    _os.environ["GDAL_SKIP"] = (_skip + " OGR_VRT VRT").strip()
