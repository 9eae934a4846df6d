"""`run --scheduler`: statements as tasks on a Dask cluster give the same report as a local run.

The cluster is a LocalCluster of two worker processes on the loopback interface, started by the
test and closed after it.
"""

import json
import os
import subprocess
import sys

import pytest

pytest.importorskip("distributed")

from distributed import Client, LocalCluster  # noqa: E402

from proofs_checks import distributed  # noqa: E402
from proofs_checks.report import strip_timing  # noqa: E402
from proofs_checks.runner import run_all  # noqa: E402
from proofs_checks.volatile import ROOT, split  # noqa: E402

#: fast statements of the engines whose results do not depend on the process that runs them
#: (sympy, exhaustive, Hypothesis properties); state machines do (see the xfail test below)
IDS = ["DA-2.1", "AS-4.7-2b/literal", "AS-3.2/literal", "DA-1.1", "DA-5.10"]


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as local:
        yield local


def test_distributed_run_equals_local_run(cluster):
    remote = run_all("quick", IDS, scheduler=cluster.scheduler_address)
    local = run_all("quick", IDS)
    assert [lemma["id"] for lemma in remote["lemmas"]] == IDS
    assert remote["meta"]["complete"] and remote["summary"]["as_expected"] == len(IDS)
    same = json.dumps(strip_timing(local), sort_keys=True, default=str)
    assert json.dumps(strip_timing(remote), sort_keys=True, default=str) == same
    # the scheduler is recorded with the machine, in timings.json
    assert split(remote)[1]["environment"]["scheduler"] == cluster.scheduler_address


def test_workers_with_other_code_are_refused(cluster, monkeypatch):
    with Client(cluster.scheduler_address) as client:
        assert distributed.check_workers(client) == 2
        # the workers compute their own fingerprint; a client whose code differs must not start
        monkeypatch.setattr(distributed, "code_fingerprint", lambda: "other code")
        monkeypatch.setattr(client, "run", lambda fn: {"tcp://127.0.0.1:1": "their code"})
        with pytest.raises(ValueError, match="other code than this client"):
            distributed.check_workers(client)


def test_cli_names_an_unreachable_scheduler(tmp_path):
    res = subprocess.run([sys.executable, "-m", "proofs_checks", "run", "--only", "DA-2.1",
                          "--scheduler", "tcp://127.0.0.1:9", "--out", str(tmp_path / "r")],
                         capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert res.returncode == 2, res.stdout + res.stderr
    assert "tcp://127.0.0.1:9" in res.stderr and "Traceback" not in res.stderr
    assert not (tmp_path / "r").exists()


ORDER = """
import sys
if sys.argv[1] == "plots-first":
    import proofs_checks.plots  # noqa: F401
from proofs_checks.runner import run_all
print([c["examples"] for c in run_all("quick", ["DA-E7"])["lemmas"][0]["checks"]])
"""


@pytest.mark.xfail(strict=True, reason="finding: a state-machine check's step count (and so possibly "
                   "its shrunk program) depends on what the process imported before it ran, so a Dask "
                   "worker and the command line can report different step counts for DA-E7")
def test_state_machine_results_do_not_depend_on_import_order():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    runs = [subprocess.run([sys.executable, "-c", ORDER, order], capture_output=True, text=True, cwd=ROOT,
                           env=env, timeout=300).stdout for order in ("plain", "plots-first")]
    assert runs[0].strip() and runs[0] == runs[1], runs
