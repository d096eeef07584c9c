"""Run mutmut over one group of rule-holding modules, with only that group's tests.

mutmut 3 reads `[tool.mutmut]` from the `pyproject.toml` of its working directory and keeps its
copy and results in `mutants/` there. To run one group (its modules, its tests) without the others'
cost, each group gets its own working directory `build/mutate/<group>/`: symbolic links to the
sources, and a `pyproject.toml` that is the project's with `[tool.mutmut]` narrowed to the group
(`[tool.kiosk-mutation.groups.<group>]` says which modules, which tests and, optionally, extra
`pytest_args`). Results stay there: a second run retries the mutants of changed code and those no
test killed, and keeps the other verdicts; `tools/mutation_report.py` reads them.

Usage: tools/in-env.sh python tools/mutate.py GROUP|all [--workers N] [--fresh]
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "build" / "mutate"
# What the copied tests import or read besides `kiosk` (which mutmut copies as the source path).
LINKED = ("kiosk", "devices", "ui", "resources", "tests", "docs")
# mutmut's exit codes for a mutant some test detected: killed, pytest internal error, timeouts.
DETECTED = {1, 3, 36, -24, 24, 152, 255, -9, -11, 37}


def load_settings() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def groups(settings: dict) -> dict[str, dict]:
    return settings["tool"]["kiosk-mutation"]["groups"]


def _toml_value(value: object) -> str:
    # JSON strings, numbers, booleans and lists of them are valid TOML for what we write here.
    return json.dumps(value, ensure_ascii=False)


def group_pyproject(text: str, base: dict, group: dict) -> str:
    """The project's pyproject.toml with `[tool.mutmut]` replaced by the group's narrowed copy."""
    kept: list[str] = []
    skipping = False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            skipping = stripped == "[tool.mutmut]"
        if not skipping:
            kept.append(line)
    config = dict(base)
    config["only_mutate"] = list(group["modules"])
    config["pytest_add_cli_args_test_selection"] = list(group["tests"])
    # Extra pytest arguments for every run of the group (`-k "not postgresql"`: the tests borrowed from
    # the backend's area run on the embedded store only, not on PostgreSQL + S3 started per mutant).
    if group.get("pytest_args"):
        config["pytest_add_cli_args"] = [*config.get("pytest_add_cli_args", []), *group["pytest_args"]]
    table = ["", "[tool.mutmut]"] + [f"{key} = {_toml_value(value)}" for key, value in config.items()]
    return "\n".join(kept + table) + "\n"


def prepare(name: str, settings: dict, fresh: bool) -> Path:
    group = groups(settings)[name]
    workdir = WORK / name
    if fresh and workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    for entry in LINKED:
        link = workdir / entry
        if not link.is_symlink():
            link.symlink_to(ROOT / entry, target_is_directory=True)
    # tests/conftest.py finds the shared real data two levels above the tests (mutants/tests/..).
    shared = ROOT.parent / "shared"
    if shared.is_dir() and not (workdir / "shared").exists():
        (workdir / "shared").symlink_to(shared, target_is_directory=True)
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    target = workdir / "pyproject.toml"
    new = group_pyproject(text, settings["tool"]["mutmut"], group)
    if not target.exists() or target.read_text(encoding="utf-8") != new:
        target.write_text(new, encoding="utf-8")
    return workdir


def equivalent_names() -> set[str]:
    """Mutants listed in tools/mutation_equivalents.toml (no test can kill them: not worth a retry)."""
    path = ROOT / "tools" / "mutation_equivalents.toml"
    if not path.exists():
        return set()
    return {
        entry["mutant"] for entry in tomllib.loads(path.read_text(encoding="utf-8")).get("equivalent", [])
    }


def forget_survivors(workdir: Path) -> int:
    """Mark the mutants no test killed as unchecked, so this run tries them against today's tests.

    mutmut keeps every verdict until the source changes; a survivor must instead meet each new test.
    Killed (and timed-out) mutants keep their verdict: a test added later cannot revive them. Survivors
    listed as equivalent are not retried (each can cost every covering test, over a minute in the
    outbox); when their function changes, mutmut makes new mutants of it anyway and the report calls
    a reason whose change no longer matches stale.
    """
    forgotten = 0
    equivalent = equivalent_names()
    for meta in (workdir / "mutants").rglob("*.py.meta"):
        data = json.loads(meta.read_text(encoding="utf-8"))
        codes = data["exit_code_by_key"]
        for key, code in codes.items():
            if code is not None and code not in DETECTED and key not in equivalent:
                codes[key] = None
                forgotten += 1
        meta.write_text(json.dumps(data, indent=4), encoding="utf-8")
    return forgotten


def checked(workdir: Path) -> tuple[int, int]:
    """(mutants with a verdict, all mutants) of a group's working directory."""
    done = total = 0
    for meta in (workdir / "mutants").rglob("*.py.meta"):
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        total += len(codes)
        done += sum(1 for code in codes.values() if code is not None)
    return done, total


def survivors_matching(workdir: Path, pattern: str) -> list[str]:
    """Names of the mutants matching `pattern` that no test has killed yet (or that were never tried),
    leaving out those listed as equivalent, as a whole group's retry does."""
    equivalent = equivalent_names()
    names = []
    for meta in (workdir / "mutants").rglob("*.py.meta"):
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        names += [
            k
            for k, code in codes.items()
            if code not in DETECTED and k not in equivalent and fnmatch.fnmatchcase(k, pattern)
        ]
    return sorted(names)


def run(name: str, workers: int, fresh: bool, only: str | None = None) -> int:
    settings = load_settings()
    if name not in groups(settings):
        print(f"mutate: unknown group {name!r}; groups: {', '.join(groups(settings))}", file=sys.stderr)
        return 2
    workdir = prepare(name, settings, fresh)
    targets: list[str] = []
    if only:
        # Only these mutants: quick to check whether new tests kill the survivors of one module. Before
        # the group's first run there are no verdicts yet: mutmut takes the pattern itself then.
        generated = (workdir / "mutants").is_dir()
        targets = survivors_matching(workdir, only) if generated else [only]
        if not targets:
            print(f"mutate: no mutant of {name} matching {only!r} is left alive")
            return 0
    else:
        retried = forget_survivors(workdir)
        if retried:
            print(f"mutate: retrying {retried} mutant(s) of {name} that no test killed last time")
    mutmut = Path(sys.executable).parent / "mutmut"
    # Property tests run once per mutant here: fewer examples each (tests/kiosk/identity/test_properties.py).
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", KIOSK_PROPERTY_EXAMPLES="25")
    before, _ = checked(workdir)
    started = time.monotonic()
    # Low priority: the machine is shared; the mutmut workers inherit the niceness.
    log = workdir / "mutmut.log"
    print(f"mutate: group {name} with {workers} worker(s); progress in {log.relative_to(ROOT)}")
    with log.open("w", encoding="utf-8") as out:
        code = subprocess.call(
            ["nice", "-n", "10", str(mutmut), "run", "--max-children", str(workers), *targets],
            cwd=workdir,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    minutes = (time.monotonic() - started) / 60
    timing = workdir / "last-run.json"
    after, total = checked(workdir)
    record = {
        "group": name,
        "minutes": round(minutes, 1),
        "exit": code,
        "workers": workers,
        "checked_this_run": after - before,
        "checked": after,
        "mutants": total,
        "load_average": round(os.getloadavg()[0], 1),
    }
    timing.write_text(json.dumps(record), encoding="utf-8")
    print(f"mutate: {name}: {after - before} mutants checked in {minutes:.1f} min; {after}/{total} judged")
    return code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("group", nargs="?", help="a group name or `all`; none lists the groups")
    parser.add_argument("--workers", type=int, default=1, help="mutmut children (the machine has 2 cores)")
    parser.add_argument("--fresh", action="store_true", help="forget earlier results of this group")
    parser.add_argument(
        "--only",
        metavar="PATTERN",
        help="retry only the live mutants matching PATTERN (kiosk.enrol.fingers.*)",
    )
    args = parser.parse_args(argv)
    if not args.group:
        for name, group in groups(load_settings()).items():
            print(f"{name}: {len(group['modules'])} modules; tests {' '.join(group['tests'])}")
        return 0
    names = list(groups(load_settings())) if args.group == "all" else [args.group]
    worst = 0
    for name in names:
        worst = max(worst, run(name, args.workers, args.fresh, args.only))
    return worst


if __name__ == "__main__":
    sys.exit(main())
