"""Issue #15: time per article of this tree vs a release, side by side in one run.

Each side is its own worker process (benchmarks/_release_worker.py) with PYTHONPATH set to that
side's source tree: `git archive` of a ref, or a copy of this working tree (uncommitted changes
included). Both load the embedded model on the same CPU path, brief one warm-up article that is
not counted (it reads the fixed system prompt into the prefix cache, as every article after the
first of a batch finds it), then take the eval articles in turn, the order of the sides
alternating from one article to the next, uncached (each worker has its own empty cache).
At the end each worker calibrates llama.cpp's rates on its own model, for the floor
(prefilled tokens / prefill rate + decoded tokens / decode rate, as in question 1).

Reported per article and side: model calls, prefilled and decoded tokens, wall time, floor; and
whether the two briefs are the same (every field but `meta`).

    .venv/bin/python benchmarks/release_speed.py --ref 52678e2 --every 3 --json reports/bench/release.json
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from _common import REPO, base_parser, command_line, machine, md_table, write_json
from floor import CallRecord, Rates, call_floor

from summariser.backends.llama import resolve_model_path
from summariser.config import Config
from summariser.evaluation import load_cases

SOURCES = ("summariser", "prompts", "schemas")
WARM_UP = "seed-000"


def source_tree(ref: str | None, into: Path) -> Path:
    """The package laid out as an importable tree: summariser/ with its prompts and schemas
    folders where the installed package has them."""
    into.mkdir(parents=True)
    if ref is None:
        for name in SOURCES:
            shutil.copytree(REPO / name, into / name, ignore=shutil.ignore_patterns("__pycache__"))
    else:
        archive = subprocess.run(["git", "-C", str(REPO), "archive", ref, *SOURCES],
                                 check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    for name in ("prompts", "schemas"):
        (into / "summariser" / name).symlink_to(into / name)
    return into


class Side:
    def __init__(self, name: str, tree: Path, home: Path, path: str, model: Path):
        env = dict(os.environ, PYTHONPATH=str(tree), SUMMARISER_HOME=str(home),
                   SUMMARISER_CACHE_DIR=str(home / "cache"), SUMMARISER_LLAMA_ISOLATION="inline",
                   SUMMARISER_MODEL_PATH=str(model), RELEASE_CPU_PATH=path)
        if path != "auto":
            env["SUMMARISER_CPU_PATH"] = path
        self.name = name
        home.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [sys.executable, str(REPO / "benchmarks" / "_release_worker.py")], cwd=str(home),
            env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise SystemExit(f"the {self.name} worker died (exit {self.proc.wait()})")
        return json.loads(line)

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


def summary(run: dict[str, Any], rates: Rates) -> dict[str, Any]:
    calls = [CallRecord(wall_s=0.0, **call) for call in run["calls"]]
    return {"calls": len(calls), "prefilled": sum(c.prefill_tokens for c in calls),
            "decoded": sum(c.decode_tokens for c in calls), "wall_s": run["wall_s"],
            "floor_s": sum(call_floor(c, rates) for c in calls)}


def same_brief(a: dict[str, Any], b: dict[str, Any]) -> str:
    """"yes" when the two briefs are equal; else which fields differ, with the warnings that
    only one side gave (a warning is text for the reader, not a finding)."""
    if a == b:
        return "yes"
    fields = [k for k in a if a[k] != b.get(k)]
    if fields == ["warnings"]:
        gone = [w for w in a["warnings"] if w not in b["warnings"]]
        new = [w for w in b["warnings"] if w not in a["warnings"]]
        return "findings same; warnings " + "; ".join(
            [f"-{w[:40]!r}" for w in gone] + [f"+{w[:40]!r}" for w in new])
    return "**no**: " + ", ".join(fields)


def run(args: Any) -> dict[str, Any]:
    """Brief the articles on both sides; every number measured, as JSON."""
    info = machine()
    cases = [c for c in load_cases(REPO / "evals", args.split) if not c.id.startswith("seed-")]
    cases = cases[::args.every]
    warm = next(c for c in load_cases(REPO / "evals", "all") if c.id == WARM_UP)
    model = resolve_model_path(Config.from_env())
    work = Path(tempfile.mkdtemp(prefix="release-speed-"))
    names = (f"release {args.ref}", "this tree")
    sides = [Side(name, source_tree(ref, work / f"src{i}"), work / f"home{i}", args.path, model)
             for i, (name, ref) in enumerate(zip(names, (args.ref, None), strict=True))]
    runs: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in names}
    try:
        for side in sides:
            side.ask({"op": "brief", "id": warm.id, "text": warm.text})
        for i, case in enumerate(cases):
            for side in (sides if i % 2 == 0 else sides[::-1]):
                runs[side.name][case.id] = side.ask({"op": "brief", "id": case.id, "text": case.text})
            print(f"{case.id}: " + ", ".join(
                f"{s.name} {runs[s.name][case.id]['wall_s']:.1f} s" for s in sides),
                file=sys.stderr, flush=True)
        rates = {s.name: s.ask({"op": "calibrate", "text": warm.text}) for s in sides}
    finally:
        for side in sides:
            side.close()
        shutil.rmtree(work, ignore_errors=True)
    return {"machine": info, "command": command_line(), "ref": args.ref, "path": args.path,
            "rates": rates, "runs": runs}


def render(payload: dict[str, Any]) -> str:
    """The Markdown report of a run: per-article table, medians, totals."""
    names = list(payload["runs"])
    runs = payload["runs"]
    # The same model on the same machine: the best of both sides' calibrations.
    rate = Rates.best(*(Rates(**r) for r in payload["rates"].values()))
    rows, table = [], {name: [] for name in names}
    for cid in runs[names[0]]:
        per = {name: summary(runs[name][cid], rate) for name in names}
        for name in names:
            table[name].append(per[name])
        a, b = per[names[0]], per[names[1]]
        rows.append([cid, f"{a['calls']} / {b['calls']}", f"{a['prefilled']} / {b['prefilled']}",
                     f"{a['decoded']} / {b['decoded']}", f"{a['wall_s']:.1f} / {b['wall_s']:.1f}",
                     f"{a['floor_s']:.1f} / {b['floor_s']:.1f}",
                     same_brief(runs[names[0]][cid]["brief"], runs[names[1]][cid]["brief"])])
    med = {name: {k: statistics.median(r[k] for r in table[name])
                  for k in ("calls", "prefilled", "decoded", "wall_s", "floor_s")} for name in names}
    tot = {name: {k: sum(r[k] for r in table[name]) for k in ("wall_s", "floor_s", "decoded")}
           for name in names}
    a, b = med[names[0]], med[names[1]]
    findings_same = sum(r[-1] == "yes" or r[-1].startswith("findings same") for r in rows)
    rows.append(["**median**", f"{a['calls']:g} / {b['calls']:g}",
                 f"{a['prefilled']:g} / {b['prefilled']:g}", f"{a['decoded']:g} / {b['decoded']:g}",
                 f"{a['wall_s']:.1f} / {b['wall_s']:.1f}", f"{a['floor_s']:.1f} / {b['floor_s']:.1f}",
                 f"findings same in {findings_same} of {len(rows)}"])
    ta, tb = tot[names[0]], tot[names[1]]
    info = payload["machine"]
    return "\n".join([
        f"## {names[0]} vs {names[1]}, side by side",
        "",
        f"- command: `{payload['command']}`",
        f"- date: {info['date_utc']}; machine: {info['cores']} cores, {info['cpu']}; "
        f"load average at start: {info.get('loadavg_1m_at_start')}",
        "",
        f"CPU path: {payload['path']}; rates (best of both sides' calibrations): prefill "
        f"{rate.prefill_long:.1f} tok/s, suffix {1000 * rate.short_fixed_s:.0f} ms + "
        f"{1000 * rate.short_per_token_s:.1f} ms/token, decode {rate.decode:.2f} tok/s",
        "",
        md_table([f"article ({len(rows) - 1})", "calls", "prefilled tok", "decoded tok", "wall s",
                  "floor s", "same brief"], rows),
        "",
        f"Median wall per article: {a['wall_s']:.1f} s -> {b['wall_s']:.1f} s "
        f"({a['wall_s'] / b['wall_s']:.2f}x); all articles: {ta['wall_s']:.0f} s -> "
        f"{tb['wall_s']:.0f} s ({ta['wall_s'] / tb['wall_s']:.2f}x); wall / floor "
        f"{ta['wall_s'] / ta['floor_s']:.3f} -> {tb['wall_s'] / tb['floor_s']:.3f}; decoded tokens "
        f"{ta['decoded']} -> {tb['decoded']}.",
    ])


def main() -> int:
    parser = base_parser(__doc__.split("\n")[0])
    parser.add_argument("--ref", default="HEAD", help="The release to compare with (a git ref).")
    parser.add_argument("--path", choices=("auto", "repack", "plain"), default="auto",
                        help="llama.cpp CPU path for both sides (auto: what this machine picks).")
    parser.add_argument("--split", default="all", help="Eval split of the main set.")
    parser.add_argument("--every", type=int, default=1, help="Every Nth eval article only.")
    parser.add_argument("--render", type=Path, default=None, metavar="JSON",
                        help="Print the report of a run saved with --json; run nothing.")
    args = parser.parse_args()
    if args.render is not None:
        print(render(json.loads(args.render.read_text(encoding="utf-8"))))
        return 0
    payload = run(args)
    print(render(payload))
    write_json(args.json, payload)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
