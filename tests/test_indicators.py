"""Aggregation engine on tiny in-code frames: ratios of sums, secrecy, mergers."""

import math
import re
import tomllib

import numpy as np
import pandas as pd
import pytest

from carnet.errors import UnknownKeyError
from carnet.indicators import REGISTRY_FILE, Indicator, aggregate, get_indicator, registry
from carnet.sources import catalogue

CHOM = Indicator(id="chom", label="Chômage", unit="%", theme="t", source="s", vintage="v",
                 definition="d", rule="ratio", num=("s:CHOM",), den=("s:ACT",), scale=100)
POP = Indicator(id="pop", label="Pop", unit="hab.", theme="t", source="s", vintage="v",
                definition="d", rule="sum", var="s:POP")
MED = Indicator(id="med", label="Médiane", unit="€", theme="t", source="s", vintage="v",
                definition="d", rule="none", var="s:MED")


def frame():
    idx = pd.Index(["59001", "59002", "59003"], name="code")
    return pd.DataFrame({"s:CHOM": [10.0, 1.0, 30.0], "s:ACT": [100.0, 10.0, 100.0],
                         "s:POP": [500.0, 40.0, 700.0], "s:MED": [20000.0, np.nan, 21000.0]},
                        index=idx)


def test_rate_is_ratio_of_sums_not_mean_of_rates():
    groups = pd.Series(["A", "A", "B"], index=frame().index)
    out = aggregate([CHOM, POP], frame(), groups)
    assert out.loc["A", "chom"] == pytest.approx(100 * 11 / 110)  # 10 %, not mean(10 %, 10 %)
    groups = pd.Series(["A", "A", "A"], index=frame().index)
    out = aggregate([CHOM], frame(), groups)
    assert out.loc["A", "chom"] == pytest.approx(100 * 41 / 210)
    assert out.loc["A", "chom"] != pytest.approx((10 + 10 + 30) / 3)


def test_missing_commune_makes_aggregate_missing_not_smaller():
    v = frame()
    v.loc["59002", "s:POP"] = np.nan
    out = aggregate([POP], v, pd.Series(["A", "A", "B"], index=v.index))
    assert math.isnan(out.loc["A", "pop"]) and out.loc["B", "pop"] == 700


def test_non_aggregable_is_missing_above_commune_level():
    out = aggregate([MED], frame(), pd.Series(["A", "A", "A"], index=frame().index))
    assert math.isnan(out.loc["A", "med"])


def test_merged_commune_absorbed_value_counts_once():
    v = frame()
    v.loc["59002", "s:POP"] = np.nan  # carried by 59001 after a merger
    v.loc["59001", "s:POP"] = 540.0
    absorbed = pd.DataFrame(False, index=v.index, columns=v.columns)
    absorbed.loc["59002", "s:POP"] = True
    out = aggregate([POP], v, pd.Series(["A", "A", "A"], index=v.index), absorbed)
    assert out.loc["A", "pop"] == 1240


def test_growth_and_weighted_rules():
    idx = pd.Index(["a", "b"])
    v = pd.DataFrame({"s:P1": [100.0, 100.0], "s:P2": [121.0, 100.0], "s:D": [1.0, 3.0],
                      "s:W": [1.0, 3.0]}, index=idx)
    g = Indicator(id="g", label="", unit="%", theme="", source="s", vintage="", definition="",
                  rule="growth", start="s:P1", end="s:P2", years=2)
    w = Indicator(id="w", label="", unit="km", theme="", source="s", vintage="", definition="",
                  rule="weighted", var="s:D", weight="s:W")
    out = aggregate([g, w], v, pd.Series(["A", "A"], index=idx))
    assert out.loc["A", "g"] == pytest.approx(((221 / 200) ** 0.5 - 1) * 100)
    assert out.loc["A", "w"] == pytest.approx((1 * 1 + 3 * 3) / 4)


def test_unknown_indicator_lists_valid_ids():
    with pytest.raises(UnknownKeyError) as e:
        get_indicator("pop_1789")
    assert "pop_2022" in str(e.value) and "taux_chomage_2022" in str(e.value)


def test_every_indicator_is_documented_and_sourced():
    cat = catalogue()
    for iid, ind in registry().items():
        assert ind.label and ind.unit and ind.theme and ind.vintage, iid
        assert len(ind.definition) > 20, f"{iid}: définition trop courte"
        assert ind.source in cat, f"{iid}: source {ind.source} absente du catalogue"
        for v in ind.variables:
            sid = v.split(":", 1)[0]
            assert sid == "derive" or sid in cat, f"{iid}: variable {v}"


def test_registry_covers_required_families():
    ids = set(registry())
    for pop in ("pop_2011", "pop_2013", "pop_2015", "pop_2016", "pop_2018", "pop_2021",
                "pop_2022", "pop_legale_2019", "pop_legale_2023"):
        assert pop in ids
    for iid in ("densite_2022", "taux_vacance_2022", "taux_chomage_2018", "taux_chomage_2021",
                "taux_chomage_2022", "revenu_median_2019", "revenu_median_2021",
                "taux_pauvrete_2021", "ips_colleges", "distance_gare", "part_pnr"):
        assert iid in ids


def test_every_period_definition_counts_its_years():
    """Growth over A-B spans B - A years; a count cumulated over A-B spans B - A + 1 years."""
    for iid, ind in registry().items():
        ys = [int(y) for y in re.findall(r"\d{4}", iid)]
        if ind.rule == "growth":
            assert ind.years == ys[1] - ys[0], iid
        elif ind.years:
            assert ind.rule == "ratio" and ind.years == ys[1] - ys[0] + 1, iid
            assert f"/ {ind.years} ans" in ind.definition, iid


# --------------------------------------------------------------------------- famille, annee, sens


def _old_latest_vintage(ids, iid):
    """The regex the registry's ``famille``/``annee`` replaced, kept here as the reference."""
    if iid in ids:
        return iid
    stem = re.sub(r"\d{4}", "#", iid)
    same = [i for i in ids if re.sub(r"\d{4}", "#", i) == stem]
    return max(same, key=lambda i: re.findall(r"\d{4}", i)[::-1]) if same else None


def test_every_indicator_has_famille_annee_and_sens():
    from carnet.indicators import SENS

    raw = tomllib.loads(REGISTRY_FILE.read_text(encoding="utf-8"))
    for iid, spec in raw.items():
        assert {"famille", "annee", "sens"} <= set(spec), iid
        ind = registry()[iid]
        assert ind.famille and isinstance(ind.annee, int) and ind.sens in SENS, iid
        # the year is the vintage's last year: written in the vintage or the id
        assert str(ind.annee) in ind.vintage + iid, iid
    years = [(ind.famille, ind.annee) for ind in registry().values()]
    assert len(years) == len(set(years)), "deux millésimes d'une famille ont la même année"


def test_sens_checked_by_hand():
    reg = registry()
    for iid in ("taux_chomage_2018", "taux_chomage_2021", "taux_chomage_2022",
                "taux_pauvrete_2021", "taux_vacance_2022", "distance_gare"):
        assert reg[iid].sens == "baisse_favorable", iid
    for iid in ("revenu_median_2019", "revenu_median_2021", "taux_activite_2022",
                "salaire_net_moyen_2023", "ips_colleges"):
        assert reg[iid].sens == "hausse_favorable", iid
    for iid in ("pop_2011", "pop_2022", "pop_legale_2023", "superficie", "part_75plus"):
        assert reg[iid].sens == "neutre", iid
    assert {reg[i].famille for i in reg if i.startswith("pop_") and "legale" not in i} == {"population"}
    assert reg["taux_chomage_2021"].famille == reg["taux_chomage_2022"].famille == "taux_chomage"


@pytest.mark.parametrize("field,value,expected", [
    ("sens", "favorable", "sens 'favorable' inconnu (valeurs : hausse_favorable, baisse_favorable, neutre)"),
    ("annee", "2022", "année '2022' invalide"),
    ("famille", " ", "famille vide"),
])
def test_bad_famille_annee_or_sens_is_refused_on_load(tmp_path, field, value, expected):
    from carnet.errors import ConfigError

    spec = dict(tomllib.loads(REGISTRY_FILE.read_text(encoding="utf-8"))["pop_2022"])
    spec[field] = value
    path = tmp_path / "indicateurs.toml"
    path.write_text(_toml({"pop_2022": spec}), encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        registry(path)
    assert str(e.value).startswith(f"Indicateur pop_2022 : {expected}")


def test_missing_famille_annee_sens_is_refused_on_load(tmp_path):
    from carnet.errors import ConfigError

    spec = dict(tomllib.loads(REGISTRY_FILE.read_text(encoding="utf-8"))["pop_2022"])
    del spec["famille"], spec["sens"]
    path = tmp_path / "indicateurs.toml"
    path.write_text(_toml({"pop_2022": spec}), encoding="utf-8")
    with pytest.raises(ConfigError, match="Indicateur pop_2022 : champ.s. manquant.s. famille, sens"):
        registry(path)


def _toml(tables: dict) -> str:
    def val(v):
        if isinstance(v, str):
            return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
        if isinstance(v, list):
            return "[" + ", ".join(val(x) for x in v) + "]"
        return repr(v)
    return "".join(f"[{t}]\n" + "".join(f"{k} = {val(v)}\n" for k, v in spec.items())
                   for t, spec in tables.items())


@pytest.fixture
def somme(somme_cache, monkeypatch):
    """The built Somme pack (no 2022 census)."""
    from carnet.pack import load_pack

    monkeypatch.setenv("CARNET_CACHE", str(somme_cache))
    return load_pack("somme")


@pytest.mark.parametrize("pack_fixture", ["nord", "somme"])
def test_latest_of_family_matches_the_old_regex(request, pack_fixture):
    """Behaviour preserved: every indicator id (and a vintage the pack lacks) resolves as before."""
    from carnet.fiches import latest_vintage

    pack = request.getfixturevalue(pack_fixture)
    ids = list(pack.indicators)
    for iid in registry():  # every id, present in the pack or not
        assert latest_vintage(pack, iid) == _old_latest_vintage(ids, iid), iid
    # each family's latest year is the one the old regex found for a vintage nobody has
    for fam in {ind.famille for ind in pack.indicators.values()}:
        member = next(i for i, ind in pack.indicators.items() if ind.famille == fam)
        probe = re.sub(r"\d{4}", "2099", member)  # pop_2022 → pop_2099, superficie unchanged
        assert latest_vintage(pack, fam) == _old_latest_vintage(ids, probe), fam
    if pack_fixture == "nord":
        assert latest_vintage(pack, "population") == "pop_2022"
        assert latest_vintage(pack, "taux_chomage") == "taux_chomage_2022"
        assert latest_vintage(pack, "evolution_population") == "evol_pop_2016_2022"
    else:  # the Somme pack stops at 2021
        assert latest_vintage(pack, "pop_2022") == "pop_2021"
        assert latest_vintage(pack, "evol_pop_2016_2022") == "evol_pop_2015_2021"
    assert latest_vintage(pack, "inconnu_2022") is None


def test_rule_table_drives_compute_labels_and_counts():
    from carnet.indicators import RULES

    assert set(RULES) == {"sum", "ratio", "growth", "weighted", "none"}
    assert POP.is_count and not CHOM.is_count and not MED.aggregable and CHOM.aggregable
    assert CHOM.rule_label == "Rapport des sommes (jamais une moyenne de taux)"
    for iid, ind in registry().items():
        assert all(getattr(ind, k) for k in RULES[ind.rule].needs), iid
