"""Which committed baseline a run on this machine is compared with (`eval --machine-baseline`).

Greedy tokens differ slightly between llama.cpp's CPU paths (summariser/backends/cpu.py: repack,
plain) and between its kernel families (AVX-512, AVX2...), so one set of model answers is not
another machine's. Each baseline is therefore measured on one path and one family and named for
them: ``CASES/baseline-<path>-<kernels>.json`` (``baseline-repack-avx2.json`` for the repack path
on an AVX2-only CPU such as AMD Zen 3). A machine whose combination has no committed baseline is
gated by the thresholds file alone (its floors are the lowest value every measured combination
reached), and the command says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class MachineBaseline:
    """The baseline file for this machine's CPU path and kernels, or None, and a line saying which."""

    path: Path | None
    note: str


def this_machine(cpu_setting: str) -> str:
    """"<CPU path>-<kernel family>" ("repack-avx2") this machine resolves `cpu_setting` to with
    the loaded llama.cpp: what a run's report records as `run.cpu`."""
    from summariser.backends import cpu

    return f"{cpu.resolve(cpu_setting).path}-{cpu.loaded_kernels()}"  # type: ignore[arg-type]


def pick(cases_dir: Path, machine: str) -> MachineBaseline:
    """The committed baseline of `cases_dir` for `machine` (a `this_machine` label), if any."""
    candidate = cases_dir / f"baseline-{machine}.json"
    if candidate.is_file():
        return MachineBaseline(candidate, f"cpu {machine}: baseline {candidate}")
    return MachineBaseline(None, f"cpu {machine}: no baseline was measured on this CPU path and "
                                 f"kernel family ({candidate} is absent), so only the "
                                 "thresholds gate this run")
