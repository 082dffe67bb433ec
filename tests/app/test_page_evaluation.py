"""The page « Évaluation » (issue #10 §3): T0 and evolution, implementation, no contract.

Fast tier on the tiny pack (figures by hand from ``tests/fixtures.py``), the Nord (the
Cambrésis, figures recomputed from the raw INSEE file) and the Somme (no contract).
"""

from __future__ import annotations

import io
import os
import zipfile
from datetime import date

import pandas as pd
import pytest

import carnet.ui.contrat.data as data
import carnet.ui.contrat.evaluation as evaluation
from carnet.contrat.model import (
    ChiffrePublie,
    Citation,
    Contrat,
    DateConnue,
    Enjeu,
    Phase,
    Provenance,
)
from tests.app.conftest import APP, NBSP, no_exception, texts
from tests.app.inert import HOSTILE, assert_inert, assert_no_leak, displayed
from tests.app.tables import html_tables
from tests.contrat.test_t0 import MemoryStore as T0Store

PAGE = "pages/evaluation.py"


class MemoryStore(T0Store):
    """The store stand-in of tests/contrat, holding the contracts it was given."""

    def __init__(self, contrats: dict | None = None):
        super().__init__()
        self.contrats = dict(contrats or {})

    def get(self, territoire):
        return self.contrats.get(territoire)


DOC = "Document fondateur"


def signed(day: date, extrait: str) -> tuple[Phase, ...]:
    return (Phase("signature", DateConnue(day, Provenance(citation=Citation(DOC, extrait)))),)


PLATEAU = Contrat(pack="mini", territoire="plateau", titre="Contrat du Pays du Plateau",
                  statut="signe", phases=signed(date(2020, 5, 1), "signé le 1er mai 2020"),
                  enjeux=(Enjeu("densite", "Un plateau peu dense", indicateurs=("densite_2022",)),),
                  chiffres=(ChiffrePublie("projets", "projets", 40, Provenance(
                      citation=Citation(DOC, "40 projets dont 10 engagés"))),
                      ChiffrePublie("projets_engages", "engagés", 10, Provenance(
                          citation=Citation(DOC, "40 projets dont 10 engagés")))))


def declare(monkeypatch, contrats: dict, store=None):
    """The contracts the page finds (the pack's seed, and the store's when given: ``store``
    then holds them, as after seeding) and the store it freezes T0 in."""
    if store is not None:
        store.contrats.update(contrats)
    def load_stored(pack_id, tid):  # as carnet.ui.contrat.data.load_stored: store, then seed
        found = store.get(tid) if store is not None else None
        return (found, store) if found is not None else (contrats.get(tid), None)

    monkeypatch.setattr(data, "load_stored", load_stored)


def t0_table(at) -> pd.DataFrame:
    """The T0 table (escaped HTML), indexed by indicator, columns renamed to their role."""
    t = html_tables(at, "carnet-t0")[0].set_index("Indicateur")
    t.columns = ["millesimes", "territoire", "evolution_territoire", "departement",
                 "evolution_departement"]
    return t


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.fixture
def tiny_eval(tiny_pack, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("CARNET_DATABASE_URL", f"sqlite:///{tmp_path / 'projets.sqlite'}")
    return AppTest.from_file(APP, default_timeout=60)


def test_tiny_t0_frozen_once_and_kept_after_a_rebuild(tiny_pack, tiny_eval, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from carnet.contrat import t0 as t0mod
    from carnet.pack import load_pack
    from tests import fixtures

    store = MemoryStore()
    declare(monkeypatch, {"plateau": PLATEAU}, store)
    at = tiny_eval
    at.switch_page(PAGE).run()
    no_exception(at)
    assert at.title[0].value == "Évaluation — Pays du Plateau"
    out = displayed(texts(at))
    assert "Contrat signé le 1er mai 2020" in out and "7 mai" not in out
    assert "1er mai 2023 (*date calculée* : signature + 3 ans)" in out
    assert "signé le 1er mai 2020" in out  # the citation the date rests on
    assert store.writes == 1 and "T0 figé le" in out
    hab = f"{NBSP}hab."
    t = t0_table(at)
    pop = t.loc["Population municipale"]
    assert pop["millesimes"] == "RP 2018 → RP 2022"  # 2018 < 2020
    assert pop["territoire"] == f"6{NBSP}000{hab} → 6{NBSP}000{hab}"  # 900 + 3 100 + 2 000
    assert pop["departement"] == f"12{NBSP}750{hab} → 13{NBSP}000{hab}"
    assert pop["evolution_departement"] == f"+2,0{NBSP}%"  # no reading: neither good nor bad
    assert pop["evolution_territoire"] == f"0,0{NBSP}%"
    assert list(t.columns) == ["millesimes", "territoire", "evolution_territoire", "departement",
                               "evolution_departement"]
    header = html_tables(at, "carnet-t0")[0].columns
    assert "Pays du Plateau : T0 → aujourd'hui" in header
    assert "Département de l'Aisne : T0 → aujourd'hui" in header
    chom = t.loc["Taux de chômage des 15-64 ans"]
    assert chom["millesimes"] == "RP 2022 (postérieur à la signature) → RP 2022"
    assert (chom["territoire"], chom["departement"]) == (f"15,0{NBSP}%", f"12,5{NBSP}%")
    assert chom["evolution_territoire"] == "— (pas de millésime plus récent)"
    assert t.at["Densité de population (indicateur d'enjeu)", "millesimes"] \
        == "RP 2022 (postérieur à la signature) → RP 2022"  # the enjeu's own indicator
    assert "Indicateurs des enjeux du contrat : Densité de population (enjeu « Un plateau peu " \
        "dense »)." in out
    med = t.loc["Revenu disponible médian"]
    assert med["territoire"] == "non agrégeable"  # never 0 (one vintage: Filosofi 2021)
    export = evaluation.export_frame(t0mod.evolution(load_pack("mini"), store.t0("plateau")),
                                     "Pays du Plateau", "Département de l'Aisne").set_index("Indicateur")
    assert export.at["Population municipale", "Pays du Plateau : T0"] == 6000  # unrounded number
    assert export.at["Population municipale", "Département de l'Aisne : évolution"] \
        == pytest.approx((13000 - 12750) / 12750 * 100)
    assert [b.label for b in at.get("download_button")][:2] == ["Télécharger (CSV pour tableur)",
                                                                "Télécharger (XLSX)"]
    assert metrics(at)["Part engagée : publiée"] == f"25,0{NBSP}% (10 / 40)"
    assert metrics(at)["Part engagée : registre du Carnet"] == "non renseignée"

    # Corrected sources (every population +100), rebuilt into another cache folder.
    rows = [(*r[:4], r[4] + 100, r[5] + 100, *r[6:]) for r in fixtures.COMMUNES]
    monkeypatch.setattr(fixtures, "COMMUNES", rows)
    rebuilt = fixtures.make_pack(tmp_path / "rebuilt")
    monkeypatch.setenv("CARNET_CACHE", str(rebuilt.cache_dir))
    monkeypatch.setattr("carnet.paths.PACKS_DIR", rebuilt.packs_dir)
    again = AppTest.from_file(APP, default_timeout=60)
    again.switch_page(PAGE).run()
    no_exception(again)
    pop = t0_table(again).loc["Population municipale"]
    assert pop["territoire"] == f"6{NBSP}000{hab} → 6{NBSP}300{hab}"  # T0 as frozen, today rebuilt
    assert pop["evolution_territoire"] == f"+5,0{NBSP}%"
    assert store.writes == 1


def test_tiny_without_store_says_t0_is_not_frozen(tiny_eval, monkeypatch):
    declare(monkeypatch, {"plateau": PLATEAU}, None)
    tiny_eval.switch_page(PAGE).run()
    no_exception(tiny_eval)
    assert "pas encore figé" in texts(tiny_eval)
    assert t0_table(tiny_eval).at["Population municipale", "territoire"].startswith(f"6{NBSP}000")


def test_tiny_no_contract_says_how_to_declare_one(tiny_eval, monkeypatch):
    declare(monkeypatch, {"plateau": PLATEAU})
    tiny_eval.query_params["territoire"] = "val"
    tiny_eval.switch_page(PAGE).run()
    no_exception(tiny_eval)
    out = displayed(texts(tiny_eval))
    assert "Aucun contrat déclaré pour Val d'Aubette." in out
    assert "data/territoires/mini/contrats/val.toml" in out and "docs/CONTRAT.md" in out
    assert "Projets au registre du Carnet" not in metrics(tiny_eval)  # no plan to evaluate
    assert not html_tables(tiny_eval, "carnet-t0")  # no T0
    # Needs vs projects needs no contract: the section is still there.
    assert [h.value for h in tiny_eval.subheader] == ["Besoins et projets"]


def test_tiny_unsigned_contract_has_no_t0(tiny_eval, monkeypatch):
    store = MemoryStore()
    unsigned = Contrat(pack="mini", territoire="plateau", titre="Contrat en élaboration",
                       statut="en_elaboration")
    declare(monkeypatch, {"plateau": unsigned}, store)
    tiny_eval.switch_page(PAGE).run()
    no_exception(tiny_eval)
    assert "Date de signature inconnue" in texts(tiny_eval)
    assert store.rows == {}  # nothing frozen before signature
    assert metrics(tiny_eval)["Part engagée : publiée"] == "non publiée"  # the contract gives none
    assert "Projets au registre du Carnet" in metrics(tiny_eval)


def test_tiny_hostile_contract_texts_are_inert(tiny_eval, monkeypatch):
    hostile = Contrat(pack="mini", territoire="plateau", titre=f"Contrat {HOSTILE}", statut="signe",
                      phases=signed(date(2020, 5, 1), f"signé {HOSTILE}"),
                      enjeux=(Enjeu("e", f"Enjeu {HOSTILE}", indicateurs=("densite_2022",)),))
    declare(monkeypatch, {"plateau": hostile}, MemoryStore())
    tiny_eval.switch_page(PAGE).run()
    no_exception(tiny_eval)
    assert_inert(tiny_eval)
    assert_no_leak(tiny_eval)


# --------------------------------------------------------------------------- real packs


def raw_comparateur_2021(sources) -> pd.DataFrame:
    """INSEE's comparateur 2021 (RP 2018) read straight from its zip, secrets as NaN."""
    with zipfile.ZipFile(sources / "insee-comparateur-2021" / "base_cc_comparateur_csv.zip") as z:
        raw = z.read("base_cc_comparateur.CSV")
    df = pd.read_csv(io.BytesIO(raw), sep=";", dtype={"CODGEO": str}, na_values=["s"],
                     usecols=["CODGEO", "P18_CHOM1564", "P18_ACT1564"])
    return df.set_index("CODGEO")


@pytest.fixture
def nord_eval(built_cache, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("CARNET_CACHE", str(built_cache))
    monkeypatch.delenv("CARNET_PACK", raising=False)
    monkeypatch.setenv("CARNET_DATABASE_URL", f"sqlite:///{tmp_path / 'projets.sqlite'}")
    return AppTest.from_file(APP, default_timeout=120)


def test_nord_cambresis(nord_eval, monkeypatch):
    from carnet.pack import load_pack
    from tests.support import sources_dir

    # The real path: the app seeds the pack's contracts into the store, which freezes T0.
    nord_eval.query_params["territoire"] = "cambresis"
    nord_eval.switch_page(PAGE).run()
    no_exception(nord_eval)
    out = displayed(texts(nord_eval))
    assert "Contrat signé le 7 juillet 2011" in out
    assert "« Après la signature du Contrat du Cambrésis le 7 juillet 2011 »." in out
    assert "T0 figé le" in out and "pas encore figé" not in out
    assert [h.value for h in nord_eval.subheader] == [
        "État de référence (T0) et évolution", "Mise en œuvre du plan d'actions", "Besoins et projets"]
    assert "7 juillet 2014 (*date calculée* : signature + 3 ans)" in out
    t = t0_table(nord_eval)
    # No census had ended by July 2011: the earliest of the pack, said so.
    assert t.at["Population municipale", "millesimes"] == "RP 2011 (postérieur à la signature) → RP 2022"
    # The seed's enjeu « effets de la crise » cites the unemployment rate: marked so.
    chom = t.loc["Taux de chômage des 15-64 ans (indicateur d'enjeu)"]
    assert chom["millesimes"] == "RP 2018 (postérieur à la signature) → RP 2022"
    assert chom["evolution_territoire"].endswith("pts · favorable")
    # Independent: Σ chômeurs / Σ actifs 15-64 of the raw file over the Cambrésis communes.
    raw = raw_comparateur_2021(sources_dir())
    codes = load_pack("nord").communes.query("territoire == 'cambresis'")["code"].astype(str)
    part = raw.loc[raw.index.isin(set(codes))]
    assert len(part) == len(codes)
    expected = part["P18_CHOM1564"].sum() / part["P18_ACT1564"].sum() * 100
    assert chom["territoire"].startswith(f"{expected:.1f}".replace(".", ",") + f"{NBSP}% → ")
    dep = raw.loc[raw.index.str.startswith("59")]
    expected_dep = dep["P18_CHOM1564"].sum() / dep["P18_ACT1564"].sum() * 100
    assert chom["departement"].startswith(f"{expected_dep:.1f}".replace(".", ",") + f"{NBSP}% → ")
    m = metrics(nord_eval)
    assert m["Part engagée : publiée"] == f"32,5{NBSP}% (91 / 280)"
    assert "280 projets inscrits dont 91 déjà engagés" in out
    assert m["Projets au registre du Carnet"] == "10"  # the founding document's named projects
    assert "Sources : INSEE" in out and "RP 2018" in out
    assert os.environ.get("CARNET_PACK") is None


def test_somme_has_no_contract(somme_cache, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("CARNET_CACHE", str(somme_cache))
    monkeypatch.setenv("CARNET_PACK", "somme")
    monkeypatch.setenv("CARNET_DATABASE_URL", f"sqlite:///{tmp_path / 'projets.sqlite'}")
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["territoire"] = "amiens"
    at.switch_page(PAGE).run()
    no_exception(at)
    out = displayed(texts(at))
    assert at.title[0].value == "Évaluation — Arrondissement d'Amiens"
    assert "Aucun contrat déclaré pour Arrondissement d'Amiens." in out
    assert "data/territoires/somme/contrats/amiens.toml" in out
    assert "territoire de contrat" not in out.lower()
