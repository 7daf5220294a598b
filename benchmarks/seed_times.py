"""Wall time, calls, tokens and figures per article on the embedded model, uncached, one process.

    .venv/bin/python benchmarks/seed_times.py evals/cases/seed-00{0,1,2,3}.txt

One JSON line per article. The first article also pays for reading the fixed system prompt,
which later articles reuse from llama.cpp's prefix cache. Run it on a quiet machine: a second
llama.cpp process on 2 cores makes both spin-wait and times balloon.
"""

from __future__ import annotations

import json
import sys
import time

from summariser import Config, summarise


def main(paths: list[str]) -> None:
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            article = fh.read()
        started = time.perf_counter()
        brief = summarise(article, Config(use_cache=False))
        wall = time.perf_counter() - started
        assert brief.meta is not None
        figures = [(c.kind, c.count, c.low, c.high, c.group, c.reported_by) for c in brief.casualties]
        figures += [("displaced", d.count, d.low, d.high, d.group, d.reported_by) for d in brief.displacement]
        print(json.dumps({"article": path.rsplit("/", 1)[-1], "wall_s": round(wall, 1),
                          "calls": brief.meta.calls, "prompt_tokens": brief.meta.usage.prompt_tokens,
                          "completion_tokens": brief.meta.usage.completion_tokens, "figures": figures}),
              flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
