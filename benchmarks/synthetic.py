"""Synthetic packages for benchmarks: the real tables replicated under fresh ids.

Copy k of every row gets ``-s{k}`` appended to each identifier it holds (its key and every
reference), so keys stay unique and every foreign key still resolves within its copy. Sources
and their segments are shared (quotes keep pointing at the real articles). Written outside the
published data, under build/.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from hanoi_coop.assemble.derivation import derived_frames
from hanoi_coop.assemble.evidence import evidence_id
from hanoi_coop.metadata import EVIDENCE, RESOURCES
from hanoi_coop.package.access import open_package
from hanoi_coop.package.read import read_package
from hanoi_coop.package.write import write_package
from hanoi_coop.version import package_version

SHARED = ("sources", "source_segments")
LARGE_TABLE = "evidence"


def _id_columns(table: str) -> list[str]:
    # the package's own ids (text); an external authority's number (geonames_id) is kept
    return [f.name for f in RESOURCES[table].fields if f.type == "string" and (
        (f.name.endswith("_id") and f.name != "source_id") or f.name == "record_id")]


def replicate(frames: dict[str, pd.DataFrame], copies: int) -> dict[str, pd.DataFrame]:
    out = {}
    for name, frame in frames.items():
        if name in SHARED:
            out[name] = frame
            continue
        parts = []
        for k in range(copies):
            part = frame.copy()
            for column in _id_columns(name):
                part[column] = part[column] + f"-s{k}"
            parts.append(part)
        out[name] = pd.concat(parts, ignore_index=True).sort_values(
            RESOURCES[name].primary_key, kind="stable").reset_index(drop=True)
    evidence = out[EVIDENCE]  # a quote's id follows its row (now the copy's) and words
    evidence["evidence_id"] = pd.array([
        evidence_id(t, r, s, f if isinstance(f, str) else None, q) for t, r, s, f, q in zip(
            *(evidence[c].astype(object) for c in ("table_name", "record_id", "source_id",
                                                   "field", "quote")), strict=True)],
        dtype=evidence["evidence_id"].dtype)
    out[EVIDENCE] = evidence.sort_values("evidence_id", kind="stable").reset_index(drop=True)
    made = derived_frames(out)  # countries, derived tables and cell evidence, as built
    return {name: made[name] for name in frames}


def copies_for(rows: int, frames: dict[str, pd.DataFrame]) -> int:
    """How many copies give the large table at least ``rows`` rows."""
    return max(1, math.ceil(rows / len(frames[LARGE_TABLE])))


def real_frames(root: Path) -> dict[str, pd.DataFrame]:
    with open_package(root) as published:
        return {name: table.frame for name, table in read_package(published).csv.items()}


def write_synthetic(root: Path, rows: int, out: Path) -> dict[str, int]:
    """Write a synthetic package with >= ``rows`` rows in the large table; return row counts."""
    frames = replicate(real_frames(root), copies_for(rows, real_frames(root)))
    write_package(frames, out, package_version())
    return {name: len(frame) for name, frame in frames.items()}
