"""Scorers on hand-made predicted/gold pairs, and the gold data itself."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from summariser.schemas.brief import Actor, Brief, Casualty, Displacement, Location

from summariser.evaluation.case_scoring import score_case
from summariser.evaluation.check_gold import gold_problems
from summariser.evaluation.entity_scoring import score_entities
from summariser.evaluation.figure_scoring import (
    PredictedFigure,
    attribution_matches,
    invented_numbers,
    is_grounded,
    score_figures,
    trap_hit,
)
from summariser.evaluation.gold import (
    EvalCase,
    FigureKind,
    GoldActor,
    GoldCase,
    GoldFigure,
    Trap,
    load_cases,
)
from summariser.evaluation.matching import Tally
from summariser.evaluation.oracle import oracle_brief
from summariser.evaluation.text import find_quote, name_variants, normalise_name, numbers_in

EVALS = Path(__file__).resolve().parents[1] / "evals"


def pred(kind: str = "killed", count: int | None = None, **kw: Any) -> PredictedFigure:
    fields: dict[str, Any] = {
        "path": "casualties[0]", "kind": kind, "count": count, "low": None, "high": None,
        "qualifier": "exact", "group": "mixed/unspecified", "reported_by": None, "scope": "incident",
        "evidence": "",
    }
    fields.update(kw)
    return PredictedFigure(**fields)


def gold(kind: FigureKind = "killed", count: int | None = None, **kw: Any) -> GoldFigure:
    kw.setdefault("accept", (count, count) if count is not None else None)
    kw.setdefault("evidence", "x")
    return GoldFigure(kind=kind, count=count, **kw)


def make_case(text: str, *, figures: Sequence[GoldFigure] = (), conflict: bool = True,
              actors: Sequence[GoldActor] = (), traps: Sequence[Trap] = ()) -> EvalCase:
    g = GoldCase(id="t", is_conflict_report=conflict, figures=list(figures), actors=list(actors),
                 traps=list(traps))
    return EvalCase(id="t", split="dev", text=text, gold=g, path=Path("t.txt"))


def brief(*casualties: Casualty, conflict: bool = True, **kw: Any) -> Brief:
    return Brief(is_conflict_report=conflict, headline="h", summary="s", casualties=list(casualties), **kw)


# --- figure matching ----------------------------------------------------------------------------


def test_exact_match_is_perfect() -> None:
    s = score_figures([pred(count=700)], [gold(count=700)])
    t = s.tally()
    assert (t.precision(), t.recall(), t.f1(), t.required_recall()) == (1.0, 1.0, 1.0, 1.0)


def test_count_must_fall_in_accept_range() -> None:
    g = gold(count=None, low=115, high=120, accept=(115, 120))
    assert score_figures([pred(count=117)], [g]).tally().true_positives == 1
    miss = score_figures([pred(count=121)], [g])
    assert miss.tally().true_positives == 0
    assert len(miss.false_positives) == 1 and len(miss.missed_required) == 1


def test_predicted_range_matches_by_overlap() -> None:
    dozens = gold(count=None, low=24, high=99, accept=(24, 99), required=False)
    assert score_figures([pred(low=24, high=99, qualifier="vague")], [dozens]).matches
    assert not score_figures([pred(low=10, high=20)], [dozens]).matches
    # An open-ended range ("at least 200" without a count) overlaps a large accept range.
    big = gold(count=None, accept=(100_000, 999_999), required=False)
    assert score_figures([pred(low=200)], [big]).matches


def test_unquantified_prediction_only_fits_optional_unquantified_gold() -> None:
    unquantified = pred()
    assert score_figures([unquantified], [gold(count=None, accept=None, required=False)]).matches
    required_range = gold(count=None, low=115, high=120, accept=(115, 120))
    assert not score_figures([unquantified], [required_range]).matches


def test_kind_must_agree() -> None:
    assert not score_figures([pred("injured", 64)], [gold("killed", 64)]).matches


def test_optional_gold_is_free_both_ways() -> None:
    required, optional = gold(count=27), gold(count=25, required=False)
    found_one = score_figures([pred(count=27)], [required, optional]).tally()
    assert (found_one.precision(), found_one.recall(), found_one.required_recall()) == (1.0, 1.0, 1.0)
    found_both = score_figures([pred(count=27), pred(count=25)], [required, optional]).tally()
    assert (found_both.true_positives, found_both.false_positives, found_both.recall()) == (2, 0, 1.0)


def test_extra_fit_for_optional_gold_is_ignored_not_false_positive() -> None:
    s = score_figures([pred(count=25), pred(count=25)], [gold(count=25, required=False)])
    assert len(s.matches) == 1 and len(s.ignored) == 1 and not s.false_positives
    assert s.tally().precision() == 1.0


def test_duplicate_of_required_figure_is_false_positive() -> None:
    s = score_figures([pred(count=27), pred(count=27)], [gold(count=27)])
    assert len(s.matches) == 1 and len(s.false_positives) == 1
    assert s.tally().precision() == 0.5


def test_required_gold_wins_a_contested_prediction() -> None:
    required = gold(count=None, low=20, high=30, accept=(20, 30))
    optional = gold(count=25, required=False)
    s = score_figures([pred(count=25)], [optional, required])
    assert [m.gold for m in s.matches] == [required]


def test_matching_is_maximal_not_greedy() -> None:
    # Greedy would give 5 to the wide gold and leave the exact 5 unmatched.
    wide = gold(count=None, low=1, high=10, accept=(1, 10))
    exact = gold(count=5)
    s = score_figures([pred(count=5), pred(count=7)], [wide, exact])
    assert len(s.matches) == 2 and not s.false_positives
    assert {m.gold.accept: m.pred.count for m in s.matches} == {(1, 10): 7, (5, 5): 5}


def test_pairing_prefers_agreeing_attributes() -> None:
    officer = gold(count=1, group=None, required=False, evidence="One police officer")
    driver = gold(count=1, group="civilians", required=False, evidence="one civilian driver")
    s = score_figures([pred(count=1, group="mixed/unspecified"), pred(count=1, group="civilians")],
                      [officer, driver])
    assert {m.gold.evidence: m.pred.group for m in s.matches} == {
        "One police officer": "mixed/unspecified", "one civilian driver": "civilians"}
    assert all(m.checks["group"] is not False for m in s.matches)


def test_attribute_checks() -> None:
    g = gold(count=20, group="combatants", scope="incident",
             reported_by=["Syrian Observatory for Human Rights", "SOHR"])
    good = score_figures([pred(count=20, group="combatants", scope="incident",
                               reported_by="the Britain-based Syrian Observatory for Human Rights")], [g])
    unrouted = {"qualifier": None, "route": None, "origin": None, "destination": None}
    assert good.matches[0].checks == {"group": True, "reported_by": True, "scope": True, **unrouted}
    bad = score_figures(
        [pred(count=20, group="civilians", scope="cumulative", reported_by="state media")], [g])
    assert bad.matches[0].checks == {"group": False, "reported_by": False, "scope": False, **unrouted}
    assert bad.attribute_tally()["group"] == (0, 1)
    unscored = score_figures([pred(count=20)], [gold(count=20)])
    assert set(unscored.attribute_tally().values()) == {(0, 0)}


def test_group_may_accept_several_values() -> None:
    g = gold(count=31, group=["civilians", "mixed/unspecified"])
    assert score_figures([pred(count=31, group="mixed/unspecified")], [g]).matches[0].checks["group"]


def test_displacement_route() -> None:
    g = gold("displaced", 2400, origin=["Dansai"], destination=["Kola Town", "state capital"])
    ok = score_figures(
        [pred("displaced", 2400, origin="Dansai village", destination="the state capital")], [g])
    assert ok.matches[0].checks["route"] is True
    assert ok.matches[0].checks["origin"] is True and ok.matches[0].checks["destination"] is True
    wrong = score_figures([pred("displaced", 2400, origin="Dansai", destination=None)], [g])
    assert wrong.matches[0].checks["route"] is False
    assert wrong.matches[0].checks["origin"] is True and wrong.matches[0].checks["destination"] is False
    only_origin = gold("displaced", 2400, origin=["Dansai"])
    half = score_figures([pred("displaced", 2400, origin="Dansai", destination="Kola")], [only_origin])
    assert half.matches[0].checks["destination"] is None and half.matches[0].checks["route"] is True


def test_qualifier_is_scored_where_the_gold_states_it() -> None:
    g = gold(count=700, qualifier="at_least")
    assert score_figures([pred(count=700, qualifier="at_least")], [g]).matches[0].checks["qualifier"] is True
    assert score_figures([pred(count=700, qualifier="exact")], [g]).matches[0].checks["qualifier"] is False
    assert score_figures([pred(count=700)], [gold(count=700)]).matches[0].checks["qualifier"] is None


@pytest.mark.parametrize(("predicted", "ok"), [
    ("SOHR", True),
    ("Syrian Observatory for Human Rights (SOHR)", True),
    ("according to the Observatory", True),
    ("UN", True),  # "UN" is one of the accepted aliases below
    ("the Tunisian army", False),  # "un" is not a word of it
    ("state media", False),
    (None, False),
    ("", False),
])
def test_reported_by_alias_matching(predicted: str | None, ok: bool) -> None:
    accepted = ["Syrian Observatory for Human Rights", "SOHR", "Observatory", "UN OCHA"]
    assert attribution_matches(predicted, accepted) is ok


# --- precision / recall conventions ---------------------------------------------------------------


def test_empty_denominators() -> None:
    nothing = score_figures([], []).tally()
    assert (nothing.precision(), nothing.recall(), nothing.f1()) == (1.0, 1.0, 1.0)
    silent = score_figures([], [gold(count=3)]).tally()
    assert (silent.precision(), silent.recall(), silent.f1()) == (0.0, 0.0, 0.0)
    only_optional = score_figures([], [gold(count=3, required=False)]).tally()
    assert (only_optional.precision(), only_optional.recall()) == (1.0, 1.0)
    invented = score_figures([pred(count=9)], []).tally()
    assert (invented.precision(), invented.recall(), invented.f1()) == (0.0, 1.0, 0.0)


def test_tallies_add_up_for_micro_averaging() -> None:
    total = Tally(2, 1, 0, 1) + Tally(1, 1, 1, 0)
    assert total == Tally(3, 2, 1, 1)
    assert total.precision() == 3 / 4 and total.recall() == 3 / 4 and total.required_recall() == 2 / 3


def test_per_kind_tallies() -> None:
    s = score_figures([pred("killed", 4), pred("injured", 5)], [gold("killed", 4), gold("injured", 6)])
    assert s.tally("killed").f1() == 1.0
    assert s.tally("injured").required_recall() == 0.0 and s.tally("injured").false_positives == 1
    assert s.tally("missing") == Tally()


# --- actors and places ----------------------------------------------------------------------------


def test_name_normalisation() -> None:
    assert normalise_name("The Türkiye") == "turkiye"
    assert normalise_name("Kurdish People's  Protection-Units") == "kurdish peoples protection units"
    assert name_variants("Hayat Tahrir al-Sham (HTS)") == {
        "hayat tahrir al sham hts", "hayat tahrir al sham", "hts"}
    assert "aleppo" in name_variants("Aleppo, Syria")


def test_entity_alias_matching_with_accents_and_articles() -> None:
    gold_actors = [
        GoldActor(name="Hayat Tahrir al-Sham", aliases=["HTS"], required=True),
        GoldActor(name="Türkiye", aliases=["Turkey"]),
        GoldActor(name="Syrian Observatory for Human Rights", aliases=["SOHR"]),
    ]
    predicted = [["Tahrir group", "HTS"], ["Turkiye"], ["The Syrian Observatory for Human Rights"], ["ISIS"]]
    s = score_entities(predicted, gold_actors)
    assert [g.name for _, g in s.matched] == [
        "Hayat Tahrir al-Sham", "Türkiye", "Syrian Observatory for Human Rights"]
    assert s.false_positives == ["ISIS"]
    assert s.tally.precision() == 0.75 and s.tally.required_recall() == 1.0


def test_entity_duplicates_and_required_recall() -> None:
    gold_actors = [GoldActor(name="HTS", aliases=["Hayat Tahrir al-Sham"], required=True),
                   GoldActor(name="Russia", required=True), GoldActor(name="AFP")]
    s = score_entities([["HTS"], ["Hayat Tahrir al-Sham (HTS)"]], gold_actors)
    assert len(s.matched) == 1 and s.false_positives == ["Hayat Tahrir al-Sham (HTS)"]
    assert s.tally.required_recall() == 0.5
    assert [g.name for g in s.missed] == ["Russia", "AFP"]


def test_entity_matching_scores_the_closest_prediction() -> None:
    # Both predictions fit the gold actor (one by its alias); its labels are scored on the one
    # that carries its name, and the other is left for the gold actor it names.
    gold_actors = [GoldActor(name="Azerbaijani Armed Forces", aliases=["Azerbaijan"], required=True)]
    s = score_entities([["Azerbaijan"], ["Azerbaijani Armed Forces"]], gold_actors)
    assert s.pairs == [(1, 0)]


def test_a_prediction_that_names_one_gold_entity_is_no_loose_fit_for_another() -> None:
    # "Russian military" is an alias of the gold "Russia"; it holds the phrase "military", an
    # alias of the gold "Syrian army", but does not stand for it.
    gold_actors = [GoldActor(name="Syrian army", aliases=["military"], required=True),
                   GoldActor(name="Russia", aliases=["Russian military"])]
    s = score_entities([["Russian military"]], gold_actors)
    assert [(p, g.name) for p, g in s.matched] == [("Russian military", "Russia")]
    assert [g.name for g in s.missed] == ["Syrian army"]
    # Alone, a loose fit still counts; so does one no close match uses ("Israeli military" is
    # an alias of "Israel", which the brief's "Israel" matches, and the same side as the IDF).
    assert score_entities([["Syrian military police"]], gold_actors[:1]).tally.required_matched == 1
    israel = [GoldActor(name="Israel", aliases=["Israeli military"]),
              GoldActor(name="Israel Defense Forces", aliases=["IDF", "Israeli army"], required=True)]
    s = score_entities([["Israel"], ["Israeli military"]], israel)
    assert sorted((p, g.name) for p, g in s.matched) == [
        ("Israel", "Israel"), ("Israeli military", "Israel Defense Forces")]


# --- grounding, invented numbers, traps -------------------------------------------------------------

ARTICLE = ('Aircraft hit residential areas in Idlib, killing four civilians and wounding six others, '
           'the White Helmets said. The army said “between 115 and 120 terrorists” were killed.')


@pytest.mark.parametrize(("evidence", "grounded"), [
    ("killing four civilians and wounding six others", True),
    ("Killing  four civilians\nand wounding six others.", True),  # case, whitespace, final stop
    ('"between 115 and 120 terrorists"', True),  # straight vs curly quotes
    ("killing four civilians ... the White Helmets said", True),  # marked elision
    ("killing five civilians", False),
    ("", False),
])
def test_grounding(evidence: str, grounded: bool) -> None:
    assert is_grounded(pred(count=4, evidence=evidence), ARTICLE) is grounded


def test_grounding_uses_a_span_that_holds_the_evidence_but_never_trusts_one_that_does_not() -> None:
    start = ARTICLE.index("killing four")
    assert is_grounded(pred(evidence="killing four", span=(start, start + 12)), ARTICLE)
    assert not is_grounded(pred(evidence="killing forty", span=(start, start + 13)), ARTICLE)
    # A broken span does not make a findable quote ungrounded (span accuracy is the verifier's test).
    assert is_grounded(pred(evidence="killing four", span=(0, 10_000)), ARTICLE)


def test_find_quote_maps_back_to_original_offsets() -> None:
    text = "He said  “more than 14,000 people –- nearly half”."
    start, end = find_quote('more than 14,000 people — nearly half', text)  # type: ignore[misc]
    assert text[start:end] == "more than 14,000 people –- nearly half"


@pytest.mark.parametrize(("text", "expected"), [
    ("a hundred thousand people", {100_000}),
    ("between 115 and 120", {115, 120}),
    ("Twenty-three people, including eleven children", {23, 11}),
    ("at least a dozen residents", {12}),
    ("one hundred and fifteen", {115}),
    ("1.3 million people", {1_300_000}),
    ("more than 14,000 people", {14_000}),
    ("two three-storey houses", {2, 3}),
    ("hundreds of thousands", set()),
    ("dozens of soldiers", set()),
    ("6.5%", set()),
])
def test_numbers_in(text: str, expected: set[int]) -> None:
    assert numbers_in(text) == expected


def test_invented_numbers() -> None:
    stated = numbers_in(ARTICLE)
    assert invented_numbers(pred(count=4), stated) == []
    assert invented_numbers(pred(count=5), stated) == [5]
    assert invented_numbers(pred(count=10_000, low=10_000), stated) == [10_000, 10_000]
    assert invented_numbers(pred(count=None, low=24, high=99), stated) == []  # vague: exempt
    assert invented_numbers(pred(count=117, low=115, high=120), stated) == []  # midpoint of a stated range
    assert invented_numbers(pred(count=117), stated) == [117]
    assert invented_numbers(pred(count=0), stated) == []


def test_trap_hits_by_value_and_by_location() -> None:
    text = "Rebels took the town.\nDeath toll from flooding in Brazil rises to 44\nHundreds flee fighting"
    traps = [Trap(text="Death toll from flooding in Brazil rises to 44", values=[44], why="headline"),
             Trap(text="Hundreds flee fighting", why="headline")]
    assert trap_hit(pred(count=44, evidence="rises to 44"), traps, text) is traps[0]
    assert trap_hit(pred("displaced", low=200, high=999, evidence="Hundreds flee"), traps, text) is traps[1]
    assert trap_hit(pred(count=3, evidence="Rebels took the town"), traps, text) is None
    s = score_figures([pred(count=44, evidence="rises to 44")], [gold(count=44, required=False)], traps, text)
    assert not s.matches and len(s.false_positives) == 1 and len(s.trap_hits) == 1


# --- whole case --------------------------------------------------------------------------------------


def test_score_case_failures() -> None:
    case = make_case(ARTICLE, figures=[gold(count=4, evidence="killing four civilians")])
    right = brief(Casualty(kind="killed", count=4, evidence="killing four civilians"))
    assert score_case(case, right).failures() == []
    wrong = score_case(case, brief(Casualty(kind="killed", count=40, evidence="killing forty civilians"),
                                   conflict=False))
    reasons = " | ".join(wrong.failures())
    assert "is_conflict_report is wrong" in reasons
    assert "missed required killed 4" in reasons
    assert "invented number(s) 40" in reasons
    assert "ungrounded evidence in casualties[0]" in reasons


def test_score_case_without_brief_misses_everything() -> None:
    case = make_case(ARTICLE, figures=[gold(count=4)],
                     actors=[GoldActor(name="White Helmets", required=True)])
    s = score_case(case, None)
    assert not s.conflict_correct and len(s.figures.missed_required) == 1
    assert s.actors.tally.required_recall() == 0.0


def test_displacement_and_places_are_scored() -> None:
    case = make_case("UNHCR said 2,300 people fled to Belstan.",
                     figures=[gold("displaced", 2300, destination=["Belstan"])])
    b = brief(locations=[Location(name="Belstan")], actors=[Actor(name="UNHCR")],
              displacement=[Displacement(count=2300, destination="Belstan", evidence="2,300 people fled")])
    s = score_case(case, b)
    assert s.figures.matches[0].checks["route"] is True
    assert s.places.false_positives == ["Belstan"]  # no gold place given: a false positive
    assert s.failures() == []


# --- the gold data itself ----------------------------------------------------------------------------

CASES = load_cases(EVALS)
FRESH = load_cases(EVALS / "fresh")  # the second eval set, gated on its own (evals/fresh/README.md)
FRESH2 = load_cases(EVALS / "fresh2")  # the third: dev reading only (evals/fresh2/README.md)
FRESH3 = load_cases(EVALS / "fresh3")  # the fourth: dev reading only (evals/fresh3/README.md)


def test_the_fresh_set_is_real_dev_articles_none_of_them_in_the_main_set() -> None:
    assert len(FRESH) >= 15 and all(c.split == "dev" and c.gold.is_real for c in FRESH)
    assert all(c.gold.url and c.gold.outlet and c.gold.published for c in FRESH)
    assert not {c.id for c in FRESH} & {c.id for c in CASES}
    assert not {c.gold.url for c in FRESH} & {c.gold.url for c in CASES}


def test_the_third_set_is_real_dev_articles_in_no_other_set() -> None:
    assert len(FRESH2) >= 12 and all(c.split == "dev" and c.gold.is_real for c in FRESH2)
    assert all(c.gold.url and c.gold.outlet and c.gold.published for c in FRESH2)
    others = CASES + FRESH
    assert not {c.id for c in FRESH2} & {c.id for c in others}
    assert not {c.gold.url for c in FRESH2} & {c.gold.url for c in others}


def test_the_fourth_set_is_real_dev_articles_in_no_other_set() -> None:
    assert len(FRESH3) >= 15 and all(c.split == "dev" and c.gold.is_real for c in FRESH3)
    assert all(c.gold.url and c.gold.outlet and c.gold.published for c in FRESH3)
    others = CASES + FRESH + FRESH2
    assert not {c.id for c in FRESH3} & {c.id for c in others}
    assert not {c.gold.url for c in FRESH3} & {c.gold.url for c in others}


def test_manifest_splits() -> None:
    dev = [c.id for c in CASES if c.split == "dev"]
    test = [c.id for c in CASES if c.split == "test"]
    assert len(CASES) >= 76 and len(dev) >= 38 and len(test) >= 38
    # Eval v2: at least 60 real published articles, each with its provenance.
    real = [c for c in CASES if c.gold.is_real]
    assert len(real) >= 60 and all(c.gold.outlet and c.gold.published for c in real)
    assert sum(not c.gold.is_conflict_report for c in real) >= 10
    assert len({c.gold.outlet for c in real}) >= 30  # many outlets, not one feed
    assert sum(i.startswith("seed-") for i in dev) == 2 and sum(i.startswith("seed-") for i in test) == 2
    assert any(not c.gold.is_conflict_report for c in CASES if c.split == "dev")
    assert any(not c.gold.is_conflict_report for c in CASES if c.split == "test")
    assert load_cases(EVALS, split="dev", limit=3) == sorted(
        (c for c in CASES if c.split == "dev"), key=lambda c: c.id)[:3]


@pytest.mark.parametrize("case", CASES + FRESH + FRESH2 + FRESH3, ids=lambda c: c.id)
def test_gold_is_consistent_with_its_article(case: EvalCase) -> None:
    assert gold_problems(case) == []


@pytest.mark.parametrize("case", CASES + FRESH + FRESH2 + FRESH3, ids=lambda c: c.id)
def test_oracle_brief_scores_perfectly(case: EvalCase) -> None:
    s = score_case(case, oracle_brief(case))
    assert s.failures() == []
    assert not s.figures.false_positives and not s.figures.missed and not s.figures.ignored
    assert len(s.figures.matches) == len(case.gold.figures)  # so the checks below did run
    assert all(v is not False for m in s.figures.matches for v in m.checks.values())
    assert s.actors.tally.precision() == 1.0 and s.places.tally.precision() == 1.0
    required_only = score_case(case, oracle_brief(case, include_optional=False))
    assert required_only.failures() == [] and required_only.figures.tally().recall() == 1.0


@pytest.mark.parametrize("case", [c for c in CASES if any(f.required for f in c.gold.figures)],
                         ids=lambda c: c.id)
def test_an_empty_brief_fails_cases_with_required_figures(case: EvalCase) -> None:
    empty = Brief(is_conflict_report=case.gold.is_conflict_report, headline="", summary="")
    assert any(f.startswith("missed required") for f in score_case(case, empty).failures())


def test_entity_matches_a_wordier_name_or_the_same_side() -> None:
    gold_shabaab = GoldActor(name="al Shabaab", required=True)
    assert score_entities([["al Shabaab militants"]], [gold_shabaab]).tally.required_matched == 1
    junta = GoldActor(name="Myanmar\u2019s junta forces", required=True)
    assert score_entities([["Myanmar junta"]], [junta]).tally.required_matched == 1
    # ... but not another side of the same country, nor a bare kind-of-body word.
    army = GoldActor(name="Syrian army", required=True)
    assert score_entities([["Syrian rebels"]], [army]).tally.required_matched == 0
    assert score_entities([["forces"]], [army]).tally.required_matched == 0
