"""Time build_report on simulated registries of 1,000, 10,000 and 100,000 patients.

Prints the settings, wall time and peak memory of each run and how they grow. Run:

    PYTHONPATH=src python bench/bench_outcomes_report.py [--sizes 1000 10000 100000]

Peak memory is the process's maximum resident set size (resource.getrusage), which only
grows, so each size is run in a fresh subprocess.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

SETTINGS = {1000: (10, 200), 10000: (5, 50), 100000: (3, 10)}
"""n patients -> (n_imputations, n_bootstrap); 100k uses fewer, as stated in the output."""


def run_one(n: int, m: int, b: int) -> dict:
    from disctrack.outcomes import build_report, simulate_cohort

    patients, followups, complications, _ = simulate_cohort(n, seed=1)
    start = time.perf_counter()
    report = build_report(patients, followups, complications, seed=1, n_imputations=m, n_bootstrap=b)
    seconds = time.perf_counter() - start
    size = len(json.dumps(report.to_dict()))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"n": n, "n_imputations": m, "n_bootstrap": b, "seconds": seconds, "peak_mb": peak_mb,
            "json_kb": size / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=sorted(SETTINGS))
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, *SETTINGS.get(args.one, (5, 50)))))
        return
    print(f"{'patients':>9} {'imputations':>11} {'bootstraps':>10} {'seconds':>9} {'peak MB':>8} "
          f"{'JSON kB':>8} {'time x':>7} {'mem x':>6}")
    previous = None
    for n in args.sizes:
        out = subprocess.run([sys.executable, __file__, "--one", str(n)], capture_output=True, text=True,
                             check=True)
        row = json.loads(out.stdout.strip().splitlines()[-1])
        grow_t = f"{row['seconds'] / previous['seconds']:.1f}" if previous else "-"
        grow_m = f"{row['peak_mb'] / previous['peak_mb']:.1f}" if previous else "-"
        print(f"{row['n']:>9} {row['n_imputations']:>11} {row['n_bootstrap']:>10} {row['seconds']:>9.1f} "
              f"{row['peak_mb']:>8.0f} {row['json_kb']:>8.0f} {grow_t:>7} {grow_m:>6}", flush=True)
        previous = row


if __name__ == "__main__":
    main()
