"""The kit's command line: exit codes 0 / 1 / 2 as a contract, the shrunk program printed and
replayable with ``replay --structure MODULE:CLASS``, program files with kind, scale and repairs,
and the conformance report (the vectors commands and the outside test suite that uses the pytest
plugin: tests/test_conformance_vectors.py)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from proofs_checks.__main__ import main
from proofs_checks.conformance import approx_check, dynamic_check

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


class Result:
    def __init__(self, returncode, stdout, stderr):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


@pytest.fixture
def cli(capsys, monkeypatch):
    """Run the command line in this process (``main(argv)``); the exit code and the printed text."""
    def run(*args, cwd=ROOT):
        monkeypatch.chdir(cwd)
        try:
            code = main(list(args))
        except SystemExit as exc:           # argparse's own usage errors
            code = exc.code
        out, err = capsys.readouterr()
        return Result(code, out, err)
    return run


@pytest.fixture
def small_budgets(monkeypatch):
    """The searches of the command line at test size (the reference's own run keeps quick's)."""
    monkeypatch.setitem(dynamic_check.BUDGETS, "quick", {"float": 10, "wide": 5, "exact": 3, "steps": 10,
                                                          "hostile": 50})
    monkeypatch.setitem(approx_check.BUDGETS, "quick", {"search": 25, "sample": 8})


def test_reference_conforms_and_writes_the_report(cli, tmp_path):
    res = cli("check-dynamic", "impl.dynamic:DynamicAttention", "--out", str(tmp_path))
    assert res.returncode == 0, res.stdout + res.stderr
    assert "impl.dynamic.DynamicAttention: conforming" in res.stdout
    record = json.loads((tmp_path / "conformance.json").read_text())
    assert record["verdict"] == "conforming" and record["options"]["kinds"] == ["float", "wide", "exact"]
    html = (tmp_path / "conformance.html").read_text()
    assert "<script" not in html and "conforming" in html


def test_defect_exits_1_with_a_replayable_program(cli, small_budgets, tmp_path):
    res = cli("check-dynamic", "benchmarks.peers.planted:DroppedThreshold", "--fail-fast", "--out", str(tmp_path))
    assert res.returncode == 1, res.stdout + res.stderr
    assert "DEFECT (threshold boundaries)" in res.stdout and "shrunk program:" in res.stdout
    replay_line = next(line for line in res.stdout.splitlines() if "replay: python -m proofs_checks replay" in line)
    program_file = replay_line.split()[-1]
    again = cli("replay", "--structure", "benchmarks.peers.planted:DroppedThreshold", program_file)
    assert again.returncode == 1 and again.stdout.startswith("benchmarks.peers.planted.DroppedThreshold: answer")
    fixed = cli("replay", "--structure", "benchmarks.peers.planted:Correct", program_file)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr


@pytest.mark.parametrize("args, words", [
    (["check-dynamic", "no_such_module_xyz:Thing"], "cannot import"),
    (["check-dynamic", "impl.attention:attention"], "protocol"),
    (["check-dynamic", "impl.dynamic:DynamicAttention", "--kinds", "nope"], "nope"),
    (["check-dynamic", "impl.dynamic:DynamicAttention", "--tol", "-1"], "--tol"),
    (["check-approx", "no_such_module_xyz:f"], "cannot import"),
    (["check-approx", "impl.attention:attention", "--coefficients", "1,1"], "--radius"),
    (["vectors", "check", "impl.dynamic:DynamicAttention", "/no/such/dir"], "not a directory"),
    (["replay", "--structure", "no_such_module_xyz:X", "prog.json"], "cannot import"),
])
def test_usage_errors_exit_2(cli, small_budgets, tmp_path, args, words):
    (tmp_path / "prog.json").write_text(json.dumps({"Q": [[0.0]], "K": [[0.0]], "V": [[1.0]], "ops": []}))
    res = cli(*args, cwd=tmp_path)
    assert res.returncode == 2, res.stdout + res.stderr
    assert words in res.stderr and "Traceback" not in res.stderr and "DEFECT" not in res.stdout


def test_a_usage_error_is_exit_status_2_of_the_process():
    res = subprocess.run([sys.executable, "-m", "proofs_checks", "check-dynamic", "no_such_module_xyz:Thing"],
                         capture_output=True, text=True, cwd=ROOT, env=ENV)
    assert res.returncode == 2 and "cannot import" in res.stderr and "Traceback" not in res.stderr


def test_check_approx_flags_a_negative_kernel(cli, small_budgets):
    res = cli("check-approx", "benchmarks.peers.planted:negative_taylor3", "--bound", "2",
              "--coefficients", "1,1,0.5,0.16666666666666666", "--radius", "4")
    assert res.returncode == 1, res.stdout + res.stderr
    assert "DEFECT (declared polynomial)" in res.stdout and "shrunk input" in res.stdout


def test_replay_program_files_carry_kind_scale_and_repairs(cli, tmp_path):
    # DA-E6 as shrunk in the report: the key update that reaches the threshold (n = 1) is lost
    e6 = {"kind": "float", "a": 0.5, "Q": [[0.0]], "K": [[0.0]], "V": [[0.0]], "ops": [["update_v", 0, 0, 1.0],
                                                                                  ["output"]]}
    path = tmp_path / "e6.json"
    path.write_text(json.dumps({**e6, "repairs": ["E2", "E4", "E5", "E6"]}))
    res = cli("replay", "--structure", "PaperV1Attention", str(path))
    assert res.returncode == 1 and res.stdout.startswith("PaperV1Attention[repairs: E2, E4, E5, E6]: ")
    path.write_text(json.dumps({**e6, "repairs": ["E2", "E4", "E5", "E6", "E7"]}))
    assert cli("replay", "--structure", "impl.literal:PaperV1Attention", str(path)).returncode == 0
    exact = {"kind": "exact", "a": 1, "scale": 2, "Q": [[1], [0]], "K": [[1], ["1/2"]], "V": [["1/3"], [2]],
             "ops": [["update_k", 1, 0, "1/2"], ["query", 0, 0], ["output"]]}
    path.write_text(json.dumps(exact))
    res = cli("replay", "--structure", "impl.dynamic:DynamicAttention", str(path))
    assert res.returncode == 0 and "kind exact, scale 2" in res.stdout, res.stdout + res.stderr
    res = cli("replay", "--structure", "benchmarks.peers.planted:Correct", str(path))
    assert res.returncode == 1 and "benchmarks.peers.planted.Correct" in res.stdout
