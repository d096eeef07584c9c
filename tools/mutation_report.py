"""Score per mutation group and the mutants that survived, each with its reason or as unexplained.

Reads the results `tools/mutate.py` left in `build/mutate/<group>/mutants/` (mutmut's per-file
`.meta` files) and the reasons in `tools/mutation_equivalents.toml`. A reason is tied to the mutant's
name *and* its change (the removed and added lines), so a reason left behind when the code moved
on is reported as stale instead of silently excusing a different mutant.

Scores: `raw` counts killed (and timed-out) mutants over the mutants judged; `score` leaves out the
mutants listed as equivalent (they cannot be killed by any test). A run stopped before the end is
reported as partial (judged/all) and fails the check. The command fails when a
group's `score` is under `[tool.kiosk-mutation] threshold` or a requested group has not been run;
with `--strict`, also when a survivor has no reason (or a stale one).

Usage: tools/in-env.sh python tools/mutation_report.py [GROUP|all] [--diff] [--markdown]
"""

from __future__ import annotations

import argparse
import contextlib
import fnmatch
import json
import os
import sys
import tomllib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "build" / "mutate"
EQUIVALENTS = ROOT / "tools" / "mutation_equivalents.toml"

# mutmut's exit codes (mutmut.stats.status_by_exit_code, locked version) folded into what a score needs.
KILLED = {1, 3}
TIMEOUT = {36, -24, 24, 152, 255, -9, -11}
SURVIVED = {0}
NO_TESTS = {5, 33}
DETECTED_BY_TYPES = {37}


@dataclass
class Survivor:
    name: str
    status: str
    change: list[str]
    diff: str
    reason: str | None = None
    stale: bool = False


@dataclass
class GroupResult:
    name: str
    counts: Counter[str] = field(default_factory=Counter)
    survivors: list[Survivor] = field(default_factory=list)
    minutes: float | None = None
    ran: bool = True

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def detected(self) -> int:
        return self.counts["killed"] + self.counts["timeout"] + self.counts["type check"]

    @property
    def equivalent(self) -> int:
        return sum(1 for s in self.survivors if s.reason and not s.stale)

    @property
    def judged(self) -> int:
        return self.total - self.counts["not checked"]

    @property
    def partial(self) -> bool:
        return self.judged < self.total

    @property
    def raw(self) -> float:
        return 100.0 * self.detected / self.judged if self.judged else 0.0

    @property
    def score(self) -> float:
        considered = self.judged - self.equivalent
        return 100.0 * self.detected / considered if considered else 100.0


def status_of(code: int | None) -> str:
    if code is None:
        return "not checked"
    if code in KILLED:
        return "killed"
    if code in TIMEOUT:
        return "timeout"
    if code in SURVIVED:
        return "survived"
    if code in NO_TESTS:
        return "no tests"
    if code in DETECTED_BY_TYPES:
        return "type check"
    return "suspicious"


def change_of(diff: str) -> list[str]:
    """The removed and added lines of a diff, stripped: what a reason is tied to."""
    return [
        line[0] + line[1:].strip()
        for line in diff.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


@contextlib.contextmanager
def inside(path: Path) -> Iterator[None]:
    old = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def load_equivalents() -> dict[str, dict]:
    if not EQUIVALENTS.exists():
        return {}
    data = tomllib.loads(EQUIVALENTS.read_text(encoding="utf-8"))
    return {entry["mutant"]: entry for entry in data.get("equivalent", [])}


def collect(name: str, equivalents: dict[str, dict]) -> GroupResult:
    workdir = WORK / name
    result = GroupResult(name)
    mutants = workdir / "mutants"
    if not mutants.is_dir():
        result.ran = False
        return result
    timing = workdir / "last-run.json"
    if timing.exists():
        result.minutes = json.loads(timing.read_text(encoding="utf-8")).get("minutes")
    # mutmut's own reader resolves the mutants' functions; it reads its config from the working dir.
    from mutmut.configuration import reset_config
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    with inside(workdir):
        reset_config()
        for meta in sorted(Path("mutants").rglob("*.py.meta")):
            source = meta.relative_to("mutants").with_suffix("")
            data = json.loads(meta.read_text(encoding="utf-8"))
            for mutant, code in sorted(data["exit_code_by_key"].items(), key=lambda kv: _natural(kv[0])):
                status = status_of(code)
                result.counts[status] += 1
                if status in {"killed", "timeout", "type check", "not checked"}:
                    continue
                diff = get_diff_for_mutant(mutant, path=source)
                survivor = Survivor(mutant, status, change_of(diff), diff)
                entry = equivalents.get(mutant)
                if entry is not None:
                    survivor.reason = entry["reason"]
                    survivor.stale = [line.strip() for line in entry.get("change", [])] != survivor.change
                result.survivors.append(survivor)
        reset_config()
    return result


def _natural(name: str) -> tuple[str, int]:
    stem, _, number = name.rpartition("_")
    return (stem, int(number)) if number.isdigit() else (name, 0)


def render_text(results: list[GroupResult], threshold: float, show_diff: bool) -> None:
    print(
        f"{'group':<10} {'mutants':>7} {'killed':>7} {'timeout':>7} {'survived':>8} {'no tests':>8} "
        f"{'equiv':>5} {'raw %':>6} {'score %':>7} {'minutes':>7}"
    )
    for r in results:
        if not r.ran:
            print(f"{r.name:<10} not run (make mutate GROUP={r.name})")
            continue
        mark = "ok" if r.score >= threshold else f"UNDER {threshold:g}"
        if r.partial:
            mark += f" (partial: {r.judged}/{r.total} judged)"
        minutes = f"{r.minutes:.1f}" if r.minutes is not None else "?"
        print(
            f"{r.name:<10} {r.total:>7} {r.counts['killed']:>7} {r.counts['timeout']:>7} "
            f"{r.counts['survived']:>8} {r.counts['no tests']:>8} {r.equivalent:>5} {r.raw:>6.1f} "
            f"{r.score:>7.1f} {minutes:>7}  {mark}"
        )
    for r in results:
        if not r.survivors:
            continue
        print(f"\n## {r.name}: {len(r.survivors)} not killed")
        for s in r.survivors:
            if s.reason and not s.stale:
                verdict = f"equivalent: {s.reason}"
            elif s.reason:
                verdict = "STALE reason (the change differs now): " + s.reason
            else:
                verdict = "UNEXPLAINED"
            print(f"- {s.name} [{s.status}] {verdict}")
            if show_diff:
                print("    " + s.diff.replace("\n", "\n    "))
            else:
                print("    " + " | ".join(s.change))


def render_stubs(results: list[GroupResult], pattern: str) -> None:
    """TOML entries for unexplained survivors matching `pattern`, for tools/mutation_equivalents.toml.

    The reason is left empty on purpose: only a person who read the mutant can say why no test can
    tell it from the original.
    """
    for r in results:
        for s in r.survivors:
            if s.reason is None and fnmatch.fnmatchcase(s.name, pattern):
                print("[[equivalent]]")
                print(f"mutant = {json.dumps(s.name, ensure_ascii=False)}")
                print("change = [" + ", ".join(json.dumps(c, ensure_ascii=False) for c in s.change) + "]")
                print('reason = ""\n')


def render_markdown(results: list[GroupResult]) -> None:
    print("| group | mutants | judged | killed | survived | no tests | equivalent | raw % | score % |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        if not r.ran:
            print(f"| {r.name} | not run | | | | | | | |")
            continue
        print(
            f"| {r.name} | {r.total} | {r.judged} | {r.detected} | {r.counts['survived']} | "
            f"{r.counts['no tests']} | {r.equivalent} | {r.raw:.1f} | {r.score:.1f} |"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("group", nargs="?", default="all")
    parser.add_argument("--diff", action="store_true", help="show each survivor's whole diff")
    parser.add_argument("--markdown", action="store_true", help="the score table for docs/development.md")
    parser.add_argument("--strict", action="store_true", help="also fail on a survivor without a reason")
    parser.add_argument(
        "--stubs",
        metavar="PATTERN",
        help="print equivalents-file entries for unexplained survivors matching it",
    )
    args = parser.parse_args(argv)
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["kiosk-mutation"]
    known = list(settings["groups"])
    if args.group != "all" and args.group not in known:
        print(f"mutation_report: unknown group {args.group!r}; groups: {', '.join(known)}", file=sys.stderr)
        return 2
    names = known if args.group == "all" else [args.group]
    equivalents = load_equivalents()
    results = [collect(name, equivalents) for name in names]
    threshold = float(settings["threshold"])
    if args.stubs:
        render_stubs(results, args.stubs)
        return 0
    if args.markdown:
        render_markdown(results)
    else:
        render_text(results, threshold, args.diff)
    failed = [r.name for r in results if not r.ran or r.partial or r.score < threshold]
    if args.strict:
        failed += [r.name for r in results if any(s.reason is None or s.stale for s in r.survivors)]
    if failed and not args.markdown:
        print(f"\nmutation_report: failed (under {threshold:g} %, not run, or --strict): {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
