"""The single strategy's verifier and the re-ask accounting, with a fake model."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import (
    ARTICLE,
    FLED_SENTENCE,
    INJURED_SENTENCE,
    KILLED_SENTENCE,
    NOISE_LINE,
    RecordingFake,
    overview,
    single_brief,
    single_figure,
)
from summariser.schemas.brief import Usage
from summariser.schemas.llm import FigureDecision

from summariser import Config, ExtractionFailed, summarise
from summariser.backends.base import LLMRequest, reask_message
from summariser.backends.fake import FakeBackend
from summariser.candidates import find_candidates
from summariser.model_calls import Run
from summariser.pipeline import single

SINGLE = Config(backend="fake", strategy="single", use_cache=False)
ACTORS = (("UNHCR", "international organisation", "source"),)
PLACES = (("Kharkiv", "city"),)


def _single(figures: list[dict[str, Any]], **kwargs: Any):  # type: ignore[no-untyped-def]
    kwargs.setdefault("actors", ACTORS)
    kwargs.setdefault("places", PLACES)
    kwargs.setdefault("headline", "Shelling in Kharkiv")
    kwargs.setdefault("summary", "Russian shelling killed at least 12 civilians in Kharkiv.")
    fake = RecordingFake().enqueue(single_brief(figures, **kwargs))
    brief = summarise(ARTICLE, SINGLE, backend=fake)
    assert fake.tasks() == ["single"]
    return brief


def test_single_keeps_a_grounded_figure_with_the_article_span() -> None:
    brief = _single([single_figure("killed", "at least 12", KILLED_SENTENCE, reported_by="the governor")])
    (k,) = brief.casualties
    assert (k.count, k.qualifier, k.reported_by) == (12, "at_least", "the governor")
    assert k.span is not None and ARTICLE[k.span[0]:k.span[1]] == k.evidence == KILLED_SENTENCE
    assert brief.warnings == []


def test_single_span_points_at_the_article_even_for_a_loosely_quoted_evidence() -> None:
    quoted = f'"{INJURED_SENTENCE[:-1]}"'  # wrapped in quotes, final period dropped
    brief = _single([single_figure("injured", "30", quoted, group="mixed")])
    (c,) = brief.casualties
    assert c.span is not None
    assert ARTICLE[c.span[0]:c.span[1]] == c.evidence
    assert c.evidence in INJURED_SENTENCE


def test_single_drops_evidence_that_is_not_in_the_article() -> None:
    invented = "Russian shelling killed 50 civilians in Kharkiv on Monday, officials said."
    brief = _single([single_figure("killed", "50", invented),
                     single_figure("displaced", "About 2,000", FLED_SENTENCE)])
    assert brief.casualties == []
    assert [d.count for d in brief.displacement] == [2000]
    assert any("Dropped killed figure 50" in w for w in brief.warnings)


def test_single_drops_a_number_its_evidence_does_not_state() -> None:
    brief = _single([single_figure("injured", "300", INJURED_SENTENCE)])
    assert brief.casualties == []
    assert any("300" in w for w in brief.warnings)


def test_single_drops_a_number_that_is_not_a_number() -> None:
    brief = _single([single_figure("killed", "unknown", KILLED_SENTENCE)])
    assert brief.casualties == []
    assert any("'unknown'" in w for w in brief.warnings)


def test_single_drops_a_figure_from_a_page_noise_line() -> None:
    assert NOISE_LINE in ARTICLE  # under "Read more": a link, not the article's report
    brief = _single([single_figure("killed", "45", NOISE_LINE, group="combatants")])
    assert brief.casualties == []
    assert any("45" in w for w in brief.warnings)


def test_single_drops_actors_and_places_the_article_does_not_name() -> None:
    brief = _single([], actors=(*ACTORS, ("Azov Brigade", "state forces", "attacker")),
                    places=(*PLACES, ("Zaporizhzhia", "city")))
    assert [a.name for a in brief.actors] == ["UNHCR"]
    assert [p.name for p in brief.locations] == ["Kharkiv"]
    assert any("Azov Brigade" in w for w in brief.warnings)
    assert any("Zaporizhzhia" in w for w in brief.warnings)


def test_single_takes_headline_and_summary_from_the_article_not_the_model() -> None:
    brief = _single([], summary="Russian shelling killed at least 12 civilians in Kharkiv. "
                                "Officials said 99 people were wounded.",
                    headline="Shelling in Kharkiv kills 77")
    assert brief.headline == "Shelling hits Kharkiv as thousands flee"
    assert brief.summary.startswith(KILLED_SENTENCE.removeprefix("KYIV (Reuters) - "))
    assert "99" not in brief.summary and "77" not in brief.headline


def test_single_not_a_conflict_report_has_no_figures() -> None:
    brief = _single([single_figure("killed", "at least 12", KILLED_SENTENCE)], is_conflict=False)
    assert brief.is_conflict_report is False
    assert brief.casualties == []


def test_every_figure_span_indexes_the_article_exactly() -> None:
    brief = _single([single_figure("killed", "at least 12", KILLED_SENTENCE),
                     single_figure("injured", "30", INJURED_SENTENCE.upper(), group="mixed"),
                     single_figure("displaced", "About 2,000", FLED_SENTENCE)])
    figures = [*brief.casualties, *brief.displacement]
    assert len(figures) == 3
    for f in figures:
        assert f.span is not None and ARTICLE[f.span[0]:f.span[1]] == f.evidence


# --- re-asks -----------------------------------------------------------------------------------


class Scripted:
    """A responder replaying raw answers in order and recording the messages each call saw."""

    def __init__(self, *answers: Any):
        self.answers = list(answers)
        self.seen: list[list[dict[str, str]]] = []

    def __call__(self, request: LLMRequest) -> Any:
        self.seen.append(list(request.messages))
        return self.answers.pop(0)

    def expected_usage(self, raws: list[str]) -> Usage:
        """What FakeBackend charges: prompt chars // 4 and answer chars // 4 per call."""
        total = Usage()
        for messages, raw in zip(self.seen, raws, strict=True):
            total = total + Usage(prompt_tokens=sum(len(m["content"]) for m in messages) // 4,
                                  completion_tokens=len(raw) // 4)
        return total


REQUEST = LLMRequest(messages=[{"role": "system", "content": "s" * 40},
                               {"role": "user", "content": "u" * 80}],
                     response_model=FigureDecision, max_tokens=60, task="figure")
VALID = '{"kind": "killed", "group": "civilians", "reported_by": "police", "scope": "incident"}'


def test_invalid_then_valid_is_one_result_with_two_attempts_and_summed_usage() -> None:
    script = Scripted('{"kind": "killed", "gro', VALID)
    result = FakeBackend(responder=script).complete(REQUEST)
    assert result.attempts == 2
    assert result.parsed == FigureDecision.model_validate_json(VALID)
    assert result.usage == script.expected_usage(['{"kind": "killed", "gro', VALID])
    # The second call saw the first answer and the validation error: a re-ask, not a blind retry.
    second = script.seen[1]
    assert len(second) == len(REQUEST.messages) + 2
    assert second[-2] == {"role": "assistant", "content": '{"kind": "killed", "gro'}
    assert second[-1]["role"] == "user"


def test_wrong_shape_is_reasked_too() -> None:
    script = Scripted('{"kind": "killed"}', '{"kind": "exploded", "group": "civilians", '
                      '"reported_by": "x", "scope": "incident"}', VALID)
    result = FakeBackend(responder=script).complete(REQUEST)
    assert result.attempts == 3


def test_never_valid_raises_extraction_failed_with_attempts_output_and_usage() -> None:
    answers = ["nope", "{", "[1, 2]"]
    script = Scripted(*answers)
    with pytest.raises(ExtractionFailed) as info:
        FakeBackend(responder=script, max_validation_retries=2).complete(REQUEST)
    exc = info.value
    assert exc.attempts == 3
    assert exc.last_output == "[1, 2]"
    assert exc.usage == script.expected_usage(answers)
    assert "figure" in str(exc)


def test_reask_in_summarise_counts_attempts_and_usage_in_meta() -> None:
    valid = single_brief([single_figure("killed", "at least 12", KILLED_SENTENCE)],
                         actors=ACTORS, places=PLACES, headline="h", summary="s")
    fake = RecordingFake().enqueue('{"topic": "armed conflict", "actors": [', valid)
    brief = summarise(ARTICLE, SINGLE, backend=fake)
    assert brief.meta is not None
    assert (brief.meta.calls, brief.meta.attempts) == (1, 2)
    assert brief.meta.usage == fake.reported_usage
    assert fake.results[0].attempts == 2
    assert [c.count for c in brief.casualties] == [12]


def test_summarise_raises_extraction_failed_when_single_never_validates() -> None:
    fake = RecordingFake(responder=lambda request: "still not json")
    with pytest.raises(ExtractionFailed) as info:
        summarise(ARTICLE, SINGLE, backend=fake)
    assert info.value.attempts == 3
    assert info.value.last_output == "still not json"
    assert info.value.usage == fake.reported_usage and info.value.usage.prompt_tokens > 0


def test_run_sums_failed_and_successful_calls() -> None:
    fake = FakeBackend().enqueue("x", "y", "z", VALID)
    run = Run(backend=fake)
    with pytest.raises(ExtractionFailed) as info:
        run.ask(REQUEST)
    run.ask(REQUEST)
    assert run.calls == 2
    assert run.attempts == 4
    assert run.usage.completion_tokens == info.value.usage.completion_tokens + len(VALID) // 4


def test_reask_message_carries_the_bad_answer() -> None:
    msgs = reask_message("raw output", ValueError("field required"))
    assert msgs[0] == {"role": "assistant", "content": "raw output"}
    assert "field required" in msgs[1]["content"]


def test_candidates_skip_noise_lines_and_non_people() -> None:
    texts = [c.mention.text for c in find_candidates(ARTICLE)]
    assert "45" not in texts  # "Read more" list
    assert "40" not in texts and "1.4 million" not in texts  # no harm or flight in that sentence
    assert {"at least 12", "30", "About 2,000"} <= set(texts)


def test_overview_answer_helper_validates() -> None:
    # Guards the test helpers themselves: their answers must stay valid for the live schemas.
    from summariser.schemas.llm import Overview

    Overview.model_validate(overview(actors=ACTORS, places=PLACES, headline="h", summary="s"))


def test_single_strategy_direct_run_records_warnings() -> None:
    fake = FakeBackend().enqueue(single_brief([single_figure("killed", "9", KILLED_SENTENCE)],
                                              actors=ACTORS, places=PLACES, headline="h", summary="s"))
    run = Run(backend=fake)
    brief = single(ARTICLE, run)
    assert brief.casualties == []
    assert run.warnings and run.warnings == brief.warnings


