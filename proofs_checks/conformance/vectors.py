"""Test vectors: inputs, a program of operations and the expected answers to 40 significant
digits, for another implementation to replay (``vectors export DIR``, ``vectors check TARGET
DIR``, the pytest plugin ``proofs_checks.vectors_plugin``).

Expected values are exact attention (DA Definition 1.1, ``D^{-1} exp(scale Q K^T) V``) of the
float64 inputs, computed with mpmath at 60 digits: products of float64 numbers are exact at that
precision and the logits of d <= 4 terms are exact sums, so each expected value is within
1e-50 max|V| of the true one and its 40 printed digits are right up to that.  An update
``K[i, j] += delta`` means the float64 sum, rounded to nearest (what every float64
implementation computes): the matrices after it are those float64 values, exactly.

Coverage: threshold boundaries and large logits (``boundary_programs``), every shrunk
counterexample program of the report (``docs/report/report.json``: the printed DA algorithms'
errata, the answers of exact attention on them), and the bounded-entry regime of AS Theorem 3.7
with the certified bound of the project's ``poly_attention`` (type "approx").
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Callable

import mpmath
import numpy as np

from proofs_checks.conformance.boundary_programs import large_logit_programs, threshold_programs
from proofs_checks.conformance.vector_schema import FORMAT, SCHEMA, VERSION, VectorFileError, validate

__all__ = ["VectorFileError", "build_vectors", "export_vectors", "load_vectors", "check_vectors", "Vector"]

DPS = 60
DIGITS = 40
ALL_OPS = ("update_k", "update_v", "update_q", "query", "output", "recompute")
#: answers of every dynamic vector: within 1e-9 max|V| (the reference's float64 tolerance,
#: spec.da.program); approx vectors carry their own bound
DYNAMIC_TOL = 1e-9
#: poly_attention's float64 rounding at these sizes, relative to max|V| (the floor measured in
#: docs/poly.md, the allowance spec.da.hostile uses)
POLY_ROUNDING = 1e-10


def mp_attention_strings(Q: np.ndarray, K: np.ndarray, V: np.ndarray, scale: float) -> list[list[str]]:
    """Exact attention of float64 inputs as decimal strings of DIGITS significant digits."""
    with mpmath.workdps(DPS):
        s = mpmath.mpf(float(scale))
        Km = [[mpmath.mpf(float(x)) for x in row] for row in K]
        Vm = [[mpmath.mpf(float(x)) for x in row] for row in V]
        rows = []
        for q in Q:
            qm = [mpmath.mpf(float(x)) for x in q]
            logits = [s * mpmath.fsum(a * b for a, b in zip(qm, k)) for k in Km]
            top = max(logits)
            w = [mpmath.exp(m - top) for m in logits]
            total = mpmath.fsum(w)
            rows.append([mpmath.nstr(mpmath.fsum(wj * v[c] for wj, v in zip(w, Vm)) / total, DIGITS,
                                     strip_zeros=False) for c in range(V.shape[1])])
        return rows


def expected_answers(program: dict[str, Any]) -> list[Any]:
    """One entry per operation: a decimal string (query), a matrix of them (output), else None."""
    Q, K, V = (np.array(program[m], dtype=np.float64) for m in "QKV")
    scale = float(program.get("scale", 1.0))
    out: list[Any] = []
    for op in program["ops"]:
        name = op[0]
        if name in ("update_k", "update_v", "update_q"):
            i, j, delta = op[1], op[2], float(op[3])
            {"update_k": K, "update_v": V, "update_q": Q}[name][i, j] += delta
            out.append(None)
        elif name == "query":
            out.append(mp_attention_strings(Q[op[1]:op[1] + 1], K, V, scale)[0][op[2]])
        elif name == "output":
            out.append(mp_attention_strings(Q, K, V, scale))
        else:
            out.append(None)
    return out


def dynamic_vector(vid: str, program: dict[str, Any], origin: dict[str, Any], description: str) -> dict[str, Any]:
    ops = [list(op) for op in program["ops"]]
    return {"format": FORMAT, "version": VERSION, "id": vid, "type": "dynamic", "kind": program["kind"],
            "description": description, "origin": origin, "a": program["a"],
            "scale": float(program.get("scale", 1.0)), "Q": program["Q"], "K": program["K"], "V": program["V"],
            "ops": ops, "requires": sorted({op[0] for op in ops}), "expected": expected_answers(program),
            "digits": DIGITS, "tolerance": {"relative_to_max_abs_V": DYNAMIC_TOL}}


def report_programs(report_path: Path) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(id, program, origin) of every shrunk counterexample program of a report (deduplicated)."""
    report = json.loads(Path(report_path).read_text())
    out, seen = [], set()
    for lemma in report.get("lemmas", []):
        for check in lemma.get("checks", []):
            ce = check.get("counterexample") or {}
            program = (ce.get("values") or {}).get("program") if isinstance(ce, dict) else None
            if not isinstance(program, dict) or program.get("kind") not in ("float", "wide"):
                continue
            content = json.dumps([program[k] for k in ("a", "Q", "K", "V", "ops")]).encode()
            key = hashlib.sha256(content).hexdigest()[:10]
            if key in seen:
                continue
            seen.add(key)
            origin = {"source": "report", "statement": lemma["id"], "check": check.get("name"),
                      "subject": (check.get("evidence") or {}).get("subject"), "message": ce.get("message")}
            out.append((f"report-{lemma['id'].replace('/', '-')}-{key}", program, origin))
    return out


def approx_vectors() -> list[dict[str, Any]]:
    """The AS regime (entries in [-B, B], scale 1/d) with poly_attention's certified bound."""
    from impl.poly import poly_attention_report

    out = []
    for B, eps, seed in ((1.0, 1e-6, 1), (2.0, 1e-6, 2), (1.0, 1e-3, 3)):
        rng = np.random.default_rng(seed)
        n, d, e = 8, 4, 2
        Q, K = (np.round(rng.uniform(-B, B, (n, d)) * 64) / 64 for _ in range(2))
        Q[0], K[0] = B, B           # the corner: the largest logit of the regime
        V = np.round(rng.uniform(-1, 1, (n, e)) * 64) / 64
        rep = poly_attention_report(Q, K, V, eps=eps, B=B)
        eps_a = rep.poly.certified_error
        bound = 2 * eps_a / (1 - eps_a)
        out.append({"format": FORMAT, "version": VERSION, "id": f"approx-B{B:g}-eps{eps:g}", "type": "approx",
                    "kind": "float", "description": f"bounded entries |Q|, |K| <= {B:g}, scale 1/d (AS section 3)",
                    "origin": {"source": "poly regime"}, "scale": 1.0 / d, "B": B,
                    "Q": Q.tolist(), "K": K.tolist(), "V": V.tolist(),
                    "expected": mp_attention_strings(Q, K, V, 1.0 / d), "digits": DIGITS,
                    "reference": {"method": "poly_attention (AS Algorithm 1)", "eps": eps, "degree": rep.poly.degree,
                                  "rank": rep.rank, "radius": rep.radius,
                                  "certified_relative_error": eps_a, "certified_output_bound": bound,
                                  "why": "AS Lemmas 3.5-3.6: |T - Att| <= 2 eps_A / (1 - eps_A) max|V| in exact "
                                         "arithmetic; float64 rounding adds below 1e-10 max|V|"},
                    "tolerance": {"relative_to_max_abs_V": bound + POLY_ROUNDING}})
    return out


def build_vectors(report_path: Path | None = None) -> list[dict[str, Any]]:
    vectors = []
    for vid, program in threshold_programs(ALL_OPS):
        vectors.append(dynamic_vector(vid, program, {"source": "threshold boundary"},
                                      "updates across the recompute threshold ceil(n^a) (DA Algorithms 2-3)"))
    for vid, program in large_logit_programs(ALL_OPS):
        vectors.append(dynamic_vector(vid, program, {"source": "large logits"},
                                      "logits near 700 and 1e4, beyond exp's float64 range"))
    if report_path is not None and Path(report_path).exists():
        for vid, program, origin in report_programs(report_path):
            vectors.append(dynamic_vector(vid, program, origin, "a shrunk counterexample of the report"))
    vectors += approx_vectors()
    return vectors


def default_report() -> Path:
    from proofs_checks.report_store import COMMITTED

    return COMMITTED / "report.json"


def export_vectors(out: Path, report_path: Path | None) -> list[Path]:
    """Write every vector and schema.json into ``out``; ``report_path`` None leaves out the
    report's counterexamples (a named report that does not exist is an error)."""
    from proofs_checks.report import atomic_write

    if report_path is not None and not Path(report_path).exists():
        raise VectorFileError(f"{report_path}: no report to take counterexamples from (--report FILE)")
    paths = []
    for vector in build_vectors(report_path):
        validate(vector, vector["id"])
        path = Path(out) / f"{vector['id']}.json"
        atomic_write(path, (json.dumps(vector, indent=1) + "\n").encode())
        paths.append(path)
    atomic_write(Path(out) / "schema.json", (json.dumps(SCHEMA, indent=1) + "\n").encode())
    return [*paths, Path(out) / "schema.json"]


# ----------------------------------------------------------------------------------- replay
class _NotOffered(Exception):
    """The subject declines an operation the vector needs (NotImplementedError)."""


def _show(x: Any) -> str:
    value = np.asarray(x)
    return repr(float(value)) if value.ndim == 0 and value.dtype.kind in "fiu" else repr(x)


class Vector:
    """One test vector, with :meth:`run` to replay it on a class (dynamic) or function (approx)."""

    def __init__(self, data: dict[str, Any], path: Path | str = "<memory>") -> None:
        validate(data, path)
        self.data, self.path = data, path

    @property
    def id(self) -> str:
        return self.data["id"]

    @property
    def type(self) -> str:
        return self.data["type"]

    def __repr__(self) -> str:
        return f"Vector({self.id})"

    def missing(self, subject: Any) -> list[str]:
        """Operations the vector needs that a dynamic subject does not have."""
        if self.type != "dynamic":
            return []
        return [op for op in self.data["requires"] if not callable(getattr(subject, op, None))]

    def run(self, subject: Callable[..., Any], tol: float | None = None) -> str | None:
        """Replay on ``subject``; the failure as a message naming the vector, or None if it passes
        (see :meth:`outcome` for vectors the subject cannot run)."""
        return self.outcome(subject, tol)[1]

    def outcome(self, subject: Callable[..., Any], tol: float | None = None) -> tuple[str, str | None]:
        """("pass", None), ("fail", message) or ("skip", reason): a vector needing an operation the
        subject lacks, or that raises NotImplementedError, is skipped, never passed."""
        missing = self.missing(subject)
        if missing:
            return "skip", f"vector {self.id} needs {', '.join(missing)}"
        tol = self.data["tolerance"]["relative_to_max_abs_V"] if tol is None else tol
        try:
            with np.errstate(all="ignore"):
                failure = self._run_approx(subject, tol) if self.type == "approx" else self._run_dynamic(subject, tol)
        except _NotOffered as exc:
            return "skip", f"vector {self.id}: {exc}"
        return ("pass", None) if failure is None else ("fail", failure)

    def check(self, subject: Callable[..., Any], tol: float | None = None) -> None:
        """For tests: pass, raise AssertionError naming the vector and the operation, or skip."""
        status, message = self.outcome(subject, tol)
        if status == "skip":
            import pytest

            pytest.skip(message or "")
        if status == "fail":
            raise AssertionError(f"{message}\n  replay it: python -m proofs_checks vectors check "
                                 f"MODULE:NAME DIR --only {self.id}")

    def _fail(self, where: str, expected: Any, got: Any, why: str) -> str:
        return f"vector {self.id}: {where}: {why} (expected {expected}, got {_show(got)})"

    def _compare(self, got: Any, expected: Any, V: np.ndarray, tol: float, where: str) -> str | None:
        want = np.array(expected, dtype=np.float64)
        try:
            value = np.asarray(got, dtype=np.float64)
        except (TypeError, ValueError):
            return self._fail(where, expected, got, "not a real number")
        if value.shape != want.shape:
            return self._fail(where, f"shape {want.shape}", value.shape, "wrong shape")
        gap = np.abs(value - want)
        allowed = tol * float(np.max(np.abs(V)))
        if not np.all(gap <= allowed):
            k = np.unravel_index(np.argmax(np.where(np.isnan(gap), np.inf, gap)), gap.shape) if gap.ndim else ()
            return self._fail(where + (f" entry {list(map(int, k))}" if k else ""),
                              np.asarray(expected, dtype=object)[k] if k else expected, value[k] if k else value,
                              f"differs by {float(np.nan_to_num(gap[k], nan=np.inf)):.3g} > {allowed:.3g}")
        return None

    def _run_dynamic(self, factory: Callable[..., Any], tol: float) -> str | None:
        d = self.data
        Q, K, V = (np.array(d[m], dtype=np.float64) for m in "QKV")
        given = (Q.copy(), K.copy(), V.copy())
        pristine = (Q.copy(), K.copy(), V.copy())
        try:
            subject = factory(*given, a=d["a"], scale=d["scale"])
        except Exception as exc:  # noqa: BLE001 - refusing a valid input fails the vector
            return f"vector {self.id}: the constructor raised {type(exc).__name__}: {exc}"
        for k, (op, expected) in enumerate(zip(d["ops"], d["expected"])):
            where = f"operation {k} {op}"
            try:
                got = getattr(subject, op[0])(*op[1:])
            except NotImplementedError:
                raise _NotOffered(f"{op[0]} raises NotImplementedError") from None
            except Exception as exc:  # noqa: BLE001
                return f"vector {self.id}: {where} raised {type(exc).__name__}: {exc}"
            for name, now, before in zip("QKV", given, pristine):
                if not np.array_equal(now, before):
                    return f"vector {self.id}: {where}: the caller's {name} was modified in place"
            if op[0] in ("update_k", "update_v", "update_q"):
                {"update_k": K, "update_v": V, "update_q": Q}[op[0]][op[1], op[2]] += float(op[3])
            if expected is not None:
                failure = self._compare(got, expected, V, tol, where)
                if failure:
                    return failure
        return None

    def _run_approx(self, f: Callable[..., Any], tol: float) -> str | None:
        d = self.data
        Q, K, V = (np.array(d[m], dtype=np.float64) for m in "QKV")
        try:
            got = f(Q.copy(), K.copy(), V.copy(), scale=d["scale"])
        except Exception as exc:  # noqa: BLE001
            return f"vector {self.id}: the function raised {type(exc).__name__}: {exc}"
        return self._compare(got, d["expected"], V, tol, "output")


def load_vectors(directory: Path, only: list[str] | None = None) -> list[Vector]:
    directory = Path(directory)
    if not directory.is_dir():
        raise VectorFileError(f"{directory}: not a directory of vectors (write one with `vectors export DIR`)")
    out = []
    for path in sorted(directory.glob("*.json")):
        if path.name == "schema.json":
            continue
        try:
            data = json.loads(path.read_text())
        except (UnicodeDecodeError, ValueError) as exc:
            raise VectorFileError(f"{path}: not valid JSON ({exc})") from None
        vector = Vector(data, path)
        if only is None or vector.id in only:
            out.append(vector)
    if not out:
        raise VectorFileError(f"{directory}: no vectors" + (f" with ids {only}" if only else ""))
    return out


def check_vectors(target: str, directory: Path, tol: float | None = None,
                  only: list[str] | None = None) -> dict[str, Any]:
    """Replay the vectors of ``directory`` that fit the target: a class (it has ``update_k``) gets
    the dynamic vectors, a function the approx ones."""
    from proofs_checks.conformance.targets import UsageError, display_name, resolve

    subject = resolve(target)
    if not callable(subject):
        raise UsageError(f"{target} is not a class or function")
    kind = "dynamic" if callable(getattr(subject, "update_k", None)) else "approx"
    vectors = [v for v in load_vectors(directory, only) if v.type == kind]
    lines, passed, skipped = [], 0, 0
    for vector in vectors:
        status, message = vector.outcome(subject, tol)
        if status == "skip":
            skipped += 1
            lines.append(f"SKIP {message}")
        elif status == "pass":
            passed += 1
        else:
            lines.append(f"FAIL {message}")
    return {"subject": display_name(subject, target), "type": kind, "total": len(vectors) - skipped,
            "passed": passed, "skipped": skipped, "lines": lines}
