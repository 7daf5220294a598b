"""The batch run report (report.json + report.md) and its digest of figures across the run.

The digest reads the final briefs.jsonl and gathers, per place and per actor, the casualty
figures the briefs give, by kind (killed / injured / missing). It then flags places where
articles give *different* tolls for the same place and day (the article's ``published`` date,
or "unknown" when it has none), and lists those articles side by side so a reader can check the
quotes. Sums are sums of reported figures: the same event reported by three articles is counted
three times, which is why the report shows the number of reports and the range next to each sum.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from summariser.inputs import published_day

KINDS = ("killed", "injured", "missing")
UNKNOWN_DAY = "unknown"
NO_PLACE = "(place not stated)"

# Caps keep report.json readable on a run of a million articles; the totals say what was cut.
MAX_PLACES = 200
MAX_ACTORS = 200
MAX_CONFLICTS = 500
MAX_EVIDENCE_CHARS = 200


def _key(name: str) -> str:
    """Loose identity for names across articles: case, spacing and a leading "the" don't count."""
    key = re.sub(r"\s+", " ", name).strip().casefold()
    return key[4:] if key.startswith("the ") else key


def _value(fig: dict[str, Any]) -> int | None:
    """The single number a figure stands for: its best count, else its lower bound."""
    for name in ("count", "low"):
        v = fig.get(name)
        if isinstance(v, int) and not isinstance(v, bool):
            return v
    return None


@dataclass
class _Tally:
    reports: int = 0
    total: int = 0
    low: int | None = None
    high: int | None = None
    articles: set[str] = field(default_factory=set)

    def add(self, value: int | None, article: str) -> None:
        self.reports += 1
        self.articles.add(article)
        if value is None:
            return
        self.total += value
        self.low = value if self.low is None else min(self.low, value)
        self.high = value if self.high is None else max(self.high, value)

    def as_dict(self) -> dict[str, Any]:
        return {"reports": self.reports, "articles": len(self.articles), "sum": self.total,
                "min": self.low, "max": self.high}


@dataclass
class _Entity:
    spellings: Counter[str] = field(default_factory=Counter)
    articles: set[str] = field(default_factory=set)
    kinds: dict[str, _Tally] = field(default_factory=lambda: defaultdict(_Tally))
    roles: Counter[str] = field(default_factory=Counter)

    @property
    def name(self) -> str:
        return self.spellings.most_common(1)[0][0]

    def weight(self) -> tuple[int, int]:
        return (sum(t.reports for t in self.kinds.values()), len(self.articles))


def _article_toll(figs: list[dict[str, Any]]) -> int | None:
    """One article's toll for one place/day/kind from its figures.

    An article often splits a toll ("5 civilians and 3 soldiers killed") or repeats it ("8
    killed, including 5 civilians"). Take the larger of its largest unspecified-group figure and
    the sum over civilians + combatants of each group's largest figure: 8 in both examples.
    """
    unspecified = [v for f in figs if f.get("group", "mixed/unspecified") == "mixed/unspecified"
                   if (v := _value(f)) is not None]
    by_group: dict[str, int] = {}
    for f in figs:
        group = f.get("group")
        v = _value(f)
        if group in ("civilians", "combatants") and v is not None:
            by_group[group] = max(by_group.get(group, 0), v)
    candidates = ([max(unspecified)] if unspecified else []) + (
        [sum(by_group.values())] if by_group else [])
    return max(candidates) if candidates else None


def _figure_view(fig: dict[str, Any]) -> dict[str, Any]:
    evidence = fig.get("evidence") or ""
    if len(evidence) > MAX_EVIDENCE_CHARS:
        evidence = evidence[: MAX_EVIDENCE_CHARS - 1] + "…"
    return {
        "count": fig.get("count"), "low": fig.get("low"), "high": fig.get("high"),
        "qualifier": fig.get("qualifier"), "group": fig.get("group"),
        "group_detail": fig.get("group_detail"), "reported_by": fig.get("reported_by"),
        "evidence": evidence,
    }


def build_digest(lines: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Aggregate brief lines (as written to briefs.jsonl) into the run digest.

    Returns ``{"articles", "places", "actors", "conflicts", ...}``; see the module docstring.
    A line whose id was already seen is ignored (a brief counts once).
    """
    places: dict[str, _Entity] = defaultdict(_Entity)
    actors: dict[str, _Entity] = defaultdict(_Entity)
    # (place key, day, kind, scope) -> article id -> that article's figures
    groups: dict[tuple[str, str, str, str], dict[str, list[dict[str, Any]]]] = defaultdict(
        lambda: defaultdict(list))
    meta: dict[str, dict[str, Any]] = {}
    seen: set[str] = set()
    n_articles = n_figures = 0

    for line in lines:
        aid = line.get("id")
        brief = line.get("brief")
        if not isinstance(aid, str) or aid in seen or not isinstance(brief, dict):
            continue
        seen.add(aid)
        n_articles += 1
        day = published_day(line.get("published")) or UNKNOWN_DAY

        # Resolve a perpetrator named by alias ("HTS") to the actor's full name in this brief.
        alias_to_name: dict[str, str] = {}
        for actor in brief.get("actors") or []:
            name = (actor.get("name") or "").strip()
            if not name:
                continue
            for alias in [name, *(actor.get("aliases") or [])]:
                alias_to_name.setdefault(_key(alias), name)
            entity = actors[_key(name)]
            entity.spellings[name] += 1
            entity.articles.add(aid)
            entity.roles[actor.get("role") or "other"] += 1

        sites = [loc.get("name") for loc in brief.get("locations") or []
                 if loc.get("role") == "event site" and loc.get("name")]
        # A figure with no place of its own belongs to the event site when there is only one.
        default_place = sites[0] if len(sites) == 1 else None

        for fig in brief.get("casualties") or []:
            kind = fig.get("kind")
            if kind not in KINDS:
                continue
            n_figures += 1
            value = _value(fig)
            place = (fig.get("location") or default_place or NO_PLACE).strip() or NO_PLACE
            pkey = _key(place)
            p = places[pkey]
            p.spellings[place] += 1
            p.articles.add(aid)
            p.kinds[kind].add(value, aid)

            perpetrator = (fig.get("perpetrator") or "").strip()
            if perpetrator:
                name = alias_to_name.get(_key(perpetrator), perpetrator)
                a = actors[_key(name)]
                a.spellings[name] += 1
                a.articles.add(aid)
                a.kinds[kind].add(value, aid)

            if pkey != _key(NO_PLACE):
                groups[(pkey, day, kind, fig.get("scope") or "incident")][aid].append(fig)
                meta.setdefault(aid, {"title": line.get("title"), "url": line.get("url"),
                                      "published": line.get("published")})

    conflicts: list[dict[str, Any]] = []
    for (pkey, day, kind, scope), by_article in groups.items():
        if len(by_article) < 2:
            continue
        tolls = {aid: _article_toll(figs) for aid, figs in by_article.items()}
        distinct = {t for t in tolls.values() if t is not None}
        if len(distinct) < 2:
            continue
        conflicts.append({
            "place": places[pkey].name, "day": day, "kind": kind, "scope": scope,
            "tolls": sorted(distinct),
            "articles": [
                {"id": aid, **meta.get(aid, {}), "toll": tolls[aid],
                 "figures": [_figure_view(f) for f in by_article[aid]]}
                for aid in sorted(by_article, key=lambda a: (tolls[a] is None, tolls[a] or 0, a))
            ],
        })
    conflicts.sort(key=lambda c: (c["place"].casefold(), c["day"], c["kind"], c["scope"]))

    def entity_rows(entities: dict[str, _Entity], cap: int, label: str) -> list[dict[str, Any]]:
        ranked = sorted(entities.values(), key=lambda e: (-e.weight()[0], -e.weight()[1], e.name))
        rows = []
        for e in ranked[:cap]:
            row: dict[str, Any] = {label: e.name, "articles": len(e.articles)}
            if len(e.spellings) > 1:
                row["spellings"] = [s for s, _ in e.spellings.most_common(5)]
            if label == "actor":
                row["roles"] = dict(e.roles.most_common())
            row["casualties"] = {k: e.kinds[k].as_dict() for k in KINDS if k in e.kinds}
            rows.append(row)
        return rows

    return {
        "articles": n_articles,
        "figures": n_figures,
        "places_total": len(places),
        "places": entity_rows(places, MAX_PLACES, "place"),
        "actors_total": len(actors),
        "actors": entity_rows(actors, MAX_ACTORS, "actor"),
        "conflicts_total": len(conflicts),
        "conflicts": conflicts[:MAX_CONFLICTS],
    }


# ----------------------------------------------------------------------------------------------
# markdown


def _cell(value: Any) -> str:
    # Titles, names and quotes come from the feed and the articles: report.md is shown on CI
    # summary pages, whose Markdown passes raw HTML through, so none of it may become markup.
    text = "" if value is None else str(value)
    return html.escape(text, quote=False).replace("|", "\\|").replace("\n", " ")


def _tally_cell(t: dict[str, Any] | None) -> str:
    if not t:
        return ""
    if t["min"] is None:
        return f"{t['reports']} vague"
    spread = f"{t['min']}" if t["min"] == t["max"] else f"{t['min']}–{t['max']}"
    reports = f"{t['reports']} report" + ("" if t["reports"] == 1 else "s")
    return f"Σ {t['sum']} ({reports}, {spread})"


def _figure_text(f: dict[str, Any]) -> str:
    if f.get("count") is not None:
        n = str(f["count"])
    elif f.get("low") is not None or f.get("high") is not None:
        lo, hi = f.get("low"), f.get("high")
        n = f"{'?' if lo is None else lo}–{'?' if hi is None else hi}"
    else:
        n = "?"
    q = f.get("qualifier")
    parts = [n if q in (None, "exact") else f"{n} ({q})"]
    if f.get("group") and f["group"] != "mixed/unspecified":
        parts.append(f["group"] + (f" / {f['group_detail']}" if f.get("group_detail") else ""))
    if f.get("reported_by"):
        parts.append(f"per {f['reported_by']}")
    return ", ".join(parts) + (f' — "{f["evidence"]}"' if f.get("evidence") else "")


def render_markdown(report: dict[str, Any]) -> str:
    """The human-readable report.md for a report dict as built by the batch runner."""
    c = report["counts"]
    final = report["final"]
    tokens = report["tokens"]
    cost = report.get("cost_estimate_usd")
    out = [
        "# Batch run report",
        "",
        f"- Input: `{report['input']}` ({report['input_kind']})",
        f"- Output: `{report['out_dir']}`",
        f"- Status: **{report['status']}**"
        + (f" — {report['status_detail']}" if report.get("status_detail") else ""),
        f"- Started {report['started_at']}, finished {report['finished_at']}, "
        f"wall time {report['wall_time_s']:.1f} s",
        f"- Model: {report['settings'].get('model') or 'n/a'} "
        f"(backend {report['settings'].get('backend') or 'n/a'}, "
        f"strategy {report['settings'].get('strategy') or 'n/a'}), "
        f"concurrency {report['settings']['concurrency']}, "
        f"{report['settings'].get('workers', 1)} process(es)",
        "",
        "## This run",
        "",
        "| inputs | briefed | errors | from cache | skipped (already done) | retried | recovered |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        f"| {c['inputs']} | {c['briefed']} | {c['errors']} | {c['cached']} | {c['skipped_done']} "
        f"| {c['retried']} | {c['recovered']} |",
        "",
        f"- Tokens: {tokens['prompt']} prompt + {tokens['completion']} completion = "
        f"{tokens['total']} (cache hits cost none: {report['cache_hits']})",
        f"- Cost estimate: {'n/a (no price configured)' if cost is None else f'${cost:.4f}'}",
    ]
    if report.get("ignored", {}).get("count"):
        ig = report["ignored"]
        out.append(f"- Ignored (not articles): {ig['count']}, e.g. "
                   + ", ".join(_cell(e) for e in ig["examples"][:5]))
    if report.get("repairs", {}).get("partial_lines_dropped") or report.get("repairs", {}).get(
            "corrupt_lines"):
        r = report["repairs"]
        out.append(f"- Repaired output: {r['partial_lines_dropped']} partial trailing line(s) "
                   f"dropped, {r['corrupt_lines']} unreadable line(s) ignored")
    out += [
        "",
        "## Output now",
        "",
        f"- `briefs.jsonl`: {final['briefs']} briefs",
        f"- `errors.jsonl`: {final['errors']} current failures"
        + ("" if not final["errors_by_class"] else " — " + ", ".join(
            f"{k} {v}" for k, v in sorted(final["errors_by_class"].items()))),
    ]

    d = report.get("digest")
    if d:
        out += ["", "## Digest", "",
                f"{d['figures']} casualty figures from {d['articles']} briefs. Σ is the sum of "
                "reported figures (an event reported by several articles counts each time); "
                "the range and number of reports say how far to trust it.", ""]
        if d["conflicts"]:
            out += [f"### Different tolls for the same place and day ({d['conflicts_total']})", ""]
            for conf in d["conflicts"][:100]:
                out.append(f"**{_cell(conf['place'])}, {conf['day']}, {conf['kind']} "
                           f"({conf['scope']})**: tolls {', '.join(map(str, conf['tolls']))}")
                out += ["", "| article | toll | figures |", "|---|---:|---|"]
                for a in conf["articles"]:
                    label = a["id"] + (f" — {a['title']}" if a.get("title") else "")
                    figs = "<br>".join(_cell(_figure_text(f)) for f in a["figures"])
                    out.append(f"| {_cell(label)} | {_cell(a['toll'])} | {figs} |")
                out.append("")
            if d["conflicts_total"] > 100:
                out += [f"… {d['conflicts_total'] - 100} more in report.json.", ""]
        else:
            out += ["No place and day with different tolls.", ""]
        for title, rows, label in (("By place", d["places"], "place"),
                                   ("By actor (casualties attributed to them)", d["actors"], "actor")):
            if not rows:
                continue
            out += [f"### {title}", "", f"| {label} | articles | killed | injured | missing |",
                    "|---|---:|---|---|---|"]
            for row in rows[:50]:
                k = row["casualties"]
                out.append(f"| {_cell(row[label])} | {row['articles']} | "
                           + " | ".join(_tally_cell(k.get(kind)) for kind in KINDS) + " |")
            total = d["places_total"] if label == "place" else d["actors_total"]
            if total > 50:
                out.append(f"\n… {total - 50} more in report.json.")
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def dumps_report(report: dict[str, Any]) -> str:
    """report.json text: stable key order so two reports diff cleanly."""
    return json.dumps(report, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
