"""No module of the package reaches into another module's private names (a leading
underscore): what one stage needs from another is part of that stage's public surface."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "summarize"


def _module_names(tree: ast.AST) -> set[str]:
    """Names bound in a file to modules of the package (``from summarize import cli``,
    ``import summarize.pipeline as pipeline``, ``from summarize.extract import batch``)."""
    bound = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("summarize"):
            for alias in node.names:
                target = PACKAGE.parent / (node.module.replace(".", "/") + "/" + alias.name)
                if target.with_suffix(".py").is_file() or (target / "__init__.py").is_file():
                    bound.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("summarize.") and alias.asname:
                    bound.add(alias.asname)
    return bound


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def test_no_module_imports_or_uses_another_modules_private_names():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = _module_names(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("summarize"):
                found += [f"{path.relative_to(PACKAGE.parent)}: from {node.module} import {a.name}" for a in node.names if _private(a.name)]
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules and _private(node.attr):
                found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: {node.value.id}.{node.attr}")
    assert found == []
