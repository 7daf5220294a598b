"""Property-based tests for everything that reads untrusted text, and for summariser.chunking.

Covers what tests/test_numbers.py, test_text.py, test_grounding.py and test_inputs.py do not:
JSONL feeds of arbitrary bytes and arbitrary JSON, the batch's own JSONL round trip, HTML pages
whose scripts must never leak into the text, ids that must stay inside the output folder, the
candidate spans the pipeline derives, the "no number the article does not state" guarantee
against a model that answers anything at all, and splitting/merging long articles.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from summariser.schemas.brief import Actor, Brief, Casualty, Displacement, Location, Meta, Usage

from summariser.backends.base import LLMRequest
from summariser.backends.fake import FakeBackend
from summariser.batch import dumps_line, iter_jsonl
from summariser.cache import normalise_article
from summariser.candidates import find_candidates
from summariser.chunking import max_article_chars, merge_briefs, split_article, split_warning
from summariser.config import Config
from summariser.core import summarise
from summariser.errors import InputError
from summariser.grounding import check_figure, number_in_evidence
from summariser.html import html_to_text, plain_text
from summariser.inputs import Article, InputProblem, JsonlSource, prepare_text, published_day, sanitise_id
from summariser.numbers import parse_count, stated_values
from summariser.page_noise import body_spans
from summariser.testing import instance_from_schema

FAST = settings(max_examples=120, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
SLOW = settings(max_examples=80, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# Any code point, lone surrogates included: json.loads happily produces them from "\ud800".
ANY_CHAR = st.characters(codec=None, categories=None)
ANY_TEXT = st.text(ANY_CHAR, max_size=40)


def _json_values() -> st.SearchStrategy[Any]:
    scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                        ANY_TEXT)
    return st.recursive(scalars, lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(ANY_TEXT, inner, max_size=3)), max_leaves=6)


# ----------------------------------------------------------------------------------------------
# JSONL feeds (summariser.inputs)


def _lines_in(data: bytes) -> int:
    """How many non-blank lines JsonlSource must turn into records."""
    return sum(1 for raw in data.split(b"\n") if raw.rstrip(b"\r\n").strip())


def _check_records(records: list[Any], data: bytes) -> None:
    assert len(records) == _lines_in(data)  # one record per entry, nothing silently skipped
    ids = [r.id for r in records]
    assert len(ids) == len(set(ids))
    for r in records:
        assert isinstance(r, Article | InputProblem)
        assert isinstance(r.id, str) and r.id
        if isinstance(r, Article):
            assert isinstance(r.text, str) and r.text.strip()
            assert "\x00" not in r.text
            r.text.encode("utf-8")  # what reaches the model is valid Unicode
            for value in (r.url, r.title, r.published):
                assert value is None or isinstance(value, str)
        else:
            assert r.error_class and r.message


@FAST
@given(st.lists(st.binary(max_size=50), max_size=8))
def test_jsonl_of_arbitrary_bytes_gives_one_record_per_line(tmp_path_factory: pytest.TempPathFactory,
                                                            lines: list[bytes]) -> None:
    data = b"\n".join(lines)
    path = tmp_path_factory.mktemp("feed") / "feed.jsonl"
    path.write_bytes(data)

    source = JsonlSource(path)
    records = list(source)

    _check_records(records, data)
    assert source.count() >= len(records)


_FIELDS = st.sampled_from(["id", "text", "url", "title", "published", "extra"])
_TEXTS = st.one_of(
    ANY_TEXT,
    st.sampled_from([
        "Five people were killed in Kessra on Monday, police said.",
        "<html><body><nav>Home</nav><p>Two killed in Izium.</p><script>x()</script></body></html>",
        "   ", "", "\x00\x01\x02", "\ud800 lone", "\u2028line\u2029sep", "Ataques mataron a 12.",
    ]),
)


@FAST
@given(st.lists(st.dictionaries(_FIELDS, st.one_of(_TEXTS, _json_values()), max_size=5), max_size=6))
def test_jsonl_of_arbitrary_objects(tmp_path_factory: pytest.TempPathFactory,
                                    objects: list[dict[str, Any]]) -> None:
    data = b"".join(json.dumps(o).encode() + b"\n" for o in objects)
    path = tmp_path_factory.mktemp("feed") / "feed.jsonl"
    path.write_bytes(data)

    records = list(JsonlSource(path))

    _check_records(records, data)
    for obj, record in zip(objects, records, strict=True):
        if isinstance(record, Article):
            # An article is only ever made from a usable string text, unchanged or as HTML text.
            assert isinstance(obj.get("text"), str)
            assert record.text in (obj["text"], html_to_text(obj["text"]))


@FAST
@given(st.dictionaries(ANY_TEXT, _json_values(), max_size=4), ANY_TEXT)
def test_batch_jsonl_lines_round_trip_any_string(tmp_path_factory: pytest.TempPathFactory,
                                                 extra: dict[str, Any], id_: str) -> None:
    obj = {**extra, "id": id_}
    line = dumps_line(obj)
    assert line.endswith(b"\n") and line.count(b"\n") == 1  # one record = one line, always
    line.decode("utf-8")  # valid UTF-8 even for lone surrogates
    path = tmp_path_factory.mktemp("out") / "briefs.jsonl"
    path.write_bytes(line + line)

    assert list(iter_jsonl(path)) == [obj, obj]


# ----------------------------------------------------------------------------------------------
# HTML


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@FAST
@given(st.text(ANY_CHAR.filter(lambda c: not 0xD800 <= ord(c) <= 0xDFFF), min_size=1, max_size=60))
def test_html_page_keeps_the_article_and_drops_scripts_styles_and_menus(body: str) -> None:
    page = (f"<!doctype html><html><head><title>T</title><style>.SECRETSTYLE{{}}</style>"
            f"<script>var SECRETSCRIPT = '</p>';</script></head><body>"
            f"<nav><a href='/'>SECRETNAV</a></nav><p>{html.escape(body)}</p>"
            f"<script type='text/javascript'>SECRETJS()</script><footer>SECRETFOOT</footer>"
            f"</body></html>")

    text = html_to_text(page)

    # Stripped lines; paragraphs apart by one blank line; nothing blank at either end.
    assert text == text.strip() and "\n\n\n" not in text
    assert all(line == line.strip() for line in text.split("\n"))
    # What trafilatura reads of the body: the body without the characters XML cannot hold (so
    # "0\x0c0" reads "00") and without non-printable ones (control and format characters).
    kept = "".join(c for c in _XML_INVALID.sub("", body) if c.isprintable() or c.isspace())
    visible = " ".join(kept.split())
    if visible:
        # The article is found: it is kept, and no script, style, menu or footer is.
        if visible.casefold() == "t":
            # A paragraph that repeats the page's title ("<title>T</title>"), ignoring case, is
            # read as the title: the text opens with the title it repeats.
            assert text.split("\n")[0] == "T"
        elif visible == " ".join(body.split()):
            assert visible in " ".join(text.split())
        else:
            assert "".join(visible.split()) in "".join(text.split())
        assert not re.search("SECRET(STYLE|SCRIPT|NAV|JS|FOOT)", text.replace(visible, ""))
    else:
        # No article to find: the page's plain text, which still holds no script or style.
        assert text == plain_text(page)
        assert not re.search("SECRET(STYLE|SCRIPT|JS)", text)
        if not body.strip():
            assert text == "T\n\nSECRETNAV\n\nSECRETFOOT"


# ----------------------------------------------------------------------------------------------
# ids, dates, decoding


@FAST
@given(st.text(ANY_CHAR.filter(lambda c: not 0xD800 <= ord(c) <= 0xDFFF), max_size=40))
def test_sanitised_ids_never_climb_out_of_a_folder(relative: str) -> None:
    id_ = sanitise_id(relative)
    assert id_ and not id_.startswith("/")
    parts = id_.split("/")
    assert all(p and not p.startswith(".") for p in parts)
    assert "\\" not in id_ and "\x00" not in id_
    assert re.fullmatch(r"[\w.\-/]+", id_)


@FAST
@given(st.one_of(st.none(), ANY_TEXT, st.from_regex(r"\d{4}-\d{2}-\d{2}.*", fullmatch=True)))
def test_published_day_never_raises(value: str | None) -> None:
    day = published_day(value)
    assert day is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", day)


@FAST
@given(st.binary(max_size=120), st.booleans())
def test_prepare_text_only_raises_input_error(data: bytes, as_html: bool) -> None:
    try:
        text = prepare_text(data, html=as_html)
    except InputError:
        return
    assert text.strip() and "\x00" not in text


@FAST
@given(ANY_TEXT)
def test_cache_normalisation_is_idempotent(text: str) -> None:
    once = normalise_article(text)
    assert normalise_article(once) == once
    # The same article with CRLF line ends is the same article. (Not text.replace: a text that
    # already holds "\r\n" would become "\r\r\n", two line breaks, so another article.)
    assert normalise_article(once.replace("\n", "\r\n")) == once
    if "\r" not in text:
        assert normalise_article(text.replace("\n", "\r\n")) == once


# ----------------------------------------------------------------------------------------------
# numbers, candidates, grounding on article-like text

_PLACES = ["Kessra", "Dorvan", "Ilyas", "Saint-Rémy", "Kharkiv"]
_QUANT = st.one_of(
    st.integers(0, 99_999).map(str),
    st.integers(1000, 9_999_999).map(lambda n: f"{n:,}"),
    st.sampled_from(["at least 12", "more than 700", "dozens", "hundreds", "two", "between 115 and 120",
                     "about 2,000", "nearly 40", "a dozen", "1.5 million", "tens of thousands"]),
)
_VERB = st.sampled_from(["were killed", "died", "were wounded", "fled", "are missing", "were displaced",
                         "were evacuated", "attended", "live there"])


@st.composite
def sentences(draw: st.DrawFn) -> str:
    q, verb, place = draw(_QUANT), draw(_VERB), draw(st.sampled_from(_PLACES))
    tail = draw(st.sampled_from(["", " on Monday", " in 2016", ", officials said", " since March 3"]))
    noun = draw(st.sampled_from(["people", "civilians", "soldiers", "residents", "", "of them"]))
    return f"{q[:1].upper()}{q[1:]} {noun} {verb} in {place}{tail}.".replace("  ", " ")


@st.composite
def articles(draw: st.DrawFn) -> str:
    paragraphs = draw(st.lists(st.lists(sentences(), min_size=1, max_size=3).map(" ".join),
                               min_size=1, max_size=4))
    noise = draw(st.lists(st.sampled_from(["Read more", "Advertisement", "Share this article",
                                           "Photo: Reuters", "Related: Two killed in Dorvan"]),
                          max_size=2))
    title = draw(st.sampled_from(["Shelling hits Kessra", "", "Clashes in the north"]))
    return "\n\n".join([t for t in [title, *paragraphs, *noise] if t])


@FAST
@given(articles())
def test_candidates_index_the_article(article: str) -> None:
    for cand in find_candidates(article):
        s, m = cand.sentence, cand.mention
        assert article[s.start:s.end] == s.text
        assert s.start <= m.start < m.end <= s.end
        assert article[m.start:m.end] == m.text
        assert m.value.values() <= stated_values(article)


@FAST
@given(articles(), st.data())
def test_check_figure_accepts_only_grounded_numbers(article: str, data: st.DataObject) -> None:
    a = data.draw(st.integers(0, len(article)))
    b = data.draw(st.integers(a, len(article)))
    evidence = data.draw(st.one_of(st.just(article[a:b]), st.sampled_from(
        ["12 people were killed", "10,000 dead", article[a:b] + " 31337"])))
    parsed = parse_count(data.draw(st.one_of(_QUANT, st.just(evidence))))
    assume(parsed is not None)

    result = check_figure(evidence, parsed, article)

    if result.ok:
        assert result.span is not None
        s, e = result.span
        assert 0 <= s <= e <= len(article)
        assert number_in_evidence(parsed, article[s:e])
        assert any(bs <= s and e <= be for bs, be in _blocks(article))


def _blocks(article: str) -> list[tuple[int, int]]:
    blocks: list[tuple[int, int]] = []
    for s, e in body_spans(article):
        if blocks and not article[blocks[-1][1]:s].strip():
            blocks[-1] = (blocks[-1][0], e)
        else:
            blocks.append((s, e))
    return blocks


# ----------------------------------------------------------------------------------------------
# the pipeline against a model that says anything at all


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).casefold()


def _article_of(request: LLMRequest) -> str:
    user = "\n".join(m["content"] for m in request.messages if m["role"] == "user")
    found = re.search(r"<<<\n(.*?)\n>>>", user, re.DOTALL)
    return found.group(1) if found else user


def _chaos_answer(request: LLMRequest, data: st.DataObject) -> Any:
    """A valid answer for whatever was asked, filled with numbers, quotes and names drawn at random:
    some from the article, some invented."""
    model: type[BaseModel] = request.response_model
    answer = instance_from_schema(model.model_json_schema())
    article = _article_of(request)
    words = re.findall(r"[\w,.-]+", article) or ["x"]
    invented = st.sampled_from(["10,000", "31337", "Atlantis", "the Martian Army", "999 killed"])

    def phrase() -> str:
        picks = data.draw(st.lists(st.one_of(st.sampled_from(words), invented), min_size=1, max_size=6))
        return " ".join(picks)

    def quote() -> str:
        a = data.draw(st.integers(0, len(article)))
        b = data.draw(st.integers(a, min(len(article), a + 200)))
        return data.draw(st.one_of(st.just(article[a:b]), st.just(phrase())))

    for name in ("headline", "summary"):
        if name in answer:
            answer[name] = phrase()
    if "topic" in answer:
        answer["topic"] = data.draw(st.sampled_from(["armed conflict", "other"]), label="topic")
    props = model.model_json_schema().get("properties", {})
    if "kind" in answer and "figures" not in props:  # a FigureDecision
        enum = _enum(model, "kind")
        answer["kind"] = data.draw(st.sampled_from(enum))
    for field in ("actors", "places", "locations"):
        if field in answer:
            answer[field] = [{**_item(model, field), "name": phrase()}
                             for _ in range(data.draw(st.integers(0, 2)))]
    if "figures" in answer:
        item = _item(model, "figures")
        answer["figures"] = [{**item, "kind": data.draw(st.sampled_from(["killed", "injured", "displaced"])),
                              "number": data.draw(st.one_of(_QUANT, invented)), "evidence": quote()}
                             for _ in range(data.draw(st.integers(0, 3)))]
    return model.model_validate(answer)


def _enum(model: type[BaseModel], field: str) -> list[Any]:
    schema = model.model_json_schema()
    prop = schema["properties"][field]
    if "$ref" in prop:
        prop = schema["$defs"][prop["$ref"].split("/")[-1]]
    return list(prop["enum"])


def _item(model: type[BaseModel], field: str) -> dict[str, Any]:
    schema = model.model_json_schema()
    items = schema["properties"][field]["items"]
    return dict(instance_from_schema(items, root=schema))


PROSE_NUMBERS = {"count", "year"}


@SLOW
@given(articles(), st.sampled_from(["focused", "single"]), st.data())
def test_no_strategy_emits_a_number_or_name_the_article_does_not_state(
        article: str, strategy: str, data: st.DataObject) -> None:
    fake = FakeBackend(responder=lambda request: _chaos_answer(request, data))

    brief = summarise(article, Config(backend="fake", strategy=strategy, use_cache=False), backend=fake)

    article_values = stated_values(article)
    for fig in [*brief.casualties, *brief.displacement]:
        assert fig.span is not None
        s, e = fig.span
        assert article[s:e] == fig.evidence  # spans always index the original text
        value = parse_count(fig.evidence)
        assert value is not None
        assert {v for v in (fig.count, fig.low, fig.high) if v is not None} <= stated_values(fig.evidence)
    for control in brief.control_changes:
        assert control.span is not None and article[control.span[0]:control.span[1]] == control.evidence
    # Prose may restate the article's numbers, never add counts (or years) of its own.
    assert stated_values(brief.headline, PROSE_NUMBERS) <= article_values
    assert stated_values(brief.summary, PROSE_NUMBERS) <= article_values
    folded = _fold(article)
    for name in [a.name for a in brief.actors] + [p.name for p in brief.locations]:
        assert _fold(name).removeprefix("the ").strip() in folded


# ----------------------------------------------------------------------------------------------
# chunking

_CHUNK_TEXT = st.lists(st.one_of(st.sampled_from([" ", "\n", "\n\n", "\t", ". ", "! ", "\r\n", "\u2028",
                                                 "e\u0301", "\u00a0", "Word", "Mr. X"]),
                                st.characters(codec="utf-8")), max_size=200).map("".join)


@FAST
@given(_CHUNK_TEXT, st.integers(1, 120))
def test_split_article_loses_nothing_and_offsets_index_the_text(text: str, max_chars: int) -> None:
    parts = split_article(text, max_chars)

    assert "".join(piece for _, piece in parts) == text
    position = 0
    for offset, piece in parts:
        assert offset == position  # no gap, no overlap
        assert text[offset:offset + len(piece)] == piece
        assert len(piece) <= max_chars
        assert piece or text == ""
        position += len(piece)
    assert position == len(text)
    if len(text) <= max_chars:
        assert parts == [(0, text)]


_WORDS = st.lists(st.sampled_from(["shelling", "killed", "Kessra", "the", "officials", "said", "a", "of"]),
                  min_size=1, max_size=8)
_SENTENCE = _WORDS.map(lambda ws: " ".join(ws).capitalize() + ".")


@FAST
@given(st.lists(st.lists(_SENTENCE, min_size=1, max_size=4).map(" ".join), min_size=1, max_size=12),
       st.integers(60, 300))
def test_split_article_cuts_between_paragraphs_when_they_fit(paragraphs: list[str], max_chars: int) -> None:
    assume(all(len(p) + 2 <= max_chars // 2 for p in paragraphs))
    text = "\n\n".join(paragraphs)

    parts = split_article(text, max_chars)

    for offset, _ in parts[1:]:
        assert text[offset - 2:offset] == "\n\n" or text[offset:offset + 2] == "\n\n"


@FAST
@given(st.lists(_SENTENCE, min_size=1, max_size=30), st.integers(60, 200))
def test_split_article_cuts_between_sentences_inside_a_paragraph(sents: list[str], max_chars: int) -> None:
    assume(all(len(s) + 1 <= max_chars // 2 for s in sents))
    text = " ".join(sents)

    parts = split_article(text, max_chars)

    for offset, _ in parts[1:]:
        assert text[offset - 2:offset] == ". " and text[offset].isupper()


def test_split_article_rejects_a_zero_budget_and_keeps_short_texts_whole() -> None:
    with pytest.raises(ValueError):
        split_article("abc", 0)
    assert split_article("", 5) == [(0, "")]
    assert split_article("abc", 3) == [(0, "abc")]


def test_max_article_chars_is_smaller_for_non_latin_scripts() -> None:
    latin = max_article_chars(8192, "Shelling killed 12 people in Kharkiv. " * 50)
    cyrillic = max_article_chars(8192, "Обстріл убив 12 людей у Харкові. " * 50)
    assert 1000 <= cyrillic < latin < 8192 * 4
    assert max_article_chars(512) == 1000  # never less than a paragraph or two


def _meta(n: int) -> Meta:
    return Meta(model="m", backend="fake", strategy="focused", prompt_version="v", prompt_hash="p",
                schema_hash="s", attempts=n, calls=n, usage=Usage(prompt_tokens=10 * n, completion_tokens=n),
                latency_s=0.5)


def _part_brief(piece: str, index: int) -> Brief:
    """What a pipeline would say about one piece: a figure per sentence that states a count,
    with spans relative to the piece."""
    casualties, displacement = [], []
    for m in re.finditer(r"[^.\n]*?(\d[\d,]*)[^.\n]*(?:\.|$)", piece):
        evidence = m.group(0).strip()
        if not evidence:
            continue
        start = piece.index(evidence, m.start())
        count = int(m.group(1).replace(",", ""))
        common = dict(count=count, low=count, high=count, evidence=evidence,
                      span=(start, start + len(evidence)))
        if "fled" in evidence:
            displacement.append(Displacement(**common))
        else:
            casualties.append(Casualty(kind="killed", **common))
    return Brief(is_conflict_report=index % 2 == 0, headline="" if index == 0 else f"Part {index}",
                 summary=f"Summary {index}", casualties=casualties, displacement=displacement,
                 actors=[Actor(name="UNHCR" if index % 2 else "unhcr", aliases=[f"alias{index}"])],
                 locations=[Location(name="Kessra"), Location(name="KESSRA")],
                 warnings=["Dropped place 'Atlantis': not named in the article."], meta=_meta(index + 1))


_NUMBERED = st.builds(lambda n, place, fled: f"{n} people {'fled' if fled else 'were killed in'} {place}.",
                      st.integers(1, 9999), st.sampled_from(_PLACES), st.booleans())


@FAST
@given(st.lists(st.lists(_NUMBERED, min_size=1, max_size=3).map(" ".join), min_size=1, max_size=8),
       st.integers(40, 160))
def test_merged_spans_index_the_full_article(paragraphs: list[str], max_chars: int) -> None:
    article = "\n\n".join(paragraphs)
    parts = split_article(article, max_chars)
    briefs = [(offset, _part_brief(piece, i)) for i, (offset, piece) in enumerate(parts)]

    merged = merge_briefs(briefs, article)

    figures = [*merged.casualties, *merged.displacement]
    for fig in figures:
        assert fig.span is not None and article[fig.span[0]:fig.span[1]] == fig.evidence
    keys = [(type(f).__name__, f.count, f.low, f.high, f.group, f.evidence) for f in figures]
    assert len(keys) == len(set(keys))  # deduplicated
    every = {(type(f).__name__, f.count, f.evidence)
             for _, b in briefs for f in [*b.casualties, *b.displacement]}
    assert {(type(f).__name__, f.count, f.evidence) for f in figures} == every  # and nothing lost
    assert [a.name.casefold() for a in merged.actors] == ["unhcr"]
    assert [loc.name for loc in merged.locations] == ["Kessra"]
    assert merged.is_conflict_report
    assert merged.warnings.count(split_warning(len(parts))) == 1
    assert merged.warnings.count("Dropped place 'Atlantis': not named in the article.") == 1
    if len(parts) > 1:
        assert merged.headline == "Part 1"  # the first part that has one
    assert merged.meta is not None
    assert merged.meta.calls == sum(i + 1 for i in range(len(parts)))
    assert merged.meta.usage.prompt_tokens == 10 * merged.meta.calls


def test_merge_dedupes_repeated_figures_and_relocates_a_shifted_quote() -> None:
    article = "Two people were killed in Kessra.\n\nTwo people were killed in Kessra.\n\nLater news."
    quote = "Two people were killed in Kessra."
    fig = Casualty(kind="killed", count=2, low=2, high=2, evidence=quote, span=(0, len(quote)))
    wrong = fig.model_copy(update={"span": (1, 5)})  # a span that does not hold its quote
    invented = fig.model_copy(update={"evidence": "Nine people died.", "span": (0, 17)})
    parts = [(0, Brief(is_conflict_report=False, headline="H", summary="S", casualties=[fig])),
             (35, Brief(is_conflict_report=True, headline="", summary="", casualties=[fig, wrong, invented]))]

    merged = merge_briefs(parts, article)

    assert len(merged.casualties) == 1 and merged.casualties[0].span == (0, len(quote))
    assert merged.is_conflict_report and merged.headline == "H"
    assert any("Nine people died" in w for w in merged.warnings)
    assert merged.meta is None
    with pytest.raises(ValueError):
        merge_briefs([], article)


def test_split_then_merge_of_a_real_focused_run_points_at_the_full_article() -> None:
    paragraphs = [f"At least {n} people were killed in {place} on Monday, officials said. "
                  f"Residents of {place} said the shelling went on all night."
                  for n, place in zip(range(3, 40, 3), _PLACES * 3, strict=False)]
    article = "Shelling across the north\n\n" + "\n\n".join(paragraphs)
    fake = FakeBackend(responder=_obedient_answer)
    config = Config(backend="fake", use_cache=False)
    parts = split_article(article, 300)
    assert len(parts) > 3

    merged = merge_briefs([(off, summarise(piece, config, backend=fake)) for off, piece in parts], article)

    counts = sorted(c.count for c in merged.casualties if c.count is not None)
    assert counts == sorted(range(3, 40, 3))
    for c in merged.casualties:
        assert c.span is not None and article[c.span[0]:c.span[1]] == c.evidence
        assert str(c.count) in c.evidence


def _obedient_answer(request: LLMRequest) -> Any:
    """A well-behaved model: a conflict report naming the first place; every figure a death toll."""
    model = request.response_model
    answer = instance_from_schema(model.model_json_schema())
    if "topic" in answer:
        answer.update(topic="armed conflict")
    if "kind" in answer:
        answer.update(kind="killed", reported_by="officials")
    return model.model_validate(answer)


def test_chunking_module_is_self_consistent_on_a_megabyte() -> None:
    text = ("Residents said the shelling continued overnight in the northern districts. "
            "At least 12 people were killed, officials said.\n") * 8000 + "x" * 50_000
    parts = split_article(text, 15_000)
    assert "".join(p for _, p in parts) == text
    assert all(len(p) <= 15_000 for _, p in parts)
    assert all(p.endswith(("\n", ". ")) for _, p in parts[:-5])  # line ends, not mid-sentence

