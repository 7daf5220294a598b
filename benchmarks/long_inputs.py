"""Issue #15: client-side cost of long articles, with a model that answers at once.

Generated wire copy (paragraphs with casualty figures, places and sources, each one different)
of 50 KB up to 5 MB goes through summarise() with a FakeBackend whose answers are instant, so
the time is all the product's own work: splitting into parts, finding candidates, grounding and
merging. Linear cost shows as a constant time per KB. The article-size limit
(max_article_chars) is raised for the run.

    .venv/bin/python benchmarks/long_inputs.py
    .venv/bin/python benchmarks/long_inputs.py --sizes 50,200,800      # quicker
"""

from __future__ import annotations

import random
import time

from _common import base_parser, conflict_answer, header, machine, md_table, write_json

from summariser import Config, summarise
from summariser.backends.fake import FakeBackend

_TOWNS = ["Kessra", "Marov", "Ilyas", "Tavrin", "Oskel", "Bereza", "Halvik", "Sumen", "Ratova"]
_SOURCES = ["the health ministry", "local officials", "the UN refugee agency", "police", "medics"]


def generated(kb: int, seed: int = 1) -> str:
    rnd = random.Random(seed)
    paragraphs, size, i = ["Fighting spreads across the northern provinces"], 0, 0
    while size < kb * 1024:
        town, source = rnd.choice(_TOWNS), rnd.choice(_SOURCES)
        p = (f"Shelling killed {rnd.randint(2, 90)} civilians and wounded {rnd.randint(3, 200)} "
             f"others in {town} on day {i}, {source} said. About {rnd.randint(100, 9000):,} "
             f"residents fled towards the coast after the strike, which hit a market near the "
             f"river crossing number {i}.")
        paragraphs.append(p)
        size += len(p) + 1
        i += 1
    return "\n".join(paragraphs)


def main() -> None:
    parser = base_parser(__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,200,800,2000,5000", help="article sizes in KB")
    args = parser.parse_args()
    info = machine()
    answers: dict[type, object] = {}  # one answer per response model: the fake's own cost stays out

    def respond(request):  # type: ignore[no-untyped-def]
        model = request.response_model
        if model not in answers:
            answers[model] = conflict_answer(model.model_json_schema())
        return answers[model]

    fake = FakeBackend(responder=respond)
    rows, payload = [], []
    for kb in (int(x) for x in args.sizes.split(",")):
        text = generated(kb)
        config = Config(backend="fake", use_cache=False, max_article_chars=len(text) + 1)
        started = time.perf_counter()
        brief = summarise(text, config, backend=fake)
        wall = time.perf_counter() - started
        assert brief.meta is not None
        rows.append([kb, f"{len(text):,}", brief.meta.calls, f"{wall:.2f}", f"{wall / kb * 1000:.1f}"])
        payload.append({"kb": kb, "chars": len(text), "calls": brief.meta.calls, "wall_s": wall})
        print(f"{kb} KB: {wall:.2f} s", flush=True)
    print(header("Long inputs: client time per KB with an instant model", info))
    print(md_table(["KB", "characters", "model calls", "wall s", "ms per KB"], rows))
    write_json(args.json, {"machine": info, "rows": payload})


if __name__ == "__main__":
    main()
