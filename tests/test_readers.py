"""Readers on tiny in-code files: real-world quirks and corrupt content."""

import io
import math
import zipfile

import pandas as pd
import pytest

from carnet.errors import SourceFormatError, SourceMissingError
from carnet.readers import normalize_code, read_csv, read_xlsx, to_number


def test_codes_are_zero_padded_strings():
    assert normalize_code(2001) == "02001"
    assert normalize_code("59008.0") == "59008"
    assert normalize_code(" 59350 ") == "59350"
    assert normalize_code("2a004") == "2A004"
    assert normalize_code("") is None


def test_semicolon_bom_secret_and_decimal_comma(tmp_path):
    f = tmp_path / "cc.csv"
    f.write_text("\ufeffCODGEO;P22_POP;TP6021\n02001;450;s\n59350;234475;22,5\n59001;12;\n",
                 encoding="utf-8")
    df = read_csv(f, sep=";", code="CODGEO")
    assert df["CODGEO"].tolist() == ["02001", "59350", "59001"]
    tp = to_number(df["TP6021"], decimal_comma=True, lines=df["_line"])
    assert math.isnan(tp[0]) and tp[1] == 22.5 and math.isnan(tp[2])  # secret/blank = NaN, not 0
    assert to_number(df["P22_POP"]).sum() == 234937


def test_zip_member_and_latlon(tmp_path):
    buf = io.StringIO("Nom;Position géographique;Code commune\nLille Flandres;50.6366, 3.0707;59350\n")
    z = tmp_path / "g.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("gares.csv", buf.getvalue().encode("utf-8"))
    df = read_csv(z, member="gares.csv", sep=";", code="Code commune", latlon="Position géographique")
    assert df.loc[0, "lat"] == pytest.approx(50.6366) and df.loc[0, "lon"] == pytest.approx(3.0707)


def test_cp1252_is_accepted(tmp_path):
    f = tmp_path / "w.csv"
    f.write_bytes("CODGEO;nom\n59350;Lille Métropole\n".encode("cp1252"))
    assert read_csv(f, code="CODGEO").loc[0, "nom"] == "Lille Métropole"


def test_wrong_separator_names_file_and_line(tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text("CODGEO,P22_POP\n59350,234475\n", encoding="utf-8")
    with pytest.raises(SourceFormatError) as e:
        read_csv(f, sep=";", code="CODGEO")
    assert e.value.line == 1 and "bad.csv" in str(e.value) and "« , »" in str(e.value)


def test_truncated_file_names_line(tmp_path):
    f = tmp_path / "trunc.csv"
    f.write_text("CODGEO;P22_POP;P16_POP\n59001;450;461\n59002;41", encoding="utf-8")
    with pytest.raises(SourceFormatError) as e:
        read_csv(f, sep=";", code="CODGEO")
    assert e.value.line == 3 and "tronquée" in str(e.value) and "trunc.csv, ligne 3" in str(e.value)


def test_duplicated_codes_name_both_lines(tmp_path):
    f = tmp_path / "dup.csv"
    f.write_text("CODGEO;P22_POP\n59001;1\n59002;2\n59001;3\n", encoding="utf-8")
    with pytest.raises(SourceFormatError) as e:
        read_csv(f, sep=";", code="CODGEO")
    assert "59001 en double (lignes 2 et 4)" in str(e.value) and e.value.line == 4
    assert len(read_csv(f, sep=";", code="CODGEO", dedupe=True)) == 2


def test_non_numeric_cell_names_line(tmp_path):
    f = tmp_path / "n.csv"
    f.write_text("CODGEO;P22_POP\n59001;12\n59002;douze\n", encoding="utf-8")
    df = read_csv(f, code="CODGEO")
    with pytest.raises(SourceFormatError) as e:
        to_number(df["P22_POP"], path=str(f), column="P22_POP", lines=df["_line"])
    assert e.value.line == 3 and "douze" in str(e.value)


def test_empty_and_missing_files(tmp_path):
    f = tmp_path / "empty.csv"
    f.write_text("", encoding="utf-8")
    with pytest.raises(SourceFormatError, match="vide"):
        read_csv(f)
    with pytest.raises(SourceMissingError, match="introuvable"):
        read_csv(tmp_path / "absent.csv")


def test_xlsx_with_title_rows(tmp_path):
    f = tmp_path / "t.xlsx"
    rows = [["Table d'appartenance", None], ["Source : INSEE", None], [None, None],
            ["CODGEO", "EPCI"], [2001, "200071892"], ["59350", "200093201"]]
    pd.DataFrame(rows).to_excel(f, header=False, index=False)
    df = read_xlsx(f, header_first_cell="CODGEO", code="CODGEO")
    assert df["CODGEO"].tolist() == ["02001", "59350"]
    assert df["EPCI"].tolist() == ["200071892", "200093201"]
    assert df["_line"].tolist() == [5, 6]
