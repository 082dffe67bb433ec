"""Coverage union and simplification on a tiny in-code coverage."""

import geopandas as gpd
import shapely
from shapely.geometry import box

from carnet.geometry import coverage_report, dissolve, simplify_coverage


def grid():
    # 3 x 2 squares of ~1 km in Lambert-93 with a wiggly shared border
    cells = []
    for i in range(3):
        for j in range(2):
            cells.append(box(700000 + i * 1000, 7000000 + j * 1000, 701000 + i * 1000, 7001000 + j * 1000))
    return gpd.GeoDataFrame({"code": [f"c{i}" for i in range(6)], "grp": list("AABBBB")},
                            geometry=cells, crs=2154).to_crs(4326)


def test_dissolve_has_no_slivers():
    out = dissolve(grid(), "grp")
    assert list(out["grp"]) == ["A", "B"]
    assert all(g.geom_type == "Polygon" for g in out.geometry)


def test_simplified_coverage_stays_a_coverage():
    g = simplify_coverage(grid(), 50)
    rep = coverage_report(g)
    assert rep["valid"] and rep["overlap_edges"] == 0 and rep["area_gap_ratio"] < 1e-9
    assert shapely.get_num_coordinates(g.geometry.values).sum() > 0
