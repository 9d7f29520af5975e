"""The human summary `disctrack outcomes` prints without --json.

A figure the data cannot support is printed as its reason ("no answers at this time
point"), never as a blank or a zero; groups, time points and measures carry people's labels.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from disctrack.reports import presentation
from disctrack.reports.formatting import (
    count,
    estimate_text,
    group_label,
    percent,
    section_label,
    timepoint_label,
)

METHOD_ORDER = ("mi", "completers", "ipw")


def summary_lines(report: dict[str, Any]) -> list[str]:
    lines = _header(report)
    lines += _headline(report)
    lines += _survival(report)
    lines += _complications(report)
    lines += _comparison(report)
    if report.get("unavailable"):
        lines += ["", _("Not computed:")] + [f"  {section_label(k)}: {_(v)}" for k, v in report["unavailable"].items()]
    return lines


def _header(report: dict[str, Any]) -> list[str]:
    d, c, s = report["definitions"], report["cohort"], report["settings"]
    sites = ", ".join(f"{x['code']} ({x['name']})" for x in report.get("sites", []))
    followup = _("follow-up questionnaires answered %(answered)s of %(asked)s asked for (%(completeness)s "
                 "complete)") % {"answered": count(c.get("n_followups_answered")),
                                 "asked": count(c.get("n_followups_due")),
                                 "completeness": percent(c.get("completeness"))}
    if c.get("n_followups_stopped"):
        followup += _(", %(n)s stopped by the protocol after a subsequent surgery") % {
            "n": count(c.get("n_followups_stopped"))}
    lines = [
        _("DiscTrack outcomes report, generated %(generated)s; data as of %(as_of)s")
        % {"generated": report.get("generated_at", ""), "as_of": c.get("as_of")},
        _("Sites: %(sites)s") % {"sites": sites},
        _("Definitions %(version)s (sha256 %(sha)s): %(success)s")
        % {"version": d["version"], "sha": d["sha256"][:12], "success": d["success"]},
        _("Patients treated: %(n)s; %(followup)s; subsequent surgery %(surgery)s, deaths %(dead)s, "
          "withdrawals %(withdrawn)s") % {"n": count(c.get("n_patients")), "followup": followup,
                                          "surgery": count(c.get("n_surgery")), "dead": count(c.get("n_dead")),
                                          "withdrawn": count(c.get("n_withdrawn"))},
        _("Settings: %(m)s imputations, %(b)s bootstrap replicates (%(cb)s for the candidacy intervals), "
          "seed %(seed)s") % {"m": s["n_imputations"], "b": s["n_bootstrap"],
                              "cb": s.get("candidacy_bootstrap", s["n_bootstrap"]), "seed": s["seed"]},
    ]
    return lines + [_("Note: %(note)s") % {"note": note} for note in c.get("notes", [])]


def _headline(report: dict[str, Any]) -> list[str]:
    outcomes = report.get("outcomes") or {}
    tp = outcomes.get("primary_timepoint", "")
    estimates = {(r["group"], r["method"]): r for r in outcomes.get("estimates") or []
                 if r["level"] == "treatment_class" and r["timepoint"] == tp and r["measure"] == "success"}
    lines = ["", _("Composite success at %(timepoint)s: all treated (multiple imputation) | completers only | "
                   "IPW") % {"timepoint": timepoint_label(tp)},
             f"  {_('group'):<24}{_('treated'):>8}{_('due'):>6}{_('answered'):>9}{_('complete'):>9}"]
    for r in report.get("headline") or []:
        three = " | ".join(estimate_text(estimates.get((r["group"], m))) for m in METHOD_ORDER)
        lines.append(f"  {group_label(r['group']):<24}{count(r['n_treated']):>8}{count(r['n_due']):>6}"
                     f"{count(r['n_answered']):>9}{percent(r['completeness']):>9}   {three}")
    return lines


def _survival(report: dict[str, Any]) -> list[str]:
    lines = ["", _("Free of subsequent surgery (Kaplan-Meier) | had surgery (cumulative incidence, death "
                   "competing)")]
    for r in presentation.survival_rows(report):
        lines.append(_("  %(group)-24s %(months)3.0f months: %(km)s | %(cif)s; n %(n)s, at risk %(at_risk)s")
                     % {"group": r["label"], "months": r["horizon_months"], "km": r["km_cell"]["text"],
                        "cif": r["cif_cell"]["text"], "n": count(r["n"]), "at_risk": count(r["n_at_risk"])})
    return lines


def _complications(report: dict[str, Any]) -> list[str]:
    # "95% i" is not a format: the comment stops xgettext from taking it for one.
    # xgettext:no-python-format
    lines = ["", _("Complications: patients with at least one / treated (exact 95% interval)")]
    for r in presentation.complication_rows(report):
        lines.append(f"  {r['label']:<24}{r['what']:<46}{r['cell']['text']}, "
                     + _("%(n)s of %(treated)s") % {"n": count(r["n_patients"]), "treated": count(r["n_treated"])})
    return lines


def _comparison(report: dict[str, Any]) -> list[str]:
    comparison = presentation.comparison(report, "by_class")
    if not comparison or not comparison["effects"]:
        return []
    lines = ["", _("Adjusted comparison (doubly robust AIPW) at %(timepoint)s, first minus second:")
             % {"timepoint": timepoint_label(comparison.get("timepoint"))}]
    for e in comparison["effects"]:
        lines.append(f"  {e['pair_label']:<50}{e['measure_label']:<36}{e['cell']['text']}")
    return lines
