"""Checks that a gold case is consistent with its own article, before anything is scored.

`python -m summariser.evaluation.check_gold [ROOT]` checks every case of ROOT (a folder holding
manifest.json and cases/, default evals/) and prints one line per problem; it exits 1 when there
is any. The test suite runs the same checks on evals/.
"""

from __future__ import annotations

import sys
from pathlib import Path

from summariser.evaluation.gold import EvalCase, GoldError, load_cases
from summariser.evaluation.text import contains_phrase, numbers_in


def _occurs(name: str, text: str) -> bool:
    return contains_phrase(text, name)


def gold_problems(case: EvalCase) -> list[str]:
    """Every way the gold of `case` disagrees with its article; empty when it is consistent."""
    text, gold, out = case.text, case.gold, []
    for fig in gold.figures:
        if fig.evidence not in text:
            out.append(f"figure {fig.label}: evidence not verbatim in the article: {fig.evidence!r}")
            continue
        if fig.required:
            stated = numbers_in(fig.evidence)
            wanted = [fig.count] if fig.count is not None else [fig.low, fig.high]
            if not set(wanted) <= stated:
                out.append(f"figure {fig.label}: its number is not stated in {fig.evidence!r}")
    for trap in gold.traps:
        if trap.text not in text:
            out.append(f"trap text not verbatim in the article: {trap.text!r}")
            continue
        t0 = text.index(trap.text)
        for fig in gold.figures:
            if fig.evidence not in text:
                continue
            e0 = text.index(fig.evidence)
            if e0 < t0 + len(trap.text) and t0 < e0 + len(fig.evidence):
                out.append(f"trap {trap.text!r} overlaps the evidence of {fig.label}")
            if any(fig.accept and fig.accept[0] <= v <= fig.accept[1] for v in trap.values):
                out.append(f"trap values {trap.values} fall in the accept range of {fig.label}")
    if not gold.is_conflict_report and gold.figures:
        out.append("a story that is not a conflict report has no figures (put its tolls in traps)")
    for change in gold.control_changes or []:
        if change.evidence not in text:
            out.append(f"control change {change.label}: evidence not verbatim: {change.evidence!r}")
    for kind, entities in (("actor", gold.actors), ("place", gold.locations)):
        for entity in entities:
            if entity.required and not any(_occurs(n, text) for n in (entity.name, *entity.aliases)):
                out.append(f"required {kind} {entity.name!r}: no form of its name occurs in the article")
    if gold.narrative is not None and not any(_occurs(n, text) for n in gold.narrative.about):
        out.append(f"narrative: none of {gold.narrative.about} occurs in the article")
    return out


def main(argv: list[str] | None = None) -> int:
    """Check every case under the given root; print problems; 1 when there are any."""
    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0]) if args else Path("evals")
    try:
        cases = load_cases(root)
    except GoldError as exc:
        print(exc)
        return 1
    from summariser.evaluation.case_scoring import score_case
    from summariser.evaluation.oracle import oracle_brief

    bad = 0
    for case in cases:
        problems = gold_problems(case)
        score = score_case(case, oracle_brief(case))
        problems += [f"the oracle brief fails: {f}" for f in score.failures()]
        for p in problems:
            print(f"{case.id}: {p}")
        bad += bool(problems)
    print(f"{len(cases)} case(s) checked, {bad} with problems")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
