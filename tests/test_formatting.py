import math

from carnet.formatting import NBSP, fmt_int, fmt_number, fmt_percent, fmt_value


def test_french_number_format():
    assert fmt_number(1234.5, 1) == f"1{NBSP}234,5"
    assert fmt_int(2606234) == f"2{NBSP}606{NBSP}234"
    assert fmt_percent(12.34) == f"12,3{NBSP}%"
    assert fmt_value(158302, "hab.") == f"158{NBSP}302{NBSP}hab."
    assert fmt_value(14.94, "%", 1) == f"14,9{NBSP}%"


def test_missing_is_never_zero():
    assert fmt_number(math.nan) == "non publié"
    assert fmt_percent(None) == "non publié"
    assert fmt_value(float("nan"), "€/UC") == "non publié"


def test_no_negative_zero():
    assert fmt_number(-0.01, 1) == "0,0"
    assert fmt_number(-1.25, 1) == "-1,2"


def test_french_dates_never_iso():
    import datetime as dt

    from carnet.formatting import fmt_date, fmt_datetime

    assert fmt_datetime("2026-12-01T18:31:05+0000") == "1er décembre 2026 à 19 h 31"  # build meta, Paris
    assert fmt_datetime("2026-07-01T10:05:00Z") == "1er juillet 2026 à 12 h 05"  # summer time
    assert fmt_datetime(dt.datetime(2026, 12, 1, 19, 31)) == "1er décembre 2026 à 19 h 31"  # naive: as is
    assert fmt_datetime(dt.datetime(2026, 12, 1, 18, 31), naive_utc=True) == "1er décembre 2026 à 19 h 31"
    assert fmt_date("2025-01-15") == "15 janvier 2025" and fmt_date(dt.date(2025, 8, 2)) == "2 août 2025"
    assert fmt_datetime(None) == "date inconnue" and fmt_datetime("pas une date") == "date inconnue"


def test_euros_and_ranges_through_the_one_formatter():
    import pandas as pd

    from carnet.formatting import fmt_euros, fmt_meuros, fmt_range

    assert fmt_euros(1_250_000) == f"1{NBSP}250{NBSP}000{NBSP}€"
    assert fmt_euros(1_200_000.5) == f"1{NBSP}200{NBSP}000,50{NBSP}€"
    assert fmt_meuros(1_250_000) == f"1,25{NBSP}M€" and fmt_meuros(9_996_000) == f"10,0{NBSP}M€"
    assert fmt_meuros(-12_345_678) == f"-12,3{NBSP}M€" and fmt_meuros(850_000.4) == f"850{NBSP}000{NBSP}€"
    assert fmt_range(125780, 1292958, "hab.") == f"125{NBSP}780 – 1{NBSP}292{NBSP}958{NBSP}hab."
    assert fmt_range(9.84, 14.9, "%", 1) == f"9,8 – 14,9{NBSP}%"
    # every missing kind is "non publié" (or the caller's word), never 0 nor a crash
    for blank in (None, math.nan, pd.NA, pd.NaT, float("nan")):
        assert fmt_number(blank) == "non publié" and fmt_euros(blank) == "non publié"
        assert fmt_meuros(blank, missing="non renseigné") == "non renseigné"


def test_other_layers_format_through_carnet_formatting():
    """The maps' value format and the projects' euros are thin wrappers: same text."""
    from carnet.formatting import fmt_euros, fmt_value
    from carnet.maps.thematic import format_value
    from carnet.projets import views

    for x, unit, d in ((1234.5, "", 1), (12.345, "%", 1), (21340, "€", 0), (-0.001, "%", 1)):
        assert format_value(x, unit, d) == fmt_value(x, unit, d)
    assert format_value(float("inf"), "%", 1) == "non publié"
    assert views.fmt_euros(1_200_000.5) == fmt_euros(1_200_000.5)
    assert views.fmt_euros(None) == "non renseigné"
