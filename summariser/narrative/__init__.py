"""The parts of a brief around its figures, checked by code the way figures are.

    actor_types   ordered, named rules (lexicon/actors.toml) type an actor before the model does
    countries     the country of each place, from the article's words and the gazetteer
    control       each change of control read back from its sentence: who gained, who lost
    lead          headline and summary taken from the article's own title and lead
"""
