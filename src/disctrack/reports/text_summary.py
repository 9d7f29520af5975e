"""The human summary `disctrack outcomes` prints without --json."""

from __future__ import annotations

from typing import Any

from disctrack.reports.formatting import count, number, number_interval, percent, percent_ci


def summary_lines(report: dict[str, Any]) -> list[str]:
    lines = _header(report)
    lines += _headline(report)
    lines += _survival(report)
    lines += _complications(report)
    lines += _comparison(report)
    if report.get("unavailable"):
        lines += ["", "Not computed:"] + [f"  {k}: {v}" for k, v in report["unavailable"].items()]
    return lines


def _header(report: dict[str, Any]) -> list[str]:
    d, c, s = report["definitions"], report["cohort"], report["settings"]
    sites = ", ".join(f"{x['code']} ({x['name']})" for x in report.get("sites", []))
    lines = [
        f"DiscTrack outcomes report, generated {report.get('generated_at', '')}; data as of {c.get('as_of')}",
        f"Sites: {sites}",
        f"Definitions {d['version']} (sha256 {d['sha256'][:12]}): {d['success']}",
        f"Patients treated: {count(c.get('n_patients'))}; follow-ups due {count(c.get('n_followups_due'))}, "
        f"answered {count(c.get('n_followups_answered'))} ({percent(c.get('completeness'))} complete); "
        f"subsequent surgery {count(c.get('n_surgery'))}, deaths {count(c.get('n_dead'))}, "
        f"withdrawals {count(c.get('n_withdrawn'))}",
        f"Settings: {s['n_imputations']} imputations, {s['n_bootstrap']} bootstrap replicates, seed {s['seed']}",
    ]
    return lines + [f"Note: {note}" for note in c.get("notes", [])]


def _headline(report: dict[str, Any]) -> list[str]:
    rows = report.get("headline") or []
    tp = (report.get("outcomes") or {}).get("primary_timepoint", "")
    lines = ["", f"Composite success at {tp}: all treated (multiple imputation) | completers only | IPW",
             f"  {'group':<18}{'treated':>8}{'due':>6}{'answered':>9}{'complete':>9}"]
    for r in rows:
        three = " | ".join(percent_ci(r.get(f"{m}_estimate"), r.get(f"{m}_ci_low"), r.get(f"{m}_ci_high"))
                           for m in ("mi", "completers", "ipw"))
        lines.append(f"  {r['group']:<18}{count(r['n_treated']):>8}{count(r['n_due']):>6}"
                     f"{count(r['n_answered']):>9}{percent(r['completeness']):>9}   {three}")
    return lines


def _survival(report: dict[str, Any]) -> list[str]:
    table = (report.get("survival") or {}).get("table") or []
    lines = ["", "Free of subsequent surgery (Kaplan-Meier) | had surgery (cumulative incidence, death competing)"]
    for r in table:
        lines.append(f"  {r['group']:<18}{r['horizon_months']:>4.0f} months: "
                     f"{percent_ci(r['km_surgery_free'], r['km_ci_low'], r['km_ci_high'])} | "
                     f"{percent_ci(r['cif_surgery'], r['cif_ci_low'], r['cif_ci_high'])}; "
                     f"n {count(r['n'])}, at risk {count(r['n_at_risk'])} {r.get('note') or ''}".rstrip())
    return lines


def _complications(report: dict[str, Any]) -> list[str]:
    table = (report.get("complications") or {}).get("table") or []
    lines = ["", "Complications: patients with at least one / treated (exact 95% interval)"]
    for r in table:
        if r["kind"] in ("any", "serious"):
            lines.append(f"  {r['group']:<18}{r['kind']:<8}{percent_ci(r['rate'], r['ci_low'], r['ci_high'], 1)}, "
                         f"{count(r['n_patients'])} of {count(r['n_treated'])}")
    return lines


def _comparison(report: dict[str, Any]) -> list[str]:
    comparison = (report.get("comparison") or {}).get("by_class") or {}
    lines = []
    for r in comparison.get("effects") or []:
        scale = 100 if r["measure"] == "success" else 1
        unit = " percentage points" if r["measure"] == "success" else " ODI points"
        values = [None if r[k] is None else r[k] * scale for k in ("estimate", "ci_low", "ci_high")]
        lines.append(f"  {r['pair']:<34}{r['measure']:<12}{number(values[0])}{unit} "
                     f"({number_interval(values[1], values[2])})")
    if lines:
        return ["", f"Adjusted comparison (doubly robust AIPW) at {comparison.get('timepoint')}:", *lines]
    return []
