"""docs/rules.md names, for each rule of issue 13, where it is applied and the tests that prove it:
every test and every module:function it names must exist, so the table cannot drift into fiction."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "rules.md"
TEST_REF = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")
CODE_REF = re.compile(r"`((?:kiosk|devices|ui)/[\w/]+\.py):([\w.]+)")


def _names(path: Path) -> set[str]:
    """Top-level functions and classes, and `Class.method`, defined in a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        if isinstance(node, ast.ClassDef):
            names |= {
                f"{node.name}.{item.name}"
                for item in node.body
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
            }
    return names


def test_every_test_the_rules_name_exists() -> None:
    refs = TEST_REF.findall(DOC.read_text(encoding="utf-8"))
    assert len(refs) >= 30
    missing = [f"{path}::{name}" for path, name in refs if name not in _names(ROOT / path)]
    assert missing == []


def test_every_function_the_rules_name_exists() -> None:
    refs = CODE_REF.findall(DOC.read_text(encoding="utf-8"))
    assert len(refs) >= 20
    missing = [
        f"{path}:{name}"
        for path, name in refs
        if not (ROOT / path).exists() or name not in _names(ROOT / path)
    ]
    assert missing == []
