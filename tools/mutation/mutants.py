"""The mutants of a module: sites found on its AST in a fixed order, each applied alone.

Operators: arithmetic swaps (``+ -``, ``* /``, ``@ *``, ``** *``, ``& |``, in ``x op= y`` too),
comparisons flipped at the boundary or negated (``< <=``, ``== !=``, ``is``/``is not``,
``in``/``not in``), ``and``/``or`` swapped, ``not x``/``-x``/``~x`` replaced by ``x``, numeric
constants ``n -> n + 1``, ``True``/``False`` swapped, and statements deleted (replaced by
``pass``: assignments, expression statements, ``return``, ``raise``; compound statements are not
dropped whole, only the statements in them).  Docstrings, annotations, decorators, imports,
f-strings and the arguments of ``raise`` (error messages) are not mutated.

A mutant's key (:meth:`Mutant.key`) names its module, scope, operator and text, not its line, so
that it survives edits elsewhere in the module: the record and the explanations of equivalent
mutants are keyed by it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any, Callable


@dataclass
class Mutant:
    module: str          # path relative to the repository root
    index: int           # position in the module's enumeration
    line: int
    col: int
    end_line: int
    scope: str           # qualified name of the enclosing function/class ("<module>")
    operator: str        # kind of mutation
    original: str        # source of the node before
    mutated: str         # source after
    occurrence: int = 0  # how many earlier mutants share scope, operator, original, mutated
    #: outside every function (module or class body): runs at import, read by any caller
    toplevel: bool = False
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
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)

#: ``make()`` applies a mutation in place and returns ``(undo, shown)``: a function that undoes
#: it and the node to print as the mutated code
Make = Callable[[], tuple[Callable[[], None], ast.AST]]


def _is_docstring(node: ast.AST) -> bool:
    return (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str))


class _Sites:
    """Walk a module in a fixed order; call ``emit(node, operator, make)`` at each mutation site."""

    def __init__(self, emit: Callable[[ast.AST, str, Make], None]):
        self.emit = emit
        self.scope: list[str] = []
        self.functions = 0          # functions open around the current node

    def scope_name(self) -> str:
        return ".".join(self.scope) or "<module>"

    def visit(self, node: ast.AST, replace: Callable[[ast.AST], None]) -> None:
        if isinstance(node, (ast.Import, ast.ImportFrom, ast.JoinedStr, ast.Raise)):
            return  # a raise is deleted as a statement by _body; its message is not mutated
        if isinstance(node, (*FUNCTIONS, ast.ClassDef)):
            inside = isinstance(node, FUNCTIONS)
            self.scope.append(node.name)
            self.functions += inside
            self.body(node.body)
            self.functions -= inside
            self.scope.pop()
            return
        for name, value in ast.iter_fields(node):
            if name in ("annotation", "returns", "decorator_list", "type_comment"):
                continue
            if isinstance(value, list):
                if value and isinstance(value[0], ast.stmt):
                    self.body(value)
                    continue
                for k, item in enumerate(value):
                    if isinstance(item, ast.AST):
                        self.visit(item, lambda new, value=value, k=k: value.__setitem__(k, new))
            elif isinstance(value, ast.AST):
                self.visit(value, lambda new, name=name: setattr(node, name, new))
        self._node_sites(node, replace)

    def body(self, body: list[ast.stmt]) -> None:
        for k, stmt in enumerate(body):
            if k == 0 and _is_docstring(stmt):
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


def enumerate_mutants(rel: str, source: str) -> list[Mutant]:
    """Every mutant of module ``rel`` (its text ``source``), in enumeration order."""
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
                          scope, operator, before[:160], after[:160], occ,
                          toplevel=walker.functions == 0))

    walker = _Sites(emit)
    walker.body(ast.parse(source).body)
    return out


class _Applied(Exception):
    pass


def mutated_code(rel: str, source: str, index: int, filename: str) -> Any:
    """The code object of module ``rel`` with mutant ``index`` applied (``filename``: where the
    code says it comes from, the snapshot's copy of the module)."""
    tree = ast.parse(source)
    count = [0]

    def emit(node: ast.AST, operator: str, make: Make) -> None:
        if count[0] == index:
            make()
            raise _Applied
        count[0] += 1

    try:
        _Sites(emit).body(tree.body)
    except _Applied:
        return compile(ast.fix_missing_locations(tree), filename, "exec")
    raise IndexError(f"{rel} has no mutant {index}")


def module_name(rel: str) -> str:
    """``impl/literal/v1.py`` -> ``impl.literal.v1`` (a package's ``__init__.py``: the package)."""
    return rel[:-3].replace("/", ".").removesuffix(".__init__")
