"""Answers that end where the caller stops reading (schemas.llm.StopRule): the embedded backend
stops generating there, and what it hands back is what the whole answer would have given."""

from __future__ import annotations

import json

import pytest
from summariser.schemas.brief import Usage
from summariser.schemas.llm import FigureDecision, Overview, SingleBrief, StopRule

from summariser.backends.base import (
    Generation,
    LLMRequest,
    complete_with_reask,
    stop_rule,
    stopped_answer,
    top_level_key_at,
)
from summariser.errors import ExtractionFailed

OVERVIEW = {
    "topic": "armed conflict",
    "actors": [{"name": "The \"headline\" Brigade", "type": "non-state armed group", "role": "attacker"}],
    "places": [{"name": "Kharkiv", "type": "city"}],
    "control_changes": [{"place": "Kharkiv", "gained_by": "The \"headline\" Brigade", "lost_by": None}],
    "headline": "Brigade takes Kharkiv",
    "summary": "A brigade took the city.",
}


def _streamed(answer: dict, rule: StopRule | None) -> tuple[str | None, int]:
    """Feed the answer's JSON one character at a time, as a streamed generation would: the
    closed answer at the first point the rule fires, and how much had been generated then."""
    assert rule is not None
    text = json.dumps(answer)
    for n in range(1, len(text) + 1):
        closed = stopped_answer(text[:n], rule)
        if closed is not None:
            return closed, n
    return None, len(text)


def test_the_models_say_where_their_answers_stop() -> None:
    assert stop_rule(Overview) == StopRule(before_key="headline")
    assert stop_rule(FigureDecision) == StopRule(after_value=("kind", "none"))
    # The single strategy's figures come after the headline: all of it is read.
    assert stop_rule(SingleBrief) is None


def test_top_level_keys_only() -> None:
    text = json.dumps(OVERVIEW)
    at = top_level_key_at(text, "headline")
    assert at is not None and text[at:].startswith('"headline": "Brigade')
    # Nested keys and string values that read like the key do not count.
    assert top_level_key_at('{"a": {"headline": 1}, "b": "headline"}', "headline") is None
    escaped = '{"a": "x \\" \\"headline\\"", "headline": 2}'
    assert top_level_key_at(escaped, "headline") == escaped.index('"headline": 2')
    assert top_level_key_at('{"head', "headline") is None


def test_an_overview_stops_at_its_unread_headline_with_its_lists_whole() -> None:
    closed, n = _streamed(OVERVIEW, stop_rule(Overview))
    assert closed is not None
    text = json.dumps(OVERVIEW)
    assert n == text.index('"headline"') + len('"headline"')  # as soon as the key is complete
    kept = json.loads(closed)
    assert kept == {k: v for k, v in OVERVIEW.items() if k not in ("headline", "summary")}


def test_a_figure_stops_right_after_kind_none_and_only_then() -> None:
    closed, n = _streamed({"kind": "none", "group": "civilians", "reported_by": "x",
                           "scope": "incident"}, stop_rule(FigureDecision))
    assert closed == '{"kind": "none"}' and n == len('{"kind": "none"')
    # Any other kind is read to the end; so is a "none" that is not the kind.
    for answer in ({"kind": "killed", "group": "civilians", "reported_by": "none", "scope": "incident"},
                   {"kind": "injured", "group": "mixed", "reported_by": "", "scope": "cumulative"}):
        assert _streamed(answer, stop_rule(FigureDecision)) == (None, len(json.dumps(answer)))
    assert stopped_answer('{"kind": "nonesuch"', StopRule(after_value=("kind", "none"))) is None


def test_a_stopped_generation_is_the_answer_not_a_cut_one() -> None:
    overview_request = LLMRequest(messages=[{"role": "user", "content": "x"}], response_model=Overview,
                                  max_tokens=300, task="overview")
    closed, _ = _streamed(OVERVIEW, stop_rule(Overview))
    calls: list[int] = []

    def generate(messages: list[dict[str, str]]) -> Generation:
        calls.append(len(messages))
        return Generation(closed or "", Usage(prompt_tokens=9, completion_tokens=7), stopped=True)

    result = complete_with_reask(generate, overview_request, max_validation_retries=2)
    assert len(calls) == 1 and result.attempts == 1 and not result.truncated
    parsed = result.parsed
    assert isinstance(parsed, Overview)
    assert parsed.model_dump(exclude={"headline", "summary"}) == Overview.model_validate(OVERVIEW).model_dump(
        exclude={"headline", "summary"})
    assert (parsed.headline, parsed.summary) == ("", "")

    figure_request = LLMRequest(messages=overview_request.messages, response_model=FigureDecision,
                                max_tokens=60, task="figure")
    none = complete_with_reask(lambda m: Generation('{"kind": "none"}', Usage(), stopped=True),
                               figure_request, max_validation_retries=2)
    assert isinstance(none.parsed, FigureDecision) and none.parsed.kind == "none"
    # A stopped answer that does not validate is an error, not a re-ask.
    with pytest.raises(ExtractionFailed) as info:
        complete_with_reask(lambda m: Generation('{"kind": "killed"}', Usage(), stopped=True),
                            figure_request, max_validation_retries=2)
    assert info.value.attempts == 1


def test_a_generation_cut_after_all_that_is_read_is_whole() -> None:
    request = LLMRequest(messages=[{"role": "user", "content": "x"}], response_model=Overview,
                         max_tokens=300, task="overview")
    text = json.dumps(OVERVIEW)
    in_summary = text[: text.index('"summary"') + 15]
    result = complete_with_reask(lambda m: Generation(in_summary, Usage(), truncated=True),
                                 request, max_validation_retries=2)
    assert not result.truncated and [a.name for a in result.parsed.actors] == ["The \"headline\" Brigade"]
    # Cut before the headline, something that is read may be missing: flagged.
    in_lists = text[: text.index('"control_changes"')]
    result = complete_with_reask(lambda m: Generation(in_lists, Usage(), truncated=True),
                                 request, max_validation_retries=2)
    assert result.truncated and result.parsed.control_changes == []


def test_only_a_none_figure_may_leave_its_other_fields_out() -> None:
    assert FigureDecision.model_validate({"kind": "none"}).kind == "none"
    with pytest.raises(ValueError):
        FigureDecision.model_validate({"kind": "killed"})


def test_the_rules_leave_the_schemas_the_model_is_given_alone() -> None:
    # The rule is a class attribute, not a field: the grammar, the request to a remote model and
    # the answer cache's key all see the schema they saw before there were rules.
    for model in (Overview, FigureDecision):
        assert "answer_stops" not in json.dumps(model.model_json_schema())
        assert set(model.model_json_schema()["required"]) == set(model.model_fields)
    assert isinstance(Overview.answer_stops, StopRule)


@pytest.mark.integration
def test_the_embedded_model_stops_with_the_tokens_it_would_have_given(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """On the real (small) model: the answer stopped by a rule is the whole answer's start,
    token for token, for the overview's lists and for a figure decision's kind."""
    import os
    from pathlib import Path

    from summariser.backends import cpu
    from summariser.backends.llama_engine import LlamaEngine
    from summariser.prompting import build_messages
    from summariser.weights import ensure_model

    article = (Path(__file__).parent / "data" / "seed-000.txt").read_text(encoding="utf-8")
    engine = LlamaEngine(ensure_model("qwen2.5-coder-0.5b-instruct-q4_k_m"), 4096,
                         os.cpu_count() or 1, cpu.resolve("auto"))
    try:
        messages = build_messages(article, "task_overview")
        schema = Overview.model_json_schema()
        # Both from a cold context: what is compared is the stop rule, not llama.cpp's prefix reuse
        # (which can change a near-tie by itself: LlamaEngine.forget).
        whole, _ = engine.generate(messages, schema, 400, 0.0)
        engine.forget()
        stopped, _ = engine.generate(messages, schema, 400, 0.0, stop_rule(Overview))
        assert stopped.stopped and not whole.stopped
        full = Overview.model_validate_json(whole.raw)
        assert json.loads(stopped.raw) == full.model_dump(exclude={"headline", "summary"})
        assert stopped.usage.completion_tokens < whole.usage.completion_tokens

        messages = build_messages(article, "task_figure", marked="At least [[700]] people were killed",
                                  number="700")
        schema = FigureDecision.model_json_schema()
        engine.forget()
        whole, _ = engine.generate(messages, schema, 60, 0.0)
        kind = json.loads(whole.raw)["kind"]
        # Stop after whatever kind the model gives, so that the stop is exercised either way.
        engine.forget()
        stopped, _ = engine.generate(messages, schema, 60, 0.0,
                                     StopRule(after_value=("kind", kind)))
        assert stopped.stopped and json.loads(stopped.raw) == {"kind": kind}
        assert stopped.usage.completion_tokens < whole.usage.completion_tokens
    finally:
        engine.close()
