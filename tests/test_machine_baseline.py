"""Each machine is compared with the baseline measured on its CPU path and kernel family."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from test_eval_reports import oracle_fn

from summariser.backends import cpu
from summariser.evaluation import command, machine_baseline
from summariser.evaluation.compare import load_report, load_thresholds
from summariser.evaluation.floors import floors
from summariser.evaluation.machine_baseline import MachineBaseline, pick

ROOT = Path(__file__).resolve().parent.parent
EVALS = ROOT / "evals"
FRESH = EVALS / "fresh"
ZEN3 = ("CPU : SSE3 = 1 | SSSE3 = 1 | AVX = 1 | AVX2 = 1 | F16C = 1 | FMA = 1 | BMI2 = 1 | "
        "LLAMAFILE = 1 | OPENMP = 1 | REPACK = 1 | ")  # llama_print_system_info on AMD Zen 3
GENOA = ("CPU : SSE3 = 1 | SSSE3 = 1 | AVX = 1 | AVX2 = 1 | F16C = 1 | FMA = 1 | BMI2 = 1 | "
         "AVX512 = 1 | AVX512_VBMI = 1 | AVX512_VNNI = 1 | AVX512_BF16 = 1 | LLAMAFILE = 1 | "
         "OPENMP = 1 | REPACK = 1 |")  # the same on AMD Zen 4 (BENCHMARKS.md, question 6)


@pytest.mark.parametrize(("system_info", "family"), [
    (GENOA, "avx512"),
    (ZEN3, "avx2"),
    ("CPU : NEON = 1 | ARM_FMA = 1 | FP16_VA = 1 | REPACK = 1 |", "neon"),
    ("CPU : SSE3 = 1 | SSSE3 = 1 |", "generic"),
    ("", "unknown"),  # llama-cpp-python not installed
])
def test_the_kernel_family_is_the_widest_the_build_has(system_info: str, family: str) -> None:
    assert cpu.kernels(system_info) == family


def test_a_machine_gets_the_baseline_named_for_its_path_and_kernels(tmp_path: Path) -> None:
    (tmp_path / "baseline-repack-avx2.json").write_text("{}")
    found = pick(tmp_path, "repack-avx2")
    assert found.path == tmp_path / "baseline-repack-avx2.json"
    # Another family's baseline is another set of answers: no fallback to it.
    (tmp_path / "baseline-repack-avx512.json").write_text("{}")
    missing = pick(tmp_path, "plain-avx2")
    assert missing.path is None
    assert "baseline-plain-avx2.json is absent" in missing.note and "only the thresholds" in missing.note


@pytest.mark.parametrize("cases_dir", [EVALS, FRESH])
def test_every_committed_baseline_names_a_measured_path_and_kernel_family(cases_dir: Path) -> None:
    names = sorted(p.name for p in cases_dir.glob("baseline*.json"))
    # The CI machines so far: AMD Zen 4 and Intel Sapphire Rapids (AVX-512), AMD Zen 3 (AVX2).
    assert {"baseline-repack-avx512.json", "baseline-plain-avx512.json",
            "baseline-repack-avx2.json"} <= set(names)
    families = {family for _, family in cpu.KERNEL_FAMILIES}
    for name in names:
        match = re.fullmatch(r"baseline-(repack|plain)-([a-z0-9]+)\.json", name)
        assert match and match.group(2) in families, name
        report = load_report(cases_dir / name)
        recorded = report["run"].get("cpu")
        assert recorded in (None, f"{match.group(1)}-{match.group(2)}"), (name, recorded)


def _floors_of(cases_dir: Path, split: str) -> dict[str, float]:
    return floors([load_report(p) for p in sorted(cases_dir.glob("baseline-*.json"))], split)


def test_the_test_split_floors_are_what_every_measured_machine_reached() -> None:
    # CI runs --split test, which picks thresholds-test.toml: its floors are the lowest test-split
    # value of the committed baselines, so every measured path and kernel family passes them.
    limits = load_thresholds(EVALS / "thresholds-test.toml")
    assert command._default_thresholds(EVALS, "test") == EVALS / "thresholds-test.toml"
    assert command._default_thresholds(EVALS, "all") == EVALS / "thresholds.toml"
    assert limits["min"] == _floors_of(EVALS, "test")
    assert limits["min"]["grounding_rate"] == limits["min"]["schema_validity"] == 1.0
    assert limits["max"] == load_thresholds(EVALS / "thresholds.toml")["max"]
    assert limits["tolerance"] == load_thresholds(EVALS / "thresholds.toml")["tolerance"]


def test_the_fresh_set_floors_are_what_every_measured_machine_reached() -> None:
    assert load_thresholds(FRESH / "thresholds.toml")["min"] == _floors_of(FRESH, "all")


# --- the command ---------------------------------------------------------------------------------


def test_the_command_compares_with_this_machines_baseline(monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path: Path) -> None:
    for name in ("SUMMARISER_BACKEND", "SUMMARISER_MODEL", "SUMMARISER_CACHE_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(command, "_brief_fn_factory", lambda config: oracle_fn)
    monkeypatch.setattr(command, "_cpu_label", lambda config: "repack-avx2")
    args = ["--cases", str(EVALS), "--report-dir", str(tmp_path), "--limit", "3", "--json"]
    first = CliRunner().invoke(command.eval_command, args)
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["run"]["cpu"] == "repack-avx2"
    better: dict[str, Any] = json.loads((tmp_path / "eval.json").read_text())
    for split in better["splits"].values():
        split["metrics"]["figure_f1"] = 1.05
    (tmp_path / "baseline-repack-avx2.json").write_text(json.dumps(better))
    chosen = MachineBaseline(tmp_path / "baseline-repack-avx2.json", "cpu repack-avx2")
    picked: list[str] = []
    monkeypatch.setattr(machine_baseline, "pick",
                        lambda cases_dir, machine: picked.append(machine) or chosen)
    worse = CliRunner().invoke(command.eval_command, [*args, "--machine-baseline"])
    assert worse.exit_code == 1, worse.output
    assert "REGRESSION: all: figure_f1 fell from 1.05 to 1 (baseline tolerance 0.02)" in worse.output
    assert picked == ["repack-avx2"]  # the machine's own label chose the file


def test_machine_baseline_is_for_the_embedded_model_and_excludes_baseline(tmp_path: Path) -> None:
    remote = CliRunner().invoke(command.eval_command, [
        "--cases", str(EVALS), "--backend", "fake", "--machine-baseline", "--limit", "1"])
    assert remote.exit_code == 2 and "embedded model" in remote.output
    report = tmp_path / "eval.json"
    report.write_text("{}")
    both = CliRunner().invoke(command.eval_command, [
        "--cases", str(EVALS), "--baseline", str(report), "--machine-baseline"])
    assert both.exit_code == 2 and "pass one" in both.output
