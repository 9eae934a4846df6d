"""The report files and the command line: deterministic committed files (timings apart), scratch
directories by default, no partial report over a complete one, list/show/export, progress lines
in a log, clear errors with exit 2."""

import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from proofs_checks.report import strip_timing, write_report
from proofs_checks.runner import TIMING_FIELDS, run_all
from proofs_checks.volatile import ROOT, merge, split

#: cheap statements: a proof, a sympy erratum, a state-machine erratum
IDS = ["DA-2.1", "AS-3.2/literal", "DA-4.1/v1"]
CLI = [sys.executable, "-m", "proofs_checks"]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def cli(*args, cwd=None):
    return subprocess.run([*CLI, *args], capture_output=True, text=True, cwd=cwd or ROOT, env=ENV)


class Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.ids, self.text, self.imgs = [], [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "img":
            self.imgs.append(attrs.get("src", ""))

    def handle_data(self, data):
        self.text.append(data)


def _keys(obj):
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield k
            yield from _keys(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _keys(v)


def test_report_files_summary_first_and_escaped(tmp_path):
    report = run_all("quick", IDS)
    hostile = "<script>alert('x')</script> & </table>"
    report["lemmas"][0]["title"] = hostile
    paths = write_report(report, tmp_path)
    assert sorted(p.name for p in paths) == ["report.html", "report.json", "report.md", "timings.json"]
    assert not list(tmp_path.glob(".*tmp"))
    html = (tmp_path / "report.html").read_text()
    assert "<script>" not in html and "&lt;script&gt;" in html
    parsed = Collector()
    parsed.feed(html)
    assert parsed.ids[0] == "summary"
    assert all(i in parsed.ids for i in IDS)
    assert parsed.imgs and all(src.startswith("data:image/png;base64,") for src in parsed.imgs)
    md = (tmp_path / "report.md").read_text()
    assert "| id | title |" in md and "(img/status.png)" in md and (tmp_path / "img" / "status.png").exists()
    data = json.loads((tmp_path / "report.json").read_text())
    assert [lem["id"] for lem in data["lemmas"]] == IDS
    assert data["summary"]["as_expected"] == 3
    # no clock, machine or run-dependent field in the committed json: they are in timings.json
    assert not set(_keys(data)) & set(TIMING_FIELDS)
    assert not {"python", "platform", "packages", "cpus", "jobs"} & set(data["meta"]["environment"])
    timings = json.loads((tmp_path / "timings.json").read_text())
    assert set(timings["lemmas"]) == set(IDS) and "duration_s" in timings["meta"]
    assert timings["environment"]["packages"]["numpy"]
    assert merge(data, timings)["lemmas"][1]["seconds"] == report["lemmas"][1]["seconds"]


def test_split_moves_crosshair_calls_and_absolute_paths_out():
    report = {"meta": {"started": "t0", "environment": {"profile": "quick", "cpus": 2}}, "summary": {},
              "lemmas": [{"id": "X", "seconds": 1.5, "checks": [
                  {"engine": "crosshair", "seconds": 1.0, "status": "counterexample",
                   "evidence": {"paths_explored": 7, "target": "spec.k.f"},
                   "counterexample": {"message": "m", "values": {"call": "f(1)",
                                                                 "output": f"{ROOT}/spec/k.py:3: error"}}},
                  {"engine": "sympy", "seconds": 0.1, "detail": f"see {ROOT}/spec/x.py"}]}]}
    stable, volatile = split(report)
    assert "call" not in stable["lemmas"][0]["checks"][0]["counterexample"]["values"]
    assert stable["lemmas"][0]["checks"][1]["detail"] == "see spec/x.py"
    assert str(ROOT) not in json.dumps(stable) + json.dumps(volatile)
    back = merge(stable, volatile)
    assert back["lemmas"][0]["checks"][0]["counterexample"]["values"]["call"] == "f(1)"
    assert back["lemmas"][0]["checks"][0]["evidence"]["paths_explored"] == 7
    assert back["meta"]["environment"]["cpus"] == 2 and back["lemmas"][0]["seconds"] == 1.5


def test_quick_profile_is_deterministic_apart_from_timing():
    a = strip_timing(run_all("quick", IDS))
    b = strip_timing(run_all("quick", IDS, jobs=2))
    assert json.dumps(a, sort_keys=True, default=str) == json.dumps(b, sort_keys=True, default=str)


def test_two_runs_write_the_same_committed_files(tmp_path):
    """Different directories, processes and clocks: report.json, .md, .html and the figures are
    byte for byte the same (a CrossHair counterexample included); only timings.json differs."""
    ids = ["DA-2.1", "AS-3.6/literal"]
    one, two = tmp_path / "one", tmp_path / "two"
    assert cli("run", "--only", *ids, "--out", str(one)).returncode == 0
    assert cli("run", "--only", *ids, "--out", str(two), "--jobs", "2", cwd=tmp_path).returncode == 0
    files = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    assert Path("report.html") in files and Path("img/status.png") in files
    for rel in files:
        if rel.name != "timings.json":
            assert (one / rel).read_bytes() == (two / rel).read_bytes(), rel
    assert (one / "timings.json").read_bytes() != (two / "timings.json").read_bytes()


def test_partial_run_writes_to_scratch_and_never_over_a_complete_report(tmp_path):
    run = cli("run", "--only", "AS-3.2/literal", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "build" / "report" / "partial" / "report.json").exists()
    # in a checkout, the default scratch directory is ignored by git: git status stays clean
    if (ROOT / ".git").exists():
        ignored = subprocess.run(["git", "check-ignore", "-q", "build/report/partial/report.json"], cwd=ROOT)
        assert ignored.returncode == 0
    complete = tmp_path / "complete"
    complete.mkdir()
    text = json.dumps({"meta": {"complete": True, "only": None}, "lemmas": []})
    (complete / "report.json").write_text(text)
    refused = cli("run", "--only", "AS-3.2/literal", "--out", str(complete))
    assert refused.returncode == 2 and "complete report" in refused.stderr
    assert (complete / "report.json").read_text() == text and not (complete / "report.html").exists()


def test_progress_is_one_line_per_statement_in_a_log(tmp_path):
    run = cli("run", "--only", "AS-3.2/literal", "DA-2.1", "--out", str(tmp_path / "r"))
    assert run.returncode == 0, run.stderr
    lines = [line for line in run.stdout.splitlines() if line.startswith("[")]
    # one line per statement as it finishes ("[k/2] ID: status (as expected) seconds"); the order
    # follows the recorded timings (longest first), so it is not asserted
    assert [line[:6] for line in lines] == ["[1/2] ", "[2/2] "]
    by_id = {line[6:].split(":", 1)[0]: line for line in lines}
    assert set(by_id) == {"AS-3.2/literal", "DA-2.1"}
    assert by_id["AS-3.2/literal"][6:].startswith("AS-3.2/literal: erratum-confirmed (as expected) ")
    assert by_id["DA-2.1"][6:].startswith("DA-2.1: proved (as expected) ")
    assert all(line.endswith(" s") for line in lines)


def test_cli_list_filters_and_json(tmp_path):
    out = tmp_path / "r"
    assert cli("run", "--only", "AS-3.2/literal", "DA-2.1", "--out", str(out)).returncode == 0
    report = str(out / "report.json")
    listed = cli("list", "--report", report, "--json", "--expect", "erratum", "--paper", "AS")
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert rows and all(r["expect"] == "erratum" and r["paper"] == "AS" for r in rows)
    assert {r["id"]: r["status"] for r in rows}["AS-3.2/literal"] == "erratum-confirmed"
    only = json.loads(cli("list", "--report", report, "--json", "--status", "erratum-confirmed").stdout)
    assert [r["id"] for r in only] == ["AS-3.2/literal"]
    table = cli("list", "--report", report, "--paper", "DA")
    assert table.returncode == 0 and "DA-2.1" in table.stdout and "AS-3.2" not in table.stdout
    assert len(table.stdout.splitlines()) < 100
    missing = cli("list", "--report", str(tmp_path / "nothing.json"))
    assert missing.returncode == 2 and "no report found" in missing.stderr


def test_cli_show_prints_counterexample_exports_and_reproduces(tmp_path):
    out = tmp_path / "r"
    assert cli("run", "--only", "DA-4.1/v1", "--out", str(out)).returncode == 0
    report = str(out / "report.json")
    show = cli("show", "DA-4.1/v1", "--report", report, "--export", str(tmp_path / "v1.py"))
    assert show.returncode == 0, show.stderr
    assert "counterexample of" in show.stdout and '"ops"' in show.stdout
    program = subprocess.run([sys.executable, str(tmp_path / "v1.py")], capture_output=True, text=True,
                             cwd=tmp_path, env=ENV)
    assert program.returncode == 0, program.stdout + program.stderr
    assert "DA-4.1/v1: erratum-confirmed (as expected)" in program.stdout
    assert cli("show", "DA-4.1/v1", "--report", report, "--export", str(tmp_path / "v1.json")).returncode == 0
    ops = json.loads((tmp_path / "v1.json").read_text())["ops"]
    assert ops and all(isinstance(op, list) for op in ops)
    # the exported program fails on the structure as printed, like the recorded counterexample
    replayed = cli("replay", str(tmp_path / "v1.json"), "--structure", "PaperV1Attention")
    assert replayed.returncode == 1, replayed.stdout + replayed.stderr
    again = cli("show", "DA-4.1/v1", "--reproduce", "--report", report)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "now: erratum-confirmed (as expected)" in again.stdout


def test_cli_show_without_a_report_says_so_and_exits_2(tmp_path):
    show = cli("show", "DA-2.1", "--report", str(tmp_path / "none" / "report.json"))
    assert show.returncode == 2
    assert "no report found" in show.stderr and "Traceback" not in show.stderr
    unknown = cli("show", "NO-SUCH-ID", "--report", str(tmp_path / "none" / "report.json"))
    assert unknown.returncode == 2 and "NO-SUCH-ID" in unknown.stderr


def test_help_is_complete():
    top = cli("--help")
    assert top.returncode == 0 and "DESIGN.md" not in top.stdout
    for command in ("run", "list", "show", "replay", "catalogue"):
        assert command in top.stdout
    run = cli("run", "--help").stdout
    for option in ("--profile", "--only", "--out", "--jobs", "--seed", "--scheduler"):
        assert option in run
    assert "(default: quick)" in run and "(default: 1)" in run
    assert cli("run", "--jobs", "0").returncode == 2


@pytest.mark.parametrize("bad", [["--profile", "nope"], ["--only", "NO-SUCH-ID"]])
def test_run_rejects_bad_arguments_by_name(tmp_path, bad):
    res = cli("run", *bad, "--out", str(tmp_path / "r"))
    assert res.returncode == 2
    assert ("profile" in res.stderr) or ("NO-SUCH-ID" in res.stderr)
    assert not (tmp_path / "r").exists()


def test_cli_replay_program_file(tmp_path):
    prog = tmp_path / "p.json"
    prog.write_text(json.dumps({"a": 1.0, "Q": [[0.0], [0.0]], "K": [[0.0], [0.0]], "V": [[1.0], [2.0]],
                                "ops": [["update_k", 0, 0, 0.0], ["recompute"], ["output"]]}))
    ok = cli("replay", str(prog))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    bad = cli("replay", str(prog), "--structure", "PaperV1Attention")
    assert bad.returncode == 1 and bad.stdout.startswith("PaperV1Attention: ")
    prog.write_text(json.dumps({"Q": [[1.0]], "K": [[1.0]], "V": [[1.0]], "ops": 3}))
    err = cli("replay", str(prog))
    assert err.returncode == 2 and "p.json" in err.stderr and "'ops'" in err.stderr
