"""Test vectors: the exported files follow the documented schema, an independent mpmath computation
confirms every expected value to 30 significant digits, they cover the threshold boundaries, large
logits, every shrunk counterexample program of the committed report and the poly regime, and
replaying them passes the reference and fails a defect."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import mpmath
import pytest

from proofs_checks.__main__ import main
from proofs_checks.conformance import vector_schema, vectors
from proofs_checks.report_store import COMMITTED

REPORT = COMMITTED / "report.json"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = tmp_path_factory.mktemp("vectors")
    assert main(["vectors", "export", str(out), "--report", str(REPORT)]) == 0
    return out


@pytest.fixture(scope="module")
def loaded(exported):
    return [json.loads(p.read_text()) for p in sorted(exported.glob("*.json")) if p.name != "schema.json"]


def independent(Q, K, V, scale, rows=None):
    """Attention at 50 digits without the max shift, from the decimal text of the inputs."""
    with mpmath.workdps(50):
        s = mpmath.mpf(repr(float(scale)))
        out = []
        for i, q in enumerate(Q):
            if rows is not None and i not in rows:
                continue
            w = [mpmath.exp(s * sum(mpmath.mpf(repr(float(a))) * mpmath.mpf(repr(float(b))) for a, b in zip(q, k)))
                 for k in K]
            total = sum(w)
            out.append([sum(wj * mpmath.mpf(repr(float(v[c]))) for wj, v in zip(w, V)) / total
                        for c in range(len(V[0]))])
        return out


def agrees(text, value, vmax):
    """``text`` (>= 30 significant digits) equals ``value`` to 30 digits, or to 1e-45 max|V|."""
    digits = text.split("e")[0].replace("-", "").replace(".", "").lstrip("0")
    with mpmath.workdps(50):
        gap = abs(mpmath.mpf(text) - value)
        return (len(digits) >= 30 or text == "0.0") and (gap <= mpmath.mpf(10) ** -30 * abs(value)
                                                        or gap <= mpmath.mpf(10) ** -45 * vmax)


def test_every_expected_value_is_confirmed_independently(loaded):
    checked = 0
    for vec in loaded:
        Q, K, V = ([list(map(float, r)) for r in vec[m]] for m in "QKV")
        if vec["type"] == "approx":
            want = independent(Q, K, V, vec["scale"])
            vmax = max(abs(x) for r in V for x in r)
            assert all(agrees(t, w, vmax) for tr, wr in zip(vec["expected"], want) for t, w in zip(tr, wr)), vec["id"]
            checked += 1
            continue
        for op, expected in zip(vec["ops"], vec["expected"]):
            if op[0].startswith("update"):
                M = {"update_k": K, "update_v": V, "update_q": Q}[op[0]]
                M[op[1]][op[2]] = M[op[1]][op[2]] + float(op[3])      # float64 addition
            vmax = max(abs(x) for r in V for x in r)
            if op[0] == "query":
                assert agrees(expected, independent(Q, K, V, vec["scale"], {op[1]})[0][op[2]], vmax), vec["id"]
                checked += 1
            elif op[0] == "output":
                want = independent(Q, K, V, vec["scale"])
                assert all(agrees(t, w, vmax) for tr, wr in zip(expected, want) for t, w in zip(tr, wr)), vec["id"]
                checked += 1
            else:
                assert expected is None
    assert checked > 1000


def test_coverage(loaded):
    ids = {v["id"] for v in loaded}
    assert any(i.startswith("threshold-") and i.endswith("-keys") for i in ids)
    assert {"logits-700", "logits-1e4", "logits-minus-800"} <= ids
    approx = [v for v in loaded if v["type"] == "approx"]
    assert approx and all(v["reference"]["certified_output_bound"] < v["tolerance"]["relative_to_max_abs_V"]
                          for v in approx)
    # every shrunk counterexample program of the committed report is a vector
    programs = {json.dumps([v[k] for k in ("Q", "K", "V", "ops")]) for v in loaded if v["type"] == "dynamic"}
    report = json.loads(REPORT.read_text())
    shrunk = [c["counterexample"]["values"]["program"] for lemma in report["lemmas"] for c in lemma["checks"]
              if isinstance(c.get("counterexample"), dict) and "program" in c["counterexample"].get("values", {})]
    assert shrunk and all(json.dumps([p[k] for k in ("Q", "K", "V", "ops")]) in programs for p in shrunk)


def test_schema_file_and_validation(exported, loaded):
    schema = json.loads((exported / "schema.json").read_text())
    assert schema["properties"]["version"]["const"] == vector_schema.VERSION
    assert set(schema["required"]) == set(vector_schema.SCHEMA["required"])
    for vec in loaded:
        vector_schema.validate(vec, vec["id"])
    broken = dict(loaded[0])
    del broken["tolerance"]
    with pytest.raises(vector_schema.VectorFileError, match="'tolerance'"):
        vector_schema.validate(broken, "x.json")
    with pytest.raises(vector_schema.VectorFileError, match="'version'"):
        vector_schema.validate(dict(loaded[0], version=99), "x.json")


def test_replay_passes_the_reference_and_fails_defects(exported):
    ok = vectors.check_vectors("impl.dynamic:DynamicAttention", exported)
    assert ok["passed"] == ok["total"] > 60 and ok["skipped"] == 0
    wrong = vectors.check_vectors("benchmarks.peers.planted:WrongAxis", exported)
    assert wrong["passed"] < wrong["total"] and any(line.startswith("FAIL vector") for line in wrong["lines"])
    printed = vectors.check_vectors("impl.literal:PaperV1Attention", exported)
    assert printed["skipped"] > 0 and any("NotImplementedError" in line for line in printed["lines"])
    approx = vectors.check_vectors("benchmarks.peers.planted:poly_attention_1e6", exported)
    assert approx["type"] == "approx" and approx["passed"] == approx["total"] == 3
    negative = vectors.check_vectors("benchmarks.peers.planted:negative_taylor3", exported)
    assert negative["passed"] < negative["total"]


def test_load_errors_name_the_file(tmp_path):
    with pytest.raises(vector_schema.VectorFileError, match="not a directory"):
        vectors.load_vectors(tmp_path / "none")
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(vector_schema.VectorFileError, match="bad.json"):
        vectors.load_vectors(tmp_path)


def test_expected_values_use_float64_updates():
    program = {"kind": "float", "a": 0.5, "scale": 1.0, "Q": [[0.0]], "K": [[0.0]], "V": [[1.0]],
               "ops": [["update_v", 0, 0, 1e-17], ["query", 0, 0]]}
    # the float64 sum 1 + 1e-17 is 1: the exact sum would show at the 17th digit
    assert vectors.expected_answers(program)[1].startswith("1.000000000000000000000000000000")


def test_command_line_check_and_an_outside_suite(exported, capsys):
    assert main(["vectors", "check", "impl.baselines:EagerAttention", str(exported)]) == 0
    assert "vectors pass" in capsys.readouterr().out
    assert main(["vectors", "check", "benchmarks.peers.planted:NoShift", str(exported), "--only", "logits-700"]) == 1
    assert "FAIL vector logits-700" in capsys.readouterr().out
    # another project's tests, parametrized by the plugin over the exported vectors
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--attention-vectors={exported}"]
    suite = ROOT / "tests" / "outside_suite"
    good = subprocess.run(run, cwd=suite, capture_output=True, text=True, env=env)
    assert good.returncode == 0 and " passed" in good.stdout, good.stdout + good.stderr
    broken = subprocess.run([*run, "-x"], cwd=suite, capture_output=True, text=True, env={**env, "OUTSIDE_BROKEN": "1"})
    # the first vector to fail names itself, the operation and the gap (the wrong axis of A is
    # caught by the threshold vectors and by the report's counterexample programs alike)
    failed = re.search(r"vector ((?:threshold|report)-[\w.-]+): operation \d+ .* differs by", broken.stdout)
    assert broken.returncode == 1 and failed and "replay it" in broken.stdout, broken.stdout
    assert (exported / f"{failed.group(1)}.json").exists()


def test_nothing_to_run_is_not_a_pass(tmp_path, capsys):
    vector = vectors.approx_vectors()[0]
    (tmp_path / "only-approx.json").write_text(json.dumps(vector))
    assert main(["vectors", "check", "impl.dynamic:DynamicAttention", str(tmp_path)]) == 2
    assert "no dynamic vector" in capsys.readouterr().err


def test_plugin_builds_the_vectors_when_no_directory_is_given(monkeypatch):
    from proofs_checks import vectors_plugin

    # the building itself is the exported vectors' (above); here, that the plugin calls it once
    monkeypatch.setattr(vectors, "build_vectors", lambda report: [_tiny_vector()])

    class Config:
        stash: dict = {}
        rootpath = ROOT
        invocation_params = type("P", (), {"dir": ROOT})

        def getoption(self, name):
            return None

        def getini(self, name):
            return ""

    found = vectors_plugin._vectors(Config())
    assert found and all(isinstance(v, vectors.Vector) for v in found)
    assert vectors_plugin._vectors(Config()) is found          # built once per session


def _tiny_vector():
    program = {"kind": "float", "a": 0.5, "scale": 1.0, "Q": [[0.0]], "K": [[0.0]], "V": [[1.0]],
               "ops": [["query", 0, 0]]}
    return vectors.dynamic_vector("tiny", program, {"source": "test"}, "one query")
