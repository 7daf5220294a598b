"""Changes of control, countries and the lead, each read from the article's own words."""

from __future__ import annotations

import pytest
from summariser.schemas.brief import Actor, ControlChange, Location

from summariser import mentions
from summariser.narrative import claims, control, coref, countries, lead, place_roles, roles, sides
from summariser.text import Sentence


def _sentences(texts: list[str]) -> list[Sentence]:
    """The texts as consecutive sentences of one article (one space apart)."""
    out, at = [], 0
    for t in texts:
        out.append(Sentence(at, at + len(t), t))
        at += len(t) + 1
    return out


def _read(place: str, text: str, names: list[str]) -> control.Reading | None:
    return control.read(place, Sentence(0, len(text), text), names)


@pytest.mark.parametrize(("place", "text", "names", "gained", "lost"), [
    # active gain: the gainer stands before the verb
    ("Hadra", "The Sons of the Valley seized the district's main town, also called Hadra, on June 2.",
     ["Sons of the Valley militia", "Government troops"], "Sons of the Valley", None),
    # passive gain: the gainer follows "by" / "fell to"
    ("Aleppo", "Aleppo fell to the rebels on Friday.", ["rebels"], "rebels", None),
    ("Kessa", "Kessa was captured by the Wari Front after a week of fighting.", ["Wari Front", "army"],
     "Wari Front", None),
    # active loss: the loser stands before the verb
    ("Lyman", "The Russian Defense Ministry says it has withdrawn its troops from the strategic "
              "eastern Ukrainian town of Lyman.", ["Russian Defense Ministry", "Kyiv"],
     None, "Russian Defense Ministry"),
    # a party inside "backed by ..." / "known as ..." is not the side that acted
    ("Saadiyah", "Iraqi security forces backed by Shiite militias and Kurdish security forces, known "
                 "as Peshmerga, managed to retake control of the town of Saadiyah.",
     ["Iraqi security forces", "Shiite militias", "Kurdish security forces", "Peshmerga"],
     "Iraqi security forces", None),
    # "... from <loser>" after the place names the loser
    ("Mogadishu", "Government troops wrested control of Mogadishu from the Union of Islamic Courts.",
     ["Government troops", "Union of Islamic Courts"], "Government troops", "Union of Islamic Courts"),
    # a bare party noun takes the name it is tied to, or the words that qualify it
    ("Nyanzale", "Fighters from the M23 rebel group have captured the town of Nyanzale from the "
                 "military.", [], "M23", "military"),
    ("El-Khoei", "The RSF said Friday that its forces had also taken El-Khoei.", ["RSF"], "RSF", None),
    ("Kawlin", "A resident said resistance fighters seized Kawlin last Sunday.", [],
     "resistance fighters", None),
    ("Halgan", "The Ethiopian soldiers pulled out of Halgan town this morning.", [],
     None, "Ethiopian soldiers"),
    # a place after a list of names is governed by the verb too
    ("Al-Mabujeh", "Troops retook the villages of Aqareb and Al-Mabujeh a day after the assault.",
     [], "Troops", None),
])
def test_the_verbs_voice_decides_each_side(place: str, text: str, names: list[str],
                                          gained: str | None, lost: str | None) -> None:
    reading = _read(place, text, names)
    assert reading is not None
    assert (reading.gained_by, reading.lost_by) == (gained, lost)


@pytest.mark.parametrize(("place", "text"), [
    ("Wollega", "The attack by the Oromo Liberation Army (OLA) took place on Sunday in Wollega."),
    ("Heet", "Forces carried out an offensive from al-Baghdadi to free the nearby town of Heet."),
    ("Mogadishu", "Violence has ramped up since government troops in late 2006 wrested control of "
                  "Mogadishu."),
    ("Grozny", "Gunmen seized three vehicles in the village of Shalazhi and drove them to Grozny."),
    ("Idlib", "Rebels captured Saraqeb and then shelled Idlib."),
    ("Kessra", "The militia that has besieged Kessra's southern districts since April denied it."),
])
def test_no_reading_without_a_completed_change_of_that_place(place: str, text: str) -> None:
    assert _read(place, text, ["Oromo Liberation Army", "OLA", "Forces", "Gunmen", "militia"]) is None


def test_a_misspelt_place_is_reported_as_the_sentence_spells_it() -> None:
    reading = _read("Maraet al-Numan", "Regime forces on Tuesday recaptured most of Maaret al-Numan.",
                    ["Regime forces"])
    assert reading is not None and reading.place == "Maaret al-Numan"


def test_reconcile_keeps_the_verbs_sides_and_only_model_sides_the_sentence_names() -> None:
    sentence = "Rebel forces have entered Hama."
    reading = _read("Hama", sentence, ["rebel forces", "Syrian army"])
    assert reading is not None
    # The model swapped the sides: the verb wins, and the army the sentence never names is dropped.
    assert sides.reconcile((reading.gained_by, reading.lost_by), "Syrian army", "rebel forces",
                           sentence) == ("Rebel forces", None)


def test_countries_of_places() -> None:
    article = ("Separatists attacked the village of Obonyi II in the Southwest Region of Cameroon. "
               "Some people fled into Nigeria. Fighting also hit Aleppo, Syria's second city.")
    home = countries.home(article, ["Obonyi II", "Southwest Region", "Nigeria"])
    assert home == "CM"
    assert countries.of_place("Nigeria", article, home) == "Nigeria"  # a country is its own
    assert countries.of_place("Aleppo", article, home) == "Syria"  # tied by "Syria's"
    assert countries.of_place("Obonyi II", article, home) == "Cameroon"  # the home country
    assert countries.of_place("Obonyi II", "No country here.", None) is None


def test_a_demonym_ties_a_place_only_within_its_own_phrase() -> None:
    article = ("Ukraine retook Lyman, the eastern Ukrainian town of Lyman. A Ukrainian counteroffensive "
               "sent Russian troops reeling in the Kharkiv region last month.")
    assert countries._tied("Lyman", article) == "UA"
    assert countries._tied("Kharkiv region", article) is None
    assert countries.of_place("Kharkiv region", article, countries.home(article, [])) == "Ukraine"


def test_a_dateline_city_breaks_a_tie_between_named_countries_even_unnamed_in_the_body() -> None:
    from summariser.narrative import parts

    article = ("date 2025-03-12 RAWALPINDI: The army said the attackers were in contact with "
               "handlers in Afghanistan. Pakistan said 21 passengers were killed near Bolan.")
    assert mentions.dateline_name(article) == "RAWALPINDI"
    assert parts._home(article, ("Bolan",)) == "PK"
    assert countries.of_place("Bolan", article, "PK") == "Pakistan"


ARTICLE = (
    "Home | World | Africa\n"
    "Gunmen kill dozens of civilians in anglophone Cameroon\n"
    "KOLA, March 3 (Wire) — Twenty-four civilians have been killed and around 60 wounded in an "
    "attack by separatist gunmen in a troubled anglophone region of Cameroon, the mayor said.\n"
    "Separatists on Sunday attacked the village of Obonyi II in the Southwest Region near the "
    "border with Nigeria, mayor Ekwalle Martin said on Tuesday.\n")


def test_headline_is_the_title_and_the_summary_the_lead_without_its_dateline() -> None:
    headline = lead.headline(ARTICLE, ["Cameroon", "separatists"])
    assert headline == "Gunmen kill dozens of civilians in anglophone Cameroon"
    summary = lead.summary(ARTICLE, headline)
    assert summary.startswith("Twenty-four civilians have been killed")
    assert "KOLA" not in summary and "Home" not in summary


def test_a_title_naming_none_of_the_briefs_names_gives_way_to_the_lead() -> None:
    article = ("Government-Allied Forces Leave Yemeni City, Rebels Re-Enter\n"
               "Forces loyal to the government have withdrawn from the port city of Hodeida, "
               "allowing the rebels to retake key positions there, officials said.\n")
    assert lead.headline(article, ["Hodeida", "Houthis"]).startswith("Forces loyal to the government")
    # a title that names a side but no place gives way to a lead that says where
    names = ["Hodeida", "rebels", "Forces"]
    assert lead.headline(article, names).startswith("Government-Allied Forces")
    assert lead.headline(article, names, ["Hodeida"]).startswith("Forces loyal to the government")
    # a title that says where stays
    titled = article.replace("Yemeni City", "Hodeida")
    assert lead.headline(titled, names, ["Hodeida"]).startswith("Government-Allied Forces Leave Hodeida")


def test_photo_captions_and_hard_wrapped_copy() -> None:
    caption = ("Rebels in Central African Republic seize another town\n"
               "Government security forces drive past a demonstration in downtown Bangui, Central "
               "African Republic Saturday, Jan. 5, 2013. The U.N. Security Council urged rebels to "
               "halt their military offensive and withdraw from the cities they have seized.\n")
    assert lead.summary(caption, lead.headline(caption)).startswith("The U.N. Security Council")
    wrapped = ("Islamist rebels\nin Syria have retaken a town from government forces,\n"
               "activists said on Friday, in part of an offensive along the main highway.\n")
    assert lead.summary(wrapped, "").startswith("Islamist rebels in Syria have retaken a town")


def test_no_prose_gives_empty_strings() -> None:
    assert lead.headline("Home\nMenu") == "" and lead.summary("Home\nMenu", "") == ""


def _roles(text: str, actors: list[tuple[str, str, str]],
           reporters: tuple[str, ...] = (), changes: tuple[ControlChange, ...] = ()) -> dict[str, str]:
    found = [Actor(name=n, type=t, role=r) for n, t, r in actors]  # type: ignore[arg-type]
    tallies = roles.votes(found, [Sentence(0, len(text), text)], changes)
    return {a.name: roles.decide(a, tallies[a.name], reporters) for a in found}


def test_who_attacked_whom_follows_the_verbs_voice() -> None:
    text = ("Insurgents ambushed an army convoy near Ndoro on Monday, the defence ministry said. "
            "Two soldiers were killed by the Wari Front. An attack by the Wari Front on the police "
            "followed.")
    got = _roles(text, [("Insurgents", "non-state armed group", "target"),
                        ("army", "state forces", "attacker"),
                        ("Wari Front", "non-state armed group", "other"),
                        ("police", "state forces", "other"),
                        ("defence ministry", "government", "other")])
    assert got == {"Insurgents": "attacker", "army": "target", "Wari Front": "attacker",
                   "police": "target", "defence ministry": "source"}


def test_a_bare_army_noun_votes_for_the_briefs_only_state_force() -> None:
    text = "Troops ambushed the Wari Front near Ndoro."
    got = _roles(text, [("Syrian army", "state forces", "other"),
                        ("Wari Front", "non-state armed group", "other")])
    assert got == {"Syrian army": "attacker", "Wari Front": "target"}
    # Two state forces: the noun could be either's.
    got = _roles(text, [("Syrian army", "state forces", "other"), ("police", "state forces", "other"),
                        ("Wari Front", "non-state armed group", "other")])
    assert got["Syrian army"] == "other"


def test_no_vote_keeps_the_models_role_and_a_credited_figure_makes_a_source() -> None:
    got = _roles("The town was quiet on Tuesday.", [("rebels", "non-state armed group", "backer"),
                                                    ("UNHCR", "international organisation", "other")],
                 reporters=("UNHCR",))
    assert got == {"rebels": "backer", "UNHCR": "source"}


def _opposed(text: str, actors: list[tuple[str, str, str]]) -> dict[str, str]:
    found = [Actor(name=n, type=t, role=r) for n, t, r in actors]  # type: ignore[arg-type]
    tallies = roles.votes(found, [Sentence(0, len(text), text)])
    decided = [a.model_copy(update={"role": roles.decide(a, tallies[a.name], ())}) for a in found]
    return {a.name: a.role for a in roles.opposed(decided, tallies)}


def test_an_armed_side_no_sentence_votes_for_is_the_other_sides_opponent() -> None:
    text = "Regime forces shelled the town of Kafr Nabl on Monday. The rebels had held it for years."
    got = _opposed(text, [("Regime forces", "state forces", "attacker"),
                          ("rebels", "non-state armed group", "other")])
    assert got == {"Regime forces": "attacker", "rebels": "target"}
    # The other way round: the votes make the state's forces the target.
    text = "Soldiers were killed near Ndoro on Monday. The Front holds the road."
    got = _opposed(text, [("Front", "non-state armed group", "target"),
                          ("Soldiers", "state forces", "other")])
    assert got == {"Front": "attacker", "Soldiers": "target"}


@pytest.mark.parametrize(("actors", "expected"), [
    # A backer keeps its role; a foreign force belongs to neither side.
    ([("Regime forces", "state forces", "attacker"), ("Wari Militia", "non-state armed group", "backer"),
      ("Belstan forces", "foreign state or forces", "other")],
     {"Regime forces": "attacker", "Wari Militia": "backer", "Belstan forces": "other"}),
    # No vote on the other side, or a split one: nothing to go by.
    ([("Hill Brigade", "non-state armed group", "other"), ("police", "state forces", "other")],
     {"Hill Brigade": "other", "police": "other"}),
])
def test_an_unvoted_side_keeps_its_role_without_one_clear_opponent(
        actors: list[tuple[str, str, str]], expected: dict[str, str]) -> None:
    assert _opposed("Regime forces shelled the town on Monday.", actors) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # The subject of a verb of being harmed was the target, and its "after" clause's doer is no
    # subject of the harm verb that follows it.
    ("Twelve police officers died after gunmen shot the officers near Aguililla.",
     {"police": "target", "gunmen": "attacker"}),
    # Claiming an attack, actively or passively.
    ("The ambush was claimed by the gunmen, who fought the police for hours.",
     {"police": "other", "gunmen": "attacker"}),
    ("The gunmen claimed responsibility for the bombing of the police station.",
     {"police": "target", "gunmen": "attacker"}),
    ("The gunmen claimed responsibility on Monday.", {"police": "other", "gunmen": "attacker"}),
    # The side a harmed party fought.
    ("Several police have been killed in clashes with gunmen in the city.",
     {"police": "target", "gunmen": "attacker"}),
    # The side behind the attack, blamed for it, or named in its compound noun.
    ("Officials sought the gunmen, who were behind the attack.", {"police": "other", "gunmen": "attacker"}),
    ("The governor blamed the gunmen for the shelling.", {"police": "other", "gunmen": "attacker"}),
    ("The death toll from a brutal gunmen attack rose.", {"police": "other", "gunmen": "attacker"}),
    ("The attack on the convoy was perpetrated by gunmen.", {"police": "other", "gunmen": "attacker"}),
    # Giving ground makes a target; "the killing of" is a noun, its subject no attacker.
    ("Witnesses said the police had withdrawn toward the capital.",
     {"police": "target", "gunmen": "other"}),
    ("The police opened an inquiry into the killing of gunmen.",
     {"police": "other", "gunmen": "target"}),
    # ... but not where the words only look alike
    ("The police, which is responsible for security in the region, said gunmen fled.",
     {"police": "other", "gunmen": "other"}),
    ("The gunmen held the police for three days.", {"police": "other", "gunmen": "other"}),
    ("Officials held the gunmen responsible for the attack.", {"police": "other", "gunmen": "attacker"}),
    ("The gunmen withdrew from peace talks.", {"police": "other", "gunmen": "other"}),
    ("Residents blamed the police for failing to protect them.", {"police": "other", "gunmen": "other"}),
])
def test_more_ways_copy_says_who_attacked_whom(text: str, expected: dict[str, str]) -> None:
    got = _roles(text, [("police", "state forces", "other"), ("gunmen", "non-state armed group", "other")])
    assert got == expected


def test_an_actor_named_as_a_source_is_a_source_even_when_armed() -> None:
    text = ("A French military source who spoke on condition of anonymity said hundreds of "
            "jihadists were killed.")
    assert _roles(text, [("French military", "foreign state or forces", "target")]) == {
        "French military": "source"}
    assert _roles("No verbs here.", [("army spokesman", "state forces", "attacker")]) == {
        "army spokesman": "source"}


def test_a_change_of_control_votes_its_gainer_attacker_over_one_episode_of_the_advance() -> None:
    text = "The rebel forces have been attacked by aircraft near Hama."
    change = ControlChange(place="Hama", gained_by="rebel forces", lost_by="Syrian army",
                           status="confirmed", reported_by=None, evidence=text, span=(0, len(text)))
    actors = [("rebels", "non-state armed group", "target"), ("Syrian army", "state forces", "other")]
    assert _roles(text, actors) == {"rebels": "target", "Syrian army": "other"}
    assert _roles(text, actors, changes=(change,)) == {"rebels": "attacker", "Syrian army": "target"}


def test_an_abbreviation_gets_the_full_name_the_article_gives_it() -> None:
    from summariser.entities import aliases_for

    article = "Colombia's largest guerrilla group, the National Liberation Army (ELN), killed 12."
    assert aliases_for("ELN", article) == ["National Liberation Army"]
    assert aliases_for("National Liberation Army", article) == ["ELN"]
    # the tail whose initials spell it, not the title before it
    assert aliases_for("ISPR", "The Director General of Inter-Services Public Relations (ISPR) "
                               "said") == ["Inter-Services Public Relations"]


def test_an_article_that_names_no_country_takes_its_places_countries_from_the_gazetteer() -> None:
    article = ("Gunmen killed 12 villagers in Zamfara state on Sunday. Residents fled to Gusau, "
               "the state capital, the police said.")
    home = countries.home(article, ["Zamfara state", "Gusau", "Marrowgate"])
    assert home == "NG"
    assert countries.of_place("Zamfara state", article, home) == "Nigeria"
    assert countries.of_place("Marrowgate", article, home) == "Nigeria"  # the home country
    assert countries.home("Fighting went on in Marrowgate.", ["Marrowgate"]) is None  # unknown


def test_the_lead_says_where_the_story_is() -> None:
    # India is named twice further down, Myanmar once, in the lead: the towns are Myanmar's.
    article = ("Rebels take two towns\n"
               "Resistance armies seized two towns in northwestern Myanmar, a group said.\n"
               "Junta soldiers fled to India. India's border guards disarmed them.\n")
    assert countries.home(article, ["Lalengpi", "Resaw"]) == "MM"


def test_hard_wrapped_lines_are_joined_into_their_sentence() -> None:
    from summariser.text import join_wrapped, split_sentences
    text = ("Rebels took the town. After capturing Babolin,\nrebels were battling the army. The\n"
            "fall of Babolin hurts.\n\nNew paragraph")
    joined = [s.text for s in join_wrapped(text, split_sentences(text))]
    assert joined == ["Rebels took the town.", "After capturing Babolin,\nrebels were battling the army.",
                      "The\nfall of Babolin hurts.", "New paragraph"]
    crlf = text.replace("\n", "\r\n")
    assert [s.text for s in join_wrapped(crlf, split_sentences(crlf))][1] == \
        "After capturing Babolin,\r\nrebels were battling the army."


@pytest.mark.parametrize(("place", "text", "gained"), [
    ("Babolin", "After capturing Babolin, rebels were battling pro-Assad fighters.", "rebels"),
    ("Hama", "Rebels could seize Hama within days.", None),
    ("Hama", "Rebels did not enter Hama.", None),
    ("Hama", "Rebels didn't enter Hama.", None),
    ("Hama", "Rebels entered Hama.", "Rebels"),
])
def test_fronted_phrases_and_changes_that_did_not_happen(place: str, text: str, gained: str | None) -> None:
    reading = _read(place, text, ["rebels", "pro-Assad fighters"])
    assert (reading.gained_by if reading else None) == gained


def test_a_direct_reading_needs_the_place_as_the_verbs_own_object() -> None:
    text = "Troops retook the Hama province villages of Aqareb and Al-Mabujeh."
    assert control.read("Hama province", Sentence(0, len(text), text), [], direct=True) is None
    assert control.read("Aqareb", Sentence(0, len(text), text), [], direct=True) is not None
    text = "Gunmen seized three vehicles in the village of Shalazhi."
    assert control.read("Shalazhi", Sentence(0, len(text), text), ["Gunmen"], direct=True) is None


@pytest.mark.parametrize("place", ["Maidali Dansha", "Baeker", "Lugid", "Humera"])
def test_every_place_of_a_list_after_the_verb_is_its_object(place: str) -> None:
    text = "Government forces took control of Maidali Dansha, Baeker, Lugid and Humera towns."
    reading = control.read(place, Sentence(0, len(text), text), ["Government forces"])
    assert reading is not None and reading.gained_by == "Government forces"


def test_a_place_no_one_said_changed_hands_is_not_read_from_inside_a_list() -> None:
    text = "M23 rebels seized Rubaya, North Kivu, and Masisi."  # a province between two towns
    assert control.read("North Kivu", Sentence(0, len(text), text), ["M23 rebels"], direct=True) is None


def test_a_place_that_only_locates_or_owns_the_object_is_not_taken() -> None:
    text = "Russian forces entered Lyman, Donetsk region."  # no list: the region says where
    assert control.read("Donetsk region", Sentence(0, len(text), text), ["Russian forces"],
                        direct=True) is None
    text = "The joint forces captured Matupi township’s Lalengpi and Resaw towns."
    sentence = Sentence(0, len(text), text)
    assert control.read("Matupi township", sentence, ["joint forces"]) is None  # the owner
    assert control.read("Resaw", sentence, ["joint forces"]) is not None


@pytest.mark.parametrize(("text", "gained"), [
    ("Forces loyal to the government retook Sirte on Monday.", "Forces"),
    ("The army along with militia of the Amhara region took control of Humera.", "army"),
    # The subject before "along with" is no side of the brief: its ally stands for it.
    ("He said the defense force along with militia of the Amhara region took control of Humera.",
     "Amhara"),
    ("Backed by Russia, government forces retook Humera.", "government forces"),  # fronted
    # A phrase a comma, a conjunction or a verb has closed qualifies no one after it.
    ("Russia, backed by Iran, has held the coast, but government forces retook Humera.",
     "government forces"),
    ("On Sunday, backed by Russian air strikes, government forces retook Humera.", "government forces"),
    ("Amhara militia fled together with civilians as government forces retook Humera.",
     "government forces"),
])
def test_a_side_in_a_phrase_that_qualifies_the_subject_is_not_the_subject(
        text: str, gained: str | None) -> None:
    place = "Sirte" if "Sirte" in text else "Humera"
    reading = _read(place, text, ["government", "Amhara", "Russia", "government forces"])
    assert reading is not None and reading.gained_by == gained


def test_code_adds_a_change_the_model_left_out_and_a_retaking_is_the_later_event() -> None:
    from summariser.schemas.llm import Overview, OverviewControl

    from summariser.narrative import parts
    texts = ["Islamic State militants overran the town of Abu Grain on May 5.",
             "Military forces retook Abu Grain on Wednesday.",
             "Regime forces recaptured Maaret al-Numan."]
    sentences = _sentences(texts)
    ov = Overview(topic="armed conflict", actors=[], places=[], headline="", summary="",
                  control_changes=[OverviewControl(place="Abu Grain", gained_by="Islamic State militants",
                                                   lost_by=None)])
    actors = [Actor(name=n, type=t, role="other") for n, t in (  # type: ignore[arg-type]
        ("Islamic State militants", "non-state armed group"), ("Military forces", "state forces"),
        ("Regime forces", "state forces"))]
    places = [Location(name="Maaret al-Numan", type="town"), Location(name="Syria", type="country")]
    out = parts.controls(ov, sentences, [], actors, places)
    assert [(c.place, c.gained_by) for c in out] == [("Abu Grain", "Military forces"),
                                                     ("Maaret al-Numan", "Regime forces")]


@pytest.mark.parametrize("first, kept", [
    # a hold the copy calls brief is an event of its own, beside the retaking that ended it
    ("Islamic State militants briefly seized Abu Grain on Thursday.",
     [("Abu Grain", "Military forces"), ("Abu Grain", "Islamic State militants")]),
    ("Islamic State militants temporarily occupied Abu Grain on Thursday.",
     [("Abu Grain", "Military forces"), ("Abu Grain", "Islamic State militants")]),
    # told without it, the earlier capture is as often background: only the retaking
    ("Islamic State militants seized Abu Grain on Thursday.", [("Abu Grain", "Military forces")]),
    # a brief hold in another year is background, not the story's event
    ("In 2012 Islamic State militants briefly seized Abu Grain.", [("Abu Grain", "Military forces")]),
])
def test_a_brief_hold_undone_by_a_retaking_is_a_change_too(first: str, kept: list[tuple[str, str]]) -> None:
    from summariser.schemas.llm import Overview, OverviewControl

    from summariser.narrative import parts
    sentences = _sentences([first, "Military forces retook Abu Grain on Friday."])
    actors = [Actor(name=n, type=t, role="other") for n, t in (  # type: ignore[arg-type]
        ("Islamic State militants", "non-state armed group"), ("Military forces", "state forces"))]
    ov = Overview(topic="armed conflict", actors=[], places=[], headline="", summary="",
                  control_changes=[OverviewControl(place="Abu Grain", gained_by=None, lost_by=None)])
    out = parts.controls(ov, sentences, [], actors, [Location(name="Abu Grain", type="town")])
    assert [(c.place, c.gained_by) for c in out] == kept


def test_a_brief_hold_alone_is_the_one_change() -> None:
    from summariser.schemas.llm import Overview

    from summariser.narrative import parts
    sentences = _sentences(["Islamic State militants briefly seized Abu Grain on Thursday."])
    actors = [Actor(name="Islamic State militants", type="non-state armed group", role="other")]
    ov = Overview(topic="armed conflict", actors=[], places=[], headline="", summary="", control_changes=[])
    out = parts.controls(ov, sentences, [], actors, [Location(name="Abu Grain", type="town")])
    assert [(c.place, c.gained_by) for c in out] == [("Abu Grain", "Islamic State militants")]


def test_an_abbreviation_and_its_name_are_one_side() -> None:
    assert control.same_side("RSF", "Rapid Support Forces")
    assert control.same_side("Sudan's paramilitary Rapid Support Forces", "the RSF")
    assert not control.same_side("RSF", "Sudanese Armed Forces")
    assert not control.same_side("UN", "Russian forces")
    assert not control.same_side("SF", "Rapid Support Forces")  # a tail needs three letters
    # so the verb's gainer, named by its abbreviation, is not also given as the loser
    text = ("Sudan's paramilitary Rapid Support Forces (RSF) have reportedly taken control of "
            "el-Fula, the capital of West Kordofan state.")
    reading = _read("el-Fula", text, ["RSF"])
    assert reading is not None and reading.gained_by == "RSF"
    assert sides.reconcile((reading.gained_by, reading.lost_by), "RSF", "Rapid Support Forces",
                           text) == ("RSF", None)


def test_a_place_named_by_its_common_noun_where_that_noun_is_the_briefs_only_such_place() -> None:
    assert coref.place_noun("El Salini base", ["El Salini base", "Lower Shabelle"]) == "base"
    assert coref.place_noun("El Salini base", ["El Salini base", "Afgoye base"]) is None  # which base?
    assert coref.place_noun("Lower Shabelle", ["Lower Shabelle"]) is None
    assert coref.place_noun("Kabul", ["Kabul"]) is None
    text = "The military recaptured the base when reinforcements arrived."
    reading = control.read("El Salini base", Sentence(0, len(text), text), ["military"], noun="base")
    assert reading is not None
    assert (reading.place, reading.gained_by, reading.undoes) == ("El Salini base", "military", True)
    assert _read("El Salini base", text, ["military"]) is None  # without the noun: no place named
    beside = "The military recaptured the base of the hill."
    assert control.read("El Salini base", Sentence(0, len(beside), beside), ["military"],
                        noun="base") is None


def test_the_subject_of_two_joined_verbs_took_the_place_not_the_first_verbs_object() -> None:
    text = ("Islamist al Shabaab militants killed 12 Somali soldiers and briefly captured "
            "Afgoye, officials said.")
    reading = _read("Afgoye", text, ["al Shabaab militants", "Somali soldiers"])
    assert reading is not None and reading.gained_by == "al Shabaab militants"


def test_a_loss_the_loser_admits_is_confirmed_even_beside_the_gainers_claim() -> None:
    text = ("The Ukrainian army said on Monday it had withdrawn from the nearby village of "
            "Lastochkyne after Russia claimed its capture.")
    assert not claims.claimed(text, None, "The Ukrainian army")
    assert claims.claimed(text, "Russia")  # no loser known: the claim word decides
    assert claims.claimed("The RSF said its forces had taken El-Khoei.", "RSF", "army")
    denial = "The Ukrainian military said Russia's claim to have captured Robotyne was false."
    assert claims.claimed(denial, "Russia", "Ukrainian military")


@pytest.mark.parametrize(("text", "gained", "claimed"), [
    ("A Syrian rebel commander said the rebels had also captured the village of Dabis.",
     "the rebels", True),
    ("A militant spokesman said the militants had seized Kas.", "the militants", True),
    # another side's member, or a member word that is no speaker's
    ("An army commander said the rebels had captured Dabis.", "the rebels", False),
    ("Residents said the rebels had captured Dabis.", "the rebels", False),
    ("A rebel said the army had captured Dabis.", "the army", False),
])
def test_a_member_of_the_gainer_speaking_makes_the_change_a_claim(text: str, gained: str,
                                                                  claimed: bool) -> None:
    assert claims.claimed(text, gained) is claimed


@pytest.mark.parametrize(("text", "claimed"), [
    # the outlet quotes the side's own word for what it did
    ("A military spokesman said the forces had \u201cliberated\u201d the small town of Abu Grain.", True),
    ("Residents said the forces had 'liberated' Abu Grain and the army \"captured\" Zamzam.", True),
    # a whole quoted sentence, or the verb stated plainly, is no scare quote
    ("\u201cOur forces have liberated Abu Grain,\u201d residents said.", False),
    ("Residents said the forces had liberated Abu Grain.", False),
])
def test_a_gain_verb_alone_in_quotation_marks_is_a_claim(text: str, claimed: bool) -> None:
    assert claims.claimed(text, "the forces") is claimed


def test_a_force_noun_votes_for_the_side_its_modifier_names_not_any_side_ending_in_it() -> None:
    text = "Witnesses said army forces had withdrawn toward El Obeid."
    got = _roles(text, [("Sudanese paramilitary forces", "non-state armed group", "attacker"),
                        ("Army", "state forces", "attacker")])
    assert got == {"Sudanese paramilitary forces": "attacker", "Army": "target"}


def test_an_attack_noun_names_its_attacker_only_by_a_whole_word_of_an_actors_name() -> None:
    actors = [("New People's Army", "non-state armed group", "other"),
              ("Russian forces", "foreign state or forces", "other"),
              ("Houthis", "non-state armed group", "other")]
    assert _roles("There was a new attack in Davao, and a US attack nearby.", actors) == {
        "New People's Army": "other", "Russian forces": "other", "Houthis": "other"}
    assert _roles("Pro-government forces repelled a Houthi attack.", actors)["Houthis"] == "attacker"


@pytest.mark.parametrize(("place", "listed"), [
    ("Baeker", True), ("Humera", True),  # "A, B, C and D towns"
    ("al-Amarna", True), ("Ayn al-Bayda", True),  # "the villages of A and B"
    ("Rubaya", False),  # a bare list may hold a province
    ("Saraqeb", False),  # "the town of X" alone is no list
])
def test_a_plural_place_noun_marks_a_list_of_places(place: str, listed: bool) -> None:
    text = {"Baeker": "took control of Maidali Dansha, Baeker, Lugid and Humera towns.",
            "Humera": "took control of Maidali Dansha, Baeker, Lugid and Humera towns.",
            "al-Amarna": "withdrew from the villages of al-Amarna and Ayn al-Bayda.",
            "Ayn al-Bayda": "withdrew from the villages of al-Amarna and Ayn al-Bayda.",
            "Rubaya": "seized Rubaya, North Kivu, and Masisi.",
            "Saraqeb": "seized the town of Saraqeb."}[place]
    start = text.index(place)
    assert (coref.place_list(text, start, start + len(place)) is not None) is listed


def test_a_list_of_places_is_read_whole_even_where_no_one_named_the_place() -> None:
    text = "Government forces took control of Maidali Dansha, Baeker, Lugid and Humera towns."
    for place in ("Baeker", "Lugid"):
        reading = control.read(place, Sentence(0, len(text), text), ["Government forces"], direct=True)
        assert reading is not None and reading.gained_by == "Government forces"


def test_them_after_a_list_of_places_is_the_object_of_the_verb() -> None:
    text = ("Council fighters had withdrawn from the villages of al-Amarna and Ayn al-Bayda as the "
            "rebels backed by Turkish tanks advanced into them.")
    for place in ("al-Amarna", "Ayn al-Bayda"):
        reading = control.read(place, Sentence(0, len(text), text), ["Council fighters"], direct=True)
        assert reading is not None
        assert (reading.gained_by, reading.lost_by) == ("rebels", "Council fighters")
    # "them" after a list no place noun marks stands for whatever else it may (the soldiers)
    text = "Rebels attacked Kessa and Bori soldiers and captured them."
    assert control.read("Kessa", Sentence(0, len(text), text), ["Rebels"], direct=True) is None
    assert coref.pronoun_objects(text, [(15, 20)]) == []


def _actor(name: str, typ: str, aliases: tuple[str, ...] = ()) -> Actor:
    return Actor(name=name, aliases=list(aliases), type=typ, role="other")  # type: ignore[arg-type]


def test_the_group_is_the_one_armed_group_named_nearest_before() -> None:
    rsf = _actor("RSF", "non-state armed group", ("Rapid Support Forces",))
    army = _actor("Sudan's regular army", "state forces")
    before = ["Sudan's paramilitary Rapid Support Forces (RSF) claims to have seized a town.",
              "In a post on X, the group said it liberated a base of Sudan's regular army.",
              "It came two days after "]
    assert coref.antecedent(before, [rsf, army]) == "RSF"  # one group however many names
    # two groups named in the nearest sentence that names any: "the group" is either
    m23 = _actor("M23", "non-state armed group")
    assert coref.antecedent(["M23 and the RSF fought.", "Then "], [rsf, m23]) is None
    assert coref.antecedent(["The army advanced.", "Then "], [rsf, army]) is None  # no group
    assert coref.is_side_anaphor("the group") and coref.is_side_anaphor("The armed group")
    assert not coref.is_side_anaphor("the M23 rebel group") and not coref.is_side_anaphor(None)


def test_a_change_whose_gainer_is_the_group_names_the_group() -> None:
    from summariser.schemas.llm import Overview

    from summariser.narrative import parts

    texts = ["Sudan's paramilitary Rapid Support Forces (RSF) say they seized a base.",
             "It came two days after the group seized the state's capital Wad Madani."]
    sentences = _sentences(texts)
    ov = Overview(topic="armed conflict", actors=[], places=[], headline="", summary="",
                  control_changes=[])
    actors = [_actor("RSF", "non-state armed group"), _actor("Sudanese army", "state forces")]
    out = parts.controls(ov, sentences, [], actors, [Location(name="Wad Madani", type="city")])
    assert [(c.place, c.gained_by) for c in out] == [("Wad Madani", "RSF")]
    # "the group" of a sentence that fits no one group names no side, so no change is proposed
    actors.append(_actor("M23", "non-state armed group"))
    sentences[0] = Sentence(0, len(texts[0]), "M23 and the RSF say they seized a base.")
    assert parts.controls(ov, sentences, [], actors, [Location(name="Wad Madani", type="city")]) == []


def test_places_named_in_a_list_a_plural_place_noun_marks() -> None:
    text = ("Council fighters had withdrawn from the villages of al-Amarna and Ayn al-Bayda. Forces "
            "took control of Maidali Dansha, Baeker and Humera towns. Clashes hit Israeli and "
            "Palestinian towns, the villages of Berom and Irigwe farmers and Sunni and Alawite "
            "villages.")
    # a noun after the list may be an adjective's ("Sunni and Alawite villages"): only "of" lists
    assert [f.name for f in mentions.places(text, text)] == ["al-Amarna", "Ayn al-Bayda"]


@pytest.mark.parametrize(("text", "gained"), [
    # "taking" a place, as "took" and "taken" do
    ("The RSF killed 27 civilians after taking En Nahud on Saturday.", "RSF"),
    ("RSF fighters looted markets after taking the town of En Nahud.", "RSF fighters"),
    # not "taking part", "taking refuge", "taking aim" at or in a place
    ("RSF fighters were taking part in the assault on En Nahud.", None),
    ("The RSF fighters were taking refuge in En Nahud.", None),
    ("The RSF began taking aim at En Nahud.", None),
])
def test_taking_a_place_is_a_gain(text: str, gained: str | None) -> None:
    reading = control.read("En Nahud", Sentence(0, len(text), text), ["RSF", "RSF fighters"])
    assert (reading.gained_by if reading else None) == gained


def test_a_place_said_to_have_been_liberated_is_an_event_site_though_no_side_is_named() -> None:

    text = "The settlements of Yampil and Stavky have been liberated, the spokesman said."
    sentence = Sentence(0, len(text), text)
    assert control.read("Yampil", sentence, ["Ukrainian forces"]) is None  # no change to report
    out = place_roles.decide([Location(name="Yampil", type="town"), Location(name="Kyiv", type="city")],
                            [sentence], [], [])
    assert [p.role for p in out] == ["event site", "mentioned"]


def test_a_place_named_only_to_say_where_another_is_is_no_event_site() -> None:

    texts = ["Fighting broke out in Muqokori, north of Mogadishu, on Friday.",
             "Clashes hit El-Khoei, a town about 100 kilometres (60 miles) east of En Nahud.",
             "Hamas shelling hit Gezira state, which lies south of the capital, Khartoum.",
             "Al Shabaab retook a small town after an hour of fighting."]
    sentences, at = [], 0
    for text in texts:
        sentences.append(Sentence(at, at + len(text), text))
        at += len(text) + 1
    change = ControlChange(place="Kalam", gained_by="al Shabaab", lost_by=None, status="confirmed",
                           reported_by=None, evidence=texts[3], span=(sentences[3].start, sentences[3].end))
    names = ["Muqokori", "Mogadishu", "El-Khoei", "En Nahud", "Khartoum", "Kalam", "Hama"]
    out = place_roles.decide([Location(name=n, type="town") for n in names], sentences, [], [change])
    # Kalam: the change's place, though its sentence says "a small town"; Hama: no word of "Hamas"
    assert {p.name: p.role for p in out} == {
        "Muqokori": "event site", "Mogadishu": "mentioned", "El-Khoei": "event site",
        "En Nahud": "mentioned", "Khartoum": "mentioned", "Kalam": "event site", "Hama": "mentioned"}


@pytest.mark.parametrize(("text", "role"), [
    ("Clashes broke out in Lashkar Gah on Friday.", "event site"),
    # a direction or a road's end
    ("Air strikes stopped the Taliban from advancing toward Lashkar Gah.", "mentioned"),
    ("Troops of the federal army are advancing to Lashkar Gah, officials said.", "mentioned"),
    ("Rebels fought along the highway linking Kandahar to the provincial capital Lashkar Gah.", "mentioned"),
    # the dateline: where the report was filed
    ("LASHKAR GAH, Afghanistan (Reuters) - Taliban fighters attacked a post in Helmand.", "mentioned"),
    ("date 2016-08-28 LASHKAR GAH Aug 28 Taliban fighters attacked a post in Helmand.", "mentioned"),
    # a sentence that opens with another time: the story's background
    ("In September 2019, an attack on Lashkar Gah killed 50 soldiers.", "mentioned"),
    ("Last month the army said it was looking into the killing of 12 men in Lashkar Gah.", "mentioned"),
])
def test_a_place_named_only_as_a_direction_dateline_or_background_is_no_event_site(text: str,
                                                                                   role: str) -> None:
    sentences = [Sentence(0, len(text), text)]
    out = place_roles.decide([Location(name="Lashkar Gah", type="city")], sentences, [], [])
    assert out[0].role == role


def test_a_figure_told_in_a_background_sentence_makes_no_event_site() -> None:
    from summariser.schemas.brief import Casualty

    text = "Last month the army said it was investigating the killing of 12 villagers in Mabanga."
    figure = Casualty(kind="killed", count=12, qualifier="exact", group="civilians", reported_by="army",
                      evidence="the killing of 12 villagers in Mabanga", span=(48, 86))
    out = place_roles.decide([Location(name="Mabanga", type="village")], [Sentence(0, len(text), text)],
                             [figure], [])
    assert out[0].role == "mentioned"


@pytest.mark.parametrize(("text", "gained", "lost"), [
    ("Ukrainian forces pushed Russian troops out of Kherson on Friday.", "Ukrainian forces",
     "Russian troops"),
    ("The army drove the rebels out of Kherson.", "army", "rebels"),
    ("Russian troops were pushed out of Kherson by Ukrainian forces.", "Ukrainian forces",
     "Russian troops"),
    ("Russian troops were driven out of Kherson.", None, "Russian troops"),
])
def test_a_side_driven_out_of_a_place_lost_it_to_the_side_that_drove_it(
        text: str, gained: str | None, lost: str | None) -> None:
    reading = control.read("Kherson", Sentence(0, len(text), text), ["Ukrainian forces"], direct=True)
    assert reading is not None and reading.rule == "gain-expel"
    assert (reading.gained_by, reading.lost_by) == (gained, lost)


@pytest.mark.parametrize("text", [
    "As rebels advanced, the fighting forced thousands of residents from Kherson.",  # no side driven
    "As rebels advanced, thousands were forced from Kherson.",  # not the rebels that were
    "The army vowed to drive the rebels out of Kherson.",  # an aim
])
def test_people_driven_from_a_place_are_no_change_of_its_control(text: str) -> None:
    assert control.read("Kherson", Sentence(0, len(text), text), ["rebels"], direct=True) is None


def test_a_city_of_a_million_in_one_country_is_that_countrys_though_the_article_never_names_it() -> None:
    article = ("BEIRUT (AP) — Syrian rebels captured two villages near Jarablus in northern Syria, "
               "a Syrian war monitor said.")
    home = countries.home(article, ["BEIRUT", "Jarablus"])
    assert home == "SY"
    assert countries.of_place("BEIRUT", article, home) == "Lebanon"
    # the home country's own city of that name comes first: Tripoli in a Lebanon story
    article = "Clashes in Tripoli, in northern Lebanon, killed two people."
    assert countries.of_place("Tripoli", article, countries.home(article, ["Tripoli"])) == "Lebanon"
    # a smaller town keeps the home country ("a town of 20,000 shares its name")
    assert countries.of_place("Jarablus", "Rebels took Jarablus, Syria.", "SY") == "Syria"


@pytest.mark.parametrize("text", [
    "Ukrainian forces have pushed Russian troops back from Kharkiv, the second city.",  # repelled
    "Ukrainian troops pushed Russian forces away from Kyiv in late March.",
    "Government troops were pushed back by M23 rebels from Kharkiv.",
    "Ukraine's goal of driving Russian forces out of Kharkiv is far off.",  # an aim
    "Ukraine said shortages forced its troops to withdraw from Kharkiv.",  # a cause, no gainer
])
def test_a_side_held_off_or_an_aim_is_no_expulsion(text: str) -> None:
    reading = control.read("Kharkiv", Sentence(0, len(text), text), ["Ukrainian forces"], direct=True)
    assert reading is None or reading.rule != "gain-expel"
    assert reading is None or reading.gained_by is None or "Ukrain" not in reading.gained_by


def test_a_passives_gainer_is_read_inside_its_by_phrase_only() -> None:
    text = ("Russian troops were pushed out of Kherson by a Ukrainian counteroffensive, Russia's "
            "defence ministry said.")
    reading = control.read("Kherson", Sentence(0, len(text), text), ["Russia"], direct=True)
    assert reading is not None and (reading.gained_by, reading.lost_by) == (None, "Russian troops")


@pytest.mark.parametrize("text", [
    "Gunmen abducted dozens of residents from the villages of Kessa and Bori and took them away.",
    "Troops found weapons caches in the villages of Kessa and Bori and seized them.",
])
def test_them_is_a_list_of_places_only_for_a_verb_of_moving_into_ground(text: str) -> None:
    assert control.read("Kessa", Sentence(0, len(text), text), ["Gunmen", "Troops"]) is None


@pytest.mark.parametrize(("text", "gained"), [
    ("Kenyan troops battling al-Shabaab recaptured the town of Bardhere.", "Kenyan troops"),
    ("Kenyan troops battling the group recaptured the town of Bardhere.", "Kenyan troops"),
    ("Soldiers sent to fight the group seized the town of Bardhere.", "Soldiers"),
    ("The RSF, which has been fighting the army for months, seized Bardhere on Friday.", "RSF"),
    ("Fighters from the Group for the Support of Islam and Muslims overran Bardhere.",
     "Group for the Support of Islam and Muslims"),
    ("The Movement for the Salvation of Azawad said its fighters took control of Bardhere.",
     "Movement for the Salvation of Azawad"),
])
def test_a_side_in_a_phrase_about_the_subject_is_not_the_subject(text: str, gained: str) -> None:
    names = ["Kenyan troops", "al-Shabaab", "RSF", "army", "Movement for the Salvation of Azawad"]
    reading = control.read("Bardhere", Sentence(0, len(text), text), names,
                           resolve=lambda at: "ISGS")
    assert reading is not None and reading.gained_by == gained


def test_a_pointer_resolves_only_to_a_group_named_first_and_not_as_an_object() -> None:
    msf = _actor("MSF", "monitor or NGO")
    rsf = _actor("RSF", "non-state armed group")
    hts = _actor("Hayat Tahrir al-Sham", "non-state armed group", ("HTS",))
    isis = _actor("Islamic State", "non-state armed group", ("IS",))
    aa = _actor("Arakan Army", "non-state armed group")
    chin = _actor("Chin Brotherhood", "non-state armed group")
    assert coref.antecedent(["MSF said RSF fighters had attacked the camp.", ""], [msf, rsf]) is None
    # "is" is not IS: the group is HTS
    assert coref.antecedent(["HTS fighters launched an offensive.", "The situation is tense.", ""],
                            [hts, isis]) == "Hayat Tahrir al-Sham"
    assert coref.antecedent(["The Arakan Army repelled an attack by the Chin Brotherhood.", ""],
                            [aa, chin]) == "Arakan Army"
    assert coref.side_pointers("The army restricted the movement of civilians.") == []
    assert coref.side_pointers("Soldiers battling the group advanced.") == []
    assert [p[2] for p in coref.side_pointers("After the group seized it")] == ["the group"]


@pytest.mark.parametrize(("place", "text"), [
    ("Sake", "Rebels seized the road linking Goma, Sake and Minova towns."),
    ("Minova", "Rebels seized the road linking Goma, Sake and Minova towns."),
    ("Minova", "Rebels captured hundreds of soldiers fleeing Goma, Sake and Minova towns."),
    ("North Kivu", "M23 rebels seized Rubaya, North Kivu, Sake and Minova towns."),  # a province
])
def test_a_list_is_read_whole_only_as_the_verbs_own_object(place: str, text: str) -> None:
    sentence = Sentence(0, len(text), text)
    assert control.read(place, sentence, ["Rebels", "M23 rebels"], direct=True) is None


def test_a_passive_of_something_else_at_a_place_does_not_make_it_an_event_site() -> None:
    assert not control.said_taken("Kharkiv", "The footage was captured on a phone in Kharkiv.")
    assert not control.said_taken("Kharkiv", "Kharkiv was captured by Russian forces.")  # read
    assert control.said_taken("Stavky", "Yampil, Drobysheve, and Stavky have been liberated.")


@pytest.mark.parametrize(("place", "text", "gained", "lost"), [
    # passives with an adverb, a time or an aside between
    ("Kurakhove", "Kurakhove was finally captured by Russian troops.", "Russian troops", None),
    ("Aleppo", "Aleppo was taken last week by HTS-led rebels.", "HTS-led rebels", None),
    ("Boni", "Boni, a town on the road to Gao, was overrun by JNIM fighters.", "JNIM fighters", None),
    ("Sake", "Sake fell into the hands of M23 rebels on Friday.", "M23 rebels", None),
    ("Harib", "The district of Harib fell under the control of the Houthis.", "Houthis", None),
    ("Kobani", "Kobani was handed over to Syrian government forces.", "Syrian government forces", None),
    # gain and loss vocabulary
    ("Dessie", "Tigrayan forces established control over Dessie on Saturday.", "Tigrayan forces", None),
    ("Gwoza", "Boko Haram fighters raised their flag over Gwoza.", "Boko Haram fighters", None),
    ("Sinja", "The RSF lost Sinja, the capital of Sennar state, to the army.", "army", "RSF"),
    ("Anefis", "The rebels ceded Anefis to the army without a fight.", "army", "rebels"),
    ("Lysychansk", "Ukrainian forces pulled back from Lysychansk on Sunday.", None, "Ukrainian forces"),
    ("Pokrovsk", "Ukraine's army was forced to withdraw from Pokrovsk.", None, "Ukraine's army"),
    # common nouns for sides, and a party noun that only qualifies a thing of the side
    ("Mirebalais", "Armed gangs overran the town of Mirebalais.", "Armed gangs", None),
    ("Kalehe", "M23 fighters overran an army base and took control of Kalehe.", "M23 fighters", None),
    ("Damasak", "Insurgents burned a police station before seizing Damasak.", "Insurgents", None),
])
def test_more_ways_copy_says_a_place_changed_hands(place: str, text: str, gained: str | None,
                                                  lost: str | None) -> None:
    names = ["Russian troops", "HTS", "JNIM fighters", "M23 rebels", "Houthis", "RSF", "army",
             "Tigrayan forces", "Boko Haram fighters", "M23 fighters"]
    reading = _read(place, text, names)
    assert reading is not None
    assert (reading.gained_by, reading.lost_by) == (gained, lost)


@pytest.mark.parametrize(("place", "text"), [
    ("Pokrovsk", "If Pokrovsk falls to Russian forces, the road to Kramatorsk will be open."),
    ("Pokrovsk", "Once Pokrovsk falls to Russian troops, Moscow could push on."),
    ("Sanaa", "Houthi rebels took control of Sanaa in September 2014, forcing the government out."),
    ("Kidal", "The militants seized a convoy of fuel trucks on the road to Kidal."),
    ("Bunia", "Gunmen captured several aid workers near Bunia on Monday."),
    ("Bakhmut", "Soldiers abandoned their vehicles outside Bakhmut."),
    ("Kharkiv", "Residents lost their homes in Kharkiv."),
])
def test_conditions_background_and_things_beside_a_place_are_no_change(place: str, text: str) -> None:
    assert _read(place, text, ["Russian forces", "militants", "Gunmen", "Soldiers"]) is None


def test_an_aside_about_the_subject_dates_nothing() -> None:
    text = "The RSF, at war with the army since April 2023, seized Um Rawaba on Sunday."
    reading = _read("Um Rawaba", text, ["RSF", "army"])
    assert reading is not None and reading.gained_by == "RSF"


@pytest.mark.parametrize("text", [
    "The army denied that rebels had seized the town of Kalehe.",
    "It was unclear whether rebels had seized Kalehe.",
    "Rebels said they had seized Kalehe, which could not be independently verified.",
])
def test_a_denied_or_doubted_change_is_at_most_a_claim(text: str) -> None:
    assert claims.claimed(text, "rebels")


@pytest.mark.parametrize(("place", "text", "gained"), [
    ("El Fasher", "The RSF now controls El Fasher after an 18-month siege.", "RSF"),
    ("Toretsk", "Toretsk is now under the control of Russian troops, the ministry said.", "Russian troops"),
    ("Goma", "M23 fighters are now in full control of Goma.", "M23 fighters"),
])
def test_a_hold_that_copy_says_is_new_is_a_change(place: str, text: str, gained: str) -> None:
    reading = _read(place, text, ["RSF", "Russian troops", "M23 fighters"])
    assert reading is not None and reading.gained_by == gained
    # without "now" it is only who holds the place, which may be years old
    assert _read(place, text.replace(" now", ""), ["RSF", "Russian troops", "M23 fighters"]) is None


_SIDES = ["Syrian rebels", "Israel", "gunmen", "Hamas", "JNIM", "M23", "Russian forces",
          "Congolese soldiers", "Ukrainian troops", "M23 rebels", "Wagner fighters", "Iraqi forces",
          "RSF", "Sudanese army", "Ukrainian forces", "Russian troops", "Malian army",
          "Palestinian Authority", "Hezbollah", "Ukraine"]


@pytest.mark.parametrize(("place", "text", "gained", "lost"), [
    ("Aleppo", "Syrian rebels entered Aleppo on Friday for the first time since 2016.",
     "Syrian rebels", None),
    ("Goma", "Congolese soldiers, outgunned by M23, pulled back from Goma.", None, "Congolese soldiers"),
    ("Avdiivka", "Ukrainian troops, facing relentless attacks by Russian forces, pulled back from "
                 "Avdiivka.", None, "Ukrainian troops"),
    ("Kalehe", "M23 rebels once again seized the town of Kalehe.", "M23 rebels", None),
    ("Bakhmut", "The once-bustling city of Bakhmut fell to Wagner fighters.", "Wagner fighters", None),
    ("Ramadi", "Iraqi forces, with air support from the coalition, retook Ramadi.", "Iraqi forces", None),
    ("Sinja", "The RSF lost Sinja to the Sudanese army.", "Sudanese army", "RSF"),
    ("Bakhmut", "Ukrainian forces lost the city of Bakhmut to Russian troops.", "Russian troops",
     "Ukrainian forces"),
    ("Kidal", "Army units withdrew from Kidal.", None, "Army"),
    ("Kidal", "The Malian army recaptured on Tuesday the rebel stronghold of Kidal.", "Malian army", None),
])
def test_second_review_changes_read_with_their_sides(place: str, text: str, gained: str | None,
                                                     lost: str | None) -> None:
    reading = _read(place, text, _SIDES)
    assert reading is not None and (reading.gained_by, reading.lost_by) == (gained, lost)


@pytest.mark.parametrize(("place", "text"), [
    ("Gaza", "The bodies of four Israeli hostages held in Gaza were handed over to Israel."),
    ("Bunia", "Three aid workers in Bunia were taken hostage by gunmen."),
    ("Nir Oz", "In Nir Oz, 76 residents were taken hostage by Hamas."),
    ("Kidal", "Weapons looted from Kidal fell into the hands of JNIM."),
    ("Goma", "M23, which now controls Goma and Bukavu, said it would hold talks."),
    ("Donetsk region", "Most of Donetsk region is now under the control of Russian forces."),
    ("Pokrovsk", "Ukraine risks losing Pokrovsk."),
    ("Rafah", "Israel handed over control of the Rafah crossing to the Palestinian Authority."),
    ("Bakhmut", "Ukraine lost the battle of Bakhmut."),
    ("Beirut", "Hezbollah lost Hassan Nasrallah in an Israeli strike in Beirut."),
])
def test_second_review_no_change_of_that_place(place: str, text: str) -> None:
    assert _read(place, text, _SIDES) is None


def test_a_denial_of_something_else_after_the_change_keeps_it_confirmed() -> None:
    text = "Russian troops entered Pokrovsk, Ukraine's army said, denying that the city was encircled."
    assert not claims.claimed(text, "Russian troops", "Ukraine's army")
