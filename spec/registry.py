"""The registry of paper statements.

One :class:`Lemma` record per statement of the papers.  A record *states*: its checks say which
engine discharges which predicate on which inputs, but nothing here runs a search;
``proofs_checks`` does that.

A predicate returns normally when the claim holds for its input and raises
:class:`Counterexample` with the offending values when it does not.

A record lives in the module that holds its predicates, proofs and instance families: one module
per lemma (or per group of lemmas printed together) in ``spec/da/`` (DA) and ``spec/as_/`` (AS),
discovered by :func:`load_all`; each module calls :func:`register` at import time.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Literal, Sequence

Paper = Literal["DA", "AS"]
Expect = Literal["holds", "erratum"]

#: The texts the statements are read from, by the short name a :class:`Source` uses, with the
#: published version each one is (the file names are those of the project's paper collection).
TEXTS = {
    "000": "DA, arXiv 2304.02207v1",
    "001": "DA, arXiv 2304.02207v1 abstract page",
    "002": "AS, arXiv 2302.13214",
    "003": "DA, arXiv 2304.02207, appendix of a later version",
}

#: the file of each text in the paper collection (shown in the report's environment section)
SEEDS = {
    "000": "000_4e7b817df02fb852.txt (DA, arXiv 2304.02207v1 full text)",
    "001": "001_11f14ae59547b3f8.txt (DA, arXiv abstract page)",
    "002": "002_e945f652695d4c4c.txt (AS, arXiv 2302.13214 full text)",
    "003": "003_ad7eb639527dff57.txt (DA, appendix of a later version)",
}


class Counterexample(AssertionError):
    """A claim failed on a concrete input.

    ``values`` holds the offending values in JSON-friendly form (numbers, strings, nested lists);
    the report prints them and ``show ID --reproduce`` replays them.
    """

    def __init__(self, message: str, **values: Any) -> None:
        super().__init__(message)
        self.message = message
        self.values = values

    def to_json(self) -> dict[str, Any]:
        return {"message": self.message, "values": self.values}


@dataclass(frozen=True)
class Source:
    """Where a statement is printed: the text (key of :data:`TEXTS`), section, number."""

    seed: str
    section: str
    number: str

    def cite(self) -> str:
        return f"{TEXTS.get(self.seed, 'text ' + self.seed)}, {self.section}, {self.number}"


# --------------------------------------------------------------------------------------------
# Checks: what an engine must discharge.  Each is a plain description; proofs_checks.engines
# holds one engine per class.  What a check establishes when it passes is its ``grade``, derived
# from what the check is (never from free text):
#
#   proved          every value of the statement's parameters: a symbolic identity with symbolic
#                   dimensions (``SympyProof(general=True)``), an SMT unsat over the reals
#                   (``SmtProof``), an induction whose base and step are both machine-checked
#   proved-bounded  every instance within a stated finite scope: exhaustive enumeration, a
#                   symbolic identity at fixed sizes
#   certified       interval certificates at listed parameter points (``Direct(grade=...)``)
#   holds           a search found nothing (Hypothesis, state machines, CrossHair, a computation
#                   over chosen examples)
#   evidence        tables and plots that check no claim
#
# ``scope`` says what a proved, proved-bounded or certified check covers ("all n, d, k";
# "n <= 3, d <= 2"; "B in {1.5, 2, 4}"); the report shows it beside the status.
# --------------------------------------------------------------------------------------------

#: grades, strongest first; a statement's status is the weakest grade among its checks
GRADES = ("proved", "proved-bounded", "certified", "holds", "evidence")
Grade = Literal["proved", "proved-bounded", "certified", "holds", "evidence"]


@dataclass(frozen=True)
class SympyProof:
    """Exact identities ``lhs == rhs`` proved by sympy (``simplify(lhs - rhs) == 0``).

    ``identities()`` yields ``(label, lhs, rhs)``; sympy matrices compare entrywise.  For a
    literal (erratum) record at least one identity is expected to fail, and the failing label
    with the non-zero difference is the counterexample.

    ``general=True`` only when the identities are stated with symbolic dimensions and symbolic
    entries, so that their truth covers every value of the parameters (then ``scope`` says which,
    e.g. "all n, d >= 1"); at fixed sizes the check is a bounded proof and ``scope`` names the
    sizes.
    """

    name: str
    identities: Callable[[], Iterable[tuple[str, Any, Any]]]
    scope: str = ""
    general: bool = False

    @property
    def grade(self) -> Grade:
        return "proved" if self.general else "proved-bounded"


@dataclass(frozen=True)
class SmtProof:
    """Claims proved valid by z3 over the reals (or integers): ``claims()`` yields
    ``(label, claim, assumptions)`` with z3 boolean expressions; the engine asks z3 whether
    ``assumptions and not claim`` is satisfiable.  ``unsat`` proves the claim for every value of
    its free variables that meets the assumptions; ``sat`` gives a counterexample (the model);
    ``unknown`` is an error, never a pass.  For an erratum record the model is the expected
    counterexample.
    """

    name: str
    claims: Callable[[], Iterable[tuple[str, Any, Sequence[Any]]]]
    scope: str = ""
    #: seconds z3 may spend on one claim
    timeout_s: float = 60.0

    @property
    def grade(self) -> Grade:
        return "proved"


@dataclass(frozen=True)
class Property:
    """A predicate over inputs drawn by a Hypothesis strategy.

    ``strategy`` is a zero-argument callable returning the strategy (built lazily, so that
    importing the registry stays cheap).  ``encode`` turns an example into JSON for the report;
    ``decode`` turns it back for ``show ID --reproduce``.
    """

    name: str
    strategy: Callable[[], Any]
    predicate: Callable[[Any], None]
    encode: Callable[[Any], Any] = repr
    decode: Callable[[Any], Any] | None = None
    #: multiplies the profile's example budget (expensive predicates use < 1)
    weight: float = 1.0
    #: Hypothesis health checks this search may trip by design, each with its reason:
    #: ``(("too_slow", "every example runs a reduction in exact arithmetic"),)``
    suppress: tuple[tuple[str, str], ...] = ()

    @property
    def grade(self) -> Grade:
        return "holds"


@dataclass(frozen=True)
class Stateful:
    """A Hypothesis ``RuleBasedStateMachine`` over a dynamic attention structure.

    The machine draws Q, K, V (``kind`` "float": float64 in [-3, 3]; "wide": float64 with logits
    up to 1e4 in magnitude, checked against mpmath and for inf/nan in every stored array;
    "exact": integer logits and rational values as sympy numbers), then any interleaving of ``ops``.  Every
    ``query`` and ``output`` is compared with ``impl.attention.attention`` on the current
    matrices by ``spec.da.program.check_value``.  A failing run is recorded as a program (a list
    of operations) that ``spec.da.program.replay`` re-runs.

    ``subject`` builds the structure: ``subject(Q, K, V, a=..., scale=...)``.
    """

    name: str
    subject: Callable[..., Any]
    subject_name: str
    kind: Literal["float", "exact", "wide"] = "float"
    ops: tuple[str, ...] = ("update_k", "update_v", "update_q", "query", "output", "recompute")
    n_max: int = 12
    d_max: int = 4
    #: the oracle for the statement: "attention" (the exact attention of current Q, K, V) or
    #: "recompute" (Lemma 4.8: after recompute the maintained C, D, V equal A V, A 1, V).
    invariant: Literal["attention", "recompute"] = "attention"
    weight: float = 1.0
    #: an erratum is confirmed only by a shrunk program of at most this many operations
    #: (Init counts as one); None: no limit
    max_ops: int | None = None

    @property
    def grade(self) -> Grade:
        return "holds"


@dataclass(frozen=True)
class Crosshair:
    """``crosshair check`` on a pure-Python kernel with PEP 316 contracts.

    ``target`` is the kernel function itself.  ``expect`` is "verified" when no counterexample
    should exist (within the time budget) and "counterexample" for a literal kernel.  CrossHair's
    search is bounded by time, so a pass is a search that found nothing.
    """

    name: str
    target: Callable[..., Any]
    expect: Literal["verified", "counterexample"] = "verified"

    @property
    def target_path(self) -> str:
        """The dotted path ``crosshair check`` takes."""
        return f"{self.target.__module__}.{self.target.__qualname__}"

    @property
    def grade(self) -> Grade:
        return "holds"


@dataclass(frozen=True)
class Exhaustive:
    """A predicate over every instance of a finite family (``instances(profile)``).

    ``scope`` states the family ("n <= 3, d <= 2"; the deep profile may widen it, and says so).
    """

    name: str
    instances: Callable[[Any], Iterable[Any]]
    predicate: Callable[[Any], None]
    encode: Callable[[Any], Any] = repr
    decode: Callable[[Any], Any] | None = None
    scope: str = ""

    @property
    def grade(self) -> Grade:
        return "proved-bounded"


@dataclass(frozen=True)
class Direct:
    """A deterministic computation: an interval certificate, a check over chosen examples, or a
    table of evidence.

    ``run(profile)`` raises :class:`Counterexample` when the claim fails and otherwise returns a
    JSON-friendly dict of evidence (figures, tables) that the report shows.  ``grade`` says what
    a pass establishes: "certified" (interval certificates at the points ``scope`` lists),
    "holds" (a computation over chosen examples that can fail) or "evidence" (a table or plot
    that checks no claim: it never makes a statement stronger than "evidence").
    """

    name: str
    run: Callable[[Any], dict[str, Any]]
    grade: Grade = "holds"
    scope: str = ""

    def __post_init__(self) -> None:
        if self.grade not in ("certified", "holds", "evidence"):
            raise ValueError(f"Direct {self.name!r}: grade must be certified, holds or evidence")


Check = SympyProof | SmtProof | Property | Stateful | Crosshair | Exhaustive | Direct

Severity = Literal["error", "slip", "typo", "inconsistency"]
#: severities, most serious first (the errata table is sorted this way)
SEVERITIES = ("error", "inconsistency", "slip", "typo")


@dataclass(frozen=True)
class Erratum:
    """What an erratum record claims about the printed text.

    ``severity``: "error" (the claim is false or the algorithm answers wrongly, and the fix
    changes the argument), "slip" (true after changing a constant or parameter; the Theta/O claim
    survives), "typo" (the intent is plain from context), "inconsistency" (two printed statements
    contradict each other).  ``root_cause``: an id shared by the errata that one fix repairs.
    ``readings``: each reading of the printed text that was tried, and why it still fails (the
    most charitable consistent reading first).
    """

    severity: Severity
    root_cause: str
    readings: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, not {self.severity!r}")
        if not self.root_cause:
            raise ValueError("an erratum needs a root_cause id")


@dataclass(frozen=True)
class Lemma:
    """One paper statement, literal or corrected.

    ``expect="erratum"`` marks a record whose *printed* form is known to fail: the engines must
    find a counterexample, ``erratum`` says how serious the failure is and what causes it, and
    ``corrected_by`` names the record of the corrected statement.
    """

    id: str
    paper: Paper
    title: str
    statement: str
    source: Source
    checks: tuple[Check, ...]
    expect: Expect = "holds"
    literal: str = ""
    corrected_by: str | None = None
    corrects: str | None = None
    notes: str = ""
    tags: tuple[str, ...] = ()
    erratum: Erratum | None = None
    #: "theorem" for the papers' main results (nodes of the theorem graph), "lemma" otherwise
    kind: Literal["theorem", "lemma"] = "lemma"
    #: ids of the statements and assumptions the paper's proof of this one uses (the edges of the
    #: theorem graph); a corrected record cites what its corrected proof uses
    cites: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in ("theorem", "lemma"):
            raise ValueError(f"Lemma {self.id}: kind must be 'theorem' or 'lemma'")
        if isinstance(self.cites, str):
            raise TypeError(f"Lemma {self.id}: cites must be a tuple of ids, not a string")
        if self.expect not in ("holds", "erratum"):
            raise ValueError(f"Lemma {self.id}: expect must be 'holds' or 'erratum'")
        if self.paper not in ("DA", "AS"):
            raise ValueError(f"Lemma {self.id}: paper must be 'DA' or 'AS'")
        if not self.checks:
            raise ValueError(f"Lemma {self.id}: a statement needs at least one check")
        if self.erratum is not None and self.expect != "erratum":
            raise ValueError(f"Lemma {self.id}: only an erratum record has an erratum description")


@dataclass(frozen=True)
class Assumption:
    """A conjecture or an outside result a theorem rests on (the HMV conjecture, SETH,
    Rubinstein's Gap-ANN hardness, facts about omega): a node of the theorem graph that is
    marked as assumed, never checked and never "proved" here.  ``source`` says where the paper
    states or cites it."""

    id: str
    paper: Paper
    title: str
    statement: str
    source: Source
    #: who proved or conjectured it, as the paper cites it
    reference: str = ""


_REGISTRY: dict[str, Lemma] = {}
_ASSUMPTIONS: dict[str, Assumption] = {}


def register(lemma: Lemma) -> Lemma:
    """Add a record; ids are unique."""
    if lemma.id in _REGISTRY and _REGISTRY[lemma.id] is not lemma:
        raise ValueError(f"duplicate statement id {lemma.id!r}")
    _REGISTRY[lemma.id] = lemma
    return lemma


def register_assumption(assumption: Assumption) -> Assumption:
    """Add an assumption node; ids are unique among statements and assumptions."""
    if assumption.id in _REGISTRY or (assumption.id in _ASSUMPTIONS
                                       and _ASSUMPTIONS[assumption.id] is not assumption):
        raise ValueError(f"duplicate id {assumption.id!r}")
    _ASSUMPTIONS[assumption.id] = assumption
    return assumption


#: the packages whose modules hold statement records (each registers its records at import)
STATEMENT_PACKAGES = ("spec.da", "spec.as_")


def _import_statement_modules() -> None:
    for name in STATEMENT_PACKAGES:
        try:
            pkg = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        for info in sorted(pkgutil.walk_packages(pkg.__path__, prefix=f"{name}."), key=lambda m: m.name):
            importlib.import_module(info.name)


def load_all() -> dict[str, Lemma]:
    """Import every module of the statement packages and return the registry, in id order."""
    _import_statement_modules()
    return dict(sorted(_REGISTRY.items(), key=lambda kv: _sort_key(kv[0])))


def load_assumptions() -> dict[str, Assumption]:
    """The assumption nodes, in id order (after importing every statement module)."""
    _import_statement_modules()
    return dict(sorted(_ASSUMPTIONS.items()))


def get(lemma_id: str) -> Lemma:
    lemmas = load_all()
    try:
        return lemmas[lemma_id]
    except KeyError:
        raise KeyError(f"no statement {lemma_id!r}; `python -m proofs_checks list` lists them") from None


def _sort_key(lemma_id: str) -> tuple:
    parts: list[Any] = []
    for chunk in lemma_id.replace("/", "-").replace(".", "-").split("-"):
        parts.append((0, int(chunk), "") if chunk.isdigit() else (1, 0, chunk))
    return tuple(parts)

