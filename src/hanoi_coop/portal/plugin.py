"""The portal's Datasette plugin: resource limits on every SQLite connection, plain 4xx answers
and no server paths in the introspection pages. Registered by ``portal.serve``'s launcher.
"""

from __future__ import annotations

import json
import re
import sqlite3
import sys
import threading
import traceback
import urllib.parse
from pathlib import Path

import datasette.handle_exception
from datasette import Response, hookimpl
from datasette.utils import tilde_encode
from datasette.utils.asgi import Base400
from markupsafe import Markup

# The 1-second time limit counts SQLite VM steps; one randomblob(999999999) is a single step
# that allocates a gigabyte. Capping the size of any value (and of statements) stops that, and
# the heap limit bounds the whole process whatever the query.
CONNECTION_LIMITS = {
    sqlite3.SQLITE_LIMIT_LENGTH: 1_000_000,  # longest string or blob; the data's longest ~2 KB
    sqlite3.SQLITE_LIMIT_SQL_LENGTH: 100_000,
    sqlite3.SQLITE_LIMIT_COLUMN: 200,
    sqlite3.SQLITE_LIMIT_EXPR_DEPTH: 100,
    sqlite3.SQLITE_LIMIT_COMPOUND_SELECT: 20,
    sqlite3.SQLITE_LIMIT_FUNCTION_ARG: 16,
    sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH: 1_000,
    sqlite3.SQLITE_LIMIT_TRIGGER_DEPTH: 10,
}
HEAP_LIMIT_BYTES = 256 * 1024**2
# printf('%.*c', 999999999, 'x') spins for seconds in one step before giving up at the length
# limit and answering NULL; a width or precision above this answers NULL at once.
MAX_PRINTF_WIDTH = 10_000
_PRINTF_SPEC = re.compile(r"%[-+ 0#,!]*(\*|\d+)?(?:\.(\*|\d+))?[a-zA-Z%]")

# Datasette's default handler prints every exception with rich, which raises outside an except
# block and turns a 404 into a 500. Exceptions are logged by ``handle_exception`` below instead.
datasette.handle_exception.rich = None


class _BoundedPrintf:
    """SQLite's own printf, run on a private connection, after checking every width and
    precision of the format (given in it, or taken from the arguments by ``*``); too wide is
    NULL, as SQLite answers when a result passes the length limit."""

    def __init__(self) -> None:
        self.connection = sqlite3.connect(":memory:", check_same_thread=False)
        self.lock = threading.Lock()

    def __call__(self, fmt: object, *args: object) -> str | None:
        if isinstance(fmt, str):
            taken = iter(args)
            for match in _PRINTF_SPEC.finditer(fmt):
                for part in match.groups():
                    size = next(taken, 0) if part == "*" else part
                    if _too_wide(size):
                        return None
                if not match.group(0).endswith("%"):
                    next(taken, None)
        marks = ", ".join("?" for _ in range(len(args) + 1))
        with self.lock:
            found = self.connection.execute(f"select printf({marks})", (fmt, *args)).fetchone()
        return None if found[0] is None else str(found[0])


def _too_wide(size: object) -> bool:
    try:
        return abs(int(size or 0)) > MAX_PRINTF_WIDTH  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return False  # not a number: SQLite reads it as 0


_printf = _BoundedPrintf()


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    for limit, value in CONNECTION_LIMITS.items():
        conn.setlimit(limit, value)
    conn.execute(f"PRAGMA hard_heap_limit = {HEAP_LIMIT_BYTES}")
    for name in ("printf", "format"):
        conn.create_function(name, -1, _printf, deterministic=True)


@hookimpl(tryfirst=True)
def handle_exception(datasette, request, exception):  # type: ignore[no-untyped-def]
    if isinstance(exception, Base400):
        message = str(exception.args[0]) if exception.args else "error"
        return Response.text(message, status=exception.status)
    if getattr(exception, "status", 500) >= 500:  # a fault of the server: keep it in the log
        traceback.print_exception(exception, file=sys.stderr)
    return None  # Datasette's error page answers (a query over its time limit is a 400)


def _databases(datasette):  # type: ignore[no-untyped-def]
    async def view():  # type: ignore[no-untyped-def]
        return Response.json([
            {"name": d.name, "route": d.route, "size": d.size, "is_mutable": d.is_mutable,
             "hash": d.hash}
            for name, d in datasette.databases.items() if name != "_internal"])
    return view


_RELEASES: dict[str, dict] = {}  # database name -> its metadata (``portal.release_metadata``)
# The one template of the portal's own pages, fixed text: a page's parts arrive as variables
# (title and heading autoescaped, head and body as markup escaped value by value where they
# were written), so nothing from the package ever reaches Jinja's compiler.
# A row's page shows the quotes that support the row: its own evidence, each quote with its
# article's address and offsets and the cells it states. Values reach the template only as
# variables (autoescaped); an address is linked only when it is http(s).
ROW_TEMPLATE = "row.html"
ROW_TEMPLATE_TEXT = (
    # Datasette 0.65's row content, with only the links from other tables that hold rows
    # (it lists "0 rows from parent_meeting_id" too), then the row's quotes.
    '{% extends "default:row.html" %}\n{% block content %}\n'
    '<h1 style="padding-left: 10px; border-left: 10px solid #{{ database_color(database) }}">'
    "{{ table }}: {{ ', '.join(primary_key_values) }}</h1>\n"
    '{% block description_source_license %}{% include "_description_source_license.html" %}'
    "{% endblock %}\n"
    "<p>This data as {% for name, url in renderers.items() %}<a href=\"{{ url }}\">{{ name }}"
    '</a>{{ ", " if not loop.last }}{% endfor %}</p>\n'
    "{% include custom_table_templates %}\n"
    "{% set linked = foreign_key_tables|selectattr('count')|list %}"
    "{% if linked %}<h2>Links from other tables</h2><ul>{% for other in linked %}"
    "<li><a href=\"{{ other.link }}\">{{ \"{:,}\".format(other.count) }} row"
    "{% if other.count != 1 %}s{% endif %}</a> from {{ other.other_column }} in "
    "{{ other.other_table }}</li>{% endfor %}</ul>{% endif %}\n"
    "{% if row_quotes %}<section class=\"row-quotes\"><h2>Quotes that support this row</h2>"
    "<ul>{% for q in row_quotes %}<li><blockquote>{{ q.quote }}</blockquote>"
    "{% if q.url %}<a href=\"{{ q.url }}\">{{ q.source_id }}</a>{% else %}{{ q.source_id }}"
    "{% endif %}, characters {{ q.char_start }}–{{ q.char_end }}"
    "{% if q.fields %}; states {{ q.fields }}{% endif %}</li>{% endfor %}</ul></section>"
    "{% endif %}\n{% endblock %}\n")
_QUOTES_SQL = (
    "select e.evidence_id, e.quote, e.source_id, e.char_start, e.char_end, s.url "
    "from evidence e left join sources s on s.source_id = e.source_id "
    "where e.table_name = :table and e.record_id = :record order by e.evidence_id")
_CELLS_SQL = ("select evidence_id, group_concat(field, ', ') from cell_evidence "
              "where table_name = :table and record_id = :record group by evidence_id")


def _web_address(url: object) -> str | None:
    return url if isinstance(url, str) and url.startswith(("https://", "http://")) else None


async def _row_quotes(datasette, database: str, table: str, record: str) -> list[dict]:  # type: ignore[no-untyped-def]
    db = datasette.get_database(database)
    names = set(await db.table_names())
    if "evidence" not in names or "sources" not in names:
        return []
    has_url = "url" in await db.table_columns("sources")
    sql = _QUOTES_SQL if has_url else _QUOTES_SQL.replace(", s.url ", ", null as url ")
    rows = (await db.execute(sql, {"table": table, "record": record})).rows
    fields: dict[str, str] = {}
    if "cell_evidence" in names:
        found = await db.execute(_CELLS_SQL, {"table": table, "record": record})
        fields = {r[0]: r[1] for r in found.rows}
    return [{"quote": r[1], "source_id": r[2], "char_start": r[3], "char_end": r[4],
             "url": _web_address(r[5]), "fields": fields.get(r[0])} for r in rows]


@hookimpl
def extra_template_vars(datasette, database, table, view_name, request):  # type: ignore[no-untyped-def]
    if view_name != "row" or not table or request is None:
        return {}
    from datasette.utils import tilde_decode

    record = ",".join(tilde_decode(part) for part in
                      str(request.url_vars.get("pks", "")).split(","))

    async def quotes() -> dict:
        return {"row_quotes": await _row_quotes(datasette, database, table, record)}
    return quotes


PAGE_TEMPLATE = "hanoi-coop-page.html"
PAGE_TEMPLATE_TEXT = (
    '{% extends "base.html" %}\n{% block title %}{{ page_title }}{% endblock %}\n'
    "{% block extra_head %}{{ page_head }}{% endblock %}\n"
    "{% block content %}\n<h1>{{ page_heading }}</h1>\n{{ page_body }}\n{% endblock %}\n")
_PAGES: dict[str, dict[str, str]] = {}  # route -> its parts (``portal.pages``)


_FEED: list[bytes] = []  # the Atom document of the data releases (``portal.feed``)


def serve_portal_files(release_metadata: Path, pages: Path, feed: Path) -> None:
    _RELEASES.update(json.loads(release_metadata.read_text(encoding="utf-8")))
    _PAGES.update(json.loads(pages.read_text(encoding="utf-8")))
    _FEED[:] = [feed.read_bytes()]


SEARCH_LIMIT = 20  # rows shown per table


def _newest_database() -> str | None:
    def version(name: str) -> tuple[int, ...]:
        return tuple(int(p) for p in name.rsplit("-", 1)[-1].split("."))
    return max(_RELEASES, key=version, default=None)


async def _search_table(db, name: str, query: str) -> tuple[list[tuple[str, str]], int]:  # type: ignore[no-untyped-def]
    """(key, first full-text column) of the first rows of ``name`` the FTS5 index matches,
    and how many match in all."""
    from hanoi_coop.metadata import RESOURCES

    resource = RESOURCES[name]
    match = f'from "{name}" t join "{name}_fts" f on f.rowid = t.rowid where "{name}_fts" match :q'
    sql = (f'select t."{resource.primary_key}", t."{resource.full_text[0]}" {match} '
           f"order by f.rank limit {SEARCH_LIMIT}")
    rows = [(str(r[0]), str(r[1] or "")) for r in (await db.execute(sql, {"q": query})).rows]
    count = (await db.execute(f"select count(*) {match}", {"q": query})).rows[0][0] if (
        len(rows) == SEARCH_LIMIT) else len(rows)
    return rows, int(count)


def _searchable(words: str) -> str:
    """The words as FTS5 reads them literally (each a quoted phrase), without control
    characters; "" when nothing searchable is left (FTS5 refuses an empty match)."""
    from datasette.utils import escape_fts

    cleaned = "".join(c if c.isprintable() else " " for c in words)
    escaped = escape_fts(cleaned)
    return escaped if escaped.strip().strip('"').strip() else ""


def _search(datasette):  # type: ignore[no-untyped-def]
    """One search box over every table of the newest release (each table's own FTS5 index);
    the words searched and every value found reach the page escaped."""
    from html import escape

    from hanoi_coop.metadata import RESOURCES

    async def view(request):  # type: ignore[no-untyped-def]
        words = request.args.get("q", "")[:200]
        query = _searchable(words)
        database = _newest_database()
        sections = [f'<form action="/search"><input name="q" value="{escape(words)}">'
                    '<button>Search every table</button></form>']
        if query and database is not None:
            db = datasette.get_database(database)
            present = set(await db.table_names())
            for name, resource in RESOURCES.items():
                if not resource.full_text or f"{name}_fts" not in present:
                    continue
                rows, count = await _search_table(db, name, query)
                if rows:
                    base = f"/{escape(tilde_encode(database))}/{escape(name)}"
                    links = "".join(
                        f'<li><a href="{base}/{escape(tilde_encode(key))}">{escape(key)}</a>: '
                        f"{escape(text)}</li>" for key, text in rows)
                    more = (f'<p>The first {len(rows)} of {count}: <a href="{base}?_search='
                            f'{escape(urllib.parse.quote(words))}">all of them</a>.</p>'
                            if count > len(rows) else "")
                    sections.append(f"<h2>{escape(name)}</h2><ul>{links}</ul>{more}")
            if len(sections) == 1:
                sections.append(f"<p>No row of {escape(database)} matches.</p>")
        return Response.html(await datasette.render_template(PAGE_TEMPLATE, {
            "page_title": "Search", "page_heading": "Search every table",
            "page_head": Markup(""), "page_body": Markup("".join(sections)),
        }, request=request))
    return view


async def _not_found(request):  # type: ignore[no-untyped-def]
    return Response.text("not found", status=404)


async def _feed(request):  # type: ignore[no-untyped-def]
    return Response(_FEED[0] if _FEED else b"", status=200 if _FEED else 404,
                    content_type="application/atom+xml; charset=utf-8")


def _page(datasette, fixed: str | None = None):  # type: ignore[no-untyped-def]
    """One of the portal's own pages (the one ``fixed`` names, or the address's) through the
    fixed page template: title and heading are text (autoescaped); head and body were
    escaped value by value when they were written."""
    async def view(request):  # type: ignore[no-untyped-def]
        parts = _PAGES.get(fixed or request.url_vars["page"])
        if parts is None:
            return Response.text("no such page", status=404)
        return Response.html(await datasette.render_template(PAGE_TEMPLATE, {
            "page_title": parts["title"], "page_heading": parts["heading"],
            "page_head": Markup(parts["head"]), "page_body": Markup(parts["body"]),
        }, request=request))
    return view


# What Datasette 0.65 reads from a table's metadata when it asks for the key "tables": a
# permission check ("allow", once per table of a database page, each time deep-copying what
# this hook returns) and a facet page ("facet_size"). The package sets neither.
_TABLES_KEYS = ("allow", "facet_size")


@hookimpl
def get_metadata(datasette, key, database, table):  # type: ignore[no-untyped-def]
    # Only the database asked about, where one is: Datasette deep-copies what this returns
    # for every table's permission check. (Table pages ask with no database.) Datasette's
    # views write the keys a database and a table inherit into what this returns; each
    # already holds them (``serve.release_metadata``), so those writes change nothing.
    if database is None:
        if key not in (None, "databases"):  # the portal's own keys are in metadata.json
            return None
        return {"databases": _RELEASES}
    if database not in _RELEASES:
        return None
    found = _RELEASES[database]
    if key == "tables":  # a permission check: only tables that set what it reads (none do)
        kept = {name: {k: t[k] for k in _TABLES_KEYS if k in t}
                for name, t in found.get("tables", {}).items()}
        found = {"tables": {name: keys for name, keys in kept.items() if keys}}
    return {"databases": {database: found}}


def _redirect(request, database: str):  # type: ignore[no-untyped-def]
    """To ``database`` as Datasette addresses it (dots tilde-encoded), the rest of the path
    and the query kept."""
    query = f"?{request.query_string}" if request.query_string else ""
    rest = request.url_vars.get("rest") or ""
    return Response.redirect(f"/{tilde_encode(database)}{rest}{query}")


async def _latest(request):  # type: ignore[no-untyped-def]
    if not _RELEASES:
        return Response.text("no release yet", status=404)
    return _redirect(request, list(_RELEASES)[-1])  # released_versions order: newest last


async def _dotted(request):  # type: ignore[no-untyped-def]
    database = request.url_vars["database"]
    if database not in _RELEASES:
        return Response.text(f"no release {database}", status=404)
    return _redirect(request, database)


@hookimpl
def register_routes(datasette):  # type: ignore[no-untyped-def]
    return [
        # Datasette's own page lists each database's path on the server: answer without it.
        (r"^/-/databases(\.json)?$", _databases(datasette)),
        # the server's threads name its source files: not a visitor's business
        (r"^/-/threads(\.json)?$", _not_found),
        # SQLite's own tables and the search indexes are not the package's tables (Datasette
        # 0.65 answers a row of sqlite_master with a 500)
        (r"^/[^/]+/(?:sqlite_\w+|\w+_fts(?:_\w+)?)(?:[/.?].*)?$", _not_found),
        (r"^/$", _page(datasette, "home")),
        (r"^/(?P<page>pictures|downloads|dictionary)$", _page(datasette)),
        (r"^/releases\.atom$", _feed),
        (r"^/search$", _search(datasette)),
        # /latest/meetings: the newest release's table, an address that stays the same.
        (r"^/latest(?P<rest>/.*)?$", _latest),
        # /hanoi-coop-1.1.1/meetings, as users type it, to Datasette's /hanoi-coop-1~2E1~2E1/.
        (r"^/(?P<database>[a-z-]+-\d+\.\d+\.\d+)(?P<rest>/.*)?$", _dotted),
    ]
