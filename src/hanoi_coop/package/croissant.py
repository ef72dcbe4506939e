"""Stage 4b, the package for dataset search and ML tooling: a schema.org ``Dataset`` that is also
Croissant 1.0 metadata (MLCommons), generated from the one metadata model.

Every data file is a ``FileObject`` with its SHA-256; every table is a ``RecordSet`` whose fields
carry the model's descriptions and types, read from the table's CSV file, with its key and the
references the model declares between tables.
"""

from __future__ import annotations

from hanoi_coop.layout import csv_path, parquet_path
from hanoi_coop.metadata import RESOURCES, Resource, package

CONFORMS_TO = "http://mlcommons.org/croissant/1.0"

# The Croissant 1.0 context, as the specification gives it.
CONTEXT = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}


def _file_object(path: str, sha256: str, media_type: str, description: str) -> dict:
    return {"@type": "cr:FileObject", "@id": path, "name": path, "description": description,
            "contentUrl": path, "encodingFormat": media_type, "sha256": sha256}


def _record_set(resource: Resource) -> dict:
    source = csv_path(resource.name)
    references = {fk.fields: fk for fk in resource.foreign_keys}
    fields = []
    for f in resource.fields:
        field = {"@type": "cr:Field", "@id": f"{resource.name}/{f.name}", "name": f.name,
                 "description": f.description, "dataType": f.column_type.croissant_type,
                 "source": {"fileObject": {"@id": source}, "extract": {"column": f.name}}}
        fk = references.get(f.name)
        # A reference to the table itself (a place within a place) is left out: Croissant
        # readers join along references and stop at a cycle.
        if fk is not None and fk.resource in RESOURCES and fk.resource != resource.name:
            field["references"] = {"fileObject": {"@id": csv_path(fk.resource)},
                                   "extract": {"column": fk.reference}}
        fields.append(field)
    return {"@type": "cr:RecordSet", "@id": resource.name, "name": resource.name,
            "description": f"{resource.title}. {resource.description}",
            "key": {"@id": f"{resource.name}/{resource.primary_key}"}, "field": fields}


def croissant(version: str, sha256: dict[str, str]) -> dict:
    """The JSON-LD document of the package at ``version``; ``sha256`` by file path."""
    files = []
    for name, resource in RESOURCES.items():
        files.append(_file_object(csv_path(name), sha256[csv_path(name)], "text/csv",
                                  f"{resource.title} (CSV)"))
        files.append(_file_object(parquet_path(name), sha256[parquet_path(name)],
                                  "application/vnd.apache.parquet",
                                  f"{resource.title} (Parquet, the same rows)"))
    return {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CONFORMS_TO,
        "name": package.NAME,
        "alternateName": package.TITLE,
        "description": package.DESCRIPTION,
        "version": version,
        "license": package.LICENSE.path,
        "keywords": list(package.KEYWORDS),
        "creator": [{"@type": "sc:Organization", "name": c["title"]}
                    for c in package.CONTRIBUTORS],
        "citeAs": f"{package.CONTRIBUTORS[0]['title']}. {package.TITLE}, version {version}. "
                  f"{package.LICENSE.name}.",
        "distribution": files,
        "recordSet": [_record_set(r) for r in RESOURCES.values()],
    }
