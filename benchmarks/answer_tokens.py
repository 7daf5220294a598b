"""Issue #15: where the model's decoded tokens go, read from the answers it gave.

Every stored answer of the embedded model (the answer cache of an eval run) is tokenised with the
model's own tokenizer and split by what it is: the overview (topic, actors, places, control
changes, and the headline and summary that the brief never uses since it takes the article's
own title and lead), and the per-number figure decisions. For the figure decisions it also
counts the tokens the JSON schema alone fixes (braces, quotes, keys, separators): those are the
most that jump-forward decoding could take out of the token-by-token loop.

    .venv/bin/python benchmarks/answer_tokens.py                      # this machine's answer cache
    .venv/bin/python benchmarks/answer_tokens.py --cache-dir DIR      # another run's cache

It reads the cache only: no model call, no decoding (the tokenizer is loaded vocabulary-only).
Answers are tokenised as JSON with the usual ", " and ": " separators; the model's own spacing
under the grammar can differ by a few tokens an answer, so the shares are the point, not the
exact counts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import diskcache
from _common import base_parser, header, machine, md_table, write_json

from summariser.config import Config

_OVERVIEW_FIELDS = ("topic", "actors", "places", "control_changes", "headline", "summary")


def answers(directory: Path) -> list[dict[str, Any]]:
    cache = diskcache.Cache(str(directory))
    out = []
    for key in cache.iterkeys():
        if str(key).startswith("call:"):
            out.append(json.loads(json.loads(cache.get(key))["parsed"]))
    return out


def main() -> None:
    parser = base_parser(__doc__.splitlines()[0])
    parser.add_argument("--cache-dir", type=Path, default=None,
                        help="answer cache to read (default: this machine's, as Config resolves it)")
    args = parser.parse_args()
    from llama_cpp import Llama

    from summariser.backends.llama import resolve_model_path

    config = Config()
    directory = args.cache_dir or config.resolved_cache_dir
    llm = Llama(model_path=str(resolve_model_path(config)), vocab_only=True, verbose=False)

    def tokens(value: Any) -> int:
        return len(llm.tokenize(json.dumps(value, ensure_ascii=False).encode(), add_bos=False))

    info = machine()
    found = answers(directory)
    overviews = [a for a in found if "control_changes" in a and "figures" not in a]
    figures = [a for a in found if {"kind", "group", "reported_by", "scope"} <= a.keys()]
    rows, payload = [], {}
    whole = sum(tokens(a) for a in overviews)
    for name in _OVERVIEW_FIELDS:
        # A field's cost: the answer's tokens less the answer's tokens without it.
        part = sum(tokens(a) - tokens({k: v for k, v in a.items() if k != name})
                   for a in overviews if name in a)
        payload[f"overview.{name}"] = part
        rows.append([f"overview: {name}", f"{part:,}", f"{part / max(1, len(overviews)):.1f}",
                     f"{100 * part / max(1, whole):.1f} %"])
    fig_whole = sum(tokens(a) for a in figures)
    skeleton = sum(tokens({k: "" for k in a}) for a in figures)
    rows.append(["figure decision: all", f"{fig_whole:,}", f"{fig_whole / max(1, len(figures)):.1f}",
                 "100.0 %"])
    rows.append(["figure decision: fixed by the schema (keys, quotes, braces)", f"{skeleton:,}",
                 f"{skeleton / max(1, len(figures)):.1f}", f"{100 * skeleton / max(1, fig_whole):.1f} %"])
    print(header("Where the decoded tokens go (stored answers, the model's tokenizer)", info))
    print(f"{len(overviews)} overview answers ({whole:,} tokens, {whole / max(1, len(overviews)):.1f} "
          f"each) and {len(figures)} figure decisions ({fig_whole:,} tokens) from {directory}\n")
    print(md_table(["part", "tokens", "per answer", "share of its answer type"], rows))
    write_json(args.json, {"machine": info, "overviews": len(overviews), "figures": len(figures),
                           "overview_tokens": whole, "figure_tokens": fig_whole,
                           "figure_skeleton_tokens": skeleton, "parts": payload})


if __name__ == "__main__":
    main()
