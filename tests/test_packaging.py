"""The wheel people install: core dependencies only numpy, sympy and mpmath, the checks in the
verify extra, a console command, an MIT licence, py.typed, the templates and the measurement
files (so an installed copy's report has its benchmark and mutation sections)."""

import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

from proofs_checks import __version__

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    # a copy of the tracked files only: what a fresh clone would build
    src = tmp_path_factory.mktemp("src")
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for rel in filter(None, files.decode().split("\0")):
        if (ROOT / rel).is_file():
            (src / rel).parent.mkdir(parents=True, exist_ok=True)
            (src / rel).write_bytes((ROOT / rel).read_bytes())
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(src)],
                           capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stdout + build.stderr
    (path,) = out.glob("attention_proofs-*.whl")
    return zipfile.ZipFile(path)


def _metadata(wheel):
    name = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
    return Parser().parsestr(wheel.read(name).decode())


def test_wheel_metadata(wheel):
    meta = _metadata(wheel)
    assert meta["Version"] == __version__
    assert meta["License-Expression"] == "MIT"
    requires = meta.get_all("Requires-Dist")
    core = sorted(r.split(">")[0].split("=")[0].strip() for r in requires if "extra ==" not in r)
    assert core == ["mpmath", "numpy", "sympy"]
    verify = " ".join(r for r in requires if 'extra == "verify"' in r)
    for package in ("hypothesis", "crosshair-tool", "hypothesis-crosshair", "z3-solver", "rich", "matplotlib",
                    "jinja2", "dask"):
        assert package in verify, package
    entry = next(n for n in wheel.namelist() if n.endswith(".dist-info/entry_points.txt"))
    assert "attention-proofs = proofs_checks.__main__:main" in wheel.read(entry).decode()


def test_wheel_ships_data_licence_and_types(wheel):
    names = set(wheel.namelist())
    for needed in ("impl/py.typed", "spec/py.typed", "proofs_checks/py.typed",
                   "proofs_checks/templates/report.html.j2", "proofs_checks/templates/report.md.txt",
                   "benchmarks/results.json", "benchmarks/mutation_results.json"):
        assert needed in names, needed
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    tracked = subprocess.run(["git", "ls-files", "benchmarks/*.json"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.split()
    assert tracked and set(tracked) <= names
