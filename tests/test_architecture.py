"""The architecture as a checked contract: the import-linter contracts in setup.cfg hold (layers,
checkers independent of the constructions, the flow core independent, no import cycle), each
contract fails when a probe module breaks it, and ruff finds nothing."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

LINT = ("from importlinter.cli import lint_imports; "
        "raise SystemExit(lint_imports(config_filename='setup.cfg', no_cache=True, no_logo=True))")


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """import-linter on the package under ``root`` (which is put first on the path)."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([sys.executable, "-c", LINT], cwd=root, env=env, capture_output=True, text=True,
                          timeout=300)


def test_contracts_are_kept():
    r = lint_imports(ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "5 kept, 0 broken" in r.stdout


def test_the_checkers_share_only_the_vocabulary_and_the_input_layer():
    """The checkers use the package's words (verify.vocabulary) on purpose, and nothing of what they check."""
    import ast

    imported = set()
    for path in (ROOT / "verify" / "checkers").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 2 and node.module:
                imported.add(node.module.split(".")[0])
    assert "vocabulary" in imported
    assert imported <= {"vocabulary", "io", "bounds", "errors"}, imported


LAYERS = "Lower layers never import upper ones"
CHECKERS = "The checkers import nothing from what they check"
FLOWS = "The flow core is independent of the constructions"
VOCABULARY = "The vocabulary imports nothing but the exceptions"
ACYCLIC = "No import cycle between sibling modules or subpackages, at any depth"

PROBES = {
    # an upward import: the algebra reaching for the depth search (which imports the algebra: a cycle too)
    "layers": ({"verify/algebra/_probe.py": "import verify.depth.minimal\n"}, {LAYERS, ACYCLIC}),
    # a checker importing the construction it checks (allowed by the layers, not by independence)
    "checkers": ({"verify/checkers/_probe.py": "from verify.theorem2 import decompose\n"}, {CHECKERS}),
    # the flow core importing the algebra, a sibling in the same layer
    "flows": ({"verify/flows/_probe.py": "import verify.algebra.layers\n"}, {LAYERS, FLOWS}),
    # the vocabulary reaching for the input layer (the checkers share the vocabulary, so it must stay words)
    "vocabulary": (
        {"verify/vocabulary.py": (ROOT / "verify/vocabulary.py").read_text() + "import verify.io.matrix\n"},
        {VOCABULARY, LAYERS},
    ),
    # a cycle inside one subpackage, which no layer sees
    "cycle": (
        {"verify/io/_probe_a.py": "from . import _probe_b\n", "verify/io/_probe_b.py": "from . import _probe_a\n"},
        {ACYCLIC},
    ),
}


@pytest.mark.parametrize("name", sorted(PROBES))
def test_a_probe_breaks_its_contract(name, tmp_path):
    shutil.copytree(ROOT / "verify", tmp_path / "verify", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "setup.cfg", tmp_path / "setup.cfg")
    files, expected = PROBES[name]
    for rel, text in files.items():
        (tmp_path / rel).write_text(text)
    r = lint_imports(tmp_path)
    assert r.returncode != 0, r.stdout
    broken = {line[: -len(" BROKEN")] for line in r.stdout.splitlines() if line.endswith(" BROKEN")}
    assert broken == expected, r.stdout


def test_ruff_finds_nothing():
    ruff = shutil.which("ruff")
    cmd = [ruff] if ruff else [sys.executable, "-m", "ruff"]
    r = subprocess.run(cmd + ["check", "--no-cache", "."], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr


def test_the_product_points_nowhere_outside_the_repository():
    """Proofs, docs, notebooks and code state what they need in place: no reference to files that
    users do not have (the developers' notes beside the repository)."""
    texts = [ROOT / "README.md", *ROOT.glob("proofs/*"), *ROOT.glob("notebooks/*.py"), *ROOT.glob("verify/**/*.py"),
             *ROOT.glob("bench/*.py")]
    bad = [f"{p.relative_to(ROOT)}: {needle}" for p in texts if p.is_file()
           for needle in ("shared/notes", "../shared", "the notes") if needle in p.read_text()]
    assert not bad, bad


def test_import_verify_loads_no_heavy_library():
    """Issue 22: `import verify` (and so `verify --version` / `--help`) imports none of sympy,
    scipy.optimize, POT or matplotlib; each public name is imported on first use (verify.lazy)."""
    code = ("import sys, verify, verify.cli; from verify.cli import _parser; _parser(); "
            "heavy = [m for m in ('sympy', 'scipy.optimize', 'scipy.linalg', 'ot', 'matplotlib', 'flint') "
            "if m in sys.modules]; print(heavy); assert not heavy, heavy; "
            "from verify import decompose, minimal_depth as depth, check, Pair, InputError; assert callable(depth); "
            "assert depth([[2, 0], [0, 3]]).k_min == 1 and decompose([[2, 0], [0, 3]]).k == 1")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    with pytest.raises(AttributeError):
        import verify

        verify.no_such_name  # noqa: B018


def test_the_coupling_layers_are_built_in_one_place():
    """L(A, b) and U(c, D) are assembled only by verify.coupling_blocks and verify.algebra (and, on
    purpose, by the independent checker): no module writes the block form out again (issue 23)."""
    import re

    allowed = ("coupling_blocks.py", "algebra/", "checkers/")
    pattern = re.compile(r"np\.block\(\[\[|\[\[I, Z\], \[|L\[i, i\] = 1")
    found = [f"{p.relative_to(ROOT)}:{i}" for p in (ROOT / "verify").rglob("*.py")
             if not any(a in p.as_posix() for a in allowed)
             for i, line in enumerate(p.read_text().splitlines(), 1) if pattern.search(line)]
    assert not found, found
