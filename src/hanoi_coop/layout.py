"""Where every file of the package and of a release lives: paths are built here only."""

from __future__ import annotations

from pathlib import Path

SOURCES_FOLDER = "sources"  # the articles (sources/articles/ID.txt) and sources/sources.yaml
ARTICLES = f"{SOURCES_FOLDER}/articles"
SOURCES_FILE = f"{SOURCES_FOLDER}/sources.yaml"
CURATED = "curated"  # the curated records, one YAML file a table
EXCLUSIONS = "curated/coverage_exclusions.yaml"
DATA, SCHEMAS = "data", "schemas"  # the published tables and their schemas
RELEASES = "releases"  # releases/VERSION/ under the repository root
MANIFEST = "manifest.json"  # a release's list of files with their sha256, bytes and rows
DICTIONARY = "dictionary.md"  # under schemas/: the data dictionary, the model in words
INPUT_SCHEMAS = f"{CURATED}/schemas"  # the input files' JSON Schemas, for editors
DESCRIPTOR = "datapackage.json"  # the Frictionless Data Package descriptor
CROISSANT = "croissant.json"  # the same package as schema.org Dataset / Croissant JSON-LD
PARQUET_SUFFIX = "-parquet"  # a table's Parquet resource is named TABLE-parquet
# The loader's registry of released files (version -> file -> sha256), in the checkout that
# releases them: the installed package reads its own copy.
REGISTRY = "src/hanoi_coop/registry.json"
INSTALLED_REGISTRY = Path(__file__).parent / "registry.json"  # the installed package's copy


def article_path(source_id: str) -> str:
    return f"{ARTICLES}/{source_id}.txt"


def csv_path(table: str) -> str:
    return f"{DATA}/csv/{table}.csv"


def parquet_path(table: str) -> str:
    return f"{DATA}/parquet/{table}.parquet"


def release_stem(name: str, version: str) -> str:
    """The name of a release's zip, SQLite database and portal database: the package's
    ``name`` (the model's) and the version."""
    return f"{name}-{version}"
