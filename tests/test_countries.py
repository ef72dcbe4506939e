"""Every place and organization reaches the country the articles (or, where they name none,
its ISO 3166 code) put it in, with the basis named; tried from the other side."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from hanoi_coop.errors import InputError
from hanoi_coop.package.read import read_frames
from hanoi_coop.validation.validate import validate_package

from .conftest import ROOT, replace_in
from .corruption import copy_package, read_rows, set_cell


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return read_frames(ROOT)


def test_places_and_organizations_reach_their_country_with_its_basis(frames):
    places = frames["places"].set_index("place_id")
    organizations = frames["organizations"].set_index("organization_id")
    assert places.loc["zhongguancun-science-park", "country_id"] == "china"
    assert "zhongguancun-science-park > beijing > china" in places.loc[
        "zhongguancun-science-park", "country_basis"]
    # the article never says Vietnam: the province's ISO code does, and the basis says so
    assert places.loc["hung-yen", "country_id"] == "vietnam"
    assert places.loc["hung-yen", "country_basis"].startswith("ISO 3166 code VN-66")
    assert organizations.loc["hung-yen-party-committee", "country_id"] == "vietnam"
    # an embassy lies in its state's country, not in the country it is accredited to
    assert organizations.loc["japanese-embassy-vietnam", "country_id"] == "japan"
    # a company the articles place nowhere keeps no country, and says why
    assert pd.isna(organizations.loc["sumitomo", "country_id"])
    assert "no country" in organizations.loc["sumitomo", "country_basis"]
    officials = frames["officials"]
    assert officials["country_id"].isna().sum() == 1  # the minister: his ministry is unplaced
    # "which rows have a foreign party" is one filter now
    foreign = organizations[organizations["country_id"].ne("vietnam")
                            & organizations["country_id"].notna()]
    assert {"crrc-dalian", "jica", "chinese-embassy-vietnam"} <= set(foreign.index)


@pytest.mark.parametrize(("table", "record", "column", "value"), [
    ("organizations", "crrc-dalian", "country_id", "vietnam"),
    ("places", "hung-yen", "country_basis", "parent places named in the quotes: hung-yen"),
    ("places", "red-river", "country_id", "vietnam"),
])
def test_a_country_the_places_do_not_give_is_located(tmp_path: Path, table, record, column,
                                                     value):
    package = copy_package(tmp_path / "package")
    rows = read_rows(package, table)
    row = next(i for i, r in enumerate(rows[1:]) if r[0] == record)
    line = set_cell(package, table, row, column, value)
    found = [(p.file, p.line, p.field) for p in
             validate_package(package, with_frictionless=False).problems if p.rule == "derived"]
    assert (f"data/csv/{table}.csv", line, column) in found, found


def test_a_curator_cannot_write_a_country(workspace: Path):
    from hanoi_coop.build import build

    replace_in(workspace / "curated" / "organizations.yaml",
               "- organization_id: sumitomo\n  name: Sumitomo\n",
               "- organization_id: sumitomo\n  name: Sumitomo\n  country_id: japan\n")
    with pytest.raises(InputError) as caught:
        build(workspace)
    assert [(p.file, p.field) for p in caught.value.problems] == [
        ("curated/organizations.yaml", "country_id")]


@pytest.mark.parametrize(("file", "old", "new", "rule", "record", "field"), [
    # another place's ISO code: "Chongqing Shi" is not Hung Yen, and its country not Hung Yen's
    ("place_links.yaml", "iso_3166_code: VN-66", "iso_3166_code: CN-CQ", "authority",
     "hung-yen", "iso_3166_code"),
    # a parent that leads back to the place
    ("places.yaml", "  parent_place_id: beijing\n  evidence:\n    - {source: "
     "src-beijing-tokyo-seoul-trip, quote: \"the Zhongguancun Science Park",
     "  parent_place_id: zhongguancun-science-park\n  evidence:\n    - {source: "
     "src-beijing-tokyo-seoul-trip, quote: \"the Zhongguancun Science Park",
     "parent-cycle", None, "parent_place_id"),
])
def test_a_place_linked_or_nested_wrongly_is_refused(workspace: Path, file, old, new, rule,
                                                     record, field):
    from hanoi_coop.build import build

    replace_in(workspace / "curated" / file, old, new)
    with pytest.raises(InputError) as caught:
        build(workspace)
    found = [(p.file, p.field) for p in caught.value.problems if p.rule == rule
             and (record is None or p.record == record)]
    assert found and found[0] == (f"curated/{file}", field), [str(p) for p in
                                                              caught.value.problems]
