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
    cpu: str  # "<path>-<kernels>", e.g. "repack-avx2"
    note: str


def baseline_name(cpu_path: str, kernels: str) -> str:
    """The file name of the baseline measured on `cpu_path` with `kernels`."""
    return f"baseline-{cpu_path}-{kernels}.json"


def pick(cases_dir: Path, cpu_path: str, kernels: str) -> MachineBaseline:
    """The committed baseline of `cases_dir` for this path and kernel family, if there is one."""
    cpu = f"{cpu_path}-{kernels}"
    candidate = cases_dir / baseline_name(cpu_path, kernels)
    if candidate.is_file():
        return MachineBaseline(candidate, cpu, f"cpu {cpu}: baseline {candidate}")
    return MachineBaseline(None, cpu, f"cpu {cpu}: no baseline was measured on this CPU path and "
                                      f"kernel family ({candidate} is absent), so only the "
                                      "thresholds gate this run")


def this_machine(cpu_setting: str) -> tuple[str, str]:
    """(CPU path, kernel family) this machine resolves `cpu_setting` to with the loaded build."""
    from summariser.backends import cpu

    choice = cpu.resolve(cpu_setting)  # type: ignore[arg-type]
    return choice.path, cpu.kernels(cpu.llama_system_info())


def for_this_machine(cases_dir: Path, cpu_setting: str) -> MachineBaseline:
    """`pick` for this machine's CPU path and kernel family."""
    return pick(cases_dir, *this_machine(cpu_setting))
