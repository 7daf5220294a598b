"""The narrative's part of the reports: per-split tables, confusion tables and, per case, gold
beside predicted for the headline, summary, control changes, actor types/roles and places.

Everything from an article or a model is escaped (see summariser.evaluation.reports).
"""

from __future__ import annotations

import html
from typing import Any

from summariser.evaluation.runner import CaseResult, EvalReport

# (metric, column header, format) for the narrative summary table.
NARRATIVE_COLUMNS = [
    ("headline_accuracy", "Headline", "rate"), ("summary_accuracy", "Summary", "rate"),
    ("control_right_rate", "Control right", "rate"), ("control_inverted", "Inverted", "int"),
    ("control_spurious", "Spurious", "int"), ("control_missed", "Ctl missed", "int"),
    ("actor_type_accuracy", "Actor type", "rate"), ("actor_role_accuracy", "Actor role", "rate"),
    ("place_country_accuracy", "Country", "rate"), ("place_role_accuracy", "Place role", "rate"),
    ("qualifier_accuracy", "Qualifier", "rate"), ("origin_accuracy", "Origin", "rate"),
    ("destination_accuracy", "Destination", "rate"), ("invented_names", "Invented names", "int"),
]
CONFUSIONS = ("kind", "group", "scope", "actor_type")


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _fmt(value: Any, kind: str) -> str:
    if value is None:
        return "—"
    return str(int(value)) if kind == "int" else f"{value:.2f}"


def _counts(report: EvalReport, split: str, name: str) -> str:
    """ "ok/n" for a rate whose counts the split keeps."""
    counts = report.splits[split]["counts"]
    pair = {
        "headline_accuracy": counts.get("headlines"), "summary_accuracy": counts.get("summaries"),
        **{f"{k}_accuracy": v for k, v in counts.get("labels", {}).items()},
        **{f"{k}_accuracy": v for k, v in counts.get("attributes", {}).items()},
    }.get(name)
    return f" ({pair[0]}/{pair[1]})" if pair else ""


def narrative_markdown(report: EvalReport) -> list[str]:
    """Lines: the narrative table per split, then the confusion tables of the "all" split."""
    lines = ["", "| Split | " + " | ".join(h for _, h, _ in NARRATIVE_COLUMNS) + " |",
             "|---" * (len(NARRATIVE_COLUMNS) + 1) + "|"]
    for name, data in report.splits.items():
        m = data["metrics"]
        lines.append(f"| {name} | " + " | ".join(
            _fmt(m.get(k), f) + (_counts(report, name, k) if f == "rate" else "")
            for k, _, f in NARRATIVE_COLUMNS) + " |")
    split = "all" if "all" in report.splits else next(iter(report.splits), None)
    if split is None:
        return lines
    for name in CONFUSIONS:
        table = report.splits[split].get("confusion", {}).get(name) or {}
        if not table:
            continue
        predicted = sorted({p for row in table.values() for p in row})
        lines += ["", f"Confusion, {name} ({split}; rows gold, columns predicted):", "",
                  "| gold \\ predicted | " + " | ".join(predicted) + " |",
                  "|---" * (len(predicted) + 1) + "|"]
        for gold, row in table.items():
            lines.append(f"| {gold} | " + " | ".join(str(row.get(p, "")) for p in predicted) + " |")
    return lines


def confusion_html(report: EvalReport) -> str:
    """The confusion tables of the "all" split as HTML."""
    split = "all" if "all" in report.splits else next(iter(report.splits), None)
    if split is None:
        return ""
    parts = []
    for name in CONFUSIONS:
        table = report.splits[split].get("confusion", {}).get(name) or {}
        if not table:
            continue
        predicted = sorted({p for row in table.values() for p in row})
        head = "<tr><th>gold \\ predicted</th>" + "".join(f"<th>{_e(p)}</th>" for p in predicted) + "</tr>"
        rows = "".join(
            f"<tr><th>{_e(g)}</th>" + "".join(
                f"<td{' class=bad' if p != g and row.get(p) else ''}>{_e(row.get(p, ''))}</td>"
                for p in predicted) + "</tr>"
            for g, row in table.items())
        parts.append(f"<h3>Confusion: {_e(name)} ({_e(split)})</h3><table>{head}{rows}</table>")
    return "\n".join(parts)


def _verdict(v: str | None) -> str:
    if v is None:
        return '<span class="small">not scored</span>'
    return '<span class="pass">ok</span>' if v == "ok" else f'<span class="bad">{_e(v)}</span>'


def _labels(value: Any) -> str:
    if value is None:
        return "any"
    return " / ".join(value) if isinstance(value, list) else str(value)


def narrative_case_html(r: CaseResult) -> str:
    """Gold beside predicted for every narrative field of one case."""
    n, gold, brief = r.score.narrative, r.case.gold, r.brief
    parts = []
    facts = gold.narrative.facts if gold.narrative else None
    about = ", ".join(gold.narrative.about) if gold.narrative else "—"
    parts.append(
        "<table><tr><th></th><th>Predicted</th><th>Verdict</th><th>Gold</th></tr>"
        f"<tr><th>Headline</th><td>{_e(brief.headline if brief else '')}</td><td>{_verdict(n.headline)}</td>"
        f"<td rowspan=2>about: {_e(about)}<br>{_e(facts or '')}"
        + "".join(f"<br>must not: <code>{_e(c.pattern)}</code> ({_e(c.why)})"
                  for c in (gold.narrative.must_not if gold.narrative else []))
        + f"</td></tr><tr><th>Summary</th><td>{_e(brief.summary if brief else '')}</td>"
        f"<td>{_verdict(n.summary)}</td></tr></table>")
    if n.control.scored or (brief and brief.control_changes):
        rows = []
        for gc, pc, v in n.control.verdicts:
            pred = (f"{_e(pc.place)}: {_e(pc.gained_by)} ← {_e(pc.lost_by)} ({_e(pc.status)})" if pc else "—")
            cls = "" if v == "right" else ' class="bad"'
            rows.append(f"<tr><td>{_e(gc.label)} ({_e(gc.status or 'any')})<br>"
                        f"<i>“{_e(gc.evidence)}”</i></td><td>{pred}</td><td{cls}>{_e(v)}</td></tr>")
        for sp in n.control.spurious:
            rows.append(f"<tr><td>—</td><td>{_e(sp.place)}: {_e(sp.gained_by)} ← {_e(sp.lost_by)}<br>"
                        f"<i>“{_e(sp.evidence)}”</i></td><td class='bad'>spurious</td></tr>")
        if not n.control.scored:
            rows.append("<tr><td colspan=3 class='small'>gold has no control-change labels: "
                        "not scored</td></tr>")
        parts.append("<table><tr><th>Control change (gold)</th><th>Predicted</th><th>Verdict</th></tr>"
                     + "".join(rows) + "</table>")
    if brief is not None:
        actor_rows = []
        for p, g in r.score.actors.pairs:
            a, ga = brief.actors[p], gold.actors[g]
            actor_rows.append(f"<tr><td>{_e(ga.name)}{' (required)' if ga.required else ''}</td>"
                              f"<td>{_e(a.name)}</td><td>{_e(a.type)} / {_e(a.role)}</td>"
                              f"<td>{_e(_labels(ga.type))} / {_e(_labels(ga.role))}</td></tr>")
        place_rows = []
        for p, g in r.score.places.pairs:
            loc, gp = brief.locations[p], gold.locations[g]
            place_rows.append(f"<tr><td>{_e(gp.name)}</td><td>{_e(loc.name)}</td>"
                              f"<td>{_e(loc.country)} / {_e(loc.role)}</td>"
                              f"<td>{_e(', '.join(gp.country) or 'any')} / {_e(_labels(gp.role))}</td></tr>")
        if actor_rows:
            parts.append("<table><tr><th>Actor (gold)</th><th>Predicted</th><th>type / role</th>"
                         "<th>gold type / role</th></tr>" + "".join(actor_rows) + "</table>")
        if place_rows:
            parts.append("<table><tr><th>Place (gold)</th><th>Predicted</th><th>country / role</th>"
                         "<th>gold country / role</th></tr>" + "".join(place_rows) + "</table>")
    errors = n.labels.errors + [f"invented name {w!r} in {where}" for where, w in n.invented]
    if errors:
        parts.append("<ul>" + "".join(f'<li class="bad">{_e(e)}</li>' for e in errors) + "</ul>")
    return "\n".join(parts)
