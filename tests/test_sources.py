"""The source catalogue documents every source folder (a test that fails when one is undocumented)."""

import re

import pytest

from carnet.errors import UnknownKeyError
from carnet.sources import catalogue, get_source
from tests.support import needs_sources, sources_dir


def test_catalogue_entries_are_complete():
    for sid, src in catalogue().items():
        for field in ("titre", "producteur", "organisme", "licence", "millesime", "url", "path",
                      "reader"):
            assert getattr(src, field), f"{sid}: {field} vide"
        assert src.url.startswith("https://"), sid


def test_unknown_source_lists_valid_ids():
    with pytest.raises(UnknownKeyError, match="insee-filosofi-2019"):
        get_source("insee-rp-1999")


@needs_sources
def test_every_folder_of_sources_md_is_catalogued():
    text = (sources_dir() / "SOURCES.md").read_text(encoding="utf-8")
    folders = set(re.findall(r"^\| `([^`/]+)/", text, flags=re.M))
    assert len(folders) >= 15
    catalogued = {src.path.split("/", 1)[0] for src in catalogue().values()}
    assert folders <= catalogued, folders - catalogued


@needs_sources
def test_every_catalogued_source_is_present():
    for src in catalogue().values():
        assert src.resolve(sources_dir(), dep="59", dep_slug="nord").exists(), src.id
