"""Report writers: Markdown for CI logs, JSON for machines and baselines, JUnit for CI test
views, and a self-contained HTML page for a human reviewer.

Article text and model output are untrusted: the HTML escapes every piece of it (an article
containing <script> renders as text), and the JUnit writer drops characters XML cannot hold.
"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from summariser.evaluation.figure_scoring import PredictedFigure, evidence_location
from summariser.evaluation.report_narrative import confusion_html, narrative_case_html, narrative_markdown
from summariser.evaluation.runner import CaseResult, EvalReport
from summariser.evaluation.text import find_quote

REPORT_FILES = {"markdown": "eval.md", "json": "eval.json", "junit": "eval.junit.xml", "html": "eval.html"}

# (metric, column header, format) for the split summary table.
_SUMMARY_COLUMNS = [
    ("cases", "Cases", "int"), ("passed", "Pass", "int"),
    ("figure_precision", "Fig P", "rate"), ("figure_recall", "Fig R", "rate"),
    ("figure_f1", "Fig F1", "rate"), ("figure_required_recall", "Req R", "rate"),
    ("reported_by_accuracy", "By acc", "rate"), ("group_accuracy", "Group acc", "rate"),
    ("scope_accuracy", "Scope acc", "rate"),
    ("actor_precision", "Act P", "rate"), ("actor_recall", "Act R", "rate"),
    ("place_precision", "Plc P", "rate"), ("place_recall", "Plc R", "rate"),
    ("conflict_accuracy", "Conflict", "rate"), ("grounding_rate", "Grounded", "rate"),
    ("invented_numbers", "Invented", "int"), ("trap_hits", "Traps", "int"),
    ("latency_p50_s", "p50 s", "secs"), ("latency_p95_s", "p95 s", "secs"),
    ("prompt_tokens", "Prompt tok", "int"), ("completion_tokens", "Compl tok", "int"),
]


def fmt(value: Any, kind: str = "rate") -> str:
    """A metric for a table cell; "—" when it was not measured."""
    if value is None:
        return "—"
    if kind == "int":
        return str(int(value))
    if kind == "secs":
        return f"{value:.1f}"
    if kind == "money":
        return f"${value:.4f}"
    return f"{value:.2f}"


def _md_cell(text: str, limit: int = 120) -> str:
    text = " ".join(str(text).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    # Markdown renderers (CI job summaries) pass raw HTML through: article text must not become markup.
    return html.escape(text, quote=False).replace("|", "\\|")


def _run_line(report: EvalReport) -> str:
    run = report.run
    parts = [f"{k}={run[k]}" for k in ("model", "backend", "strategy", "prompt_hash") if run.get(k)]
    return ", ".join(parts) or "no brief metadata"


def to_markdown(report: EvalReport) -> str:
    """Split summary table (dev/test/all) then one row per case."""
    lines = [f"## Eval ({_run_line(report)})", ""]
    lines.append("| Split | " + " | ".join(h for _, h, _ in _SUMMARY_COLUMNS) + " |")
    lines.append("|---" * (len(_SUMMARY_COLUMNS) + 1) + "|")
    for split, data in report.splits.items():
        m = data["metrics"]
        lines.append(f"| {split} | " + " | ".join(fmt(m[k], f) for k, _, f in _SUMMARY_COLUMNS) + " |")
    lines += narrative_markdown(report)
    notes = []
    if "all" in report.splits:
        overall = report.splits["all"]["metrics"]
        if overall["cost_usd"] is not None:
            notes.append(f"Estimated cost: {fmt(overall['cost_usd'], 'money')}.")
        if overall["cache_hits"]:
            notes.append(f"Cache hits: {overall['cache_hits']} of {overall['cases']} cases (their latency "
                         "is a cache read; run with --no-cache to measure the model).")
    if notes:
        lines += ["", " ".join(notes)]
    lines += ["", "| Case | Split | Result | Fig P | Fig R | Req missed | FP | Invented | Ungrounded "
                  "| Conflict | Latency s | Why |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in report.results:
        tally = r.score.figures.tally()
        failures = r.failures
        lines.append("| " + " | ".join([
            _md_cell(r.case.id), r.case.split, "pass" if r.passed else "FAIL",
            fmt(tally.precision()), fmt(tally.recall()),
            str(len(r.score.figures.missed_required)), str(tally.false_positives),
            str(r.score.invented_count), str(len(r.score.ungrounded)),
            "ok" if r.score.conflict_correct else "WRONG", fmt(r.latency_s, "secs"),
            _md_cell(failures[0] + (f" (+{len(failures) - 1} more)" if len(failures) > 1 else ""))
            if failures else "",
        ]) + " |")
    return "\n".join(lines) + "\n"


def to_json(report: EvalReport) -> str:
    """The full JSON report (also the baseline format read by compare())."""
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _XML_ILLEGAL.sub("\ufffd", text)


def to_junit(report: EvalReport) -> str:
    """JUnit XML: one testcase per gold case; failing cases carry every reason in the message.

    A brief_fn exception is an <error> (the run broke), anything else a <failure>.
    """
    failures = sum(1 for r in report.results if not r.passed and r.error is None)
    errors = sum(1 for r in report.results if r.error is not None)
    total_time = sum(r.latency_s for r in report.results)
    suites = ET.Element("testsuites", tests=str(len(report.results)), failures=str(failures),
                        errors=str(errors), time=f"{total_time:.3f}")
    suite = ET.SubElement(suites, "testsuite", name="summariser-eval", tests=str(len(report.results)),
                          failures=str(failures), errors=str(errors), time=f"{total_time:.3f}")
    for r in report.results:
        case = ET.SubElement(suite, "testcase", classname=f"eval.{r.case.split}", name=r.case.id,
                             time=f"{r.latency_s:.3f}")
        if r.passed:
            continue
        message = _xml_text("; ".join(r.failures))
        tag = "error" if r.error is not None else "failure"
        node = ET.SubElement(case, tag, message=message,
                             type="BriefError" if r.error is not None else "EvalFailure")
        node.text = _xml_text("\n".join(r.failures))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


# --- HTML -------------------------------------------------------------------------------------------

def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


_CSS = """
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222;max-width:1400px}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.25rem .45rem;
vertical-align:top;font-size:.85rem}th{background:#f3f3f3}
.case{border-top:3px solid #888;margin-top:2rem;padding-top:.5rem}
.pass{color:#176317}.fail{color:#b00020;font-weight:bold}
.article{white-space:pre-wrap;background:#fafafa;border:1px solid #ddd;padding:.75rem;
font-family:Georgia,serif;line-height:1.5}
mark{background:none;padding:0}mark.gold{border-bottom:3px solid #2e7d32}
mark.pred{background:#fff2a8}mark.fp{background:#ffc9c9}mark.trap{text-decoration:line-through #666}
tr.missed td{background:#ffe3e3}tr.fp td{background:#ffe3e3}tr.ignored td{color:#777}
.bad{color:#b00020}.legend mark{margin-right:1rem}.small{color:#666;font-size:.8rem}
"""


def _figure_cell(fig: PredictedFigure | None, checks: dict[str, bool | None] | None = None) -> str:
    if fig is None:
        return "—"

    def attr(name: str, value: Any) -> str:
        bad = checks is not None and checks.get(name) is False
        return f'<span class="bad">{_e(value)} ✗</span>' if bad else _e(value)

    route = ""
    if fig.kind == "displaced":
        path = f"{fig.origin or '?'} → {fig.destination or '?'}"
        route = f"<br>route: {attr('route', path)}"
    return (f"<b>{_e(fig.label)}</b> ({_e(fig.qualifier)}) <span class='small'>{_e(fig.path)}</span><br>"
            f"group: {attr('group', fig.group)}; by: {attr('reported_by', fig.reported_by)}; "
            f"scope: {attr('scope', fig.scope)}{route}<br><i>“{_e(fig.evidence)}”</i>")


def _gold_cell(gold: Any) -> str:
    if gold is None:
        return "—"
    by = ", ".join(gold.reported_by) or "unattributed"
    group = gold.group if isinstance(gold.group, str) or gold.group is None else " / ".join(gold.group)
    scope = gold.scope if isinstance(gold.scope, str) or gold.scope is None else " / ".join(gold.scope)
    accept = f"accept {gold.accept[0]}–{gold.accept[1]}" if gold.accept else "unquantified"
    return (f"<b>{_e(gold.label)}</b> ({_e(accept)})<br>group: {_e(group or 'any')}; by: {_e(by)}; "
            f"scope: {_e(scope or 'any')}<br><i>“{_e(gold.evidence)}”</i>")


def _highlighted_article(r: CaseResult) -> str:
    """The article with gold evidence underlined and predicted evidence shaded (red when a
    false positive); traps struck through. Overlaps keep every class."""
    text = r.case.text
    spans: list[tuple[int, int, str]] = []

    def add(where: tuple[int, int] | None, cls: str) -> None:
        if where and 0 <= where[0] < where[1] <= len(text):
            spans.append((where[0], where[1], cls))

    for g in r.case.gold.figures:
        add(find_quote(g.evidence, text), "gold")
    for trap in r.case.gold.traps:
        add(find_quote(trap.text, text), "trap")
    false_ids = {id(p) for p in r.score.figures.false_positives}
    for p in r.score.predicted_figures:
        add(evidence_location(p, text), "fp" if id(p) in false_ids else "pred")
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        classes = sorted({c for s, e, c in spans if s <= a and b <= e})
        piece = _e(text[a:b])
        out.append(f'<mark class="{" ".join(classes)}">{piece}</mark>' if classes else piece)
    return "".join(out)


def _entity_rows(title: str, score: Any) -> str:
    matched = ", ".join(f"{_e(p)} = {_e(g.name)}" for p, g in score.matched) or "—"
    missed = ", ".join(_e(g.name) + (" (required)" if g.required else "") for g in score.missed) or "—"
    fps = ", ".join(_e(n) for n in score.false_positives) or "—"
    return (f"<tr><th>{_e(title)}</th><td>{matched}</td><td class='bad'>{missed}</td>"
            f"<td class='bad'>{fps}</td></tr>")


def _case_html(r: CaseResult) -> str:
    s = r.score
    status = '<span class="pass">pass</span>' if r.passed else '<span class="fail">FAIL</span>'
    predicted_conflict = r.brief.is_conflict_report if r.brief else None
    parts = [f'<section class="case" id="{_e(r.case.id)}"><h2>{_e(r.case.id)} '
             f'<span class="small">[{_e(r.case.split)}]</span> {status}</h2>']
    if r.failures:
        parts.append("<ul>" + "".join(f'<li class="bad">{_e(f)}</li>' for f in r.failures) + "</ul>")
    parts.append(f"<p>is_conflict_report: gold {_e(r.case.gold.is_conflict_report)}, predicted "
                 f"{_e(predicted_conflict)}; latency {r.latency_s:.2f}s; tokens "
                 f"{r.prompt_tokens}+{r.completion_tokens}{'; cached' if r.cached else ''}</p>")
    rows = []
    matches = {m.gold_index: m for m in s.figures.matches}
    for i, g in enumerate(r.case.gold.figures):  # gold order, so the table reads like the labels
        if i in matches:
            m = matches[i]
            rows.append(f"<tr><td>{_gold_cell(g)}</td><td>{_figure_cell(m.pred, m.checks)}</td>"
                        "<td>match</td></tr>")
        else:
            label = "MISSED (required)" if g.required else "missed (optional)"
            cls = "missed" if g.required else "ignored"
            rows.append(f'<tr class="{cls}"><td>{_gold_cell(g)}</td><td>—</td><td>{label}</td></tr>')
    traps = {id(p): t for p, t in s.figures.trap_hits}
    for p in s.figures.false_positives:
        why = f"FALSE POSITIVE (trap: {_e(traps[id(p)].why)})" if id(p) in traps else "FALSE POSITIVE"
        rows.append(f'<tr class="fp"><td>—</td><td>{_figure_cell(p)}</td><td>{why}</td></tr>')
    for p in s.figures.ignored:
        rows.append(f'<tr class="ignored"><td>—</td><td>{_figure_cell(p)}</td>'
                    f"<td>ignored (another fit for an optional figure)</td></tr>")
    if rows:
        parts.append("<table><tr><th>Gold</th><th>Predicted</th><th>Verdict</th></tr>"
                     + "".join(rows) + "</table>")
    else:
        parts.append("<p>No figures expected, none predicted.</p>")
    parts.append("<table><tr><th></th><th>Matched (predicted = gold)</th><th>Missed</th>"
                 "<th>False positives</th></tr>" + _entity_rows("Actors", s.actors)
                 + _entity_rows("Places", s.places) + "</table>")
    parts.append(narrative_case_html(r))
    parts.append(f'<div class="article">{_highlighted_article(r)}</div></section>')
    return "\n".join(parts)


def to_html(report: EvalReport) -> str:
    """A static, self-contained review page (no scripts, no external assets)."""
    summary_rows = []
    for split, data in report.splits.items():
        m = data["metrics"]
        summary_rows.append(f"<tr><th>{_e(split)}</th>" + "".join(
            f"<td>{_e(fmt(m[k], f))}</td>" for k, _, f in _SUMMARY_COLUMNS) + "</tr>")
    header = "<tr><th>Split</th>" + "".join(f"<th>{_e(h)}</th>" for _, h, _ in _SUMMARY_COLUMNS) + "</tr>"
    index = " · ".join(
        f'<a href="#{_e(r.case.id)}" class="{"pass" if r.passed else "fail"}">{_e(r.case.id)}</a>'
        for r in report.results)
    body = "\n".join(_case_html(r) for r in report.results)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>summariser eval</title><style>{_CSS}</style></head><body>
<h1>summariser eval</h1><p>{_e(_run_line(report))}; started {_e(report.run.get("started_at"))}</p>
<table>{header}{"".join(summary_rows)}</table>
<p class="legend"><mark class="gold">gold evidence</mark><mark class="pred">predicted evidence</mark>
<mark class="fp">false positive</mark><mark class="trap">trap text</mark></p>
{confusion_html(report)}
<p>{index}</p>
{body}
</body></html>
"""


def write_reports(report: EvalReport, out_dir: Path | str) -> dict[str, Path]:
    """Write all four reports into `out_dir` (created); returns format -> path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    writers = {"markdown": to_markdown, "json": to_json, "junit": to_junit, "html": to_html}
    paths = {}
    for name, writer in writers.items():
        path = out / REPORT_FILES[name]
        path.write_text(writer(report), encoding="utf-8")
        paths[name] = path
    return paths
