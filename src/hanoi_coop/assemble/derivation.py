"""Stage 3c, derived tables: tables the model declares as joins of curated tables (never
curated twice). The build makes them; validation makes them again and compares."""

from __future__ import annotations

import pandas as pd

from hanoi_coop.assemble.cell_evidence import cell_evidence
from hanoi_coop.assemble.countries import with_countries
from hanoi_coop.metadata import CELL_EVIDENCE, RESOURCES, Resource
from hanoi_coop.metadata.resources import Derivation


def _indexed(frames: dict[str, pd.DataFrame], table: str) -> pd.DataFrame:
    key = RESOURCES[table].primary_key
    return frames[table].drop_duplicates(key).set_index(key)  # repeats: the key check's


def derive(resource: Resource, frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The rows of a derived table, in the package dtypes, sorted by primary key."""
    spec = resource.derived
    if spec is None:
        raise ValueError(f"{resource.name} is not a derived table")
    return _derive(resource, spec, frames)


def _derive(resource: Resource, spec: Derivation, frames: dict[str, pd.DataFrame]
            ) -> pd.DataFrame:
    base = frames[spec.base]
    out = pd.DataFrame({here: base[there].astype(object) for there, here in spec.columns},
                       index=base.index)
    for join in spec.joins:
        other = _indexed(frames, join.table)
        for there, here in join.columns:
            out[here] = out[join.on].map(other[there].astype(object))
    typed = pd.DataFrame({f.name: f.column_type.cast(out[f.name]) for f in resource.fields})
    return typed.sort_values(resource.primary_key, kind="stable").reset_index(drop=True)


def derived_frames(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """``frames`` with the countries of places and organizations, every derived table made
    from the others, and the cell evidence (its findings are the validation's, which makes
    the table again)."""
    made = with_countries(frames)
    for name, resource in RESOURCES.items():
        if resource.derived is not None:
            made[name] = derive(resource, made)
    made[CELL_EVIDENCE] = cell_evidence(made)[0]
    return made
