"""Mutation testing of ``impl/`` with the spec checks as the killing suite (``make mutation``).

A small, self-contained driver (instead of mutmut 3, whose trampolines rewrite the copied tree
and whose per-function mutant names do not map back to a line).  It copies the parts of the tree
the suite reads to a temporary directory, never writes into the source tree, and enumerates
mutants on the AST of each target module:

* arithmetic operators swapped (``+ -``, ``* /``, ``@ *``, ``** *``, ``& |``, in ``x op= y`` too),
* comparisons flipped at the boundary or negated (``< <=``, ``> >=``, ``== !=``, ``is``/``is not``,
  ``in``/``not in``), ``and``/``or`` swapped, ``not x``/``-x`` replaced by ``x``,
* numeric constants changed (``n -> n + 1``), ``True``/``False`` swapped,
* statements deleted (replaced by ``pass``): assignments, expression statements, ``return``,
  ``raise`` (compound statements are not dropped whole, only the statements in them).

Docstrings, type annotations, string constants and the arguments of ``raise`` (error messages)
are not mutated: messages are checked by tests but are not behaviour the papers speak about.
Neither is the operation-count bookkeeping (``impl.ledger`` calls, the locals only they read, the
``space`` properties): it changes no answer and is checked by DA-4.9 and tests/test_ledger.py.

Each mutant runs in a forked child of a process that has already imported numpy, sympy, mpmath,
Hypothesis and pytest: the child serves the mutated module from memory through an import hook,
re-imports ``impl``/``spec``/``proofs_checks`` and runs the killing suite (:data:`SUITE`), stopping
at the first check that no longer comes out as expected.  A mutant is *killed* when a check fails
(or the child crashes or exceeds the timeout), *survived* otherwise.

Survivors are reviewed by hand: :data:`EQUIVALENT` explains each equivalent mutant (keyed by a
line-independent key), and killing tests live in ``tests/test_mutation_killers.py``.  The results
go to ``benchmarks/mutation_results.json`` in the report-sections format
(``proofs_checks.sections``), plus every mutant under ``"mutants"``.

    python tools/mutation.py [--module impl/dynamic.py ...] [--jobs 2] [--timeout 120]
    python tools/mutation.py --list            # enumerate the mutants only
    python tools/mutation.py --only KEY ...     # re-run some mutants (keys from the results file)
    python tools/mutation.py --only-file keys.txt   # the same, one key a line
    python tools/mutation.py --resume           # keep the recorded kills, run everything else
    python tools/mutation.py --fresh            # a new record instead of merging into the old one
    python tools/mutation.py --pin impl/x.py    # run against the committed impl/x.py (mid-edit)

Every run merges into the existing record: a run of some modules (``--module``) replaces all the
mutants recorded for those modules and keeps the others', an ``--only``/``--limit`` run replaces
just the mutants it ran; the score and tables are recomputed over the whole record, which lists
the runs it was assembled from (``meta.runs``) and counts the mutants and default modules not run
yet.
"""

from __future__ import annotations

import argparse
import ast
import importlib.abc
import importlib.util
import json
import os
import platform
import select
import signal
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
#: where the mutants run: a copy of the tree taken at the start of the run (:func:`snapshot`), so
#: that edits of the working tree during a long run change neither the mutants nor the suite
BASE = ROOT
SNAPSHOT_ITEMS = ("impl", "spec", "proofs_checks", "tests", "pyproject.toml")

#: the stable DA modules (issue 6, part 3)
DEFAULT_MODULES = ("impl/dynamic.py", "impl/expkernel.py", "impl/attention.py", "impl/elements.py",
                   "impl/threshold.py", "impl/baselines.py", "impl/literal/v1.py",
                   "impl/literal/appendix.py", "impl/literal/repairs.py", "impl/literal/slots.py")

#: the killing suite, fastest and most sensitive first; the first failure kills the mutant.
#: ("pytest", files) runs ``pytest -x`` on them; ("statement", id) runs every check of the record
#: that touches impl (not its sympy identities or CrossHair kernels, which are spec-only) and
#: expects the recorded outcome.  The third item names the modules whose mutants the item can
#: kill (None: every module): the literal transcriptions are only run by the errata records,
#: the corrected structure only by the holds records.
KILLERS = "tests/test_mutation_killers.py"
DYNAMIC = ("impl/dynamic.py", "impl/expkernel.py", "impl/baselines.py", "impl/ledger.py")
LITERAL = ("impl/literal/",)
SHARED = ("impl/elements.py", "impl/threshold.py", "impl/attention.py")
SUITE: tuple[tuple[str, Any, tuple[str, ...] | None], ...] = (
    ("pytest", ("tests/test_literal_errata.py", "tests/test_dynamic_structure.py",
                "tests/test_ledger.py"), None),
    ("statement", "DA-4.1", DYNAMIC + SHARED),
    ("statement", "DA-4.1/repaired", LITERAL + SHARED),
    ("statement", "DA-4.8", DYNAMIC + SHARED),
    ("statement", "DA-4.1/float64", DYNAMIC + SHARED),
    ("statement", "DA-1.1", SHARED),
    ("statement", "DA-4.9", DYNAMIC + SHARED),
    ("statement", "DA-4.1/hostile-input", None),
    # the errata expect a counterexample, which a mutant of the shared modules cannot take away
    # (a crash is a counterexample too): they run for the literal transcriptions only
    *[("statement", f"DA-E{k}", LITERAL) for k in range(1, 9)],
    ("statement", "DA-4.1/v1", LITERAL),
    ("statement", "DA-B.1/appendix", LITERAL),
    ("statement", "DA-4.6/v1", LITERAL),
    ("statement", "DA-4.8/v1", LITERAL),
    # last, so that a mutant it kills is one that every check above let through
    ("pytest", (KILLERS,), None),
)

#: checks left out of the suite: (statement, check name) -> why
SKIPPED_CHECKS = {
    ("DA-4.1/repaired", "PaperV1Attention + all repairs, exact"):
        "minutes per run: the literal's D = 1/(1/D + Delta_D) nests sympy expressions at every "
        "recompute; the float64 checks of the same record run the same code",
    ("DA-4.9", "fitted exponents, n = 2^6 ... 2^12 (quick: 2^10), a in {0.25, 0.5, 0.75, 1}"):
        "a timing-free but slow measurement (n up to 2^10); the property check counts the same calls",
}


def _relevant(modules: tuple[str, ...] | None, mutant_module: str | None) -> bool:
    return modules is None or mutant_module is None or any(mutant_module.startswith(m) for m in modules)


#: the statement modules the suite needs (loading every statement module would import impl.poly,
#: impl.reductions and their spec, which the DA modules do not use)
STATEMENT_MODULES = ("spec.statements.da_upper", "spec.da.float64_stability", "spec.da.drift", "spec.da.hostile",
                     "spec.da.operation_costs", "spec.da.amortization", "spec.da.dynamic_theorems")

#: third-party modules imported once in the parent, so that each child starts warm
WARM = ("numpy", "sympy", "mpmath", "hypothesis", "hypothesis.stateful", "hypothesis.extra.numpy",
        "hypothesis.strategies", "pytest", "_pytest.python", "_pytest.assertion.rewrite",
        "fractions", "numbers")

#: project packages purged and re-imported in every child
PROJECT = ("impl", "spec", "proofs_checks", "tests", "conftest", "test_")

#: equivalent mutants, by key (see :func:`Mutant.key`): the reason the mutant cannot change
#: any observable behaviour.  Filled in from the review of the survivors.
EQUIVALENT: dict[str, str] = {
    # DynamicAttention's fast paths (plain ints and floats): each falls back to the general
    # validation of impl.elements, which accepts the same values and returns them unchanged
    "impl/dynamic.py:DynamicAttention._indices:constant:0 -> 1#0":
        "1 <= i instead of 0 <= i: i = 0 takes the general path (impl.elements.as_index), which "
        "returns 0 as well; the fast path is only a shortcut",
    "impl/dynamic.py:DynamicAttention._indices:constant:0 -> 1#1":
        "1 <= j instead of 0 <= j: j = 0 takes the general path, which returns 0 as well",
    "impl/dynamic.py:DynamicAttention._indices:comparison:0 <= i < self.n -> 0 < i < self.n#0":
        "as 1 <= i: i = 0 goes through as_index, which accepts it unchanged",
    "impl/dynamic.py:DynamicAttention._indices:comparison:0 <= j < self.d -> 0 < j < self.d#0":
        "as 1 <= j: j = 0 goes through as_index, which accepts it unchanged",
    "impl/dynamic.py:DynamicAttention._delta:delete return:return delta -> pass#0":
        "without the shortcut a finite float goes through impl.elements.as_scalar, which returns "
        "the same float for float64",
    "impl/expkernel.py:<module>:operator:2 ** 16 -> 2 * 16#0":
        "REFRESH_RATIO 2^16 -> 32 re-evaluates rows after far less cancellation: an exact "
        "re-evaluation is always correct, so only the time changes (more refreshes)",
    "impl/expkernel.py:ExpKernel.__init__:comparison:kind is FLOAT64 -> kind is not FLOAT64#0":
        "np.asfortranarray only chooses the memory layout of Q (column-major for float64 so that "
        "a key update reads a column contiguously); values and results are the same either way",
    "impl/expkernel.py:ExpKernel.__init__:constant:0 -> 1#0":
        "n = Q.shape[1] instead of Q.shape[0] only sizes the row shifts s of exact kinds, which "
        "are never read (s is used only when kind.shifted, float64); n is reassigned below",
    "impl/expkernel.py:ExpKernel.apply_key:comparison:new_col.max() > HEADROOM -> new_col.max() >= HEADROOM#0":
        "rescaling a row whose logit is exactly HEADROOM above its shift as well keeps the same "
        "invariant M - s <= HEADROOM; the rescale is exact up to rounding",
    "impl/expkernel.py:ExpKernel.apply_key:comparison:new_col > HEADROOM -> new_col >= HEADROOM#0":
        "as the line before: the set of rescaled rows gains the rows exactly at the headroom",
    "impl/expkernel.py:ExpKernel._rescale:delete augassign:self.W[rows] *= factor -> pass#0":
        "W only decides when a row is re-evaluated exactly; left unscaled (larger) it triggers "
        "earlier re-evaluations, which are always correct: only the time changes",
    "impl/expkernel.py:ExpKernel._rescale:operator:self.W[rows] *= factor -> self.W[rows] /= factor#0":
        "as the line before (factor < 1, so W only grows and rows are re-evaluated sooner)",
    "impl/expkernel.py:ExpKernel.propose_query:delete raise:raise ValueError(f'Q[{i}, {j}] + delta overflows float64') -> pass#0":
        "a non-finite Q[i, j] + delta makes the new logit row non-finite (inf, or nan where K has "
        "a zero), so the next check raises ValueError before anything changes; only the message "
        "differs",
    "impl/expkernel.py:ExpKernel.stale_rows:comparison:self.W <= REFRESH_RATIO * self.D -> self.W < REFRESH_RATIO * self.D#0":
        "re-evaluating a row also when W is exactly 2^16 D is as correct (boundary of a "
        "tolerance, not of correctness)",
    "impl/expkernel.py:ExpKernel.stale_rows:delete return:return np.empty(0, dtype=np.intp) -> pass#1":
        "a shortcut: without it np.flatnonzero(~ok) returns the same empty index array",
    "impl/expkernel.py:ExpKernel._set_rows:delete assign:self.W[rows] = self.D[rows] -> pass#0":
        "without resetting W a re-evaluated row is re-evaluated again at the next check: always "
        "correct, only slower",
    "impl/expkernel.py:ExpKernel.__init__:comparison:kind is FLOAT64 -> kind is not FLOAT64#2":
        "as #0: whether M and A are stored column-major changes the memory layout, not a value",
    "impl/expkernel.py:ExpKernel.__init__:delete assign:self.M, self.A = (np.asfortranarray(self.M), np.asfortranarray(self.A)) -> pass#0":
        "as above: M and A keep their values in row-major layout (only column access gets slower)",
    "impl/expkernel.py:ExpKernel.propose_key:delete raise:raise ValueError(f'K[{i}, {j}] + delta overflows float64') -> pass#0":
        "a non-finite K[i, j] + delta makes the new logit column non-finite (inf, or nan where Q "
        "has a zero), so the next check raises ValueError before anything changes; only the "
        "message differs",
    "impl/attention.py:attention:constant:0 -> 1#0":
        "step = Q.shape[1] instead of Q.shape[0] when block_rows is None: the rows are computed in "
        "blocks of d instead of one block of n; every block size gives the same rows (the blocks "
        "only bound the memory)",
    "impl/elements.py:_element_kind:delete return:return None -> pass#0":
        "the function returns None anyway when it falls off its end",
    "impl/threshold.py:integer_root:comparison:q >= n.bit_length() -> q > n.bit_length()#0":
        "for q equal to the bit length of n (2^(q-1) <= n < 2^q) Newton's method starts at x = 2, "
        "steps to ((q-1) 2 + 1) // q = 1 and stops there: it returns 1, as the shortcut does, in the "
        "same handful of operations",
    "impl/threshold.py:integer_root:constant:1 -> 2#1":
        "Newton's method for floor(n^(1/q)) started at 2^(k+1) instead of 2^k: from any start at or "
        "above the root the integer iteration decreases to floor(n^(1/q)) and stops there (one more "
        "step)",
    "impl/threshold.py:lazy_threshold:constant:64 -> 65#0":
        "the first enclosure at 65 instead of 64 bits: an answer is returned only when the "
        "enclosure proves it (no integer inside), so the precision only changes the time",
    "impl/threshold.py:lazy_threshold:constant:2 -> 3#0":
        "the precision tripled instead of doubled after an enclosure that holds an integer: as "
        "64 -> 65, only the time changes",
}

#: scopes that no code path calls: every mutant in them is equivalent (candidates for removal)
DEAD_CODE: dict[str, str] = {}  # (Kind.dtype and Kind.ones of impl.elements were removed)



# ------------------------------------------------------------------------------ mutants
@dataclass
class Mutant:
    module: str          # path relative to ROOT
    index: int           # position in the module's enumeration
    line: int
    col: int
    end_line: int
    scope: str           # qualified name of the enclosing function/class ("<module>")
    operator: str        # kind of mutation
    original: str        # source of the node before
    mutated: str         # source after
    occurrence: int = 0  # how many earlier mutants share scope, operator, original, mutated
    status: str = ""     # killed | survived | timeout
    killer: str = ""
    seconds: float = 0.0

    def key(self) -> str:
        return (f"{self.module}:{self.scope}:{self.operator}:{self.original} -> {self.mutated}"
                f"#{self.occurrence}")


BINOP_SWAPS: dict[type, tuple[type, ...]] = {
    ast.Add: (ast.Sub,), ast.Sub: (ast.Add,), ast.Mult: (ast.Div,), ast.Div: (ast.Mult,),
    ast.FloorDiv: (ast.Div,), ast.Mod: (ast.FloorDiv,), ast.Pow: (ast.Mult,),
    ast.MatMult: (ast.Mult,), ast.BitAnd: (ast.BitOr,), ast.BitOr: (ast.BitAnd,),
    ast.LShift: (ast.RShift,), ast.RShift: (ast.LShift,),
}
CMP_SWAPS: dict[type, tuple[type, ...]] = {
    ast.Lt: (ast.LtE,), ast.LtE: (ast.Lt,), ast.Gt: (ast.GtE,), ast.GtE: (ast.Gt,),
    ast.Eq: (ast.NotEq,), ast.NotEq: (ast.Eq,), ast.Is: (ast.IsNot,), ast.IsNot: (ast.Is,),
    ast.In: (ast.NotIn,), ast.NotIn: (ast.In,),
}
DELETABLE = (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr, ast.Return, ast.Raise)
COMPOUND = (ast.If, ast.For, ast.While, ast.With, ast.Try, ast.FunctionDef, ast.ClassDef,
            ast.AsyncFunctionDef)
#: names that mark operation-count bookkeeping (impl.ledger): not mutated (see BOOKKEEPING_NOTE)
LEDGER_NAMES = {"ledger", "led", "Ledger"}
BOOKKEEPING_NOTE = (
    "Operation-count bookkeeping is not mutated: statements that call impl.ledger (the counts "
    "behind DA-4.9's cost bounds, checked as upper bounds there and exactly by tests/test_ledger.py) "
    "and the space properties; they do not change any answer.")

#: the source text of each module as enumerated, so that an edit of the tree during a run cannot
#: shift the mutants (children are forked, they share it)
_SOURCES: dict[str, str] = {}


def _source(rel: str) -> str:
    if rel not in _SOURCES:
        _SOURCES[rel] = (BASE / rel).read_text()
    return _SOURCES[rel]


def _is_bookkeeping(stmt: ast.stmt, local_names: set[str] = frozenset()) -> bool:
    """A statement that only counts: it touches the ledger, or assigns a local that only such
    statements read (``passes = 6 if shifted else 3`` before ``ledger.charge(passes * n, ...)``)."""
    if isinstance(stmt, COMPOUND):
        return False
    if isinstance(stmt, ast.Assign) and all(isinstance(t, ast.Name) and t.id in local_names
                                            for t in stmt.targets):
        return True
    return any((isinstance(n, ast.Attribute) and n.attr in LEDGER_NAMES)
               or (isinstance(n, ast.Name) and n.id in LEDGER_NAMES) for n in ast.walk(stmt))


def _bookkeeping_locals(func: ast.AST) -> set[str]:
    """Names assigned in ``func`` whose every read is inside a ledger statement."""
    reads: dict[str, list[bool]] = {}

    def walk(stmts: list[ast.stmt]) -> None:
        for stmt in stmts:
            if isinstance(stmt, COMPOUND) and not isinstance(stmt, (ast.FunctionDef, ast.ClassDef)):
                for field in ("test", "iter", "items", "target"):
                    sub = getattr(stmt, field, None)
                    for node in ast.walk(sub) if isinstance(sub, ast.AST) else []:
                        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                            reads.setdefault(node.id, []).append(False)
                for field in ("body", "orelse", "finalbody"):
                    walk(getattr(stmt, field, []) or [])
                for handler in getattr(stmt, "handlers", []) or []:
                    walk(handler.body)
                continue
            counting = _is_bookkeeping(stmt)
            for node in ast.walk(stmt):
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                    reads.setdefault(node.id, []).append(counting)

    walk(func.body)  # type: ignore[attr-defined]
    assigned = {t.id for node in ast.walk(func) if isinstance(node, ast.Assign)
                for t in node.targets if isinstance(t, ast.Name)}
    return {name for name in assigned if reads.get(name) and all(reads[name])}


def _is_docstring(node: ast.AST) -> bool:
    return (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str))


#: ``make()`` applies a mutation in place and returns ``(undo, shown)``: a function that undoes
#: it and the node to print as the mutated code
Make = Callable[[], tuple[Callable[[], None], ast.AST]]


class _Sites:
    """Walk a module in a fixed order; call ``emit(node, operator, make)`` at each mutation site.

    Subtrees that are never mutated: docstrings, annotations, raise statements' arguments,
    f-strings, decorators, imports.
    """

    def __init__(self, emit: Callable[[ast.AST, str, Make], None]):
        self.emit = emit
        self.scope: list[str] = []
        self.skipped = 0  # bookkeeping statements left alone
        self.local_names: list[set[str]] = [set()]

    def scope_name(self) -> str:
        return ".".join(self.scope) or "<module>"

    def visit(self, node: ast.AST, replace: Callable[[ast.AST], None]) -> None:
        if isinstance(node, (ast.Import, ast.ImportFrom, ast.JoinedStr, ast.Raise)):
            return  # a raise is deleted as a statement by _body; its message is not mutated
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == "space":
            self.skipped += 1
            return
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self.scope.append(node.name)
            self.local_names.append(_bookkeeping_locals(node) if not isinstance(node, ast.ClassDef) else set())
            self._body(node.body)
            self.local_names.pop()
            self.scope.pop()
            return
        for name, value in ast.iter_fields(node):
            if name in ("annotation", "returns", "decorator_list", "type_comment"):
                continue
            if isinstance(value, list):
                if value and isinstance(value[0], ast.stmt):
                    self._body(value)
                    continue
                for k, item in enumerate(value):
                    if isinstance(item, ast.AST):
                        self.visit(item, lambda new, value=value, k=k: value.__setitem__(k, new))
            elif isinstance(value, ast.AST):
                self.visit(value, lambda new, name=name: setattr(node, name, new))
        self._node_sites(node, replace)

    def _body(self, body: list[ast.stmt]) -> None:
        for k, stmt in enumerate(body):
            if k == 0 and _is_docstring(stmt):
                continue
            if _is_bookkeeping(stmt, self.local_names[-1]):
                self.skipped += 1
                continue
            if isinstance(stmt, DELETABLE):
                def make(body=body, k=k, stmt=stmt):
                    body[k] = ast.copy_location(ast.Pass(), stmt)
                    return (lambda: body.__setitem__(k, stmt)), body[k]
                self.emit(stmt, f"delete {type(stmt).__name__.lower()}", make)
            self.visit(stmt, lambda new, k=k: body.__setitem__(k, new))

    def _swap(self, node: ast.AST, attr: str, new: type) -> Make:
        def make():
            old = getattr(node, attr)
            setattr(node, attr, new())
            return (lambda: setattr(node, attr, old)), node
        return make

    def _node_sites(self, node: ast.AST, replace: Callable[[ast.AST], None]) -> None:
        if isinstance(node, (ast.BinOp, ast.AugAssign)):
            for new in BINOP_SWAPS.get(type(node.op), ()):
                self.emit(node, "operator", self._swap(node, "op", new))
        elif isinstance(node, ast.Compare):
            for k, op in enumerate(node.ops):
                for new in CMP_SWAPS.get(type(op), ()):
                    def make(node=node, k=k, new=new):
                        old = node.ops[k]
                        node.ops[k] = new()
                        return (lambda: node.ops.__setitem__(k, old)), node
                    self.emit(node, "comparison", make)
        elif isinstance(node, ast.BoolOp):
            self.emit(node, "boolean", self._swap(node, "op", ast.Or if isinstance(node.op, ast.And) else ast.And))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.USub, ast.Invert)):
            def make(node=node):
                replace(node.operand)
                return (lambda: replace(node)), node.operand
            self.emit(node, "unary", make)
        elif isinstance(node, ast.Constant) and not isinstance(node.value, (str, bytes)) \
                and node.value is not None and node.value is not Ellipsis:
            value = node.value
            if isinstance(value, bool):
                new_value: Any = not value
            elif isinstance(value, (int, float)) and not isinstance(value, complex):
                new_value = value + 1
                if new_value == value:   # 1e250 + 1 is 1e250: not a mutant
                    return
            else:
                return
            def make(node=node, new_value=new_value):
                old = node.value
                node.value = new_value
                return (lambda: setattr(node, "value", old)), node
            self.emit(node, "constant", make)


def _text(node: ast.AST) -> str:
    text = ast.unparse(node)
    return text.splitlines()[0] if isinstance(node, ast.stmt) else text


#: bookkeeping statements skipped per module (filled by enumerate_mutants)
SKIPPED: dict[str, int] = {}


def enumerate_mutants(rel: str) -> list[Mutant]:
    tree = ast.parse(_source(rel))
    out: list[Mutant] = []
    seen: dict[tuple[str, str, str, str], int] = {}

    def emit(node: ast.AST, operator: str, make: Make) -> None:
        before = _text(node)
        undo, shown = make()
        after = _text(shown)
        undo()
        scope = walker.scope_name()
        ident = (scope, operator, before, after)
        occ = seen.get(ident, 0)
        seen[ident] = occ + 1
        out.append(Mutant(rel, len(out), node.lineno, node.col_offset,
                          getattr(node, "end_lineno", None) or node.lineno,
                          scope, operator, before[:160], after[:160], occ))

    walker = _Sites(emit)
    walker._body(tree.body)
    SKIPPED[rel] = walker.skipped
    return out


def mutated_code(rel: str, index: int) -> Any:
    """The code object of module ``rel`` with mutant ``index`` applied."""
    tree = ast.parse(_source(rel))
    count = [0]

    def emit(node: ast.AST, operator: str, make: Make) -> None:
        if count[0] == index:
            make()
            raise _Applied
        count[0] += 1

    try:
        _Sites(emit)._body(tree.body)
    except _Applied:
        return compile(ast.fix_missing_locations(tree), str(BASE / rel), "exec")
    raise IndexError(f"{rel} has no mutant {index}")


class _Applied(Exception):
    pass


# ----------------------------------------------------------------------- the child side
def module_name(rel: str) -> str:
    return rel[:-3].replace("/", ".").removesuffix(".__init__")


class _SnapshotFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves the target modules from the snapshot taken at enumeration (one of them mutated)."""

    def __init__(self, codes: dict[str, tuple[Path, Any]]) -> None:
        self.codes = codes

    def find_spec(self, fullname, path=None, target=None):  # noqa: ANN001
        if fullname not in self.codes:
            return None
        return importlib.util.spec_from_file_location(fullname, self.codes[fullname][0], loader=self)

    def create_module(self, spec):  # noqa: ANN001
        return None

    def exec_module(self, module) -> None:  # noqa: ANN001
        exec(self.codes[module.__name__][1], module.__dict__)


def _purge_project() -> None:
    for name in list(sys.modules):
        if name.split(".")[0] in PROJECT or name.startswith("test_"):
            del sys.modules[name]


class _FirstFailure:
    """pytest plugin: remember the first failing test."""

    def __init__(self) -> None:
        self.failed: str | None = None

    def pytest_runtest_logreport(self, report) -> None:  # noqa: ANN001
        if report.failed and self.failed is None:
            self.failed = report.nodeid


def run_suite(profile_name: str, mutant_module: str | None = None) -> tuple[bool, str]:
    """Run :data:`SUITE` in this process; return (all as expected, first failing check)."""
    import pytest

    os.environ["HYPOTHESIS_PROFILE"] = "ci"
    for kind, arg, modules in SUITE:
        if not _relevant(modules, mutant_module):
            continue
        if kind == "pytest":
            plugin = _FirstFailure()
            code = pytest.main(["-x", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
                                "--rootdir", str(BASE),
                                *[str(BASE / f) for f in arg if (BASE / f).exists()]],
                               plugins=[plugin])
            if code != 0:
                return False, plugin.failed or f"pytest exit {code}"
            continue
        import importlib

        from proofs_checks.engines import engine_for
        from proofs_checks.profiles import get_profile
        from proofs_checks.results import COUNTEREXAMPLE, PASSED
        from spec import registry

        for mod in STATEMENT_MODULES:
            importlib.import_module(mod)
        lemma = registry._REGISTRY[arg]
        profile = get_profile(profile_name)
        for check in lemma.checks:
            if check.engine in ("sympy", "crosshair") or (arg, check.name) in SKIPPED_CHECKS:
                continue  # spec-only kernels and identities, or too slow (SKIPPED_CHECKS)
            res = engine_for(check).run(check, profile)
            want = COUNTEREXAMPLE if lemma.expect == "erratum" else PASSED
            if res.status != want:
                return False, f"{arg}: {check.name} ({res.status})"
    return True, ""


def _child(mutant: Mutant | None, profile: str, wfd: int) -> None:
    """Runs in the forked child; writes one JSON line to ``wfd`` and exits."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)   # the parent's handler is for the parent
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.chdir(BASE)
    sys.path[:] = [str(BASE)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT]
    try:
        _purge_project()
        codes = {}
        for rel in _SOURCES:
            code = (mutated_code(rel, mutant.index) if mutant is not None and rel == mutant.module
                    else compile(_SOURCES[rel], str(BASE / rel), "exec"))
            codes[module_name(rel)] = (BASE / rel, code)
        sys.meta_path.insert(0, _SnapshotFinder(codes))
        ok, killer = run_suite(profile, mutant.module if mutant is not None else None)
        result = {"ok": ok, "killer": killer}
    except BaseException as exc:  # noqa: BLE001 - a mutant that breaks the import is killed
        result = {"ok": False, "killer": f"crash: {type(exc).__name__}: {str(exc)[:200]}"}
    data = (json.dumps(result) + "\n").encode()
    while data:
        n = os.write(wfd, data)
        data = data[n:]
    os.close(wfd)
    os._exit(0)


@dataclass
class _Running:
    pid: int
    rfd: int
    start: float
    mutant: Mutant | None
    buf: bytearray = field(default_factory=bytearray)


def _spawn(mutant: Mutant | None, profile: str) -> _Running:
    rfd, wfd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(rfd)
        _child(mutant, profile, wfd)
    os.close(wfd)
    return _Running(pid, rfd, time.monotonic(), mutant)


def _collect(run: _Running) -> dict[str, Any]:
    while True:
        chunk = os.read(run.rfd, 65536)
        if not chunk:
            break
        run.buf.extend(chunk)
    os.close(run.rfd)
    os.waitpid(run.pid, 0)
    try:
        return json.loads(run.buf.decode() or "{}") or {"ok": False, "killer": "crash: no result"}
    except ValueError:
        return {"ok": False, "killer": "crash: unreadable result"}


def run_mutants(mutants: list[Mutant], profile: str, jobs: int, timeout: float,
                progress: Callable[[Mutant, int, int], None]) -> None:
    running: dict[int, _Running] = {}
    try:
        _run_mutants(mutants, profile, jobs, timeout, progress, running)
    finally:  # interrupted (Ctrl-C, SIGTERM): no child outlives the run
        for r in running.values():
            try:
                os.kill(r.pid, signal.SIGKILL)
                os.waitpid(r.pid, 0)
            except OSError:
                pass


def _run_mutants(mutants: list[Mutant], profile: str, jobs: int, timeout: float,
                 progress: Callable[[Mutant, int, int], None], running: dict[int, _Running]) -> None:
    queue = list(mutants)
    done = 0
    while queue or running:
        while queue and len(running) < jobs:
            m = queue.pop(0)
            r = _spawn(m, profile)
            running[r.rfd] = r
        ready, _, _ = select.select(list(running), [], [], 1.0)
        for fd in ready:
            r = running.pop(fd)
            res = _collect(r)
            m = r.mutant
            assert m is not None
            m.seconds = round(time.monotonic() - r.start, 2)
            m.status = "survived" if res.get("ok") else "killed"
            m.killer = res.get("killer", "")
            done += 1
            progress(m, done, len(mutants))
        now = time.monotonic()
        for fd, r in list(running.items()):
            if now - r.start > timeout:
                os.kill(r.pid, signal.SIGKILL)
                os.waitpid(r.pid, 0)
                os.close(fd)
                del running[fd]
                m = r.mutant
                assert m is not None
                m.status, m.killer, m.seconds = "timeout", f"exceeded {timeout:g} s", round(now - r.start, 2)
                done += 1
                progress(m, done, len(mutants))


# ---------------------------------------------------------------------------- the record
def equivalent_reason(m: Mutant) -> str | None:
    if m.key() in EQUIVALENT:
        return EQUIVALENT[m.key()]
    return DEAD_CODE.get(f"{m.module}:{m.scope}")


def classify(m: Mutant) -> str:
    """The survivor's explanation: why it is equivalent ("" when it is not known to be)."""
    reason = equivalent_reason(m)
    return "equivalent: " + reason if reason else ""


def _module_rank(rel: str) -> int:
    return DEFAULT_MODULES.index(rel) if rel in DEFAULT_MODULES else len(DEFAULT_MODULES)


def sections(mutants: list[Mutant], meta: dict[str, Any]) -> dict[str, Any]:
    """The report section of a whole record (every module in it, whichever run each came from)."""
    modules = sorted({m.module for m in mutants}, key=_module_rank)
    per_module = []
    tot = {"mutants": 0, "killed": 0, "survived": 0, "equivalent": 0, "not run": 0}
    for rel in modules:
        ms = [m for m in mutants if m.module == rel]
        killed = sum(m.status in ("killed", "timeout") for m in ms)
        equivalent = sum(m.status == "survived" and equivalent_reason(m) is not None for m in ms)
        survived = sum(m.status == "survived" for m in ms) - equivalent
        pending = sum(not m.status for m in ms)
        denom = killed + survived
        per_module.append([rel, len(ms), killed, survived, equivalent, pending,
                           f"{100 * killed / denom:.1f}%" if denom else "n/a"])
        tot["mutants"] += len(ms)
        tot["killed"] += killed
        tot["survived"] += survived
        tot["equivalent"] += equivalent
        tot["not run"] += pending
    denom = tot["killed"] + tot["survived"]
    score = 100 * tot["killed"] / denom if denom else 0.0
    per_module.append(["all", tot["mutants"], tot["killed"], tot["survived"], tot["equivalent"],
                       tot["not run"], f"{score:.1f}%"])
    survivors = [m for m in mutants if m.status == "survived"]
    rows = []
    for m in survivors:
        how = classify(m) or "not yet explained"
        rows.append([f"{m.module}:{m.line}", m.scope, m.operator, f"{m.original}  ->  {m.mutated}", how])
    killed_new = [[f"{m.module}:{m.line}", m.scope, f"{m.original}  ->  {m.mutated}", m.killer]
                  for m in mutants if m.status == "killed" and m.killer.startswith(KILLERS)]
    missing = [rel for rel in DEFAULT_MODULES if rel not in modules]
    incomplete = []
    if tot["not run"]:
        incomplete.append(f"{tot['not run']} mutants not run yet")
    if missing:
        incomplete.append("modules not run yet: " + ", ".join(missing))
    runs = meta.get("runs", [])
    total_s = sum(r.get("duration_s", 0.0) for r in runs)
    jobs = sorted({r.get("jobs") for r in runs if r.get("jobs")})
    timeouts = sorted({r.get("timeout") for r in runs if r.get("timeout")})
    profiles = sorted({r.get("profile") for r in runs if r.get("profile")})
    summary = (("" if not incomplete else "INCOMPLETE: " + "; ".join(incomplete) + ". ")
               + f"Mutation score {score:.1f}%: {tot['killed']} of {denom} non-equivalent mutants of "
               f"{len(modules)} impl modules killed by the spec checks ({tot['survived']} survived, "
               f"{tot['equivalent']} equivalent, {tot['mutants']} mutants in all). Killing suite: "
               + ", ".join(arg if kind == "statement" else " ".join(arg) for kind, arg, _ in SUITE)
               + f" under the {'/'.join(profiles) or meta.get('profile', 'quick')} profile, stopping "
               "at the first check that is not as expected; a mutant that crashes on import or "
               f"exceeds {'/'.join(f'{t:g}' for t in timeouts) or '?'} s counts as killed. Operators: "
               "arithmetic and comparison swaps, "
               "and/or, dropped not/minus, constants n -> n+1, True/False, deleted statements; "
               "strings, docstrings, annotations and error messages are not mutated. Driver: "
               "tools/mutation.py (make mutation); the record was assembled from "
               f"{len(runs)} run{'s' if len(runs) != 1 else ''} (a run of some modules replaces "
               f"their mutants, --only replaces single mutants) taking {total_s:.0f} s in all with "
               f"{'/'.join(map(str, jobs)) or '?'} processes; the mutants in it took "
               f"{sum(m.seconds for m in mutants):.0f} process-seconds. "
               + BOOKKEEPING_NOTE + f" ({sum(meta.get('bookkeeping_skipped', {}).values())} statements.) "
               + "Checks left out of the suite for time: "
               + "; ".join(meta.get("skipped_checks", [])) + ".")
    table_mod = {"title": "Mutants per module", "columns": ["module", "mutants", "killed", "survived",
                                                           "equivalent", "not run", "score"],
                 "rows": per_module}
    table_surv = {"title": "Surviving mutants and how each is handled",
                  "columns": ["where", "scope", "mutation", "change", "handled"], "rows": rows}
    tables = [table_mod, table_surv]
    if killed_new:
        tables.append({"title": "Mutants killed by " + KILLERS + ", the tests written for the "
                                "survivors of earlier runs",
                       "columns": ["where", "scope", "change", "killed by"], "rows": killed_new})
    meta = dict(meta, modules=modules, finished=not incomplete, duration_s=total_s)
    return {"sections": [{"id": "mutation", "title": "Mutation testing of impl/",
                          "summary": summary, "tables": tables}],
            "meta": meta, "score": round(score, 2), "totals": tot,
            "mutants": [asdict(m) | {"key": m.key()} for m in mutants]}


def merge_record(old: dict[str, Any] | None, mutants: list[Mutant], modules: list[str],
                 only: bool) -> list[Mutant]:
    """The record after a run: a run of ``modules`` replaces every mutant the old record holds for
    them (so mutants of an edited module that no longer exist go away); an ``--only`` run replaces
    just the mutants it ran.  The other modules' mutants are kept as recorded."""
    fresh = {m.key(): m for m in mutants}
    out: list[Mutant] = []
    for item in (old or {}).get("mutants", []):
        item = dict(item)
        key = item.pop("key")
        if only:
            out.append(fresh.pop(key, None) or Mutant(**item))
        elif item["module"] not in modules:
            out.append(Mutant(**item))
    out.extend(fresh.values() if only else mutants)
    return sorted(out, key=lambda m: _module_rank(m.module))   # stable: enumeration order kept


def _old_runs(old: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The runs behind an existing record (a record written before runs were listed is one run)."""
    if not old:
        return []
    meta = old.get("meta", {})
    if "runs" in meta:
        return list(meta["runs"])
    return [{k: meta[k] for k in ("modules", "profile", "jobs", "timeout", "duration_s", "finished")
             if k in meta} | {"only": 0}]


def snapshot() -> Path:
    """Copy the parts of the tree the suite reads into a temporary directory."""
    import shutil
    import tempfile

    dest = Path(tempfile.mkdtemp(prefix="mutation-"))
    for item in SNAPSHOT_ITEMS:
        src = ROOT / item
        if src.is_dir():
            shutil.copytree(src, dest / item, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif src.exists():
            shutil.copy2(src, dest / item)
    return dest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module", nargs="+", default=list(DEFAULT_MODULES))
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds per mutant")
    parser.add_argument("--profile", default="quick")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "mutation_results.json"))
    parser.add_argument("--list", action="store_true", help="enumerate the mutants and exit")
    parser.add_argument("--only", nargs="+", metavar="KEY", help="run only these mutant keys")
    parser.add_argument("--only-file", metavar="FILE",
                        help="run only the mutant keys listed in FILE, one a line (keys hold spaces, "
                             "quotes and * that a shell would mangle)")
    parser.add_argument("--limit", type=int, default=0, help="run at most this many (smoke test)")
    parser.add_argument("--resume", action="store_true",
                        help="keep the mutants that --out records as killed (same key), run the rest")
    parser.add_argument("--pin", nargs="+", default=[], metavar="FILE",
                        help="take these files from git (--pin-rev) instead of the working tree, "
                             "e.g. modules another change is editing during the run")
    parser.add_argument("--pin-rev", default="HEAD")
    parser.add_argument("--fresh", action="store_true",
                        help="start a new record instead of merging into --out")
    args = parser.parse_args(argv)
    if args.only_file:
        keys = [k for k in Path(args.only_file).read_text().splitlines() if k.strip()]
        args.only = (args.only or []) + keys
    global BASE
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    BASE = snapshot()
    # a terminated run removes its snapshot and its children like an interrupted one (finally)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    if args.pin:
        import subprocess
        args.pin_rev = subprocess.run(["git", "rev-parse", args.pin_rev], cwd=ROOT, check=True,
                                      capture_output=True, text=True).stdout.strip()
    for rel in args.pin:
        # the committed version of a file someone is editing (its working copy may be mid-edit)
        text = subprocess.run(["git", "show", f"{args.pin_rev}:{rel}"], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout
        (BASE / rel).write_text(text)
    os.chdir(BASE)
    sys.path.insert(0, str(BASE))
    try:
        return _main(args)
    finally:
        import shutil
        shutil.rmtree(BASE, ignore_errors=True)


def _main(args: argparse.Namespace) -> int:

    mutants = [m for rel in args.module for m in enumerate_mutants(rel)]
    if args.list:
        for m in mutants:
            print(f"{m.module}:{m.line}:{m.col} [{m.operator}] {m.original} -> {m.mutated}   ({m.key()})")
        print(f"{len(mutants)} mutants")
        return 0
    if args.only:
        wanted = set(args.only)
        mutants = [m for m in mutants if m.key() in wanted]
        unknown = wanted - {m.key() for m in mutants}
        if unknown:
            print("no such mutant in " + ", ".join(args.module) + ":\n  " + "\n  ".join(sorted(unknown)),
                  file=sys.stderr)
            return 2
    if args.limit:
        mutants = mutants[: args.limit]

    import importlib
    for name in WARM:
        importlib.import_module(name)

    out = Path(args.out)
    if not out.is_absolute():
        out = ROOT / out
    old = json.loads(out.read_text()) if out.exists() and not args.fresh else None
    if args.resume and old:
        recorded = {item["key"]: item for item in old.get("mutants", [])}
        for m in mutants:
            item = recorded.get(m.key())
            if item and item["status"] in ("killed", "timeout"):
                m.status, m.killer, m.seconds = item["status"], item["killer"], item["seconds"]
        print(f"resuming: {sum(bool(m.status) for m in mutants)} mutants already killed", flush=True)

    t0 = time.monotonic()
    started = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    print("baseline: the unmutated code must pass the whole killing suite ...", flush=True)
    base = _collect(_spawn(None, args.profile))
    if not base.get("ok"):
        print(f"the unmutated code fails the killing suite: {base.get('killer')}", file=sys.stderr)
        return 2
    base_s = time.monotonic() - t0
    print(f"baseline passed in {base_s:.0f} s", flush=True)
    to_run = [m for m in mutants if not m.status]

    run_id = f"{started} pid {os.getpid()}"

    def meta(done: bool, old: dict[str, Any] | None) -> dict[str, Any]:
        old_meta = (old or {}).get("meta", {})
        run = {"id": run_id, "modules": list(args.module), "only": len(args.only or ()), "limit": args.limit,
               "resume": args.resume, "started": started, "mutants_run": len(to_run),
               "profile": args.profile, "jobs": args.jobs, "timeout": args.timeout,
               "duration_s": round(time.monotonic() - t0, 1), "baseline_s": round(base_s, 1),
               "finished": done}
        if args.pin:
            run["pinned"] = {rel: args.pin_rev for rel in args.pin}
        return {"profile": args.profile, "jobs": args.jobs, "timeout": args.timeout,
                "python": platform.python_version(),
                "bookkeeping_skipped": dict(old_meta.get("bookkeeping_skipped", {})) | dict(SKIPPED),
                "skipped_checks": [f"{k[0]}: {k[1]}: {v}" for k, v in SKIPPED_CHECKS.items()],
                "runs": [r for r in _old_runs(old) if r.get("id") != run_id] + [run]}

    first_write = [True]

    def record(done: bool) -> dict[str, Any]:
        """Merge into the record as it is now (another run may have written it meanwhile), under a
        lock; --fresh drops the old record at the first write only."""
        import fcntl
        import hashlib
        import tempfile

        tag = hashlib.sha1(str(out.resolve()).encode()).hexdigest()[:12]
        with open(Path(tempfile.gettempdir()) / f"mutation-record-{tag}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            now = None
            if out.exists() and not (args.fresh and first_write[0]):
                now = json.loads(out.read_text())
            merged = merge_record(now, mutants, list(args.module), bool(args.only or args.limit))
            data = sections(merged, meta(done, now))
            write_results(out, data)
            first_write[0] = False
        return data

    def progress(m: Mutant, k: int, total: int) -> None:
        mark = m.status if m.status != "killed" else f"killed by {m.killer}"
        print(f"[{k}/{total}] {m.module}:{m.line} {m.original} -> {m.mutated}: {mark} ({m.seconds} s)",
              flush=True)
        if k % 10 == 0:
            record(False)   # an interrupted run keeps these

    run_mutants(to_run, args.profile, args.jobs, args.timeout, progress)
    data = record(True)
    print(data["sections"][0]["summary"])
    _review(mutants, complete=not (args.only or args.limit))
    return 0


def _review(mutants: list[Mutant], complete: bool) -> None:
    """Print what a review of this run's modules should look at: unexplained survivors, and
    EQUIVALENT entries that name a killed mutant or no mutant at all (stale after an edit)."""
    by_key = {m.key(): m for m in mutants}
    modules = {m.module for m in mutants}
    for m in mutants:
        if m.status == "survived" and equivalent_reason(m) is None:
            print(f"UNEXPLAINED SURVIVOR  {m.key()}")
    for key in EQUIVALENT:
        module = key.split(":", 1)[0]
        if module not in modules:
            continue
        if key not in by_key:
            if complete:
                print(f"STALE EQUIVALENT (no such mutant)  {key}")
        elif by_key[key].status in ("killed", "timeout"):
            print(f"EQUIVALENT BUT KILLED  {key}  ({by_key[key].killer})")


def write_results(out: Path, data: dict[str, Any]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=1) + "\n")
    tmp.replace(out)


if __name__ == "__main__":
    sys.exit(main())
