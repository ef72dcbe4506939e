"""Load tables into pandas: the installed data offline, or a pinned release through pooch.

    >>> import hanoi_coop
    >>> hanoi_coop.load("meetings")                     # the data installed with the package
    >>> hanoi_coop.load("meetings", version="1.0.0")    # a release: downloaded once, then cached

Environment: HANOI_COOP_PORTAL is the portal address (the project has no public one yet: set
it to the portal you use, e.g. http://127.0.0.1:8001); HANOI_COOP_CACHE the cache folder
(default: the user cache folder, pooch.os_cache("hanoi-coop")).
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import os
import shutil
import socket
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from hanoi_coop.layout import (
    DATA,
    DESCRIPTOR,
    INSTALLED_REGISTRY,
    MANIFEST,
    csv_path,
    parquet_path,
)
from hanoi_coop.metadata import RESOURCES, Resource
from hanoi_coop.metadata.package import NAME
from hanoi_coop.version import __version__

if TYPE_CHECKING:
    import pooch

PORTAL_ENV = "HANOI_COOP_PORTAL"
CACHE_ENV = "HANOI_COOP_CACHE"
_HERE = Path(__file__).parent


class DownloadError(RuntimeError):
    """A release file could not be fetched or did not match its published sha256."""


def tables() -> list[str]:
    """Names of the package's tables."""
    return list(RESOURCES)


def describe(table: str, version: str | None = None) -> pd.DataFrame:
    """One row per column of ``table``: name, type, whether required, codelist, meaning; of
    the installed data, or of release ``version`` ("latest": the newest) as its own
    datapackage.json describes it."""
    if version is None:
        resource = _resource(table)
        return pd.DataFrame([{
            "name": f.name, "type": f.type, "required": f.required,
            "primary_key": f.name == resource.primary_key,
            "codelist": ", ".join(f.enum) if f.enum else None, "description": f.description,
        } for f in resource.fields])
    version = resolved(version)
    descriptor = json.loads(fetch(version, DESCRIPTOR).read_text(encoding="utf-8"))
    found = [r for r in descriptor["resources"] if r.get("path") == csv_path(table)]
    if not found:
        names = sorted(n for n in RESOURCES if any(r.get("path") == csv_path(n)
                                                   for r in descriptor["resources"]))
        raise DownloadError(f"release {version} has no table {table!r}; its tables: "
                            f"{', '.join(names)}")
    schema = found[0]["schema"]
    return pd.DataFrame([{
        "name": f["name"], "type": f.get("type"),
        "required": bool(f.get("constraints", {}).get("required", False)),
        "primary_key": f["name"] in schema.get("primaryKey", []),
        "codelist": ", ".join(f["constraints"]["enum"]) if "enum" in f.get("constraints", {})
        else None, "description": f.get("description"),
    } for f in schema["fields"]])


LATEST = "latest"


def _released() -> dict[str, dict]:
    return json.loads(INSTALLED_REGISTRY.read_text(encoding="utf-8")) if (
        INSTALLED_REGISTRY.exists()) else {}


def resolved(version: str) -> str:
    """``version`` itself, or for "latest" the newest release the installed registry knows."""
    if version != LATEST:
        return version
    released = sorted(_released(), key=lambda v: tuple(int(p) for p in v.split(".")))
    if not released:
        raise KeyError("no release is known to this installation: there is no latest")
    return released[-1]


def _resource(table: str) -> Resource:
    if table not in RESOURCES:
        raise KeyError(f"no table {table!r}; tables() lists: {', '.join(RESOURCES)}")
    return RESOURCES[table]


_ARROW_TO_PANDAS = {
    pa.string(): pd.StringDtype(), pa.large_string(): pd.StringDtype(),
    pa.int64(): pd.Int64Dtype(), pa.float64(): pd.Float64Dtype(), pa.bool_(): pd.BooleanDtype(),
}


def _with_codelist(column: pa.ChunkedArray, codelist: tuple[str, ...]) -> pa.ChunkedArray:
    """A dictionary column re-keyed on the whole codelist, so pandas gets every category. A
    pinned older release may hold a code this version's list no longer has: it is kept, after
    the list, rather than lost."""
    seen = {v for chunk in column.chunks for v in chunk.dictionary.to_pylist()}
    codes = [*codelist, *sorted(seen - set(codelist))]
    full = pa.array(codes, pa.string())
    chunks = []
    for chunk in column.chunks:
        positions = pa.array([codes.index(v) for v in chunk.dictionary.to_pylist()],
                             pa.int32())
        indices = pc.take(positions, chunk.indices)
        chunks.append(pa.DictionaryArray.from_arrays(indices, full))
    return pa.chunked_array(chunks, pa.dictionary(pa.int32(), pa.string()))


def read_table(resource: Resource, source: Path | bytes) -> pd.DataFrame:
    """A Parquet file (its path, or its bytes) in the package dtypes, converted by Arrow in
    one pass: codes read as dictionaries become categoricals with their whole codelist, dates
    datetime64."""
    data = pa.BufferReader(source) if isinstance(source, bytes) else source
    present = set(pq.read_schema(data).names)  # a pinned release may predate a column
    codes = {f.name: f.enum for f in resource.fields if f.enum and f.name in present}
    if isinstance(source, bytes):
        data = pa.BufferReader(source)
    table = pq.read_table(data, read_dictionary=list(codes))
    for name, codelist in codes.items():
        index = table.schema.get_field_index(name)
        table = table.set_column(index, name, _with_codelist(table.column(name), codelist))
    return table.to_pandas(types_mapper=_ARROW_TO_PANDAS.get, date_as_object=False)


def _installed_file(table: str) -> Path:
    path = _HERE / "_data" / parquet_path(table).removeprefix(f"{DATA}/")  # _data is data/
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run `make build` in the repository")
    return path


def _fetcher(version: str) -> pooch.Pooch:
    import pooch  # here, not at the top: only a pinned version needs it (0.08 s of import)

    registry = _released()
    if version not in registry:
        known = ", ".join(registry) or "none"
        raise KeyError(f"no release {version!r} (released: {known}; or {LATEST!r})")
    portal = os.environ.get(PORTAL_ENV)
    if not portal:
        raise DownloadError(
            f"no portal address: set {PORTAL_ENV} to the address of a hanoi-coop portal, "
            f"e.g. `export {PORTAL_ENV}=http://127.0.0.1:8001` after `make serve`")
    cache = os.environ.get(CACHE_ENV) or pooch.os_cache("hanoi-coop")
    return pooch.create(path=Path(cache) / version,
                        base_url=f"{portal.rstrip('/')}/releases/{version}/",
                        registry=registry[version], retry_if_failed=1)


# A release file arrives whole within the deadline and never past the byte count its
# manifest publishes: a server that drips a byte every few seconds, or answers a small file
# with hundreds of megabytes, ends in DownloadError at once, not after hours or gigabytes.
TIMEOUT_ENV = "HANOI_COOP_TIMEOUT"
DEFAULT_DEADLINE_S = 300.0
MANIFEST_MAX_BYTES = 4 * 1024**2  # the manifest itself: its sha256 is in the registry
_READ_S = 30  # one connection attempt, or one silence between bytes
_CHUNK = 1 << 16


def _deadline() -> float:
    given = os.environ.get(TIMEOUT_ENV)
    try:
        return float(given) if given else DEFAULT_DEADLINE_S
    except ValueError:
        raise DownloadError(f"{TIMEOUT_ENV}={given!r} is not a number of seconds") from None


@dataclass(frozen=True)
class BoundedDownload:
    """A pooch downloader that stops at ``max_bytes`` received and ``deadline`` seconds
    after it starts, headers included: a watchdog hangs up the connection at the deadline,
    however the server spaces its bytes. Only the file itself is taken: no redirect is
    followed and no content encoding is accepted (bytes received are bytes counted)."""

    max_bytes: int
    deadline: float

    def __call__(self, url: str, output_file: Any, pooch: Any = None, **_: Any) -> None:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise DownloadError(f"{url}: only http and https addresses are fetched")
        kind = http.client.HTTPSConnection if parts.scheme == "https" else (
            http.client.HTTPConnection)
        connection = kind(parts.hostname, parts.port, timeout=_READ_S)
        expired = threading.Event()
        sockets: list[socket.socket] = []
        watchdog = threading.Timer(self.deadline, _hang_up, (sockets, expired))
        watchdog.start()
        try:
            connection.connect()
            sockets.append(connection.sock)  # http.client lets go of it once headers are in
            if expired.is_set():
                _hang_up(sockets, expired)
            self._receive(url, parts, connection, output_file)
        except (OSError, http.client.HTTPException) as exc:
            if not expired.is_set():
                raise DownloadError(f"cannot download {url}: {exc}") from None
        finally:
            watchdog.cancel()
            connection.close()
        if expired.is_set():
            raise DownloadError(f"{url} was not complete after {self.deadline:g} s "
                                f"({TIMEOUT_ENV} sets the limit): stopped")

    def _receive(self, url: str, parts: urllib.parse.SplitResult,
                 connection: http.client.HTTPConnection, output_file: Any) -> None:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request("GET", target or "/", headers={"Accept-Encoding": "identity"})
        response = connection.getresponse()
        if response.status != 200:
            raise DownloadError(f"{url} answered {response.status} {response.reason} "
                                "(redirects are not followed)")
        encoding = response.getheader("Content-Encoding", "identity").strip().lower()
        if encoding != "identity":
            raise DownloadError(f"{url} was sent {encoding}-encoded; only the file itself is "
                                "taken")
        declared = response.getheader("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise DownloadError(f"{url} announces {declared} bytes; the release publishes "
                                f"{self.max_bytes}: not downloaded")
        with _opened(output_file) as sink:
            received = 0
            while chunk := response.read1(_CHUNK):  # what has arrived, at most a chunk
                received += len(chunk)
                if received > self.max_bytes:
                    raise DownloadError(f"{url} sent more than the {self.max_bytes} bytes "
                                        "the release publishes: stopped")
                sink.write(chunk)


def _hang_up(sockets: list[socket.socket], expired: threading.Event) -> None:
    """At the deadline: the blocked read returns at once (end of stream or an error)."""
    expired.set()
    for sock in sockets:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


@contextlib.contextmanager
def _opened(output_file: Any) -> Iterator[Any]:
    if hasattr(output_file, "write"):
        yield output_file
    else:
        with open(output_file, "wb") as sink:
            yield sink


def _fetched(fetcher: pooch.Pooch, path: str, max_bytes: int) -> Path:
    """One release file through the verified cache, within its byte count and the deadline."""
    url = fetcher.get_url(path)
    cached = Path(fetcher.abspath) / path
    try:
        return Path(fetcher.fetch(path, downloader=BoundedDownload(max_bytes, _deadline())))
    except DownloadError as exc:
        raise DownloadError(f"{exc} (cache: {cached})") from None
    except ValueError as exc:  # pooch: hash mismatch after one retry
        raise DownloadError(f"{url} does not match its published sha256 (cache: {cached}): "
                            f"{exc}") from None
    except Exception as exc:  # network errors of requests/urllib3
        raise DownloadError(f"cannot download {url} to {cached}: {exc}") from None


def _published_sizes(fetcher: pooch.Pooch) -> dict[str, int]:
    """Each file's byte count from the release's manifest (itself checked by its sha256)."""
    manifest = json.loads(_fetched(fetcher, MANIFEST, MANIFEST_MAX_BYTES).read_text(
        encoding="utf-8"))
    return {f["path"]: int(f["bytes"]) for f in manifest["files"]} | {
        MANIFEST: MANIFEST_MAX_BYTES}


def _release_file(fetcher: pooch.Pooch, sizes: dict[str, int], version: str, path: str) -> Path:
    if path not in sizes:
        tables = sorted(name for name in RESOURCES if parquet_path(name) in sizes)
        raise DownloadError(f"release {version} has no file {path}; its tables: "
                            f"{', '.join(tables)}")
    return _fetched(fetcher, path, sizes[path])


def fetch(version: str, path: str) -> Path:
    """The local path of one release file, downloaded and checked against its sha256."""
    version = resolved(version)
    fetcher = _fetcher(version)
    return _release_file(fetcher, _published_sizes(fetcher), version, path)


def download(version: str, to: Path | None = None, progress: bool = False) -> list[Path]:
    """Every file of release ``version`` through the verified cache (each checked against its
    published sha256); with ``to``, copied to ``to/VERSION/``. Returns the files' paths."""
    import pooch
    from tqdm import tqdm

    if to is not None and to.exists() and not to.is_dir():
        raise DownloadError(f"--to {to}: a file is there, not a folder; name a folder")
    version = resolved(version)
    fetcher = _fetcher(version)
    found = []
    # pooch logs a line per file; the bar (on a terminal) or the summary says enough
    logger, level = pooch.get_logger(), pooch.get_logger().level
    logger.setLevel("WARNING")
    try:
        sizes = _published_sizes(fetcher)
        for relative in tqdm(sorted(fetcher.registry), desc=f"hanoi-coop {version}",
                             unit="file", disable=not progress):
            cached = _release_file(fetcher, sizes, version, relative)
            target = cached if to is None else to / version / relative
            if to is not None:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(cached, target)
            found.append(target)
    finally:
        logger.setLevel(level)
    return found


def load(table: str, version: str | None = None) -> pd.DataFrame:
    """``table`` as a DataFrame with proper dtypes; ``version`` pins a release ("latest":
    the newest). The frame says what it is in ``df.attrs``: package, version, table, and the
    file and sha256 of the bytes it was read from (provenance for analysis code)."""
    resource = _resource(table)
    relative = parquet_path(table)
    if version is None:
        path, stated = _installed_file(table), __version__
    else:
        stated = resolved(version)
        path = fetch(stated, relative)
    data = path.read_bytes()  # hashed and parsed: the same bytes
    digest = hashlib.sha256(data).hexdigest()
    frame = read_table(resource, data)
    recorded = str(_released().get(stated, {}).get(relative, ""))
    released = recorded.removeprefix("sha256:") == digest  # the registry's pooch form
    frame.attrs = {"package": NAME, "version": stated if released else f"{stated}+unreleased",
                   "table": table, "file": relative, "sha256": digest, "released": released,
                   "source": "installed" if version is None else "release"}
    return frame
