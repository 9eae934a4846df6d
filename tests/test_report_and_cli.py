"""The report: files written atomically, summary first, everything escaped, deterministic json."""

import json
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

from proofs_checks.report import strip_timing, write_report
from proofs_checks.runner import run_all

IDS = ["DA-2.1", "DA-E7", "DA-4.6/v1"]


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


def test_report_files_summary_first_and_escaped(tmp_path):
    report = run_all("quick", IDS)
    hostile = "<script>alert('x')</script> & </table>"
    report["lemmas"][0]["title"] = hostile
    paths = write_report(report, tmp_path)
    assert sorted(p.name for p in paths) == ["report.html", "report.json", "report.md"]
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
    assert [l["id"] for l in data["lemmas"]] == IDS
    assert data["summary"]["as_expected"] == 3


def test_quick_profile_is_deterministic_apart_from_timing():
    a = strip_timing(run_all("quick", IDS))
    b = strip_timing(run_all("quick", IDS))
    assert json.dumps(a, sort_keys=True, default=str) == json.dumps(b, sort_keys=True, default=str)


def test_cli_list_and_reproduce(tmp_path):
    out = tmp_path / "r"
    run = subprocess.run([sys.executable, "-m", "proofs_checks", "run", "--only", "DA-E7", "--out", str(out)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    listed = subprocess.run([sys.executable, "-m", "proofs_checks", "list"], capture_output=True, text=True)
    assert listed.returncode == 0 and "DA-E7" in listed.stdout
    show = subprocess.run([sys.executable, "-m", "proofs_checks", "show", "DA-E7", "--reproduce",
                           "--report", str(out / "report.json")], capture_output=True, text=True)
    assert show.returncode == 0, show.stdout + show.stderr
    assert "fails again" in show.stdout


def test_cli_replay_program_file(tmp_path):
    prog = tmp_path / "p.json"
    prog.write_text(json.dumps({"a": 1.0, "Q": [[0.0], [0.0]], "K": [[0.0], [0.0]], "V": [[1.0], [2.0]],
                                "ops": [["update_k", 0, 0, 0.0], ["recompute"], ["output"]]}))
    ok = subprocess.run([sys.executable, "-m", "proofs_checks", "replay", str(prog)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    bad = subprocess.run([sys.executable, "-m", "proofs_checks", "replay", str(prog), "--structure", "PaperV1Attention"],
                         capture_output=True, text=True)
    assert bad.returncode == 1 and "List_D[0]" in bad.stdout
    prog.write_text(json.dumps({"Q": [[1.0]], "K": [[1.0]], "V": [[1.0]], "ops": 3}))
    err = subprocess.run([sys.executable, "-m", "proofs_checks", "replay", str(prog)], capture_output=True, text=True)
    assert err.returncode == 2 and "p.json" in err.stderr and "'ops'" in err.stderr
