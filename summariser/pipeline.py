"""From article text to a brief: the two strategies.

focused (default, for small local models): code finds every candidate number in the article
body, with its sentence; the model answers one narrow question per candidate (which kind, which
group, who reported it, which scope) and one question about actors, places and the summary. Counts,
evidence and spans come from the article through code, never from the model.

single (for strong remote models): one call writes the whole brief; code then parses each
figure's number from its quoted evidence and drops anything it cannot ground.

Both end in the same verifier (summariser.grounding), so no strategy can emit a number the
article does not state.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from summariser.attribution import reporter
from summariser.backends.base import Backend, LLMRequest
from summariser.cache import call_key
from summariser.entities import fold, route
from summariser.errors import BackendError, ExtractionFailed
from summariser.grounding import check_figure, locate
from summariser.narrative import lead, parts
from summariser.narrative.prose import grounded_prose
from summariser.numbers import NumberMention, ParsedCount, find_numbers, parse_count, stated_values
from summariser.prompting import build_messages
from summariser.schemas.brief import (
    Brief,
    Casualty,
    Displacement,
    Location,
    Usage,
)
from summariser.schemas.llm import FigureDecision, Overview, SingleBrief
from summariser.text import Sentence, addressed_to_model, body_spans, split_sentences
from summariser.topic import armed_violence

log = logging.getLogger(__name__)

# A sentence must speak of harm or flight before any of its numbers is put to the model: this
# keeps populations, distances and counts of towns away from the model entirely.
CUE = re.compile(
    r"\b(kill\w*|dead|death\w*|die[ds]?|dying|fatal\w*|casualt\w*|toll|bod(?:y|ies)|lives|"
    r"massacre\w*|slain|slaughter\w*|execut\w*|wound\w*|injur\w*|hurt|maim\w*|missing|"
    r"unaccounted|abduct\w*|kidnap\w*|hostage\w*|trapped|buried|fle[de]|flee\w*|displac\w*|evacuat\w*|"
    r"refugee\w*|homeless|uproot\w*|driven|exodus|shelter\w*|camps?)\b",
    re.IGNORECASE,
)
# Counted things that are never people: a number attached to one of these is not a figure.
NOT_PEOPLE = {
    "towns", "town", "villages", "village", "cities", "raids", "raid", "strikes", "strike",
    "airstrikes", "attacks", "attack", "cars", "car", "vehicles", "vehicle", "tanks", "drones",
    "drone", "projectiles", "rockets", "rocket", "missiles", "missile", "shells", "bombs",
    "buildings", "houses", "homes", "hospitals", "schools", "trucks", "aircraft", "planes",
    "jets", "km", "kilometres", "kilometers", "miles", "metres", "meters", "hours", "days",
    "weeks", "months", "years", "minutes", "dollars", "euros", "tonnes", "tons", "positions",
    "checkpoints", "fronts", "directions", "provinces", "districts", "neighbourhoods",
    "neighborhoods", "times", "points", "sorties", "shots", "rounds", "barrels", "sites",
    "camps", "camp", "sides", "side", "goals", "games", "matches", "seats", "votes", "storeys",
    "floors", "languages", "pages", "groups", "factions", "brigades", "battalions", "units",
}
# The words right around a number say which kind of figure it is more reliably than a 1.5B model
# does when one sentence carries several ("killing at least 27 people and wounding 64").
CLAUSE_KINDS = (
    ("killed", re.compile(r"\b(kill\w*|dead|death\w*|died|fatalit\w*|bodies|slain|lives)\b", re.I)),
    ("injured", re.compile(r"\b(wound\w*|injur\w*|hurt|maimed)\b", re.I)),
    ("missing", re.compile(r"\b(missing|unaccounted|abduct\w*|kidnap\w*|"
                           r"(?:trapped|buried)\s+(?:under|beneath|in\s+the\s+rubble))\b", re.I)),
    ("displaced", re.compile(r"\b(fle[de]|flee\w*|displac\w*|evacuat\w*|refugees?|homeless|uproot\w*)\b",
                             re.I)),
)
_CLAUSE_BREAK = re.compile(r"[,;:()\u2014]|\s-\s|\band\b|\bwhile\b|\bwhen\b|\bafter\b|\bas\b", re.I)
# Nouns that say nothing about who the people were ("110 of the fatalities").
GENERIC_NOUNS = {"people", "persons", "others", "individuals", "of", "the", "fatalities", "deaths",
                 "dead", "casualties", "victims", "bodies", "lives", "toll", "total", "wounded",
                 "injured", "killed", "missing", "displaced", "more", "new", "are", "were", "have"}
# Who the counted people were, when the noun right after the number says it: a 1.5B model calls
# "Fourteen soldiers" civilians and "18,000 people" civilians; the noun decides, the model only
# fills in where the noun does not ("110 of the fatalities").
CIVILIAN_NOUNS = set("""civilians civilian children child kids women boys girls babies infants
residents inhabitants villagers students pupils schoolchildren worshippers shoppers passengers
fishermen farmers herders journalists reporters doctors medics nurses patients teachers refugees
migrants families households pilgrims mourners protesters demonstrators workers volunteers
""".split())
COMBATANT_NOUNS = set("""soldiers soldier troops fighters fighter militants militant rebels rebel
insurgents insurgent jihadists jihadist combatants combatant gunmen attackers militiamen servicemen
marines mercenaries recruits paratroopers commandos guerrillas conscripts
""".split())
UNSPECIFIED_NOUNS = {"people", "persons", "individuals"}
NOT_STATED = {"", "not stated", "none", "unknown", "n/a", "null", "unspecified", "not specified"}
GROUPS = {"civilians": "civilians", "combatants": "combatants", "mixed": "mixed/unspecified"}


@dataclass(frozen=True)
class Candidate:
    mention: NumberMention  # offsets into the article
    sentence: Sentence


class AnswerStore(Protocol):
    def get_answer(self, key: str) -> dict | None: ...
    def set_answer(self, key: str, parsed: str, truncated: bool) -> None: ...


@dataclass
class Run:
    """Accounting for one article: calls, attempts and usage summed over every model call.

    With `answers`, each call's validated answer is stored under the exact request (messages,
    response schema, output cap, model, sampling): the same request again is answered from the
    store, costs no tokens and counts in `cached_calls`.
    """

    backend: Backend
    answers: AnswerStore | None = None
    identity: tuple[str, str, dict] | None = None  # (backend, model, sampling) as the brief key has them
    whole_article: str | None = None  # set when the strategy sees one part of a longer article
    calls: int = 0
    cached_calls: int = 0
    attempts: int = 0
    usage: Usage = field(default_factory=Usage)
    warnings: list[str] = field(default_factory=list)

    def _answer_key(self, request: LLMRequest) -> str:
        name, model, sampling = self.identity or (
            self.backend.name, self.backend.model, self.backend.sampling())
        return call_key(backend=name, model=model, sampling=sampling, messages=request.messages,
                        response_schema=request.response_model.model_json_schema(),
                        max_tokens=request.max_tokens)

    def ask(self, request: LLMRequest):  # type: ignore[no-untyped-def]
        self.calls += 1
        key = self._answer_key(request) if self.answers is not None else None
        if self.answers is not None and key is not None:
            stored = self.answers.get_answer(key)
            if stored is not None:
                try:
                    parsed = request.response_model.model_validate_json(stored["parsed"])
                except ValueError:
                    parsed = None
                if parsed is not None:
                    self.cached_calls += 1
                    if stored.get("truncated"):
                        self._warn_truncated(request)
                    log.info("%s call: answered from the cache", request.task)
                    return parsed
        started = time.perf_counter()
        try:
            result = self.backend.complete(request)
        except (ExtractionFailed, BackendError) as exc:
            self.attempts += exc.attempts or 0
            self.usage = self.usage + (exc.usage or Usage())
            log.info("%s call failed after %s attempt(s), %.1fs: %s", request.task, exc.attempts,
                     time.perf_counter() - started, exc)
            # What escapes summarise() is recorded per article (errors.jsonl): let it account for
            # every call this article made, not only the one that failed.
            exc.attempts, exc.usage = self.attempts, self.usage
            raise
        self.attempts += result.attempts
        self.usage = self.usage + result.usage
        if result.truncated:
            self._warn_truncated(request)
        log.info("%s call: %d attempt(s), %d+%d tokens, %.1fs%s", request.task, result.attempts,
                 result.usage.prompt_tokens, result.usage.completion_tokens,
                 time.perf_counter() - started, " (cut at cap)" if result.truncated else "")
        log.debug("%s answer: %s", request.task, result.raw)
        if self.answers is not None and key is not None:
            self.answers.set_answer(key, result.parsed.model_dump_json(), result.truncated)
        return result.parsed

    def _warn_truncated(self, request: LLMRequest) -> None:
        self.warnings.append(f"The {request.task} answer was cut at its token cap; "
                             "what it had not reached is missing.")


def approx_tokens(text: str) -> int:
    return len(text) // 4 + 1


def find_candidates(article: str) -> list[Candidate]:
    """Every number in a body sentence that speaks of harm or flight, with that sentence."""
    found: list[Candidate] = []
    for start, end in body_spans(article):
        for sentence in split_sentences(article, start, end):
            if not CUE.search(sentence.text) or addressed_to_model(sentence.text):
                continue
            for m in find_numbers(sentence.text):
                if m.category != "count":
                    continue
                v = m.value
                if v.count is None and v.low is None and v.high is None:
                    continue
                if m.noun and m.noun.lower() in NOT_PEOPLE:
                    continue
                if _counts_things(sentence.text[m.end:]):
                    continue  # "One strike caused casualties": the number counts strikes
                after = sentence.text[m.end:m.end + 2]
                if len(after) == 2 and after[0] == "-" and after[1].isalpha():
                    continue  # a compound adjective: "three-storey", "two-month"
                shifted = NumberMention(
                    start=sentence.start + m.start, end=sentence.start + m.end, text=m.text,
                    value=m.value, category=m.category, noun=m.noun,
                )
                found.append(Candidate(mention=shifted, sentence=sentence))
    return found


# People a thing word can name ("two town officials", "three camp staff", "four village chiefs")
# beside the -ers/-ors/-ists... nouns the suffix test catches.
_PEOPLE_AFTER_A_THING = frozenset({
    "victims", "survivors", "dead", "wounded", "officials", "chiefs", "guards", "heads", "staff",
    "leaders", "personnel", "employees", "members", "medics", "police", "crew", "crews", "pupils",
    "students", "youths", "guests", "staffers", "nurses", "elders", "monks", "priests", "imams",
})
_PEOPLE_NAMED = CIVILIAN_NOUNS | COMBATANT_NOUNS | UNSPECIFIED_NOUNS | _PEOPLE_AFTER_A_THING


def _counts_things(after: str) -> bool:
    """Whether the word right after a number is a thing, not people ("one strike", "two rockets
    killed ..."), where the head-noun search looked further and found "casualties". Only the word
    glued to the number by a space counts: in "rose to 27, hospitals said" the hospitals are the
    source, and in "two drone operators" or "four village elders" the thing names the people."""
    glued = re.match(r"[ \t]+([A-Za-z'-]+)(?:[ \t]+([A-Za-z'-]+))?", after)
    if not glued or glued.group(1).lower() not in NOT_PEOPLE:
        return False
    second = (glued.group(2) or "").lower()
    if second in _PEOPLE_NAMED:
        return False
    return not re.search(r"(?:ers|ors|ists|ants|ents|ians|men|women)$", second)


# "25 bodies, among them six children": the subset is the same kind of figure as its whole.
_SUBSET = re.compile(r"\b(?:including|among\s+them|among\s+whom|of\s+them|of\s+whom)\s*$",
                     re.IGNORECASE)


def _overview_budget(article: str) -> int:
    """Output cap for the overview, sized to the article: enough for its lists and a summary,
    never enough for a runaway generation to cost minutes."""
    return min(480, 220 + approx_tokens(article) // 4)


def _source(value: str | None) -> str | None:
    if value is None or value.strip().lower().strip(".") in NOT_STATED:
        return None
    return value.strip()


def _place_in(sentence: str, locations: list[Location]) -> str | None:
    folded = fold(sentence)
    for loc in sorted(locations, key=lambda x: len(x.name), reverse=True):
        if fold(loc.name) in folded:
            return loc.name
    return None


def _figure(kind: str, value: ParsedCount, group: str, detail: str | None, reported_by: str | None,
            scope: str, evidence: str, span: tuple[int, int], places: list[Location]
            ) -> Casualty | Displacement:
    common = dict(count=value.count, low=value.low, high=value.high, qualifier=value.qualifier,
                  group=GROUPS.get(group, "mixed/unspecified"), group_detail=detail,
                  reported_by=reporter(reported_by, evidence), scope=scope, evidence=evidence,
                  span=span)
    if kind == "displaced":
        origin, destination = route(evidence, [p.name for p in places])
        return Displacement(origin=origin, destination=destination, **common)  # type: ignore[arg-type]
    return Casualty(kind=kind, location=_place_in(evidence, places), **common)  # type: ignore[arg-type]


def _marked(cand: Candidate) -> str:
    """The candidate's sentence with the number asked about marked [[like this]]."""
    a = cand.mention.start - cand.sentence.start
    b = cand.mention.end - cand.sentence.start
    text = cand.sentence.text
    return f"{text[:a]}[[{text[a:b]}]]{text[b:]}"


def clause_kind(sentence: str, start: int, end: int) -> str | None:
    """The one figure kind named in the clause around sentence[start:end], if exactly one is."""
    left = [m.end() for m in _CLAUSE_BREAK.finditer(sentence, 0, start)]
    lo = left[-1] if left else 0
    right = _CLAUSE_BREAK.search(sentence, end)
    hi = right.start() if right else len(sentence)
    clause = sentence[lo:hi]
    kinds = {kind for kind, pattern in CLAUSE_KINDS if pattern.search(clause)}
    return kinds.pop() if len(kinds) == 1 else None


def noun_group(cand: Candidate) -> str | None:
    """civilians / combatants / mixed as the counted noun says ("14 soldiers", "30 people"), or
    for "others" and a bare number, as the number before it in the sentence says ("killing four
    civilians and wounding six others"). None when the words do not say."""
    def group_of(noun: str | None) -> str | None:
        n = (noun or "").casefold()
        if n in CIVILIAN_NOUNS:
            return "civilians"
        if n in COMBATANT_NOUNS:
            return "combatants"
        return "mixed" if n in UNSPECIFIED_NOUNS else None

    offset = cand.mention.start - cand.sentence.start
    after = cand.sentence.text[cand.mention.end - cand.sentence.start:]
    before = cand.sentence.text[:offset]
    noun = cand.mention.noun
    of_them = re.match(r"\s+of\s+(?:them|whom)\s+(?:were\s+|are\s+)?(\w+)", after)
    if of_them:
        noun = of_them.group(1)  # "45 people were wounded, 17 of them children"
    elif noun and noun.casefold() == "number":
        the_number = re.match(r"\s+the\s+number\s+of\s+(\w+)", after)
        noun = the_number.group(1) if the_number else None  # "brings to 186 the number of soldiers"
    own = group_of(noun)
    if own == "mixed":
        # "only nine people died and that they were government soldiers": in the same clause,
        # before any other number ("... 40 people; in the city 3 more, who were soldiers" is not).
        they = re.match(r"[^0-9;:]{0,120}?\b(?:they|who|all of them)\s+(?:were|are)\s+"
                        r"((?:\w+\s+){0,2}\w+)", after)
        if they:
            named = [g for w in they.group(1).split() if (g := group_of(w)) and g != "mixed"]
            own = named[-1] if named else own
    if own or (noun and noun.casefold() != "others"):
        return own
    earlier = [m for m in find_numbers(before) if m.noun]
    if not earlier:
        return None
    between = before[earlier[-1].end:]
    if noun:  # "others"
        # "killing four civilians and wounding six others", "fourteen soldiers were killed and
        # nine others wounded": the same people, another harm. "three (government) soldiers and
        # two others were killed": others than the soldiers, so unknown.
        counted = str(earlier[-1].noun)
        at_noun = between.casefold().find(counted.casefold())
        rest = between[at_noun + len(counted):] if at_noun >= 0 else between
        if re.fullmatch(r"\s*(?:,|and|,\s*and)\s*(?:at\s+least\s+|some\s+|about\s+)?", rest,
                        re.IGNORECASE):
            return "mixed"
        return group_of(earlier[-1].noun)
    # A bare number repeats the last count's noun ("4 soldiers on Monday and 12 on Tuesday"),
    # but not when it is a toll or a total of its own ("3 attackers ... the toll rose to 15").
    if re.search(r"\b(?:tolls?|totals?|in\s+all|overall|altogether|bringing|brings|brought|"
                 r"including|among|rose|risen|climbed|reached)\b", between, re.IGNORECASE):
        return None
    return group_of(earlier[-1].noun)


def _detail(noun: str | None) -> str | None:
    if not noun or noun.lower() in GENERIC_NOUNS:
        return None
    return noun


def _body_sentences(article: str) -> list[Sentence]:
    return [s for start, end in body_spans(article) for s in split_sentences(article, start, end)]


def focused(article: str, run: Run) -> Brief:
    """Overview call, then one narrow call per candidate number; code assembles the brief."""
    warnings = run.warnings
    try:
        ov: Overview = run.ask(LLMRequest(
            messages=build_messages(article, "task_overview"),
            response_model=Overview, max_tokens=_overview_budget(article), task="overview"))
    except ExtractionFailed as exc:
        # Figures are worth more than the summary: carry on without actors and places.
        warnings.append(f"Overview failed ({exc}); actors, places and summary are missing.")
        ov = Overview(topic="armed conflict", actors=[], places=[], control_changes=[],
                      headline="", summary="")
    if not _reports_conflict(ov.topic, run.whole_article or article, warnings):
        return _not_conflict(ov, article, warnings)
    places = parts.places(ov, article, warnings)
    figures: list[Casualty | Displacement] = []
    found: set[tuple] = set()
    # Sentence start -> (end, kind) of the last candidate in that sentence (kind None: not a
    # figure). "25 bodies, among them six children" takes its kind, but never past another number
    # in between, candidate or not ("abducted students from two schools, among them 8 girls").
    last_kind: dict[int, tuple[int, str | None]] = {}
    for cand in find_candidates(article):
        at = cand.mention.start - cand.sentence.start
        end = cand.mention.end - cand.sentence.start
        local = clause_kind(cand.sentence.text, at, end)
        before = last_kind.get(cand.sentence.start)
        if local is None and before is not None and _SUBSET.search(cand.sentence.text[:at]) \
                and not find_numbers(cand.sentence.text[before[0]:at]):
            local = before[1]
        v = cand.mention.value
        if local is not None and (local, v.count, v.low, v.high) in found:
            # The headline's toll repeated in the lead: the brief keeps the first quote only, so
            # asking about the repeat would cost a call and change nothing.
            last_kind[cand.sentence.start] = (end, local)
            continue
        last_kind[cand.sentence.start] = (end, None)
        try:
            d: FigureDecision = run.ask(LLMRequest(
                messages=build_messages(article, "task_figure", marked=_marked(cand),
                                        number=cand.mention.text),
                response_model=FigureDecision, max_tokens=60, task="figure"))
        except ExtractionFailed as exc:
            warnings.append(f"Could not classify {cand.mention.text!r}: {exc}")
            continue
        if d.kind == "none":
            continue
        kind = local or d.kind
        found.add((kind, v.count, v.low, v.high))
        last_kind[cand.sentence.start] = (end, kind)
        group = noun_group(cand) or d.group
        figures.append(_figure(kind, cand.mention.value, group, _detail(cand.mention.noun),
                               _source(d.reported_by), d.scope, cand.sentence.text,
                               (cand.sentence.start, cand.sentence.end), places))
    return _assemble(article, ov, places, figures, warnings)


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
        figures.append(_figure(f.kind, value, f.group, None, _source(f.reported_by), f.scope,
                               evidence, span or (0, 0), places))
    return _assemble(article, sb, places, figures, warnings)


def _reports_conflict(topic: str, article: str, warnings: list[str]) -> bool:
    """The model's topic, overruled when no sentence of the article reports armed violence."""
    if topic != "armed conflict":
        return False
    if armed_violence(parts.body_text(article)) is None:
        warnings.append("The model called this an armed-conflict report, but no sentence outside "
                        "quotes reports armed violence (strikes, shelling, gunfire, fighting, "
                        "armed groups): briefed as not a conflict report.")
        return False
    return True


def _not_conflict(ov: Overview, article: str, warnings: list[str]) -> Brief:
    # Model-written prose is checked here too: "not a conflict report" must not let an invented
    # number through in the headline.
    headline, summary = _prose(ov, article, stated_values(article), warnings)
    return Brief(is_conflict_report=False, headline=headline, summary=summary, warnings=warnings)


def _prose(ov: Overview, article: str, values: set[int], warnings: list[str],
           names: list[str] = ()) -> tuple[str, str]:  # type: ignore[assignment]
    """Headline and summary from the article's title and lead (narrative.lead); the model's
    checked prose only where the article has no prose to take them from."""
    headline = lead.headline(article, list(names))
    summary = lead.summary(article, headline)
    if not headline:
        headline = grounded_prose(ov.headline, article, values, "headline", warnings)
    if not summary:
        summary = grounded_prose(ov.summary, article, values, "summary", warnings)
    return headline, summary


def _assemble(article: str, ov: Overview, places: list[Location],
              figures: list[Casualty | Displacement], warnings: list[str]) -> Brief:
    """Verify every figure against the article, deduplicate, and put the brief together."""
    body = body_spans(article)
    sentences = _body_sentences(article)
    article_values = stated_values(article, categories={"count", "year"})
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
        if isinstance(fig, Casualty):
            casualties.append(fig)
        else:
            displacement.append(fig)
    actors = parts.actors(ov, article, warnings, places)
    actors = parts.with_roles(actors, sentences, [f.reported_by or "" for f in (*casualties, *displacement)])
    controls = parts.controls(ov, sentences, warnings, [x for a in actors for x in (a.name, *a.aliases)])
    warnings.extend(conflicting_tolls(casualties))
    names = [x.name for x in places] + [x for a in actors for x in (a.name, *a.aliases)]
    headline, summary = _prose(ov, article, article_values, warnings, names)
    return Brief(
        is_conflict_report=True, headline=headline, summary=summary, actors=actors,
        locations=parts.place_roles(places, sentences, [*casualties, *displacement], controls),
        casualties=casualties, displacement=displacement, control_changes=controls,
        warnings=warnings,
    )


def conflicting_tolls(casualties: list[Casualty]) -> list[str]:
    """Flag incident figures of the same kind and group that different sources put differently."""
    out = []
    by_key: dict[tuple[str, str], list[Casualty]] = {}
    for c in casualties:
        if c.scope == "incident" and c.reported_by:
            by_key.setdefault((c.kind, c.group), []).append(c)
    for (kind, group), items in by_key.items():
        sources = {fold(c.reported_by or "") for c in items}
        counts = {(c.count, c.low, c.high) for c in items}
        if len(sources) > 1 and len(counts) > 1:
            listed = "; ".join(f"{_shown(c)} per {c.reported_by}" for c in items)
            out.append(f"Sources give different {kind} tolls ({group}): {listed}. "
                       "They may describe different events; check the evidence.")
    return out


def _shown(c: Casualty) -> str:
    if c.count is not None:
        return str(c.count)
    return f"{c.low}-{c.high}" if c.high else f"{c.low}+"


STRATEGIES: dict[str, Callable[[str, Run], Brief]] = {"focused": focused, "single": single}
