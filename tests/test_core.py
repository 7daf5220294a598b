"""summariser.summarise() end to end with a fake model: the focused strategy, metadata, inputs."""

from __future__ import annotations

import pytest
from helpers import (
    ARTICLE,
    FLED_SENTENCE,
    INJURED_SENTENCE,
    KILLED_SENTENCE,
    NOT_CONFLICT,
    RecordingFake,
    candidate_asked,
    overview,
    responder_for,
)
from summariser.schemas.brief import Brief, Usage

from summariser import Config, InputError, summarise
from summariser.candidates import find_candidates

FOCUSED = Config(backend="fake", strategy="focused", use_cache=False)


def test_focused_figures_come_from_the_article(fake: RecordingFake) -> None:
    brief = summarise(ARTICLE, FOCUSED, backend=fake)

    killed = [c for c in brief.casualties if c.kind == "killed"]
    assert len(killed) == 1
    k = killed[0]
    assert (k.count, k.low, k.qualifier) == (12, 12, "at_least")
    assert k.group == "civilians"
    assert k.group_detail == "civilians"
    assert k.reported_by == "regional governor Oleh Synehubov"
    assert k.evidence == KILLED_SENTENCE
    assert k.location == "Kharkiv"

    injured = [c for c in brief.casualties if c.kind == "injured"]
    assert len(injured) == 1
    assert (injured[0].count, injured[0].qualifier) == (30, "exact")
    assert injured[0].group == "mixed/unspecified"
    assert injured[0].evidence == INJURED_SENTENCE

    assert len(brief.displacement) == 1
    d = brief.displacement[0]
    assert (d.count, d.qualifier, d.reported_by) == (2000, "about", "UNHCR")
    assert d.evidence == FLED_SENTENCE

    for fig in [*brief.casualties, *brief.displacement]:
        assert fig.span is not None
        assert ARTICLE[fig.span[0]:fig.span[1]] == fig.evidence


def test_a_number_the_model_calls_none_is_absent(fake: RecordingFake) -> None:
    brief = summarise(ARTICLE, FOCUSED, backend=fake)
    # "thousands" (in the headline) was asked about and answered "none".
    asked = [r for r in fake.history if r.task == "figure"]
    assert len(asked) == len(find_candidates(ARTICLE)) == 4
    figures = [*brief.casualties, *brief.displacement]
    assert len(figures) == 3
    assert all(f.qualifier != "vague" for f in figures)
    assert all("thousands" not in f.evidence for f in figures)


def test_meta_adds_up_to_what_the_model_reported(fake: RecordingFake) -> None:
    brief = summarise(ARTICLE, FOCUSED, backend=fake)
    meta = brief.meta
    assert meta is not None
    assert meta.calls == len(fake.history) == 5  # one overview + one question per candidate
    assert meta.attempts == fake.reported_attempts == 5
    assert meta.usage == fake.reported_usage
    assert meta.usage.prompt_tokens > 0 and meta.usage.completion_tokens > 0
    assert (meta.backend, meta.model, meta.strategy, meta.cached) == ("fake", "fake-model", "focused", False)
    assert fake.tasks() == ["overview", "figure", "figure", "figure", "figure"]


def test_overview_results_are_checked_against_the_article(fake: RecordingFake) -> None:
    brief = summarise(ARTICLE, FOCUSED, backend=fake)
    assert [a.name for a in brief.actors] == ["UNHCR"]
    assert any("Wagner Group" in w for w in brief.warnings)
    assert {p.name for p in brief.locations} == {"Kharkiv", "Saltivka"}
    assert any("Mariupol" in w for w in brief.warnings)
    # The headline is the article's own title, not the model's wording of it.
    assert brief.headline == "Shelling hits Kharkiv as thousands flee"
    assert brief.summary.startswith("Russian shelling killed at least 12 civilians in Kharkiv")


def test_not_a_conflict_report_makes_no_figure_calls() -> None:
    fake = RecordingFake(responder=responder_for(
        NOT_CONFLICT, overview_answer=overview(is_conflict=False, headline="Bakery wins award",
                                               summary="A bakery won a prize.")))
    brief = summarise(NOT_CONFLICT, FOCUSED, backend=fake)
    assert brief.is_conflict_report is False
    assert brief.casualties == [] and brief.displacement == [] and brief.control_changes == []
    assert fake.tasks() == ["overview"]
    assert brief.meta is not None and brief.meta.calls == 1


def test_overview_failure_still_yields_figures_with_a_warning() -> None:
    def respond(request):  # type: ignore[no-untyped-def]
        if request.task == "overview":
            return '{"topic": "armed con'
        return responder_for()(request)

    fake = RecordingFake(responder=respond)
    brief = summarise(ARTICLE, FOCUSED, backend=fake)
    assert sorted(c.count for c in brief.casualties) == [12, 30]
    assert [d.count for d in brief.displacement] == [2000]
    assert any("overview" in w.lower() for w in brief.warnings)
    # Headline and summary come from the article's title and lead, so they survive it too.
    assert brief.actors == [] and brief.headline == "Shelling hits Kharkiv as thousands flee"
    assert brief.meta is not None
    # 3 failed overview attempts (1 + max_validation_retries) + 4 figure calls, all paid for.
    assert brief.meta.attempts == 3 + 4
    assert brief.meta.usage == fake.reported_usage
    assert len(fake.failures) == 1 and fake.failures[0].attempts == 3


def test_figure_question_that_never_validates_is_skipped_with_a_warning() -> None:
    def respond(request):  # type: ignore[no-untyped-def]
        if request.task == "figure" and candidate_asked(request.messages, ARTICLE).mention.text == "30":
            return "not json"
        return responder_for()(request)

    fake = RecordingFake(responder=respond)
    brief = summarise(ARTICLE, FOCUSED, backend=fake)
    assert [c.count for c in brief.casualties] == [12]
    assert any("'30'" in w for w in brief.warnings)


@pytest.mark.parametrize("bad", ["", "   \n\t ", "abc\x00def", b"bytes are not text"])
def test_unusable_input_is_an_input_error(bad: object, fake: RecordingFake) -> None:
    with pytest.raises(InputError):
        summarise(bad, FOCUSED, backend=fake)  # type: ignore[arg-type]
    assert fake.history == []


def test_brief_round_trips_as_json(fake: RecordingFake) -> None:
    brief = summarise(ARTICLE, FOCUSED, backend=fake)
    again = Brief.model_validate_json(brief.model_dump_json())
    assert again == brief
    assert again.meta is not None and again.meta.usage != Usage()


def test_env_cannot_pick_the_fake_backend_but_code_can(monkeypatch: pytest.MonkeyPatch) -> None:
    from summariser import core
    from summariser.backends.fake import FakeBackend
    from summariser.errors import ConfigError

    monkeypatch.setenv("SUMMARISER_BACKEND", "fake")
    with pytest.raises(ConfigError, match="llama' or 'openai"):
        Config.from_env()  # from the environment it could only fail later, with nothing queued
    monkeypatch.delenv("SUMMARISER_BACKEND")
    config = Config(backend="fake")
    backend = core._backend_for(config)
    assert isinstance(backend, FakeBackend)
    assert core._backend_for(config) is backend  # one backend per configuration
