"""The frozen T0 of a contract (issue #10 §3): vintage choice, values, write-once freezing.

Expected figures are computed by hand from ``tests/fixtures.py::COMMUNES`` (the tiny pack),
not by the engine: plateau = Aubeville, Bellecourt, Castelmont; val = the other three.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pandas as pd
import pytest

from carnet.contrat import t0
from carnet.contrat.model import Citation, Contrat, DateConnue, Enjeu, Phase, Provenance
from carnet.errors import CarnetError
from carnet.indicators import registry
from tests.projets.conftest import engine  # noqa: F401 - fixture (SQLite and PostGIS)

DOC = Provenance(citation=Citation("Document", "signé le …"))


def contrat(signed: date | None, territoire: str = "plateau", pack: str = "mini",
            enjeux=()) -> Contrat:
    phases = (Phase("signature", DateConnue(signed, DOC)),) if signed else ()
    return Contrat(pack=pack, territoire=territoire, titre="Contrat du Plateau", statut="signe",
                   phases=phases, enjeux=tuple(enjeux))


class MemoryStore:
    """Stand-in for ContratRepository's T0 half: write-once, kept as JSON text."""

    def __init__(self):
        self.rows: dict[str, str] = {}
        self.writes = 0

    def t0(self, territoire):
        return json.loads(self.rows[territoire]) if territoire in self.rows else None

    def freeze_t0(self, territoire, snapshot, *, user):
        if territoire in self.rows:
            return False
        self.rows[territoire] = json.dumps(snapshot)
        self.writes += 1
        return True


# --------------------------------------------------------------------------- vintage rule


class FakePack:
    def __init__(self, ids):
        reg = registry()
        self.indicators = {i: reg[i] for i in ids}


POP = ("pop_2011", "pop_2013", "pop_2015", "pop_2016", "pop_2018", "pop_2021", "pop_2022")


@pytest.mark.parametrize(("signed", "expected", "choix"), [
    (date(2017, 3, 1), "pop_2016", "signature"),     # 2016 had ended; 2018 did not exist
    (date(2016, 12, 31), "pop_2015", "signature"),   # 2016 not over yet on 31 December
    (date(2019, 1, 1), "pop_2018", "signature"),
    (date(2030, 6, 1), "pop_2022", "signature"),     # the latest of all
    (date(2011, 7, 7), "pop_2011", "posterieur"),    # Cambrésis: no census older than 2011
    (date(2005, 1, 1), "pop_2011", "posterieur"),
])
def test_vintage_choice_by_hand(signed, expected, choix):
    chosen = t0.choose_vintage(t0.vintages(FakePack(POP), "population"), signed)
    assert (chosen[0].id, chosen[1]) == (expected, choix)


def test_vintage_choice_skips_what_the_pack_lacks():
    # The Somme has no 2022 census: signed in 2023, its T0 population is RP 2021.
    pack = FakePack(("pop_2011", "pop_2021"))
    assert t0.choose_vintage(t0.vintages(pack, "population"), date(2023, 1, 1))[0].id == "pop_2021"
    assert t0.choose_vintage(t0.vintages(pack, "taux_chomage"), date(2023, 1, 1)) is None


def test_family_label_has_no_year():
    reg = registry()
    assert t0.family_label("taux_chomage") == "Taux de chômage des 15-64 ans"
    assert t0.family_label("densite", reg["densite_2022"]) == "Densité de population"
    assert t0.family_label("evolution_emplois", reg["evol_emplois_2016_2022"]) \
        == "Évolution annuelle de l'emploi"


# --------------------------------------------------------------------------- snapshot


def by_family(snap):
    return {e["famille"]: e for e in snap["indicateurs"]}


def test_snapshot_values_by_hand(tiny):
    c = contrat(date(2020, 5, 1), enjeux=[Enjeu("densite", "Un plateau peu dense",
                                                 indicateurs=("densite_2022", "inconnu_2099"))])
    snap = t0.snapshot(tiny, c, now=datetime(2026, 12, 2, 4, 0, tzinfo=UTC))
    assert json.loads(json.dumps(snap)) == snap  # JSON as it is, for the store
    assert snap["signature"] == "2020-05-01" and snap["calcule_le"] == "2026-12-02T04:00:00+00:00"
    rows = by_family(snap)
    # Default families the tiny pack has, in the data file's order, then the enjeu's.
    assert list(rows) == ["population", "taux_chomage", "revenu_median", "densite"]
    pop = rows["population"]  # RP 2018 (2018 < 2020), not RP 2022
    assert (pop["id"], pop["choix"], pop["millesime"]) == ("pop_2018", "signature", "RP 2018")
    assert pop["territoire"] == 900 + 3100 + 2000
    assert pop["departement"] == 900 + 3100 + 2000 + 450 + 3900 + 2400
    assert pop["pourquoi"] == ["defaut"] and pop["libelle"] == "Population municipale"
    assert "INSEE" in pop["citation"] and pop["citation"].endswith("RP 2018")
    chom = rows["taux_chomage"]  # only RP 2022: later than the signature, and said so
    assert (chom["id"], chom["choix"]) == ("taux_chomage_2022", "posterieur")
    assert chom["territoire"] == pytest.approx((50 + 300 + 100) / (500 + 1500 + 1000) * 100)  # 15,0
    assert chom["departement"] == pytest.approx(750 / 6000 * 100)  # 12,5: ratio of sums
    med = rows["revenu_median"]  # a median is not additive: no territory value, not « 0 »
    assert (med["territoire"], med["etat_territoire"]) == (None, "non_agregeable")
    assert rows["densite"]["pourquoi"] == ["enjeu:densite"]
    assert rows["densite"]["territoire"] == pytest.approx(6000 / 40)


def test_secret_value_stays_non_publie(tiny_pack, monkeypatch):
    from carnet.pack import load_pack
    from tests import fixtures

    # Castelmont's unemployed secret: the plateau's rate is « non publié », never a guess.
    rows = [c if c[0] != "02003" else (*c[:8], None, c[9]) for c in fixtures.COMMUNES]
    monkeypatch.setattr(fixtures, "COMMUNES", rows)
    fixtures.make_pack(tiny_pack.path.parents[1])
    snap = t0.snapshot(load_pack("mini"), contrat(date(2020, 5, 1)))
    chom = by_family(snap)["taux_chomage"]
    assert (chom["territoire"], chom["etat_territoire"]) == (None, "non_publie")
    assert (chom["departement"], chom["etat_departement"]) == (None, "non_publie")


def test_snapshot_refuses_an_unsigned_or_foreign_contract(tiny):
    with pytest.raises(CarnetError, match="date de signature inconnue"):
        t0.snapshot(tiny, contrat(None))
    with pytest.raises(CarnetError, match="Territoire « nulle-part » inconnu"):
        t0.snapshot(tiny, contrat(date(2020, 1, 1), territoire="nulle-part"))
    with pytest.raises(CarnetError, match="du carnet nord, pas de mini"):
        t0.snapshot(tiny, contrat(date(2020, 1, 1), pack="nord"))


def test_snapshot_loads_a_pack_by_id_from_a_cache_folder(tiny_pack, monkeypatch):
    monkeypatch.setenv("CARNET_CACHE", "/nulle/part")
    snap = t0.snapshot("mini", contrat(date(2020, 5, 1)), cache=tiny_pack.cache_dir)
    assert by_family(snap)["population"]["territoire"] == 6000


# --------------------------------------------------------------------------- frozen


def test_rebuilt_pack_with_changed_sources_leaves_t0_unchanged(tiny_pack, monkeypatch):
    from carnet.pack import load_pack
    from tests import fixtures

    store, c = MemoryStore(), contrat(date(2020, 5, 1))
    first = t0.frozen(store, load_pack("mini"), c, user="alice")
    assert store.writes == 1 and by_family(first)["population"]["territoire"] == 6000

    # A corrected census (every P18 and P22 population +100) and a new unemployment count,
    # rebuilt into the same cache folder.
    rows = [(*r[:4], r[4] + 100, r[5] + 100, r[6], r[7], r[8] * 2, r[9]) for r in fixtures.COMMUNES]
    monkeypatch.setattr(fixtures, "COMMUNES", rows)
    fixtures.make_pack(tiny_pack.path.parents[1])
    rebuilt = load_pack("mini")
    assert rebuilt.values("territoire").at["plateau", "pop_2018"] == 6300  # the pack did change
    assert by_family(t0.snapshot(rebuilt, c))["population"]["territoire"] == 6300

    again = t0.frozen(store, rebuilt, c, user="bob")
    assert again == first and store.writes == 1  # T0 as frozen, nothing rewritten
    ev = t0.evolution(rebuilt, again).set_index("famille")
    # T0 from the store, the latest from today's pack: RP 2018 6 000 → RP 2022 6 300.
    assert ev.at["population", "territoire_t0"] == 6000
    assert ev.at["population", "territoire_dernier"] == 6300
    assert ev.at["population", "territoire_evolution"] == pytest.approx(5.0)
    assert ev.at["population", "evolution_unite"] == "%"


def test_frozen_waits_for_the_signature(tiny):
    store = MemoryStore()
    assert t0.frozen(store, tiny, contrat(None), user="alice") is None
    assert store.rows == {}


# --------------------------------------------------------------------------- evolution


def test_evolution_by_hand(tiny):
    snap = t0.snapshot(tiny, contrat(date(2020, 5, 1)))
    ev = t0.evolution(tiny, snap).set_index("famille")
    pop = ev.loc["population"]
    assert (pop["t0_millesime"], pop["dernier_millesime"]) == ("RP 2018", "RP 2022")
    assert pop["territoire_evolution"] == pytest.approx(0.0)  # 6 000 → 6 000
    assert pop["departement_evolution"] == pytest.approx((13000 - 12750) / 12750 * 100)  # +1,96 %
    assert pop["departement_verdict"] == "neutre"  # a population rise is neither good nor bad
    chom = ev.loc["taux_chomage"]  # T0 is already the latest vintage: no change to compute
    assert chom["territoire_verdict"] == "meme_millesime"
    assert pd.isna(chom["territoire_evolution"])
    assert chom["evolution_unite"] == "pts"


def test_evolution_of_an_unreadable_stored_t0_is_a_french_message(tiny):
    with pytest.raises(CarnetError, match="T0.*illisible"):
        t0.evolution(tiny, {"territoire": "plateau", "indicateurs": [{"famille": "population"}]})
    with pytest.raises(CarnetError, match="illisible"):
        t0.evolution(tiny, {"format": 1})


@pytest.mark.parametrize(("change", "sens", "expected"), [
    (-2.7, "baisse_favorable", "favorable"),   # unemployment down 2,7 points
    (0.5, "baisse_favorable", "defavorable"),
    (1.2, "hausse_favorable", "favorable"),
    (-0.04, "hausse_favorable", "stable"),     # rounds to 0,0 at the shown precision
    (3.0, "neutre", "neutre"),
    (None, "hausse_favorable", "non_calculable"),
])
def test_verdict(change, sens, expected):
    assert t0.verdict(change, sens) == expected


def test_change_in_points_for_rates_and_percent_for_counts():
    assert t0.change_between(19.5, 16.8, "%") == (pytest.approx(-2.7), "pts")
    assert t0.change_between(160000, 158400, "hab.") == (pytest.approx(-1.0), "%")
    assert t0.change_between(0, 5, "hab.") == (None, "%")
    assert t0.change_between(None, 5, "%") == (None, "")


# --------------------------------------------------------------------------- the real store


def test_t0_frozen_in_the_contract_store_survives_a_rebuild(engine, tiny_pack, monkeypatch):  # noqa: F811
    """Through ContratRepository (SQLite and PostGIS): frozen once, as stored after a rebuild."""
    repository = pytest.importorskip("carnet.contrat.repository")
    from carnet.pack import load_pack
    from tests import fixtures

    store = repository.ContratRepository(engine, "mini", territoires=["plateau", "val"],
                                         pack_orientations=[])
    c = contrat(date(2020, 5, 1))
    store.seed([c])
    first = t0.frozen(store, load_pack("mini"), c, user="alice")
    assert by_family(first)["population"]["territoire"] == 6000
    assert by_family(first)["revenu_median"]["territoire"] is None  # JSON null, not NaN or 0

    rows = [(*r[:4], r[4] + 100, r[5] + 100, *r[6:]) for r in fixtures.COMMUNES]
    monkeypatch.setattr(fixtures, "COMMUNES", rows)
    fixtures.make_pack(tiny_pack.path.parents[1])
    rebuilt = load_pack("mini")
    assert t0.frozen(store, rebuilt, c, user="bob") == first
    assert store.freeze_t0("plateau", t0.snapshot(rebuilt, c), user="bob") is False
    assert store.t0("plateau") == first and store.t0_frozen("plateau")[1] == "alice"
