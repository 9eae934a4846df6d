"""The report as a reader sees it: summary and errata first, statement sections collapsed, the
verdict vocabulary (scope, severity, root cause, readings), formulas in Unicode, numbers at a
readable precision, sources by arXiv id, every statement, images embedded, nothing unescaped (html
parsed, and a headless Chromium screenshot when chromium is installed), markdown tables intact,
the CrossHair coverage section, an interrupted run, the catalogue up to date."""

import base64
import copy
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from proofs_checks.catalogue import render_catalogue
from proofs_checks.coverage import contracted_kernels, crosshair_section
from proofs_checks.report import write_report
from proofs_checks.runner import run_all

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = "<script>alert('x')</script> & </table> | `tick` *star* _under_ [link](javascript:x)"
ALLOWED_TAGS = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "b", "i",
                "code", "pre", "span", "table", "tr", "th", "td", "a", "img", "nav", "figure",
                "figcaption", "details", "summary", "br", "div", "dl", "dt", "dd", "ol", "li"}


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.ids, self.imgs, self.links, self.text = [], [], [], [], []
        self.h2 = []
        self._in_h2 = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "img":
            self.imgs.append(attrs.get("src", ""))
        if tag == "a":
            self.links.append(attrs.get("href", ""))
        if tag == "h2":
            self._in_h2 = True
            self.h2.append("")

    def handle_endtag(self, tag):
        if tag == "h2":
            self._in_h2 = False

    def handle_data(self, data):
        self.text.append(data)
        if self._in_h2:
            self.h2[-1] += data


@pytest.fixture(scope="module")
def report():
    # cheap statements of every kind the templates render: a stateful erratum with a program, a
    # sympy proof, an exhaustive erratum
    return run_all("quick", ["DA-2.1", "DA-4.1/v1", "AS-4.7-2b/literal"])


def hostile_copy(report):
    """The report with hostile text in every field the templates print, a CrossHair check and an
    interrupted-run flag left as it was."""
    rep = copy.deepcopy(report)
    for lemma in rep["lemmas"]:
        for key in ("title", "statement", "literal", "notes", "scope", "root_cause"):
            lemma[key] = HOSTILE
        lemma["readings"] = [HOSTILE]
        lemma["source"]["section"] = HOSTILE
        for check in lemma["checks"]:
            check["name"] = HOSTILE
            check["detail"] = HOSTILE
            check["evidence"]["tables"] = [{"title": HOSTILE, "columns": [HOSTILE, "b"], "rows": [[HOSTILE, 1]]}]
            check["evidence"]["summary"] = HOSTILE
            if check.get("counterexample"):
                check["counterexample"]["message"] = HOSTILE
    rep["lemmas"][0]["checks"].append({
        "engine": "crosshair", "name": HOSTILE, "status": "passed", "examples": 0, "seconds": 1.0,
        "grade": "holds", "scope": "", "counterexample": None, "detail": HOSTILE, "seed": None,
        "evidence": {"target": "spec.da.query_kernels.query_numerator_v1", "expect": "verified",
                     "per_condition_timeout_s": 5, "paths_explored": 42, "conditions": 1,
                     "crosshair_verdicts": ["Not confirmed."]}})
    return rep


EXTRA = [{"id": "hostile-section", "title": HOSTILE, "summary": HOSTILE,
          "tables": [{"title": HOSTILE, "columns": ["a", HOSTILE], "rows": [[HOSTILE, 2]]},
                     {"title": "long numbers", "columns": ["n", "r"], "rows": [[k, str(7 ** 300)] for k in range(3)]}],
          "plots": [{"title": HOSTILE, "xlabel": "n", "ylabel": "t", "x": [1, 2, 4],
                     "series": {HOSTILE: [1.0, 2.0, 4.0]}, "logx": True}]}]


def test_html_reads_as_a_report_and_escapes_everything(report, tmp_path):
    rep = hostile_copy(report)
    write_report(rep, tmp_path, EXTRA)
    html = (tmp_path / "report.html").read_text()
    # the theorem graph is an inline svg drawn by matplotlib from registry ids: no script in it,
    # and its elements are not the template's
    svgs = re.findall(r"<svg.*?</svg>", html, re.S)
    assert len(svgs) == 1 and "<script" not in svgs[0] and "foreignObject" not in svgs[0]
    html = html.replace(svgs[0], "")
    page = Page()
    page.feed(html)
    # nothing unescaped: only the template's own tags, no script, the hostile text shown as text
    assert set(page.tags) <= ALLOWED_TAGS, set(page.tags) - ALLOWED_TAGS
    assert "<script" not in html and "&lt;script&gt;" in html
    assert sum(HOSTILE in t for t in page.text) >= 10
    assert not any(link.startswith("javascript") for link in page.links)
    # summary first: the first section, and its table lists every statement before anything else
    assert page.h2[0] == "Summary" and page.ids[0] == "summary"
    ids = [lem["id"] for lem in rep["lemmas"]]
    first_lemma = min(page.ids.index(i) for i in ids)
    assert page.ids.index("errata") < first_lemma
    assert [link[1:] for link in page.links if link[1:] in ids][: len(ids)] == ids
    for needed in ("errata", "statements", "crosshair", "hostile-section", "environment", *ids):
        assert needed in page.ids, needed
    # every image embedded, and each is a PNG
    assert len(page.imgs) >= 2
    for src in page.imgs:
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    assert "http://" not in html and "https://" not in html  # self-contained


def test_markdown_tables_stay_intact(report, tmp_path):
    rep = hostile_copy(report)
    write_report(rep, tmp_path, EXTRA)
    md = (tmp_path / "report.md").read_text()
    prose = re.sub(r"``.*?``|`[^`]*`", "", re.sub(r"```.*?```", "", md, flags=re.S))
    assert "<script" not in prose and "&lt;script&gt;" in prose   # code spans show it literally
    assert not re.search(r"(?<!\\)\]\(javascript", prose)   # an escaped \] makes no link
    lines = md.splitlines()
    start = lines.index("| id | title | expect | status | scope | engines | examples |")
    rows = lines[start + 2: start + 2 + len(rep["lemmas"])]
    for row in rows:  # a | in a title is escaped: every row keeps its 7 cells
        cells = [c for c in row.replace("\\|", "").split("|")[1:-1]]
        assert len(cells) == 7, row
    assert "## CrossHair coverage" in md and "(img/status.png)" in md
    for lemma in rep["lemmas"]:
        assert f"### {lemma['id']}" in md


def test_crosshair_section_lists_every_check_and_kernel(report):
    section = crosshair_section(hostile_copy(report))
    rows = section["tables"][0]["rows"]
    assert rows[0][2] == "spec.da.query_kernels.query_numerator_v1"
    assert rows[0][4] == "no counterexample within the budget" and rows[0][5] == "as expected"
    # found in any module of spec/, by the post: lines of their docstrings
    kernels = contracted_kernels()
    assert "spec.da.query_kernels.query_numerator_v1" in kernels and len(kernels) >= 2
    # every contracted kernel is the target of some Crosshair check of the registry
    assert "without a check" not in section["summary"], section["summary"]


def vocabulary_copy(report):
    """The report with the new verdict fields filled in: a scope on the proof, and severities,
    root causes and readings on the errata (the erratum with the mildest severity first)."""
    rep = copy.deepcopy(report)
    by_id = {lem["id"]: lem for lem in rep["lemmas"]}
    by_id["DA-2.1"]["scope"] = "all n, d, k >= 1"
    by_id["DA-4.1/v1"].update(severity="error", root_cause="da-list-d-base", readings=["r^{-1} <= 2"])
    by_id["AS-4.7-2b/literal"].update(severity="typo", root_cause="as-tau", readings=["one reading"])
    rep["summary"]["errata"] = {"root_causes": [], "errata": 2,
                                "by_severity": {"error": 1, "inconsistency": 0, "slip": 0, "typo": 1,
                                                "unclassified": 0}}
    rep["lemmas"] = [by_id["AS-4.7-2b/literal"]] + [lem for lem in rep["lemmas"] if lem["id"] != "AS-4.7-2b/literal"]
    rep["lemmas"][0]["checks"][0].setdefault("evidence", {})["tables"] = [
        {"title": "precision", "columns": ["x", "y"], "rows": [[0.30000000000000004, 2.220446049250313e-16]]}]
    return rep


def test_verdict_vocabulary_is_rendered(report, tmp_path):
    write_report(vocabulary_copy(report), tmp_path)
    html = (tmp_path / "report.html").read_text()
    md = (tmp_path / "report.md").read_text()
    page = Page()
    page.feed(html)
    text = "".join(page.text)
    # the summary: a scope column, the new statuses in the legend, root causes counted by severity
    assert "<th>scope</th>" in html and "all n, d, k &gt;= 1" in html
    for word in ("proved-bounded", "certified", "evidence", "partly-confirmed"):
        assert word in text
    assert "2 confirmed errata from 0 root causes" in text and "unclassified" not in text.split("Status:")[0]
    # the errata table: most serious first, with severity and root cause
    errata = html[html.index('id="errata"'):html.index('id="statements"')]
    assert errata.index("DA-4.1/v1") < errata.index("AS-4.7-2b/literal")
    assert "da-list-d-base" in errata and "<th>severity, root cause</th>" in errata
    # each section: scope, severity, root cause, readings (formulas in Unicode)
    assert "<dt>scope</dt>" in html and "<dt>root cause</dt>" in html and "r⁻¹ ≤ 2" in html
    assert "| error | da-list-d-base |" in md and "Readings tried" in md
    # numbers at a readable precision in html and md; the json keeps them whole
    assert "0.3</td>" in html and "2.22e-16" in html and "0.30000000000000004" not in html
    assert "| 0.3 | 2.22e-16 |" in md
    assert 0.30000000000000004 in json.loads((tmp_path / "report.json").read_text())["lemmas"][0]["checks"][0][
        "evidence"]["tables"][0]["rows"][0]
    # sources by paper and arXiv id; the seed file only in the environment
    assert "DA (arXiv 2304.02207v1)" in html and "AS (arXiv 2302.13214)" in html
    env = html[html.index('id="environment"'):]
    assert "4e7b817df02fb852" in env and "4e7b817df02fb852" not in html[:html.index('id="environment"')]
    # statement sections collapse; the summary and errata are never inside one
    assert html.count('<details class="lemma"') == len(report["lemmas"]) and "<details class=\"lemma\" open" not in html
    assert html.index('id="summary"') < html.index('<details class="lemma"')


def test_contracted_kernels_are_found_in_any_spec_module(tmp_path):
    (tmp_path / "spec" / "deep").mkdir(parents=True)
    (tmp_path / "spec" / "deep" / "anything.py").write_text(
        'def f(x: int) -> int:\n    """Double.\n\n    post: _ == 2 * x\n    """\n    return 2 * x\n\n'
        'def g(x: int) -> int:\n    """No contract; mentions post: in prose only."""\n    return x\n')
    assert contracted_kernels(tmp_path) == ["spec.deep.anything.f"]


def test_interrupted_run_writes_what_finished(tmp_path):
    calls = []

    def stop_after_first(res):
        calls.append(res["id"])
        raise KeyboardInterrupt

    rep = run_all("quick", ["DA-2.1", "DA-E7"], on_done=stop_after_first)
    assert rep["meta"]["complete"] is False and rep["meta"]["ran"] == 1 and calls == ["DA-2.1"]
    write_report(rep, tmp_path)
    assert "Incomplete run" in (tmp_path / "report.html").read_text()
    assert "Incomplete run" in (tmp_path / "report.md").read_text()
    assert json.loads((tmp_path / "report.json").read_text())["meta"]["complete"] is False
    assert not list(tmp_path.glob(".*tmp"))


SLEEPER = textwrap.dedent("""
    import sys, time
    from spec.registry import Direct, Lemma, Source, register

    def slow(profile):
        print("sleeping", flush=True)
        time.sleep(120)
        return {}

    register(Lemma(id="ZZ-sleep", paper="DA", title="sleeps", statement="sleeps",
                   source=Source("000", "none", "none"), checks=(Direct("sleep", slow),)))
    from proofs_checks.__main__ import main
    sys.exit(main(sys.argv[1:]))
""")


@pytest.mark.parametrize("jobs", [1, 2])
def test_ctrl_c_stops_promptly_and_marks_the_report_incomplete(tmp_path, jobs):
    out = tmp_path / "r"
    proc = subprocess.Popen([sys.executable, "-c", SLEEPER, "run", "--only", "DA-2.1", "ZZ-sleep",
                             "--jobs", str(jobs), "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT,
                            start_new_session=True,
                            # a suite started in the background by a shell without job control
                            # inherits SIGINT ignored, and Python keeps an ignored SIGINT ignored
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        # the progress lines of a run without a terminal come first
        lines = [proc.stdout.readline().strip() for _ in range(3)]
        assert "sleeping" in lines, lines
        if jobs == 1:
            time.sleep(0.5)   # DA-2.1 ran first and finished before the sleeper started
        else:
            time.sleep(4)     # let DA-2.1 (about a second) finish in the other worker
        os.killpg(proc.pid, signal.SIGINT)   # as a terminal's Ctrl-C: the whole process group
        code = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert code == 1
    data = json.loads((out / "report.json").read_text())
    assert data["meta"]["complete"] is False
    assert [lem["id"] for lem in data["lemmas"]] == ["DA-2.1"]
    assert "Incomplete run" in (out / "report.html").read_text()


def test_interrupted_run_keeps_a_complete_report(tmp_path):
    out = tmp_path / "complete"
    out.mkdir()
    text = json.dumps({"meta": {"complete": True, "only": None}, "lemmas": []})
    (out / "report.json").write_text(text)
    # the previous run's timings put the sleeper first in the parallel order
    (out / "timings.json").write_text(json.dumps({"lemmas": {"ZZ-sleep": {"seconds": 1e6}}}))
    proc = subprocess.Popen([sys.executable, "-c", SLEEPER, "run", "--jobs", "2", "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        for _ in range(200):
            line = proc.stdout.readline()
            if not line or line.strip() == "sleeping":
                break
        os.killpg(proc.pid, signal.SIGINT)
        code = proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert code == 1
    assert (out / "report.json").read_text() == text and not (out / "report.html").exists()
    partial = json.loads((tmp_path / "build" / "report" / "partial" / "report.json").read_text())
    assert partial["meta"]["complete"] is False and "is kept" in proc.stderr.read()


def test_catalogue_is_up_to_date():
    committed = (ROOT / "docs" / "catalogue.md").read_text()
    assert committed == render_catalogue(), "run `python -m proofs_checks catalogue`"


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def _chromium(*args, profile_dir, timeout=120):
    return subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                           "--no-first-run", "--disable-background-networking", "--disable-component-update",
                           "--disable-sync", f"--user-data-dir={profile_dir}", *args],
                          capture_output=True, text=True, timeout=timeout, check=False)


PROBE = """<script>window.addEventListener('load', () => {
  const doc = document.documentElement;
  const ids = [...document.querySelectorAll('.id a, span.id, a.id')];
  const wrapped = ids.filter(e => e.getClientRects().length > 1).map(e => e.textContent);
  const open = document.querySelectorAll('details.lemma[open]').length;
  const top = id => document.getElementById(id).getBoundingClientRect().top;
  const first = document.querySelector('details.lemma').getBoundingClientRect().top;
  const p = document.createElement('pre'); p.id = 'probe';
  p.textContent = 'PROBE ' + JSON.stringify({width: doc.scrollWidth, client: doc.clientWidth, ids: ids.length,
    wrapped: wrapped, open: open, order: top('summary') < top('errata') && top('errata') < first});
  document.body.appendChild(p);
});</script></body>"""


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium on this machine (apt-get install chromium)")
def test_headless_chromium_screenshot(report, tmp_path):
    """The page in a real browser: the summary's status badges at the top, summary then errata
    then the statements, every statement collapsed, no id wrapped mid-word and nothing wider than
    the window (at 1280 and at 900 pixels)."""
    import matplotlib.image as mpimg
    import numpy as np

    write_report(vocabulary_copy(hostile_copy(report)), tmp_path / "r", EXTRA)
    shot = tmp_path / "shot.png"
    profile_dir = tempfile.mkdtemp(dir=tmp_path)
    _chromium(f"--screenshot={shot}", "--window-size=1280,1400", (tmp_path / "r" / "report.html").as_uri(),
              profile_dir=profile_dir)
    if not shot.exists():
        pytest.skip("chromium did not write a screenshot here")
    html = (tmp_path / "r" / "report.html").read_text()
    probe = tmp_path / "r" / "probe.html"
    probe.write_text(html.replace("</body>", PROBE))
    for width in (1280, 900):
        dom = _chromium(f"--window-size={width},1400", "--virtual-time-budget=5000", "--dump-dom",
                        probe.as_uri(), profile_dir=profile_dir).stdout
        found = re.search(r"PROBE (\{.*\})", dom)
        assert found, "the probe did not run"
        facts = json.loads(found.group(1).replace("&quot;", '"'))
        assert facts["width"] <= facts["client"], f"the page is wider than the window at {width} px"
        assert facts["ids"] >= 2 * len(report["lemmas"]) and facts["wrapped"] == [], facts
        assert facts["open"] == 0 and facts["order"], facts
    img = mpimg.imread(shot)[..., :3]
    assert img.shape[0] >= 1000 and img.shape[1] >= 1200
    top = img[:700]
    assert (top < 0.5).mean() > 0.005                          # text drawn: not a blank page
    orange = np.abs(top - np.array([0xE0, 0x82, 0x14]) / 255).max(axis=2) < 0.06
    green = np.abs(top - np.array([0x2F, 0x8F, 0x4A]) / 255).max(axis=2) < 0.06
    assert orange.sum() > 50 and green.sum() > 50              # the summary's badges are visible
