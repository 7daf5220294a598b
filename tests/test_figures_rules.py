"""The named rules that read who the counted people were: each decides its own examples, and
the -vv log names the rule behind each figure's kind, group and source."""

from __future__ import annotations

import logging

import pytest
from helpers import RecordingFake, overview, responder_for
from summariser.schemas.brief import Brief

from summariser import summarise
from summariser.candidates import find_candidates
from summariser.config import Config
from summariser.figures import GROUP_RULES, noun_group

EXAMPLES = [(rule, sentence, number, group)
            for rule, (_, examples) in GROUP_RULES.items() for sentence, number, group in examples]


@pytest.mark.parametrize(("rule", "sentence", "number", "group"), EXAMPLES,
                         ids=[f"{rule}: {sentence}" for rule, sentence, _, _ in EXAMPLES])
def test_each_group_rule_decides_its_own_examples(rule: str, sentence: str, number: str,
                                                  group: str | None) -> None:
    (cand,) = [c for c in find_candidates(sentence) if c.mention.text == number]
    assert noun_group(cand) == (group, rule)


def test_every_rule_has_a_description_and_an_example() -> None:
    for rule, (description, examples) in GROUP_RULES.items():
        assert description and examples, rule


def test_a_toll_is_no_repeat_of_the_count_before_it() -> None:
    (cand,) = [c for c in find_candidates("3 attackers died and the toll rose to 15.")
               if c.mention.text == "15"]
    assert noun_group(cand) == (None, None)


def test_the_debug_log_names_the_rule_behind_each_figures_kind_group_and_source(
        caplog: pytest.LogCaptureFixture) -> None:
    article = ("Rebels attack army post\n\nRebels attacked an army post near Dansai on Monday. "
               "Fourteen soldiers were killed and 30 villagers fled the rebels to Dansai, the defence "
               "ministry said.")
    decisions = {"Fourteen": {"kind": "killed", "group": "civilians", "reported_by": "not stated"},
                 "30": {"kind": "killed", "group": "mixed", "reported_by": "the rebels"}}
    fake = RecordingFake(responder=responder_for(article, decisions,
                                                 overview(places=(("Dansai", "town"),))))
    with caplog.at_level(logging.DEBUG, logger="summariser.pipeline"):
        brief = summarise(article, Config(backend="fake", strategy="focused", use_cache=False),
                          backend=fake)
    assert [(c.kind, c.group, c.reported_by) for c in brief.casualties] == [
        ("killed", "combatants", "the defence ministry")]
    assert [(d.count, d.group) for d in brief.displacement] == [(30, "civilians")]
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("figure ")]
    at = article.index("Fourteen"), article.index("30")
    assert lines == [
        f"figure 'Fourteen' at {at[0]}: kind killed by the words of its clause; group combatants by rule "
        "'counted noun'; source 'the defence ministry' by the sentence's one source (the model "
        "gave none)",
        f"figure '30' at {at[1]}: kind displaced by the words of its clause; group civilians by rule "
        "'counted noun'; source 'the defence ministry' by the sentence's one source (the model "
        "named another actor)",
    ]


def _focused(article: str, decisions: dict[str, dict[str, str]]) -> tuple[Brief, RecordingFake]:
    """The focused pipeline on `article` with a fake model giving these figure answers."""
    fake = RecordingFake(responder=responder_for(article, decisions, overview()))
    brief = summarise(article, Config(backend="fake", strategy="focused", use_cache=False),
                      backend=fake)
    return brief, fake


def test_a_repeated_toll_is_quoted_where_the_article_says_who_gave_it() -> None:
    article = ("Shelling kills 15 in market\n\nShelling killed 15 people in a crowded market on "
               "Monday. The 15 were killed when shells hit the stalls, hospital officials said.")
    decisions = {"15": {"kind": "killed", "group": "civilians", "reported_by": "not stated"}}
    brief, fake = _focused(article, decisions)
    (toll,) = brief.casualties
    assert toll.reported_by == "hospital officials"
    assert toll.evidence == "The 15 were killed when shells hit the stalls, hospital officials said."
    assert fake.tasks().count("figure") == 1  # the repeats cost no model call


def test_a_repeat_that_names_its_source_wins_over_a_source_the_model_guessed() -> None:
    article = ("Over 1,000 people displaced in four days\n\nThe ombudsman office has reported that "
               "clashes caused over 1,000 people to flee their homes.")
    decisions = {"Over 1,000": {"kind": "displaced", "group": "mixed", "reported_by": "El Espectador"}}
    brief, fake = _focused(article, decisions)
    (fled,) = brief.displacement
    assert fled.reported_by == "The ombudsman office"
    assert fake.tasks().count("figure") == 1


def test_a_pronoun_source_is_the_one_named_before_not_a_guess() -> None:
    article = ("Ambush in Ndoro\n\nSix soldiers were killed, ministry spokesman Colonel Etienne "
               "Mbaye said. He said troops killed 22 attackers in the fighting that followed.")
    decisions = {"Six": {"kind": "killed", "group": "combatants", "reported_by": "not stated"},
                 "22": {"kind": "killed", "group": "combatants", "reported_by": "the army"}}
    brief, _ = _focused(article, decisions)
    attackers = next(c for c in brief.casualties if c.count == 22)
    assert attackers.reported_by == "ministry spokesman Colonel Etienne Mbaye"


def test_a_subset_with_no_class_of_its_own_has_its_supersets_group() -> None:
    article = ("Forces lose 30 men near Sirte\n\nGovernment forces pushed the militants back but "
               "lost more than 30 men, including seven killed in a car bombing, a hospital "
               "spokesman said. Forty people were wounded in the city. Three of the wounded were "
               "in a serious condition.")
    decisions = {"more than 30": {"kind": "killed", "group": "mixed", "reported_by": "not stated"},
                 "seven": {"kind": "killed", "group": "civilians", "reported_by": "not stated"},
                 "Forty": {"kind": "injured", "group": "mixed", "reported_by": "not stated"},
                 "Three": {"kind": "injured", "group": "combatants", "reported_by": "not stated"}}
    brief, _ = _focused(article, decisions)
    assert [(c.kind, c.count or c.low, c.group) for c in brief.casualties] == [
        ("killed", 30, "combatants"), ("killed", 7, "combatants"), ("injured", 40, "mixed/unspecified"),
        ("injured", 3, "mixed/unspecified")]


def test_a_subset_naming_its_own_class_keeps_it() -> None:
    article = ("Market shelled\n\nShelling killed 25 people, among them six children, medics said.")
    decisions = {"25": {"kind": "killed", "group": "mixed", "reported_by": "not stated"},
                 "six": {"kind": "killed", "group": "mixed", "reported_by": "not stated"}}
    brief, _ = _focused(article, decisions)
    assert [(c.count, c.group) for c in brief.casualties] == [(25, "mixed/unspecified"), (6, "civilians")]


@pytest.mark.parametrize(("sentence", "number"), [
    ("Police said the village lost 12 men, killed when gunmen attacked.", "12"),
    ("The army said it killed 40 militants; a separate car bombing left 12 dead in the market.", "12"),
])
def test_a_loss_or_a_harm_word_is_no_fighters_count_across_a_said_or_another_event(
        sentence: str, number: str) -> None:
    (cand,) = [c for c in find_candidates(sentence) if c.mention.text == number]
    assert noun_group(cand)[0] is None
