"""The lexicon's invariants, and each named rule checked on its own examples."""

from __future__ import annotations

import itertools
import re

import pycountry
import pytest

from summariser import gazetteer, page_noise
from summariser.entities import fold
from summariser.lexicon import PEOPLE, THINGS, files, load, noun_class, plural, word_pattern
from summariser.narrative import actor_types

COUNTRIES = load("countries")


def test_every_lexicon_file_loads_and_an_unknown_one_is_a_clear_error() -> None:
    assert {p.stem for p in files()} == {"actors", "attribution", "control", "countries", "harm",
                                         "lead", "nouns", "page_noise", "roles", "violence"}
    for path in files():
        assert load(path.stem)
    with pytest.raises(KeyError, match="no lexicon file 'nope'"):
        load("nope")


@pytest.mark.parametrize("table", ["names", "demonyms", "places"])
def test_every_country_code_is_a_real_country(table: str) -> None:
    unknown = [code for code in COUNTRIES[table] if pycountry.countries.get(alpha_2=code) is None]
    assert unknown == []


def test_no_word_names_two_countries() -> None:
    owners: dict[str, set[str]] = {}
    for table in ("names", "demonyms", "places"):
        for code, values in COUNTRIES[table].items():
            for w in values:
                owners.setdefault(fold(w), set()).add(code)
    assert len(owners) > 150  # the tables are read (188 words today)
    assert {w: c for w, c in owners.items() if len(c) > 1} == {}


def test_every_demonym_and_short_name_is_read_back_as_its_country() -> None:
    for table in ("names", "demonyms", "places"):
        for code, values in COUNTRIES[table].items():
            for w in values:
                assert gazetteer.country_code(w) == code, (table, w)


def test_mentions_need_a_capital_letter_and_whole_words() -> None:
    found = gazetteer.mentions("Turkish troops crossed into Syria; the turkey was roasted in Chadwick.")
    assert [(m.code, m.demonym) for m in found] == [("TR", True), ("SY", False)]


def test_display_name_prefers_the_articles_spelling() -> None:
    assert gazetteer.display_name("CD", "fighting in eastern DR Congo") == "DR Congo"
    assert gazetteer.display_name("SY", "Syrian forces shelled the town") == "Syria"
    assert gazetteer.display_name("IR") == "Iran"


def test_city_lookup_knows_large_cities_and_their_namesakes() -> None:
    assert gazetteer.city_countries("Aleppo") == {"SY"}
    assert "LY" in gazetteer.city_countries("Tripoli") and "LB" in gazetteer.city_countries("Tripoli")
    assert gazetteer.city_countries("Marrowgate") == frozenset()


RULE_EXAMPLES = [(rule.name, example) for rule in actor_types.rules() for example in rule.examples]


def test_every_rule_has_examples_and_a_known_type() -> None:
    allowed = {"state", "state forces", "government", "non-state armed group",
               "foreign state or forces", "international organisation", "monitor or NGO", "media",
               "person", "other"}
    for rule in actor_types.rules():
        assert rule.examples, rule.name
        assert rule.type in allowed, rule.name
    names = [r.name for r in actor_types.rules()]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(("rule", "example"), RULE_EXAMPLES)
def test_each_rule_decides_its_own_examples(rule: str, example: str) -> None:
    # Every example must reach its rule: an earlier rule that catches it would make it dead.
    assert actor_types.decide(example, "other", home=None).rule == rule


def test_state_rules_tell_home_forces_from_foreign_ones() -> None:
    assert actor_types.decide("Syrian army", "other", home="SY").type == "state forces"
    assert actor_types.decide("Russian forces", "other", home="UA").type == "foreign state or forces"
    assert actor_types.decide("Russia", "other", home="RU").type == "government"
    assert actor_types.decide("Russia", "non-state armed group", home="SY").type == "foreign state or forces"
    # Without a home country the model chooses only between home and foreign: forces are never
    # the government, a bare country never its army.
    assert actor_types.decide("Somali military", "government", None).type == "state forces"
    assert actor_types.decide("Russia", "state forces", None).type == "government"
    assert actor_types.decide("Turkish soldiers", "foreign state or forces", None).type == \
        "foreign state or forces"


def test_unless_words_stop_a_rule() -> None:
    assert actor_types.decide("Syrian Democratic Forces", "non-state armed group", "SY").rule != \
        "national-forces"
    assert actor_types.decide("President Bashar al-Assad's forces", "state forces", "SY").rule != \
        "titled-person"


def test_a_name_no_rule_knows_keeps_the_models_type() -> None:
    assert actor_types.decide("Kivara Conflict Monitor", "monitor or NGO", None) == \
        actor_types.Decision("monitor or NGO", "monitor-or-ngo")
    assert actor_types.decide("Zorvath", "other", None) == actor_types.Decision("other", "model")


@pytest.mark.parametrize(("singular", "expected"), [
    ("soldier", "soldiers"), ("militiaman", "militiamen"), ("child", "children"), ("family", "families"),
    ("police", "police"), ("person", "people"), ("witness", "witnesses"), ("boy", "boys"),
])
def test_plural(singular: str, expected: str) -> None:
    assert plural(singular) == expected


def test_noun_classes_do_not_overlap_and_every_reader_uses_them() -> None:
    from summariser import candidates, figures, number_kinds

    classes = {key: noun_class("nouns", key) for key in (*PEOPLE, *THINGS)}
    for a, b in itertools.combinations(classes, 2):
        assert not classes[a] & classes[b], (a, b, sorted(classes[a] & classes[b]))
    assert {"policemen", "terrorists", "soldiers", "militiamen"} <= classes["combatant"]
    assert {"children", "villagers", "women"} <= classes["civilian"]
    assert {"rockets", "villages", "hours", "bodies"} & classes["thing"] == {"rockets", "villages"}
    assert "hours" in classes["measure"] and "bodies" in classes["other"]
    assert figures.COMBATANT_NOUNS == classes["combatant"]
    people = frozenset().union(*(classes[k] for k in PEOPLE))
    things = frozenset().union(*(classes[k] for k in THINGS))
    assert candidates.NOT_PEOPLE == things
    assert number_kinds._PEOPLE_NOUNS == people
    assert number_kinds._HEAD_NOUNS == (people | classes["measure"]
                                        | {plural(w) for w in load("nouns")["thing"] + load("nouns")["unit"]})


def test_what_a_number_counts_is_read_from_the_noun_classes() -> None:
    from summariser.candidates import find_candidates
    from summariser.numbers import find_numbers

    # A thing noun in any class, singular or plural, keeps a number out of the candidates...
    text = "Shelling killed people. Two tents and 30 mosques burned in the shelling that killed 4 people."
    assert [c.mention.text for c in find_candidates(text)] == ["4"]
    # ...and a people noun makes a four-digit number a count, not a year.
    assert [m.category for m in find_numbers("2000 hostages and 2000 tents")] == ["count", "year"]
    assert [m.noun for m in find_numbers("23 other suspects and 30 others")] == ["suspects", "others"]


@pytest.mark.parametrize(("name", "code"), [
    ("Kharkiv region", "UA"), ("Donetsk region", "UA"), ("North Kivu", "CD"), ("Idlib", "SY"),
    ("Anbar province", "IQ"), ("Zamfara state", "NG"), ("Michoacan", "MX"), ("Shan State", "MM"),
])
def test_regions_are_read_from_iso_3166_2_under_the_names_copy_uses(name: str, code: str) -> None:
    assert code in gazetteer.region_countries(name)


def test_an_unknown_region_has_no_country() -> None:
    assert gazetteer.region_countries("Marrowgate province") == frozenset()


def test_a_country_name_before_a_subdivision_word_is_that_subdivision() -> None:
    # "Niger state" is a state of Nigeria; "Niger" alone and "Iran state media" stay the countries.
    assert [m.code for m in gazetteer.mentions("gunmen in Niger state, Nigeria")] == ["NG", "NG"]
    assert [m.code for m in gazetteer.mentions("Niger State police")] == ["NG"]
    assert [m.code for m in gazetteer.mentions("troops from Niger")] == ["NE"]
    assert [m.code for m in gazetteer.mentions("Iran state media said")] == ["IR"]


def _word_lists() -> list[tuple[str, list[str], list[str]]]:
    harm, violence, attribution = load("harm"), load("violence"), load("attribution")
    lists = [("harm.cue", harm["cue"], harm["cue_examples"]),
             ("violence.terms", violence["terms"], violence["examples"]),
             ("attribution.verbs", attribution["verbs"], attribution["verb_examples"])]
    assert harm["kind"].keys() == harm["kind_examples"].keys()
    lists += [(f"harm.kind.{kind}", words, harm["kind_examples"][kind])
              for kind, words in harm["kind"].items()]
    return lists


@pytest.mark.parametrize(("name", "fragments", "examples"), _word_lists(),
                         ids=[name for name, _, _ in _word_lists()])
def test_every_word_pattern_has_an_example_no_other_entry_matches(
        name: str, fragments: list[str], examples: list[str]) -> None:
    patterns = [word_pattern([f]) for f in fragments]
    for fragment, pattern in zip(fragments, patterns, strict=True):
        own = [e for e in examples
               if pattern.search(e) and not any(p.search(e) for p in patterns if p is not pattern)]
        assert own, f"{name}: {fragment!r} has no example of its own (dead, or needs one)"
    assert all(word_pattern(fragments).search(e) for e in examples)


NOISE = load("page_noise")


def test_page_noise_lists_have_no_duplicates_and_each_pattern_compiles_alone() -> None:
    for key, values in NOISE.items():
        assert len(values) == len(set(values)), key
        for value in values:
            re.compile(value.replace("{agencies}", "x").replace("{caption_labels}", "x"))
    rules = page_noise.rules()
    for pattern in (rules.caption, rules.other, rules.cookie, rules.list_header, rules.inline_header,
                    rules.comments_header):
        assert "{agencies}" not in pattern.pattern and "{caption_labels}" not in pattern.pattern


def test_exact_noise_lines_are_written_as_the_folded_line_they_match() -> None:
    # body_spans folds a line (case, spacing, a trailing colon) before the lookup: an entry
    # written any other way could never match.
    assert len(NOISE["exact"]) > 90  # the list is read (97 lines today)
    for line in NOISE["exact"]:
        assert line == " ".join(line.casefold().split()).rstrip(":").strip(), line


@pytest.mark.parametrize("agency", NOISE["agencies"])
def test_every_agency_credit_closes_a_caption(agency: str) -> None:
    name = re.sub(r"\(\?:\\s\+(\w+)\)\?", r" \1", agency)  # "Getty(?:\s+Images)?" -> "Getty Images"
    caption = page_noise.rules().caption
    for line in (f"Smoke rises over the town ({name})", f"Smoke rises over the town / {name}",
                 f"Rescuers search the rubble via {name}"):
        assert caption.search(line), line


@pytest.mark.parametrize("label", NOISE["caption_labels"])
def test_every_caption_label_opens_a_caption(label: str) -> None:
    assert page_noise.rules().caption.search(label.replace("\\s+", " ").title() + ": smoke over the town")


def test_headers_are_read_as_headers() -> None:
    r = page_noise.rules()
    for line in ("Read more", "Related stories:", "More No Comment", "Most read", "Editor's picks"):
        assert r.list_header.fullmatch(line), line
    assert not r.list_header.fullmatch("More than 40 people were killed")
    for line in ("Comments", "12 comments", "Comments (3)", "Join the discussion"):
        assert r.comments_header.fullmatch(line), line
    assert r.inline_header.match("Read more: Why Idlib matters")
