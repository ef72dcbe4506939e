"""The package as a whole: its name, title, description and licence, written once."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class License:
    name: str
    title: str
    path: str


NAME = "hanoi-coop"
TITLE = "Hanoi urban-development cooperation"
DESCRIPTION = (
    "Meetings, officials, projects and targets of Hanoi's urban-development cooperation, "
    "curated from five news articles. Every row cites its source and a verbatim quote with "
    "character offsets, checked against the source text at build.")
LICENSE = License("CC-BY-4.0", "Creative Commons Attribution 4.0",
                  "https://creativecommons.org/licenses/by/4.0/")
KEYWORDS = ("Hanoi", "urban development", "metro", "international cooperation", "Popolo",
            "OC4IDS", "PLOVER", "EDTF")
CONTRIBUTORS = ({"title": "hanoi-coop curators", "roles": ["creator", "curator"]},)
