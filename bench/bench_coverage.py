"""Coverage of the registry's published intervals: a simulation study against a known truth.

Runs `--reps` replicate registries from the project's simulator (confounding by indication,
drop-out that depends on earlier scores, subsequent surgery as failure) at each size in
`--sizes` (600 patients: about 150 per treatment class, a single clinic; 3000: a network),
and prints for each estimator (completers only, multiple imputation, response weighting,
the AIPW difference, Kaplan-Meier surgery-free survival at 12 and 24 months, complication
rates) its bias, empirical SE, model SE and the coverage of its 95% interval, each with its
Monte Carlo standard error (Morris, White and Crowther, Stat Med 2019;38:2074). Run from
the repository root with the virtualenv active:

    python bench/bench_coverage.py [--reps 500] [--sizes 600,3000] [--imputations M]
        [--bootstrap B] [--jobs J] [--markdown] [--rows FILE]
    python bench/bench_coverage.py --rescore FILE [--jobs J] [--markdown]

`--rescore` judges the estimates a `--rows` file holds against the truths the current
simulator gives their replicates (without running the estimators again), and prints the
same tables.

Replicate i is seeded by i, so a run is reproducible at any --jobs. Each process uses one
BLAS thread. Progress goes to stderr, the table to stdout (`--markdown`: for
docs/statistics.md, with the command line and the date). The verdict judges every
estimator that uses all treated patients against coverage 0.93 to 0.97, allowing 1.96
Monte Carlo standard errors either side; completers only is shown for contrast and not
judged. See `disctrack.outcomes.simstudy` for the definitions of truth and of each measure.
"""

from __future__ import annotations

import argparse
import datetime
import json
import multiprocessing
import os
import shlex
import sys
import time
from functools import partial

import pandas as pd
from threadpoolctl import threadpool_limits

from disctrack.outcomes import load_definitions
from disctrack.outcomes.simstudy import (
    BAND,
    Replicate,
    add_truths,
    population_truth,
    replicate_frame,
    run_replicate,
    summarize,
)
from disctrack.outcomes.simulate import TIMEPOINTS, simulate_cohort

_LIMITS = None


def _one_blas_thread() -> None:
    global _LIMITS
    _LIMITS = threadpool_limits(limits=1)


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"sizes must be whole numbers separated by commas, not {text!r}") from None
    if not sizes or min(sizes) < 50:
        raise argparse.ArgumentTypeError("each size must be at least 50 patients")
    return sizes


def _positive(minimum: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}")
        return value
    return parse


def run_size(n: int, args: argparse.Namespace) -> tuple[list[Replicate], float]:
    """All replicates at one size (in parallel when --jobs > 1) and the wall time taken."""
    work = partial(_replicate, n=n, m=args.imputations, b=args.bootstrap, stop=args.stop_after_surgery)
    done: list[Replicate] = []
    start = time.perf_counter()
    if args.jobs == 1:
        _one_blas_thread()
        results = map(work, range(args.reps))
        _drain(results, done, n, args.reps, start, args.rows)
    else:
        with multiprocessing.Pool(args.jobs, initializer=_one_blas_thread) as pool:
            _drain(pool.imap_unordered(work, range(args.reps)), done, n, args.reps, start, args.rows)
    return sorted(done, key=lambda r: r.seed), time.perf_counter() - start


def _replicate(seed: int, n: int, m: int | None, b: int | None, stop: bool) -> Replicate:
    return run_replicate(seed, n, n_imputations=m, n_bootstrap=b, stop_after_surgery=stop)


def _drain(results, done: list[Replicate], n: int, reps: int, start: float, rows_file=None) -> None:
    for rep in results:
        done.append(rep)
        if rows_file is not None:
            for row in rep.rows:
                rows_file.write(json.dumps({"size": n, "seed": rep.seed, **row}) + "\n")
            rows_file.flush()
        elapsed = time.perf_counter() - start
        left = elapsed / len(done) * (reps - len(done))
        print(f"n={n}: {len(done)}/{reps} replicates, last {rep.seconds:.1f} s ({rep.cpu_seconds:.1f} s CPU), "
              f"about {left / 60:.1f} min left", file=sys.stderr, flush=True)


def _legacy_key(row: dict) -> list:
    """The truth key of a row written before rows carried one (runs of 2026-12-07 and earlier)."""
    estimator, measure, group = row["estimator"], row["measure"], row["group"]
    if estimator == "AIPW difference":
        return ["ate", {"success": "success", "ODI change": "odi_change"}[measure], group]
    if estimator == "Kaplan-Meier":
        return ["surgery_free", float(measure.split()[2]), group]
    if estimator == "complication rate":
        return ["complications", measure.split()[0], group]
    label, months = measure.split(" at ")
    tp = next(tp for tp, mo in TIMEPOINTS.items() if mo == float(months.split()[0]))
    return [{"success": "success", "ODI change": "odi_change"}[label], tp, group]


def _rescored(job: tuple[int, int, list[dict]], stop: bool) -> list[dict]:
    n, seed, rows = job
    sample = simulate_cohort(n, seed, confounding=True, informative_dropout=True, surgery=True,
                             stop_after_surgery=stop)[3]
    add_truths(rows, population_truth(sample["site_effects"], seed, stop_after_surgery=stop), sample)
    return rows


ROW_KEYS = ("size", "seed", "estimator", "measure", "group", "n", "estimate", "ci_low", "ci_high", "se")


def _read_row(line: str) -> dict:
    row = json.loads(line)
    missing = [key for key in ROW_KEYS if key not in row]
    if missing:
        raise ValueError(f"no {', '.join(missing)}")
    row.setdefault("truth_key", _legacy_key(row))
    if row["truth_key"][0] == "surgery_free":
        row["truth_key"][1] = float(row["truth_key"][1])  # JSON has no float keys
    return row


def rescore(path: str, args: argparse.Namespace) -> None:
    """Print the tables of a --rows file's estimates, judged against the current truths."""
    by_replicate: dict[tuple[int, int], list[dict]] = {}
    with open(path, encoding="utf-8") as rows_file:
        for number, line in enumerate(rows_file, start=1):
            try:
                row = _read_row(line)
            except (ValueError, KeyError, IndexError, StopIteration) as exc:
                raise SystemExit(f"bench_coverage.py: error: --rescore: line {number} of {path} is not a row "
                                 f"that --rows writes ({exc})") from None
            by_replicate.setdefault((row["size"], row["seed"]), []).append(row)
    if not by_replicate:
        raise SystemExit(f"bench_coverage.py: error: --rescore: {path} holds no rows")
    jobs = [(n, seed, rows) for (n, seed), rows in sorted(by_replicate.items())]
    work = partial(_rescored, stop=args.stop_after_surgery)
    with multiprocessing.Pool(args.jobs, initializer=_one_blas_thread) as pool:
        rescored = [row for rows in pool.imap(work, jobs, chunksize=4) for row in rows]
    frame = pd.DataFrame(rescored)
    print(f"The estimates of {path}, judged against the truth of a population treated at each "
          f"replicate's clinics.\n")
    for n, rows in frame.groupby("size"):
        reps = rows["seed"].nunique()
        table = summarize(rows.drop(columns=["size"]), reps)
        print(f"#### {n} patients, {reps} replicates\n" if args.markdown else f"{n} patients, {reps} replicates")
        print(format_table(table, args.markdown))
        failed = table[table["verdict"] == "FAIL"]
        print(f"\n{len(failed)} of {(table['verdict'] != '-').sum()} all-treated rows outside the band.\n")
    print(LEGEND)


COLUMNS = ("estimator", "measure", "group", "n", "truth", "bias", "emp SE", "model SE", "coverage",
           "cov. sample", "missing", "verdict")


def _cells(row) -> list[str]:
    def pm(value, mcse, digits=3):
        return f"{value:.{digits}f} ({mcse:.{digits}f})" if value == value else "-"
    return [row["estimator"], row["measure"], row["group"].replace("_", " "), f"{row['n']:.0f}", f"{row['truth']:.3f}",
            pm(row["bias"], row["bias_mcse"]), pm(row["emp_se"], row["emp_se_mcse"]),
            pm(row["model_se"], row["model_se_mcse"]), pm(row["coverage"], row["coverage_mcse"]),
            f"{row['coverage_sample']:.3f}" if row["coverage_sample"] == row["coverage_sample"] else "-",
            str(int(row["n_missing"])), row["verdict"]]


def format_table(table, markdown: bool) -> str:
    rows = [list(COLUMNS)] + [_cells(r) for _, r in table.iterrows()]
    if markdown:
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * len(COLUMNS)]
        return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows[1:]])
    widths = [max(len(r[i]) for r in rows) for i in range(len(COLUMNS))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows)


LEGEND = (
    "Truth: the estimand's value in a population treated at the replicate's clinics (a twin registry "
    "of 100,000 new patients), averaged over replicates in the table. "
    "bias = mean(estimate - replicate's truth); emp SE = SD of the estimates; model SE = root mean "
    "square of the reported SE (or interval half-width / 1.96); coverage = share of 95% intervals "
    "containing the replicate's truth; cov. sample = share containing the truth of the replicate's own "
    "patients (not judged). "
    "Monte Carlo standard errors in brackets (Morris, White and Crowther, Stat Med 2019;38:2074, "
    "Table 6). n = mean patients behind the figure (due at the time point, compared, or treated). "
    "missing = replicates where the registry withheld the figure. verdict: coverage within "
    f"{BAND[0]:.2f}-{BAND[1]:.2f} give or take 1.96 MCSE at the nearer edge (all-treated "
    "estimators only; completers only is shown for contrast)."
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=_positive(2), default=500, help="replicates per size (default 500)")
    parser.add_argument("--sizes", type=_sizes, default=[600, 3000], help="patients per registry (default 600,3000)")
    parser.add_argument("--imputations", type=_positive(2), default=None,
                        help="imputations per replicate (default: the definitions')")
    parser.add_argument("--bootstrap", type=_positive(0), default=None,
                        help="bootstrap replicates of the comparison, 0 to skip it (default: the definitions')")
    parser.add_argument("--jobs", type=_positive(1), default=os.cpu_count() or 1,
                        help="processes (default: one per core)")
    parser.add_argument("--stop-after-surgery", action="store_true",
                        help="simulate a protocol that stops questionnaires after a subsequent surgery")
    parser.add_argument("--markdown", action="store_true", help="print Markdown for docs/statistics.md")
    parser.add_argument("--rows", type=argparse.FileType("a"), default=None, metavar="FILE",
                        help="append every replicate's estimates to FILE as JSON lines, as they finish "
                             "(to look at a long run before it ends)")
    parser.add_argument("--rescore", metavar="FILE", default=None,
                        help="judge the estimates of a --rows FILE against the current truths, without "
                             "running the estimators (give --stop-after-surgery if the run had it)")
    args = parser.parse_args()
    if args.rescore is not None:
        if not os.path.isfile(args.rescore):
            parser.error(f"--rescore: no such file: {args.rescore}")
        rescore(args.rescore, args)
        return
    defs = load_definitions()
    m = args.imputations or defs.n_imputations
    b = defs.n_bootstrap if args.bootstrap is None else args.bootstrap
    command = "python " + " ".join(shlex.quote(a) for a in [os.path.relpath(__file__), *sys.argv[1:]])
    header = (f"Definitions {defs.version}; {args.reps} replicates per size; {m} imputations; "
              f"{b} bootstrap replicates; processes: {args.jobs}; follow-up "
              f"{'stops' if args.stop_after_surgery else 'continues'} after a subsequent surgery.")
    if args.markdown:
        print(f"Produced on {datetime.date.today().isoformat()} by `{command}`.\n\n{header}\n")
    else:
        print(f"{command}\n{header}\n")
    for n in args.sizes:
        replicates, wall = run_size(n, args)
        table = summarize(replicate_frame(replicates), args.reps)
        per_rep = sum(r.seconds for r in replicates) / len(replicates)
        cpu = sum(r.cpu_seconds for r in replicates) / len(replicates)
        title = (f"{n} patients: {per_rep:.1f} s per replicate ({cpu:.1f} s CPU), "
                 f"{wall / 60:.1f} min wall time in all")
        print(f"#### {title}\n" if args.markdown else f"{title}")
        print(format_table(table, args.markdown))
        for note in sorted({note for r in replicates for note in r.notes}):
            print(f"\nNote: {note}." if args.markdown else f"note: {note}")
        failed = table[table["verdict"] == "FAIL"]
        print(f"\n{len(failed)} of {(table['verdict'] != '-').sum()} all-treated rows outside the band.\n")
    print(LEGEND)


if __name__ == "__main__":
    main()
