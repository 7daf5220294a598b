"""From article text to a brief: the two strategies.

focused (default, for small local models): code finds every candidate number in the article
body, with its sentence; the model answers one narrow question per candidate (which kind, which
group, who reported it, which scope) and one question about actors, places and control changes. Counts,
evidence and spans come from the article through code, never from the model.

single (for strong remote models): one call writes the whole brief; code then parses each
figure's number from its quoted evidence and drops anything it cannot ground.

Both end in the same verifier (summariser.grounding), so no strategy can emit a number the
article does not state.
"""

from __future__ import annotations

import bisect
import functools
import logging
from collections.abc import Callable

from summariser.attribution import (
    continues,
    is_anaphor,
    points_back,
    reporter,
    source_before,
    source_rule,
    sources,
)
from summariser.backends.base import LLMRequest
from summariser.candidates import SUBSET, clause_kind, find_candidates, marked
from summariser.entities import fold
from summariser.errors import ExtractionFailed
from summariser.figures import (
    conflicting_tolls,
    detail_of,
    figure_record,
    noun_group,
    source_of,
    subset_group,
)
from summariser.grounding import check_figure, locate
from summariser.model_calls import Run, approx_tokens
from summariser.narrative import lead, parts, place_roles
from summariser.numbers import ParsedCount, find_numbers, parse_count
from summariser.page_noise import body_spans
from summariser.prompting import build_messages
from summariser.schemas.brief import (
    Brief,
    Casualty,
    Displacement,
    Location,
)
from summariser.schemas.llm import FigureDecision, Overview, SingleBrief
from summariser.text import Sentence, join_wrapped, split_sentences
from summariser.topic import armed_violence

log = logging.getLogger(__name__)


def _overview_budget(article: str) -> int:
    """Output cap for the overview, sized to the article: enough for its lists and a summary,
    never enough for a runaway generation to cost minutes."""
    return min(480, 220 + approx_tokens(article) // 4)


def _body_sentences(article: str) -> list[Sentence]:
    return join_wrapped(article, [s for start, end in body_spans(article)
                                  for s in split_sentences(article, start, end)])


def focused(article: str, run: Run) -> Brief:
    """Overview call, then one narrow call per candidate number; code assembles the brief."""
    warnings = run.warnings
    try:
        ov: Overview = run.ask(LLMRequest(
            messages=build_messages(article, "task_overview"),
            response_model=Overview, max_tokens=_overview_budget(article), task="overview"))
    except ExtractionFailed as exc:
        # Figures are worth more than the lists: carry on without actors and places.
        warnings.append(f"Overview failed ({exc}); actors, places and control changes are missing.")
        ov = Overview(topic="armed conflict", actors=[], places=[], control_changes=[],
                      headline="", summary="")
    if not _reports_conflict(ov.topic, run.whole_article or article, warnings):
        return _not_conflict(ov, article, warnings)
    places = parts.places(ov, article, warnings)
    figures: list[Casualty | Displacement] = []
    # (kind, count, low, high) -> index in figures and the group and scope it was given
    found: dict[tuple, tuple[int, str, str]] = {}
    # Sentence start -> (end, kind) of the last candidate in that sentence (kind None: not a
    # figure). "25 bodies, among them six children" takes its kind, but never past another number
    # in between, candidate or not ("abducted students from two schools, among them 8 girls").
    last_kind: dict[int, tuple[int, str | None]] = {}
    for cand in find_candidates(article):
        at = cand.mention.start - cand.sentence.start
        end = cand.mention.end - cand.sentence.start
        local = clause_kind(cand.sentence.text, at, end)
        kind_rule = "the words of its clause" if local else "the model"
        before = last_kind.get(cand.sentence.start)
        # the candidate right before it in the sentence, with no other number between
        follows = before is not None and not find_numbers(cand.sentence.text[before[0]:at])
        if local is None and before is not None and follows and SUBSET.search(cand.sentence.text[:at]):
            local = before[1]
            kind_rule = "a subset of the figure before it" if local else kind_rule
        v = cand.mention.value
        if local is not None and (local, v.count, v.low, v.high) in found:
            # The headline's toll repeated in the lead: one figure, so the repeat costs no call.
            # The first quote stays, unless it names no source and the repeat does ("Shelling
            # kills 15" / "15 were killed, officials said"): then the repeat is the better quote,
            # also over a source the model guessed for a headline that names none.
            last_kind[cand.sentence.start] = (end, local)
            i, group_key, scope = found[(local, v.count, v.low, v.high)]
            if not sources(figures[i].evidence) and reporter(None, cand.sentence.text, at):
                figures[i] = figure_record(local, v, group_key, detail_of(cand.mention.noun), None,
                                           scope, cand.sentence.text,
                                           (cand.sentence.start, cand.sentence.end), places, at)
            continue
        last_kind[cand.sentence.start] = (end, None)
        try:
            d: FigureDecision = run.ask(LLMRequest(
                messages=build_messages(article, "task_figure", marked=marked(cand),
                                        number=cand.mention.text),
                response_model=FigureDecision, max_tokens=60, task="figure"))
        except ExtractionFailed as exc:
            warnings.append(f"Could not classify {cand.mention.text!r}: {exc}")
            continue
        if d.kind == "none":
            continue
        kind = local or d.kind
        last_kind[cand.sentence.start] = (end, kind)
        group, group_rule = noun_group(cand)
        if group is None:  # "..., including seven killed": a subset has its superset's group
            group, group_rule = subset_group(cand, figures, kind, group_rule,
                                             follows and before is not None and before[1] is not None)
        found[(kind, v.count, v.low, v.high)] = (len(figures), group or d.group, d.scope)
        figures.append(figure_record(kind, cand.mention.value, group or d.group,
                                     detail_of(cand.mention.noun), source_of(d.reported_by), d.scope,
                                     cand.sentence.text, (cand.sentence.start, cand.sentence.end),
                                     places, at))
        if log.isEnabledFor(logging.DEBUG):  # which rule decided what (-vv)
            log.debug("figure %r at %d: kind %s by %s; group %s by %s; source %r by %s",
                      cand.mention.text, cand.mention.start, kind, kind_rule, figures[-1].group,
                      f"rule {group_rule!r}" if group else _model_rule(group_rule),
                      figures[-1].reported_by,
                      source_rule(source_of(d.reported_by), cand.sentence.text, at))
    return _assemble(article, ov, places, figures, warnings)


def _model_rule(rule: str | None) -> str:
    return "the model" if rule is None else f"the model (rule {rule!r}: the words do not say)"


def single(article: str, run: Run) -> Brief:
    """One call writes everything; code parses each figure's number from its quoted evidence."""
    warnings = run.warnings
    sb: SingleBrief = run.ask(LLMRequest(
        messages=build_messages(article, "task_single"), response_model=SingleBrief,
        max_tokens=min(2000, 700 + approx_tokens(article) // 2), task="single"))
    if not _reports_conflict(sb.topic, run.whole_article or article, warnings):
        return _not_conflict(sb, article, warnings)
    places = parts.places(sb, article, warnings)
    figures: list[Casualty | Displacement] = []
    for f in sb.figures:
        value = parse_count(f.number)
        if value is None:
            warnings.append(f"Dropped {f.kind} figure {f.number!r}: not a number.")
            continue
        span = locate(f.evidence, article)
        evidence = article[span[0]:span[1]] if span else f.evidence
        figures.append(figure_record(f.kind, value, f.group, None, source_of(f.reported_by), f.scope,
                               evidence, span or (0, 0), places))
    return _assemble(article, sb, places, figures, warnings)


@functools.lru_cache(maxsize=4)
def _reports_violence(article: str) -> bool:
    # Asked once per part of a long article, always about the whole text: read it once, or the
    # cost grows with parts x length (benchmarks/long_inputs.py).
    return armed_violence(parts.body_text(article)) is not None


def _reports_conflict(topic: str, article: str, warnings: list[str]) -> bool:
    """The model's topic, overruled when no sentence of the article reports armed violence."""
    if topic != "armed conflict":
        return False
    if not _reports_violence(article):
        warnings.append("The model called this an armed-conflict report, but no sentence outside "
                        "quotes reports armed violence (strikes, shelling, gunfire, fighting, "
                        "armed groups): briefed as not a conflict report.")
        return False
    return True


def _not_conflict(ov: Overview, article: str, warnings: list[str]) -> Brief:
    headline = lead.headline(article)
    return Brief(is_conflict_report=False, headline=headline, summary=lead.summary(article, headline),
                 warnings=warnings)


def _assemble(article: str, ov: Overview, places: list[Location],
              figures: list[Casualty | Displacement], warnings: list[str]) -> Brief:
    """Verify every figure against the article, deduplicate, and put the brief together."""
    body = body_spans(article)
    sentences = _body_sentences(article)
    ends = [x.end for x in sentences]
    casualties: list[Casualty] = []
    displacement: list[Displacement] = []
    seen: set[tuple] = set()
    for fig in figures:
        value = ParsedCount(count=fig.count, low=fig.low, high=fig.high, qualifier=fig.qualifier)
        verdict = check_figure(fig.evidence, value, article, body)
        label = fig.kind if isinstance(fig, Casualty) else "displaced"
        if not verdict.ok or verdict.span is None:
            warnings.append(f"Dropped {label} figure {fig.count or fig.low}: {verdict.reason}.")
            continue
        fig = fig.model_copy(update={"span": verdict.span,
                                     "evidence": article[verdict.span[0]:verdict.span[1]]})
        # The same figure repeated (headline, then lead) is one figure; the first quote stays.
        key = (label, fig.count, fig.low, fig.high)
        if key in seen:
            continue
        seen.add(key)
        if points_back(fig.evidence) and (fig.reported_by is None or is_anaphor(fig.reported_by)
                                          or fold(fig.reported_by) not in fold(fig.evidence)) or \
                fig.reported_by is None and continues(fig.evidence):
            # "He further said that over 20 ...": who "he" is, named in a sentence before, over
            # a source the model guessed that this sentence does not name.
            at = bisect.bisect_right(ends, fig.span[0])
            named = source_before(fig.evidence, [x.text for x in sentences[max(0, at - 2):at]])
            if named:
                fig = fig.model_copy(update={"reported_by": named})
        if isinstance(fig, Casualty):
            casualties.append(fig)
        else:
            displacement.append(fig)
    actors = parts.actors(ov, article, warnings, places)
    controls = parts.controls(ov, sentences, warnings, actors, places)
    actors = parts.with_roles(actors, sentences, [f.reported_by or "" for f in (*casualties, *displacement)],
                              controls)
    warnings.extend(conflicting_tolls(casualties))
    names = [x.name for x in places] + [x for a in actors for x in (a.name, *a.aliases)]
    headline = lead.headline(article, names, [x.name for x in places if x.type != "country"])
    summary = lead.summary(article, headline)
    return Brief(
        is_conflict_report=True, headline=headline, summary=summary, actors=actors,
        locations=place_roles.decide(places, sentences, [*casualties, *displacement], controls),
        casualties=casualties, displacement=displacement, control_changes=controls,
        warnings=warnings,
    )


STRATEGIES: dict[str, Callable[[str, Run], Brief]] = {"focused": focused, "single": single}
