"""The portal's data dictionary page: the model's dictionary (``metadata.dictionary``, the same
walk that writes each release's ``schemas/dictionary.md``) as HTML. Every value is escaped
where it is written, as on the other pages."""

from __future__ import annotations

from html import escape

from hanoi_coop.metadata.dictionary import Table, render, rules, tables
from hanoi_coop.version import package_version


def _code(text: str) -> str:
    return f"<code>{escape(text)}</code>"


def _table(table: Table) -> str:
    rows = "".join(
        f"<tr><td>{_code(c.name)}</td><td>{escape(c.type)}</td>"
        f"<td>{'yes' if c.required else ''}</td><td>{escape(c.meaning)}</td>"
        f"<td>{'<br>'.join(render(n, escape, _code) for n in c.notes)}</td></tr>"
        for c in table.columns)
    return (f'<h2 id="{escape(table.name)}">{escape(table.name)}: {escape(table.title)}</h2>'
            f"<p>{escape(table.description)}</p><table><thead><tr><th>column</th>"
            "<th>type</th><th>required</th><th>meaning</th><th>key, reference, codes</th>"
            f"</tr></thead><tbody>{rows}</tbody></table>")


def dictionary_page() -> str:
    """The data dictionary of today's model as an HTML fragment."""
    found = tables()
    contents = ", ".join(f'<a href="#{escape(t.name)}">{escape(t.name)}</a>' for t in found)
    listed = "".join(f"<tr><td>{_code(n)}</td><td>{escape(t)}</td><td>{escape(d)}</td>"
                     f"<td>{escape(s)}</td></tr>" for n, t, d, s in rules())
    return (f"<p>Every table of the package ({len(found)}): {contents}; then "
            '<a href="#rules">the rules</a>. Generated from the metadata model of the tools '
            f"serving this portal ({escape(package_version())}); each release's bundle has its "
            "own as <code>schemas/dictionary.md</code>, and its columns in its "
            "<code>datapackage.json</code>.</p>"
            + "".join(_table(t) for t in found)
            + '<h2 id="rules">Rules</h2><p>What the build and validation check; a problem '
            "names the rule, the file, the row and the field.</p><table><thead><tr>"
            "<th>rule</th><th>title</th><th>what it means</th><th>where</th></tr></thead>"
            f"<tbody>{listed}</tbody></table>")
