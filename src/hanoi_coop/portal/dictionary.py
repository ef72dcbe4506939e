"""The portal's data dictionary: every table, column, type, key, reference, codelist with the
words that name each code, and every rule a build or validation applies, generated from the
metadata model (nothing written by hand, so it cannot drift from the package). Every value is
escaped where it is written, as on the other pages."""

from __future__ import annotations

from html import escape

from hanoi_coop.metadata import RESOURCES, Resource
from hanoi_coop.metadata.problems import RULES

STAGES = {"input": "build (curated and source files)", "file": "validate (published files)",
          "table": "build and validate"}


def _code_words(resource: Resource) -> dict[str, str]:
    """For each coded column, the codes and the phrases that name them, as HTML."""
    found = {}
    for rule in resource.named_by:
        where = f"<code>{escape(rule.words)}</code>" if rule.words else "the row's quotes"
        codes = "; ".join(f"<code>{escape(str(code))}</code> ← " + ", ".join(
            f"“{escape(p)}”" for p in phrases) for code, phrases in rule.phrases.items())
        default = ("no code" if rule.default is None
                   else f"<code>{escape(str(rule.default))}</code>")
        found[rule.field] = f"named by {where}: {codes}; no phrase: {default}"
    return found


def _table(name: str, resource: Resource) -> str:
    references = {fk.fields: f"{fk.resource}.{fk.reference}" for fk in resource.foreign_keys}
    words = _code_words(resource)
    rows = []
    for field in resource.fields:
        notes = []
        if field.name == resource.primary_key:
            notes.append("primary key")
        if field.name in references:
            notes.append(f"→ <code>{escape(references[field.name])}</code>")
        if field.enum:
            notes.append("codes: " + ", ".join(f"<code>{escape(str(c))}</code>"
                                               for c in field.enum))
        if field.name in words:
            notes.append(words[field.name])
        rows.append(f"<tr><td><code>{escape(field.name)}</code></td>"
                    f"<td>{escape(field.type)}</td>"
                    f"<td>{'yes' if field.required else ''}</td>"
                    f"<td>{escape(field.description)}</td><td>{'<br>'.join(notes)}</td></tr>")
    return (f'<h2 id="{escape(name)}">{escape(name)}: {escape(resource.title)}</h2>'
            f"<p>{escape(resource.description)}</p><table><thead><tr><th>column</th>"
            "<th>type</th><th>required</th><th>meaning</th><th>key, reference, codes</th>"
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def dictionary_page() -> str:
    """The data dictionary of today's model as an HTML fragment."""
    contents = ", ".join(f'<a href="#{escape(n)}">{escape(n)}</a>' for n in RESOURCES)
    rules = "".join(f"<tr><td><code>{escape(r.name)}</code></td><td>{escape(r.title)}</td>"
                    f"<td>{escape(r.description)}</td><td>{escape(STAGES.get(r.stage, r.stage))}"
                    "</td></tr>" for r in RULES.values())
    return (f"<p>Every table of the package ({len(RESOURCES)}): {contents}; then "
            '<a href="#rules">the rules</a>. Generated from the metadata model of the newest '
            "release; an older release's own columns are in its <code>datapackage.json</code>."
            "</p>" + "".join(_table(n, r) for n, r in RESOURCES.items())
            + '<h2 id="rules">Rules</h2><p>What the build and validation check; a problem '
            "names the rule, the file, the row and the field.</p><table><thead><tr>"
            "<th>rule</th><th>title</th><th>what it means</th><th>where</th></tr></thead>"
            f"<tbody>{rules}</tbody></table>")
