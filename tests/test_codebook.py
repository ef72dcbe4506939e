"""The codebook is data a curator edits (metadata/codebook.yaml): its phrases and their
inflections name codes in words the five articles never used, and a codebook that is not one
is refused naming the file, vocabulary and code."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from hanoi_coop.metadata import RESOURCES
from hanoi_coop.metadata.codelists import CODEBOOK_FILE, CodebookError, load_codebook


def _named(table: str, field: str, words: str) -> object:
    rule = next(n for n in RESOURCES[table].named_by if n.field == field)
    return rule.code_for(words)


# Sentences written in the seeds' style that none of the five articles holds.
@pytest.mark.parametrize(("table", "field", "words", "code"), [
    ("meetings", "meeting_kind", "during meetings with officials from Beijing and Nanjing",
     "meeting"),
    ("meetings", "event_type", "during meetings with officials from Beijing and Nanjing",
     "CONSULT"),
    ("meetings", "meeting_kind", "Hanoi leaders held talks with the Lyon delegation", "meeting"),
    ("meetings", "meeting_kind", "at a working session with Busan authorities", "meeting"),
    ("meetings", "meeting_kind", "Chairman Thang received the Mayor of Vientiane", "meeting"),
    ("meetings", "meeting_kind", "the two cities signs a memorandum", "signing"),
    ("meetings", "meeting_kind", "they met to discuss signing an agreement", "meeting"),
    ("meetings", "event_type", "the sides signed a cooperation agreement", "AGREE"),
    ("meetings", "event_status", "a forum that will be held in Hanoi in May", "scheduled"),
    ("meetings", "event_status", "the mayor is currently visiting Laos", "ongoing"),
    ("targets", "target_status", "the province suggested a 40-kilometer greenway", "proposed"),
    ("targets", "target_status", "the city pledged to plant one million trees",
     "declaration_pledge"),
    ("projects", "status", "the line is under construction", "implementation"),
    ("positions", "role", "Vice Chairwoman of the Hanoi People's Committee", "Vice Chairman"),
])
def test_news_wording_the_seeds_never_used_names_its_code(table, field, words, code):
    assert _named(table, field, words) == code


def _write(tmp_path: Path, edit) -> Path:
    data = yaml.safe_load(CODEBOOK_FILE.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "my-codebook.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(("edit", "words"), [
    (lambda d: d["meeting_kind"].update({"summit": ["summit"]}),
     "meeting_kind.summit: not a code of its column"),
    (lambda d: d["status"].update({"identification": ["plans to", 7]}),
     "status.identification: 7 is not a phrase"),
    (lambda d: d["comparator"].update({"gt": [" over"]}), "comparator.gt: ' over' is not"),
    (lambda d: d["comparator"].update({"gt": []}), "comparator.gt: a list of phrases"),
    (lambda d: d.pop("party_roles"), "vocabularies missing ['party_roles']"),
    (lambda d: d.update({"moods": {"happy": ["smiled"]}}), "unknown ['moods']"),
    (lambda d: d["comparator"].update({"gte": [[]]}), "comparator.gte: an empty list"),
    (lambda d: d["comparator"].update({"gte": ["at  least"]}), "'at  least' is not a phrase"),
    (lambda d: d["comparator"].update({"gte": ["about"]}), "'about' already names"),
    (lambda d: d.update({"comparator": {}}), "comparator: a mapping of codes is required"),
])
def test_a_codebook_that_is_not_one_is_refused_by_name(tmp_path: Path, edit, words):
    with pytest.raises(CodebookError) as caught:
        load_codebook(_write(tmp_path, edit))
    assert words in str(caught.value) and "my-codebook.yaml" in str(caught.value)


@pytest.mark.parametrize(("text", "words"), [
    # a second `visit:` would silently replace the first
    ("meeting_kind:\n  visit: [visited]\n  visit: [trip to]\n", "'visit' is written twice"),
    ("meeting_kind: [visited\n", "not a readable YAML codebook"),
    (None, "not a readable YAML codebook"),  # no such file
])
def test_a_codebook_that_does_not_read_is_refused_by_name(tmp_path: Path, text, words):
    path = tmp_path / "broken.yaml"
    if text is not None:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(CodebookError) as caught:
        load_codebook(path)
    assert words in str(caught.value) and "broken.yaml" in str(caught.value)


def test_the_shipped_codebook_loads_with_inflections_expanded():
    book = load_codebook()
    assert {"meeting", "meetings", "met"} <= set(book["meeting_kind"]["meeting"])
    assert book["estimated"] == {True: ("estimated", "expected")}
