"""The rewriting engine every proof check shares: blocks as noncommutative sympy symbols (so an
identity checked here holds for every ``d``, over any ring), inverses as separate symbols with the
rules ``X Xi -> 1`` and ``Xi X -> 1``, normal forms, block-matrix equality, and the check runner."""
from __future__ import annotations

from typing import Callable

import sympy as sp
from sympy import Matrix, Symbol


def nc(names: str) -> tuple[Symbol, ...]:
    return sp.symbols(names, commutative=False)


# ---------------------------------------------------------------------------------------------
# a tiny noncommutative rewriting system
# ---------------------------------------------------------------------------------------------
Rule = tuple[tuple[Symbol, ...], sp.Expr]


def inverse_rules(*pairs: tuple[Symbol, Symbol]) -> list[Rule]:
    rules: list[Rule] = []
    for X, Xi in pairs:
        rules += [((X, Xi), sp.Integer(1)), ((Xi, X), sp.Integer(1))]
    return rules


def _factors(term: sp.Expr) -> tuple[sp.Expr, list[sp.Expr]]:
    coeff, ncpart = (
        term.args_cnc() if isinstance(term, sp.Mul) else (([term], []) if term.is_commutative else ([], [term]))
    )
    seq: list[sp.Expr] = []
    for f in ncpart:
        if isinstance(f, sp.Pow) and f.exp.is_Integer and f.exp > 0:
            seq += [f.base] * int(f.exp)
        else:
            seq.append(f)
    return sp.Mul(*coeff), seq


def normal_form(expr: sp.Expr, rules: list[Rule], max_rounds: int = 200) -> sp.Expr:
    """Expand and rewrite with ``rules`` (subword -> expression) until nothing changes."""
    expr = sp.expand(expr)
    for _ in range(max_rounds):
        changed = False
        out = []
        for term in sp.Add.make_args(expr):
            coeff, seq = _factors(term)
            hit = None
            for pattern, repl in rules:
                m = len(pattern)
                for i in range(len(seq) - m + 1):
                    if tuple(seq[i:i + m]) == pattern:
                        hit = (i, m, repl)
                        break
                if hit:
                    break
            if hit:
                i, m, repl = hit
                out.append(coeff * sp.Mul(*seq[:i]) * repl * sp.Mul(*seq[i + m:]))
                changed = True
            else:
                out.append(term)
        expr = sp.expand(sp.Add(*out))
        if not changed:
            return expr
    raise RuntimeError("rewriting did not terminate")


def blocks_equal(lhs: Matrix, rhs: Matrix, rules: list[Rule]) -> bool:
    return all(normal_form(a - b, rules) == 0 for a, b in zip(lhs, rhs))


one, zero = sp.Integer(1), sp.Integer(0)


def E(X):  # [[I, 0], [X, I]]
    return Matrix([[one, zero], [X, one]])


def F(Y):  # [[I, Y], [0, I]]
    return Matrix([[one, Y], [zero, one]])


def diag2(P, Q):
    return Matrix([[P, zero], [zero, Q]])


def run(checks: list[Callable[[], bool]]) -> int:
    """Run every check, print one line each, and return the exit code (0 iff all pass)."""
    failed = 0
    for chk in checks:
        ok = chk()
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {chk.__name__}: {chk.__doc__.strip().splitlines()[0]}")
    return 1 if failed else 0
