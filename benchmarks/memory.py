"""Question 5: peak memory of a batch on the embedded model vs the model file. Target: peak RSS
<= model file size + 500 MB.

Runs ``summariser batch FOLDER --out TMP --no-cache --backend llama`` as a child process over a
folder of articles (default: the four seed articles copied into a temp folder) and reports:

* peak RSS from the kernel (``getrusage(RUSAGE_CHILDREN).ru_maxrss``, exact), and
* the split of RSS sampled from /proc/PID/status every 0.1 s: RssFile (file-backed pages) and
  RssAnon (heap: the weights, read into memory rather than mmap'ed; KV cache, compute buffers,
  Python).

"peak RSS - model file" is what the product adds on top of the weights.

    .venv/bin/python benchmarks/memory.py                            # seeds, 1.5B model
    .venv/bin/python benchmarks/memory.py --cases dansai-raid-missing --limit 1 \
        --model qwen2.5-coder-0.5b-instruct-q4_k_m                   # smoke test
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from _common import (
    add_case_args,
    base_parser,
    eval_cases,
    header,
    machine,
    md_table,
    summariser_cmd,
    write_json,
)

from summariser.config import DEFAULT_LOCAL_MODEL
from summariser.weights import ensure_model

MB = 1024 * 1024
TARGET_EXTRA_MB = 500


class Sampler(threading.Thread):
    """Peak RssAnon / RssFile / VmRSS of one process, read from /proc every ``interval`` s."""

    def __init__(self, pid: int, interval: float = 0.1):
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.peak: dict[str, int] = {"VmRSS": 0, "RssAnon": 0, "RssFile": 0, "RssShmem": 0}
        self.samples = 0
        self.stop = threading.Event()

    def run(self) -> None:
        status = Path(f"/proc/{self.pid}/status")
        while not self.stop.is_set():
            try:
                text = status.read_text()
            except OSError:
                return
            for line in text.splitlines():
                key, _, value = line.partition(":")
                if key in self.peak:
                    self.peak[key] = max(self.peak[key], int(value.split()[0]) * 1024)
            self.samples += 1
            self.stop.wait(self.interval)


def main() -> int:
    parser = base_parser(__doc__.split("\n\n")[0])
    add_case_args(parser)
    parser.add_argument("--model", default=DEFAULT_LOCAL_MODEL, help="Embedded model name.")
    args = parser.parse_args()

    cases = eval_cases(args.cases, args.limit)
    info = machine()
    model_path = ensure_model(args.model)
    model_bytes = model_path.stat().st_size
    work = Path(tempfile.mkdtemp(prefix="bench-mem-"))
    try:
        folder = work / "articles"
        folder.mkdir()
        for case in cases:
            (folder / f"{case.id}.txt").write_bytes(case.text.encode("utf-8"))
        cmd = [*summariser_cmd(), "batch", str(folder), "--out", str(work / "out"), "--no-cache",
               "--backend", "llama", "--model", args.model]
        env = {k: v for k, v in os.environ.items()
               if k not in ("SUMMARISER_BACKEND", "SUMMARISER_MODEL", "OPENAI_BASE_URL",
                            "OPENAI_API_KEY", "SUMMARISER_MODEL_PATH", "SUMMARISER_STRATEGY")}
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True)
        sampler = Sampler(proc.pid)
        sampler.start()
        output, _ = proc.communicate()
        wall = time.perf_counter() - t0
        sampler.stop.set()
        sampler.join()
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # KiB on Linux
        if peak <= before * 1024:
            print("warning: ru_maxrss did not move; another child was bigger", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if proc.returncode not in (0, 1):
        print(output)
        raise SystemExit(f"batch failed with exit code {proc.returncode}")

    extra = peak - model_bytes
    rows = [[args.model, len(cases), f"{wall:.0f}", f"{model_bytes / MB:.0f}", f"**{peak / MB:.0f}**",
             f"{sampler.peak['RssFile'] / MB:.0f}", f"{sampler.peak['RssAnon'] / MB:.0f}",
             f"**{extra / MB:+.0f}**", f"<= {TARGET_EXTRA_MB}"]]
    print(header("5. Peak memory of a batch on the embedded model", info))
    print(f"`summariser batch` over {len(cases)} articles (exit code {proc.returncode}); "
          f"{sampler.samples} samples of /proc/PID/status.\n")
    print(md_table(["model", "articles", "wall s", "model file MB", "peak RSS MB",
                    "peak RssFile MB", "peak RssAnon MB", "peak RSS - model MB", "target MB"], rows))
    verdict = "meets" if extra <= TARGET_EXTRA_MB * MB else "misses"
    print(f"\nVerdict: peak RSS is the model file {extra / MB:+.0f} MB, which {verdict} the "
          f"model + {TARGET_EXTRA_MB} MB target.")
    print("\nLast lines of the batch's output:\n" + "\n".join(output.strip().splitlines()[-3:]))
    write_json(args.json, {"question": "memory", "machine": info, "model": args.model,
                           "model_bytes": model_bytes, "peak_rss_bytes": peak,
                           "peak_sampled": sampler.peak, "wall_s": wall, "articles": len(cases),
                           "exit_code": proc.returncode})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
