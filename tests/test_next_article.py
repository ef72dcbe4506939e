"""The next article in minutes, end to end, on an article written for this test (it is not
news and is never published): add-source copies it and proposes its segments, the build
names what is left to cite, a curated record and an exclusion make it pass; history follows
a record across the releases."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml

from hanoi_coop import cli
from hanoi_coop.build import build
from hanoi_coop.errors import InputError

from .conftest import ROOT, replace_in

ARTICLE = "\n".join([
    "Home",
    "News",
    "Hanoi and Lyon look at a tram link",
    "The two cities will share experience on urban transport, officials said after the talks.",
    "THE HANOI TIMES — Hanoi and Lyon agreed at a meeting on March 3 to study a tram link of "
    "about 12 km, said Vice Mayor Jean Test of Lyon.",
    "Officials at the meeting. Photo: The Hanoi Times",
    "Next steps",
    "The study will look at the route, the depots and the cost, and will be shared with both "
    "cities' planners, Jean Test said.",
    "Related news",
    "Some other headline about the city",
    "Another headline about the city",
]) + "\n"
SOURCE_ID = "src-test-hanoi-lyon-tram"
MEETING = f"""
- meeting_id: mtg-test-hanoi-lyon-tram
  source_id: {SOURCE_ID}
  title: Hanoi and Lyon meet on a tram link
  meeting_kind: meeting
  event_type: CONSULT
  event_status: held
  event_phrase: "at a meeting"
  contexts: infrastructure
  date:
    text: on March 3
    edtf: XXXX-03-03
  summary: Hanoi and Lyon agreed to study a tram link.
  evidence:
    - quote: "Hanoi and Lyon agreed at a meeting on March 3 to study a tram link of about 12 km"
  participants:
    - {{organization_id: hanoi-city, side: actor, quote: "Hanoi and Lyon agreed at a meeting"}}
"""
EXCLUSION = f"""- source_id: {SOURCE_ID}
  mention: two
  context: "The two cities will share experience"
  reason: Refers to Hanoi and Lyon; not a quantity.
"""


def _cli(capsys, *args: str) -> tuple[int, str]:
    code = cli.main(list(args))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_add_source_then_curate_until_the_build_passes(workspace: Path, tmp_path: Path, capsys):
    article = tmp_path / "incoming" / "lyon.txt"
    article.parent.mkdir()
    article.write_text(ARTICLE, encoding="utf-8")
    code, output = _cli(capsys, "add-source", str(article), "--id", SOURCE_ID,
                        "--root", str(workspace))
    assert code == 0, output
    copy = workspace / "sources" / "articles" / f"{SOURCE_ID}.txt"
    assert copy.read_bytes() == article.read_bytes()
    entry = yaml.safe_load((workspace / "sources" / "sources.yaml").read_text())[-1]
    assert entry["sha256"] == hashlib.sha256(article.read_bytes()).hexdigest()
    assert entry["title"] == "Hanoi and Lyon look at a tram link"
    assert entry["publisher"] == "The Hanoi Times"
    assert entry["segments"] == {"title": [3], "standfirst": [4], "body": [5, 8],
                                 "menu": [1, 2, 9], "caption": [6], "subheading": [7],
                                 "related_news": [[10, 11]]}
    # The to-do list is the build's own list, every stage at once: the numbers and dates of
    # the content and the names the package knows, in one wave.
    with pytest.raises(InputError) as caught:
        build(workspace)
    problems = caught.value.problems
    assert {p.value for p in problems if p.rule == "coverage"} == {"two", "March", "3", "12"}
    assert {(p.line, p.value) for p in problems if p.rule == "name-coverage"} == {
        (3, "Hanoi"), (5, "Hanoi")}
    assert f"the build's own list ({len(problems)})" in output
    for problem in problems:
        assert str(problem) in output, output
    assert "'Photo'" not in output and "headline" not in output  # furniture is not content

    with (workspace / "curated" / "meetings.yaml").open("a", encoding="utf-8") as handle:
        handle.write(MEETING)  # its participant links the "Hanoi" its quote names
    with (workspace / "curated" / "coverage_exclusions.yaml").open("a", encoding="utf-8") as f:
        f.write(EXCLUSION)
    with pytest.raises(InputError) as caught:  # the title names Hanoi too: link it
        build(workspace)
    assert [(p.rule, p.line, p.value) for p in caught.value.problems] == [
        ("name-coverage", 3, "Hanoi")]
    replace_in(workspace / "curated" / "meetings.yaml", "  participants:\n    - {organization_"
               "id: hanoi-city", '    - quote: "Hanoi and Lyon look at a tram link"\n'
               "  participants:\n    - {organization_id: hanoi-city")
    assembled = build(workspace)
    assert "mtg-test-hanoi-lyon-tram" in set(assembled.frames["meetings"]["meeting_id"])


@pytest.mark.parametrize(("article", "source_id", "message"), [
    (ARTICLE, "src-china-urban-planning-metro", "exists already"),
    (ARTICLE, "Not An Id", "is not an id"),
    ("Just a title\nand a line.\n", SOURCE_ID, "no article body"),
    (None, SOURCE_ID, "already a source"),  # the same text as an existing source
])
def test_add_source_refuses_and_writes_nothing(workspace: Path, tmp_path: Path, capsys,
                                               article, source_id, message):
    path = tmp_path / "article.txt"
    if article is None:
        path.write_bytes((ROOT / "sources" / "articles" /
                          "src-japan-priority-projects.txt").read_bytes())
    else:
        path.write_text(article, encoding="utf-8")
    before = {p: p.read_bytes() for p in (workspace / "sources").rglob("*") if p.is_file()}
    code, output = _cli(capsys, "add-source", str(path), "--id", source_id,
                        "--root", str(workspace))
    assert code == 2 and message in output and "Traceback" not in output
    after = {p: p.read_bytes() for p in (workspace / "sources").rglob("*") if p.is_file()}
    assert after == before


def test_add_source_refuses_bytes_that_are_not_utf8(workspace: Path, tmp_path: Path, capsys):
    path = tmp_path / "latin1.txt"
    path.write_bytes(ARTICLE.replace("Lyon", "Lyón").encode("cp1252"))
    code, output = _cli(capsys, "add-source", str(path), "--id", SOURCE_ID,
                        "--root", str(workspace))
    assert code == 2 and "not UTF-8" in output


def test_the_proposal_reproduces_the_curated_segments_of_every_article():
    from hanoi_coop.ingest.intake import propose

    for entry in yaml.safe_load((ROOT / "sources" / "sources.yaml").read_text()):
        text = (ROOT / "sources" / "articles" / f"{entry['source_id']}.txt").read_text()
        proposal = propose(text)
        assert proposal.segments == entry["segments"], entry["source_id"]
        assert proposal.title == entry["title"]


def test_history_shows_a_record_added_changed_and_removed(capsys):
    code, output = _cli(capsys, "history", "pos-pham-qui-tien-deputy-chairman",
                        "--root", str(ROOT))
    assert code == 0
    assert "1.0.0  positions  added" in output
    assert "1.2.1  positions  changed\n    role: 'Deputy Chairman' -> 'Vice Chairman'" in output
    code, output = _cli(capsys, "history", "north-hanoi-smart-city:brg:supplier",
                        "--root", str(ROOT))
    assert "2.0.0  project_parties  removed" in output
    code, output = _cli(capsys, "history", "no-such-record", "--root", str(ROOT))
    assert code == 1 and "in no release" in output
