"""`python -m tools.mutation --scheduler ADDRESS`: the mutants as tasks of a Dask cluster give the
same record as a local run.

The cluster is a LocalCluster of two worker processes on the loopback interface, started by the
test and closed after it; the killing suite is cut down to the tests of impl.threshold and one
statement, so that the two runs take seconds.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("distributed")

from distributed import LocalCluster  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SUITE = """tag = "mutation-suite"
modules = ["impl/threshold.py"]
first_tests = ["tests/test_threshold.py"]
last_tests = []
spec_only_checks = ["SympyProof", "SmtProof", "Crosshair"]
"""
#: killed by the tests, killed by them too, and one that no input tells apart (equivalents.toml)
KEYS = ["impl/threshold.py:validate_a:unary:not isinstance(a, numbers.Real) -> isinstance(a, numbers.Real)#0",
        "impl/threshold.py:<module>:operator:10 ** 15 -> 10 * 15#0",
        "impl/threshold.py:lazy_threshold:constant:64 -> 65#0"]


def run(tmp_path, out, *extra):
    suite = tmp_path / "suite.toml"
    suite.write_text(SUITE)
    cmd = [sys.executable, "-m", "tools.mutation", "--suite", str(suite), "--module", "impl/threshold.py",
           "--statements", "DA-1.1", "--out", str(out), "--fresh", "--only", *KEYS, *extra]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return json.loads(out.read_text())


def test_distributed_run_gives_the_record_of_a_local_run(tmp_path):
    local = run(tmp_path, tmp_path / "local.json", "--jobs", "2")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=":0") as cluster:
        remote = run(tmp_path, tmp_path / "remote.json", "--scheduler", cluster.scheduler_address)
        workers = set(cluster.scheduler_info["workers"])
    outcome = lambda rec: [(m["key"], m["status"], m["killer"]) for m in rec["mutants"]]
    assert outcome(remote) == outcome(local)
    assert [m["status"] for m in local["mutants"]] == ["killed", "killed", "survived"]
    assert remote["totals"] == local["totals"] and remote["score"] == local["score"] == 100.0
    tables = lambda rec: rec["sections"][0]["tables"]
    assert tables(remote) == tables(local)
    run_remote, run_local = remote["meta"]["runs"][-1], local["meta"]["runs"][-1]
    assert run_remote["scheduler"] == cluster.scheduler_address and run_local["scheduler"] is None
    assert set(run_remote["workers"]) <= workers and sum(run_remote["workers"].values()) == len(KEYS)
    assert run_remote["suite"] == run_local["suite"] == ["tests/test_threshold.py", "DA-1.1"]
    # the unmutated run traced which items call into impl/threshold.py: the tests do, DA-1.1 not
    assert run_local["relevance"] == {"tests/test_threshold.py": ["impl/threshold.py"], "DA-1.1": []}
