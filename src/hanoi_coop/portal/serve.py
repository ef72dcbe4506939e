"""The data portal: Datasette over every release's SQLite database, read-only and immutable,
with metadata generated from the one metadata model and a downloads page with checksums."""

from __future__ import annotations

import html
import json
import sys
from pathlib import Path

from datasette.utils import tilde_encode

from hanoi_coop.docs import release_descriptor
from hanoi_coop.layout import MANIFEST, RELEASES, release_stem
from hanoi_coop.metadata import RESOURCES, package
from hanoi_coop.package.read import read_frames
from hanoi_coop.package.write import json_bytes
from hanoi_coop.portal.dictionary import dictionary_page
from hanoi_coop.portal.feed import releases_feed
from hanoi_coop.portal.pictures import STYLE, pictures_page
from hanoi_coop.publish.release import released_versions

SQL_TIME_LIMIT_MS = 1000
MAX_RETURNED_ROWS = 1000
RELEASE_METADATA = "release-metadata.json"
PAGES = "pages.json"  # the portal's own pages (``pages``), served by ``portal_plugin``
FEED = "releases.atom"  # the data releases as an Atom feed (``portal.feed``)
PORTAL_FILES_OPTION = "--portal-files"  # the folder ``prepare`` wrote; read by ``main``


def database_name(version: str) -> str:
    return release_stem(package.NAME, version)


def database_path(version: str) -> str:
    """The URL path of a release's database (Datasette tilde-encodes the dots)."""
    return "/" + tilde_encode(database_name(version))


def _table_metadata(descriptor: dict) -> dict:
    """Titles and column descriptions as the release's own descriptor states them (an older
    release has older columns); facets of the model that the release's table has."""
    tables = {}
    for entry in descriptor["resources"]:
        name = entry["name"]
        if entry.get("format") != "csv" or name not in RESOURCES:
            continue
        columns = {f["name"]: f.get("description", "") for f in entry["schema"]["fields"]}
        labels = [c for c in RESOURCES[name].full_text if c in columns]
        tables[name] = {
            "title": entry.get("title", name), "description": entry.get("description", ""),
            "columns": columns,
            "facets": [f for f in RESOURCES[name].facets if f in columns],
            # what a reference to this table shows beside the id
            **({"label_column": labels[0]} if labels else {}),
        }
    return tables


def metadata(root: Path) -> dict:
    """The portal's own metadata; each release's is ``release_metadata`` (see there)."""
    versions = released_versions(root)
    listing = ", ".join(f'<a href="{database_path(v)}">{v}</a>' for v in reversed(versions))
    latest = database_path(versions[-1]) if versions else ""
    tables = "".join(f'<li><a href="{latest}/{name}">{name}</a>: {html.escape(r.title)}</li>'
                     for name, r in RESOURCES.items())
    return {
        "title": package.TITLE,
        "description_html": (
            "<p>Meetings, officials, projects and targets of Hanoi's urban-development "
            "cooperation: each curated row backed by a verbatim quote from its source article "
            "(a derived or link row by the rows it joins). Licence: "
            f"{html.escape(package.LICENSE.name)}.</p>"
            f"<p>Versions: {listing or 'none released yet'}. "
            '<a href="/downloads">Downloads with checksums</a>. '
            '<a href="/pictures">Pictures</a>: a timeline, a map, who met whom. '
            '<a href="/dictionary">Data dictionary</a>: every table, column, code and rule. '
            '<a href="/releases.atom">Data releases (Atom feed)</a>: which tables each changed. '
            '<a href="/search">Search every table</a> of the newest release.'
            '</p>'
            f"<p>Tables (latest version):</p><ul>{tables}</ul>"),
        "license": package.LICENSE.name,
        "license_url": package.LICENSE.path,
        "source": "Five news articles (The Hanoi Times); see the sources table",
    }


# What Datasette 0.65's database and table views copy down from the portal's metadata into a
# database's or a table's own, on every request (``update_with_inherited_metadata``).
INHERITED = ("source", "source_url", "license", "license_url", "about", "about_url")


def release_metadata(root: Path) -> dict:
    """Each release database's title, tables and column descriptions. Served by the plugin
    one database at a time: Datasette 0.65 deep-copies the metadata it is given for every
    table's permission check, which made the home page take seconds with twenty releases.
    Each database and table already holds what it inherits, so that Datasette's writes of it
    change nothing as people browse."""
    portal = metadata(root)
    inherited = {k: portal.get(k) for k in INHERITED}
    return {
        database_name(v): {
            "title": f"hanoi-coop {v}",
            "description": f"Release {v} of the package, read-only.",
            **inherited,
            "tables": {name: {**table, **inherited} for name, table in
                       _table_metadata(release_descriptor(root, v)).items()},
        }
        for v in released_versions(root)
    }


def downloads_page(root: Path) -> str:
    """Every version's files with sha256 and size, as an HTML fragment (each value escaped)."""
    sections = []
    newest = released_versions(root)[-1:]
    for version in reversed(released_versions(root)):
        manifest = json.loads((root / RELEASES / version / MANIFEST).read_text())
        rows = "\n".join(
            f'<tr><td><a href="/{RELEASES}/{version}/{html.escape(f["path"])}">'
            f'{html.escape(f["path"])}</a></td><td>{html.escape(str(f["bytes"]))}</td>'
            f'<td>{html.escape(str(f.get("rows", "")))}</td>'
            f'<td><code>{html.escape(str(f["sha256"]))}</code></td></tr>'
            for f in manifest["files"])
        # Older versions folded (plain HTML, no script): the page lists every file of
        # every release, over a thousand rows by now.
        sections.append(
            f'<details id="v{version}"{" open" if version in newest else ""}>'
            f"<summary><h2 style=\"display: inline\">Version {version}</h2></summary>\n"
            f'<p><a href="/{RELEASES}/{version}/manifest.json">manifest.json</a></p>\n'
            "<table class=\"rows-and-columns\"><thead><tr><th>file</th><th>bytes</th>"
            f"<th>rows</th><th>sha256</th></tr></thead><tbody>\n{rows}\n</tbody></table>"
            "</details>")
    return ("<p>Every released version, file by file, with its SHA-256.</p>\n"
            + ("\n".join(sections) or "<p>No release yet.</p>"))


def pages(root: Path) -> dict[str, dict[str, str]]:
    """The portal's own pages by route: title and heading as plain text; head and body as
    HTML fragments in which every value from the package was escaped where it was written."""
    # The home page: Datasette's own lists every table of every release and checks each
    # one's permissions, deep-copying the metadata each time (2.7-3.9 s for one visitor with
    # 40 releases, growing with each release); this one is written once and links them all.
    found = {"home": {"title": package.TITLE, "heading": package.TITLE, "head": "",
                      "body": metadata(root)["description_html"]},
             "downloads": {"title": "Downloads", "heading": "Downloads", "head": "",
                           "body": downloads_page(root)},
             "dictionary": {"title": "Data dictionary", "heading": "Data dictionary",
                            "head": "", "body": dictionary_page()}}
    newest = released_versions(root)[-1:]
    if newest:
        found["pictures"] = {
            "title": "Pictures", "heading": f"Pictures of release {newest[0]}", "head": STYLE,
            "body": pictures_page(read_frames(root / RELEASES / newest[0]))}
    return found


def prepare(root: Path, out: Path) -> list[str]:
    """Write metadata, pages and the page template under ``out``; return the datasette
    command line."""
    # Datasette's handlers: imported where served
    from hanoi_coop.portal import plugin as portal_plugin

    (out / "templates").mkdir(parents=True, exist_ok=True)
    (out / "metadata.json").write_bytes(json_bytes(metadata(root)))
    (out / RELEASE_METADATA).write_bytes(json_bytes(release_metadata(root)))
    (out / PAGES).write_bytes(json_bytes(pages(root)))
    author = str(package.CONTRIBUTORS[0]["title"])
    (out / FEED).write_text(releases_feed(root, package.TITLE, author), encoding="utf-8")
    for name, text in ((portal_plugin.PAGE_TEMPLATE, portal_plugin.PAGE_TEMPLATE_TEXT),
                       (portal_plugin.ROW_TEMPLATE, portal_plugin.ROW_TEMPLATE_TEXT)):
        (out / "templates" / name).write_text(text, encoding="utf-8")
    databases = [str(root / RELEASES / v / f"{database_name(v)}.sqlite")
                 for v in released_versions(root)]
    command = [sys.executable, "-m", "hanoi_coop.portal.serve", "serve", PORTAL_FILES_OPTION,
               str(out)]
    for database in databases:
        command += ["-i", database]
    return command + [
        "--metadata", str(out / "metadata.json"),
        "--template-dir", str(out / "templates"),
        "--static", f"{RELEASES}:{root / RELEASES}",
        "--setting", "sql_time_limit_ms", str(SQL_TIME_LIMIT_MS),
        "--setting", "max_returned_rows", str(MAX_RETURNED_ROWS),
    ]


def main(argv: list[str]) -> None:
    """Datasette's command line with the portal plugin registered (``python -m``)."""
    from datasette.cli import cli
    from datasette.plugins import pm

    from hanoi_coop.portal import plugin as portal_plugin

    if PORTAL_FILES_OPTION in argv:
        at = argv.index(PORTAL_FILES_OPTION)
        folder = Path(argv[at + 1])
        portal_plugin.serve_portal_files(folder / RELEASE_METADATA, folder / PAGES,
                                         folder / FEED)
        argv = argv[:at] + argv[at + 2:]
    pm.register(portal_plugin, name="hanoi-coop-portal")
    cli.main(args=argv, prog_name="datasette")


if __name__ == "__main__":
    main(sys.argv[1:])
