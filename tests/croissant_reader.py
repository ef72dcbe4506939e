"""Run by the tools environment's Python (mlcroissant is not a library dependency): load every
record set of a croissant.json as an mlcroissant user does; print rows per record set and the
first record of each, as JSON."""

import json
import sys

import mlcroissant as mlc


def _text(value: object) -> str | None:
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return None if value is None else str(value)


dataset = mlc.Dataset(jsonld=sys.argv[1])
loaded = {}
for record_set in dataset.metadata.record_sets:
    records = list(dataset.records(record_set.uuid))
    loaded[record_set.name] = {
        "rows": len(records),
        "first": {k.split("/", 1)[1]: _text(v) for k, v in records[0].items()} if records else {},
        "fields": {f.name: [f.description, str(f.data_types)] for f in record_set.fields},
    }
print(json.dumps(loaded))
