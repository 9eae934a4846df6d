"""Run the conformance kit on every outside implementation and planted subject, and record what it
found in ``build/peers/results.json`` (docs/conformance.md quotes its figures; the file is not
committed, as every JSON file under benchmarks/ ships in the wheel).

    python -m benchmarks.peers.run_peers [--only NAME ...] [--profile quick|deep] [--out FILE]

The unlicensed structures need their repository snapshots (``benchmarks.peers.unlicensed``);
without them their runs are recorded as not run.  Timings depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path
from typing import Any

from proofs_checks.conformance.approx_check import ApproxOptions, check_approx
from proofs_checks.conformance.conformance_report import json_safe
from proofs_checks.conformance.dynamic_check import DynamicOptions, check_dynamic
from proofs_checks.conformance.targets import UsageError

OUT = Path("build") / "peers" / "results.json"
P = "benchmarks.peers."

DYNAMIC = {
    "david-dynamic": P + "unlicensed:DavidDynamicAttention",
    "david-enhanced": P + "unlicensed:DavidEnhancedDynamicAttention",
    "david-enhanced-adaptive": P + "unlicensed:DavidEnhancedAdaptive",
    "planted-correct": P + "planted:Correct",
    "planted-wrong-axis": P + "planted:WrongAxis",
    "planted-no-shift": P + "planted:NoShift",
    "planted-aliasing": P + "planted:Aliasing",
    "planted-dropped-threshold": P + "planted:DroppedThreshold",
    "project-dynamic": "impl.dynamic:DynamicAttention",
    "project-eager": "impl.baselines:EagerAttention",
    "project-naive": "impl.baselines:NaiveAttention",
}
APPROX: dict[str, tuple[str, dict[str, Any]]] = {
    "taylor-B1": (P + "taylor_linear:taylor_linear_attention", {"bound": 1.0, "rank": 21}),
    "taylor-B2": (P + "taylor_linear:taylor_linear_attention", {"bound": 2.0, "rank": 21}),
    "taylor-B3": (P + "taylor_linear:taylor_linear_attention", {"bound": 3.0, "rank": 21}),
    "taylor-dedup-B1": (P + "taylor_linear:taylor_linear_attention_dedup", {"bound": 1.0, "rank": 15}),
    "favor-default-B1": (P + "favor:favor_attention", {"bound": 1.0, "rank": 4}),
    "favor-256-B1": (P + "favor:favor_attention_256", {"bound": 1.0, "rank": 256}),
    "favor-256-B4": (P + "favor:favor_attention_256", {"bound": 4.0, "rank": 256}),
    "elu-B1": (P + "favor:elu_linear_attention", {"bound": 1.0, "rank": 4}),
    "planted-negative-kernel": (P + "planted:negative_taylor3",
                                {"bound": 2.0, "coefficients": (1.0, 1.0, 0.5, 1 / 6), "radius": 4.0}),
    "project-poly-attention": (P + "planted:poly_attention_1e6", {"bound": 1.0, "eps": 3e-6, "rank": 70}),
}


def run(names: list[str] | None, profile: str) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for name, target in DYNAMIC.items():
        if names and name not in names:
            continue
        t0 = time.time()
        try:
            results[name] = check_dynamic(target, DynamicOptions(profile=profile))
        except (UsageError, ImportError) as exc:
            results[name] = {"target": target, "verdict": "not run", "reason": str(exc)}
        print(f"{name}: {results[name]['verdict']} ({time.time() - t0:.0f} s)", flush=True)
    for name, (target, kw) in APPROX.items():
        if names and name not in names:
            continue
        t0 = time.time()
        results[name] = check_approx(target, ApproxOptions(profile=profile, **kw))
        print(f"{name}: {results[name]['verdict']} ({time.time() - t0:.0f} s)", flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="+", default=None, help="names of runs (keys of DYNAMIC and APPROX)")
    parser.add_argument("--profile", choices=["quick", "deep"], default="quick")
    parser.add_argument("--out", type=Path, default=OUT, help="the record (runs already in it are kept)")
    args = parser.parse_args()
    out = args.out
    record = json.loads(out.read_text()) if out.exists() else {"runs": {}}
    record["runs"].update(json_safe(run(args.only, args.profile)))
    record["environment"] = {"python": platform.python_version(), "machine": platform.machine(),
                             "note": "a machine shared with other jobs: timings are indicative only"}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
