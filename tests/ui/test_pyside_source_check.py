"""PySide6's check of every imported module, answered without keeping each module's source in memory."""

from __future__ import annotations

from pathlib import Path


def test_pyside_s_source_check_answers_as_before_and_keeps_no_source(tmp_path: Path) -> None:
    """Our check of "does this module use PySide6" must agree with PySide6's own on every module the
    station imports (its optional features depend on it), without filling linecache."""
    import linecache
    import sys

    import ui.shell  # noqa: F401  (the whole application's imports)
    from ui import qt

    assert qt.FEATURE_CHECK_REPLACED and qt.PYSIDE_FEATURE_CHECK is not None
    modules = [m for m in list(sys.modules.values()) if m is not None]
    assert len(modules) > 300
    ours = {m.__name__: qt.uses_pyside(m) for m in modules}
    assert sum(ours.values()) >= 5  # ui.qt and PySide6's own modules at least
    linecache.clearcache()
    try:
        theirs = {m.__name__: bool(qt.PYSIDE_FEATURE_CHECK(m)) for m in modules}
    finally:
        linecache.clearcache()
    assert ours == theirs
    (tmp_path / "fresh_module_for_the_check.py").write_text("VALUE = 1\n")
    sys.path.insert(0, str(tmp_path))
    try:
        before = len(linecache.cache)
        __import__("fresh_module_for_the_check")
        assert len(linecache.cache) == before
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("fresh_module_for_the_check", None)
