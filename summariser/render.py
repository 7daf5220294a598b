"""A brief as readable text for a terminal: every figure with its source and quote."""

from __future__ import annotations

from summariser.schemas.brief import Brief, Casualty, Displacement


def _amount(f: Casualty | Displacement) -> str:
    words = {"at_least": "at least ", "more_than": "more than ", "about": "about ",
             "nearly": "nearly ", "up_to": "up to ", "exact": "", "vague": ""}
    if f.count is not None:
        return f"{words[f.qualifier]}{f.count:,}"
    if f.low is not None and f.high is not None:
        return f"{f.low:,}-{f.high:,}" + (" (vague)" if f.qualifier == "vague" else "")
    return f"{f.low:,}+" if f.low is not None else "unknown"


def render_text(brief: Brief) -> str:
    lines = [brief.headline or "(no headline)", "", brief.summary, ""]
    if not brief.is_conflict_report:
        lines.append("Not a report about armed conflict: no figures extracted.")
    if brief.actors:
        lines.append("Actors:")
        for a in brief.actors:
            extra = f" aka {', '.join(a.aliases)}" if a.aliases else ""
            backed = f", backed by {', '.join(a.backed_by)}" if a.backed_by else ""
            lines.append(f"  - {a.name}{extra} ({a.type}, {a.role}{backed})")
    if brief.locations:
        lines.append("Places: " + "; ".join(f"{p.name} ({p.type}, {p.role})" for p in brief.locations))
    for title, figures in (("Casualties", brief.casualties), ("Displacement", brief.displacement)):
        if figures:
            lines.append(f"{title}:")
            for f in figures:
                kind = f.kind if isinstance(f, Casualty) else "displaced"
                who = f.group_detail or f.group
                src = f.reported_by or "source not stated"
                lines.append(f"  - {_amount(f)} {kind} ({who}; {f.scope}) per {src}")
                where = f" [{f.span[0]}:{f.span[1]}]" if f.span else ""
                lines.append(f"    \"{f.evidence}\"{where}")
    for c in brief.control_changes:
        lines.append(f"Control: {c.place} gained by {c.gained_by or '?'} "
                     f"from {c.lost_by or '?'} ({c.status})")
    for w in brief.warnings:
        lines.append(f"Warning: {w}")
    if brief.meta:
        m = brief.meta
        cached = ", cached" if m.cached else ""
        lines.append(f"[{m.backend}/{m.model}, {m.strategy}, {m.calls} calls, "
                     f"{m.usage.prompt_tokens}+{m.usage.completion_tokens} tokens, "
                     f"{m.latency_s:.1f}s{cached}]")
    return "\n".join(lines).rstrip() + "\n"
