"""The outcome report as a PDF: title page with definitions and methods, tables, charts."""

from __future__ import annotations

import base64
import io
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import (
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable

from disctrack.reports import formatting as fmt
from disctrack.reports import presentation
from disctrack.reports.charts import TITLES

STYLES = getSampleStyleSheet()
WIDTH = A4[0] - 3 * cm
METHODS = (
    "All-treated estimates count every patient due at a time point (window closed, not dead or withdrawn). "
    "Missing scores are multiply imputed by chained equations within treatment classes and combined by "
    "Rubin's rules; completers-only figures use patients with a known outcome; inverse probability "
    "weighting reweights respondents by their modelled chance of answering. A subsequent lumbar surgery is "
    "a failure. Surgery-free survival is Kaplan-Meier (death censored) beside the Aalen-Johansen cumulative "
    "incidence (death competing). Complication rates are patients with at least one adjudicated "
    "complication over those treated, with exact Clopper-Pearson intervals. The adjusted comparison is "
    "doubly robust (augmented inverse probability weighting) with percentile bootstrap intervals. The "
    "sensitivity analysis worsens imputed ODI values of non-respondents by delta points.")


def _p(text: str, style: str = "BodyText") -> Paragraph:
    return Paragraph(fmt_escape(text), STYLES[style])


def fmt_escape(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _table(header: list[str], rows: list[list[str]], caption: str) -> list[Flowable]:
    cells = [[_p(h, "BodyText") for h in header]] + [[_p(c) for c in row] for row in rows]
    table = Table(cells, repeatRows=1, hAlign="LEFT", colWidths=[WIDTH / len(header)] * len(header))
    table.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3")),
                               ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#c9d1db")),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONTSIZE", (0, 0), (-1, -1), 8)]))
    return [_p(caption, "Heading4"), table, Spacer(1, 0.4 * cm)]


def _title_page(report: dict[str, Any], filters) -> list[Flowable]:
    d, c, s = report["definitions"], report["cohort"], report["settings"]
    sites = ", ".join(x["name"] for x in report.get("sites", []))
    story = [_p("DiscTrack outcome report", "Title"),
             _p(f"Sites: {sites}. Time point shown: {fmt.timepoint_label(filters.timepoint)}."),
             _p(f"Data as of {c['as_of']}; generated {report.get('generated_at', '')[:16]} UTC with "
                f"{s['n_imputations']} imputations and {s['n_bootstrap']} bootstrap replicates (seed {s['seed']})."),
             _p(f"Patients treated: {fmt.count(c['n_patients'])}. Follow-up questionnaires answered "
                f"{fmt.count(c['n_followups_answered'])} of {fmt.count(c['n_followups_due'])} due "
                f"({fmt.percent(c['completeness'])} complete)."),
             _p("Definitions used", "Heading2"),
             _p(f"Outcome definitions {d['version']} (checksum {d['sha256'][:12]})."),
             _p(d["success"]), _p(d["responder"]), _p(d["failure"]), _p("Methods", "Heading2"), _p(METHODS)]
    story += [_p(f"Not computed, {name.replace('_', ' ')}: {why}") for name, why in report["unavailable"].items()]
    return story + [_p(note) for note in c.get("notes", [])] + [PageBreak()]


def _outcome_tables(report: dict[str, Any], filters) -> list[Flowable]:
    groups = presentation.group_rows(report, filters.by, filters.timepoint)
    tp = fmt.timepoint_label(filters.timepoint)
    rows = [[g["label"], fmt.count(g["counts"]["n_treated"]), fmt.count(g["counts"]["n_due"]),
             fmt.count(g["counts"]["n_answered"]), fmt.percent(g["counts"]["completeness"]),
             *[_mean(s["mean"]) for s in g["scores"]], *[_mean(s["change"]) for s in g["scores"]]]
            for g in groups]
    story = _table(["Group", "Treated", "Due", "Answered", "Complete", "ODI mean", "Back pain mean",
                    "ODI change", "Back pain change"], rows, f"Outcomes at {tp} (all treated, multiple imputation)")
    for i, (_, label) in enumerate(presentation.RATES):
        rows = [[g["label"], fmt.count(g["counts"]["n_due"]), fmt.percent(g["counts"]["completeness"]),
                 *[_rate(m["value"]) for m in g["rates"][i]["methods"]]] for g in groups]
        story += _table(["Group", "Due", "Complete", "All treated (MI)", "Completers only", "IPW"], rows,
                        f"{label} at {tp}, three ways")
    return story


def _mean(row: dict | None) -> str:
    if not row or row.get("estimate") is None:
        return fmt.NOT_ESTIMABLE
    return f"{fmt.number(row['estimate'])} ({fmt.number_interval(row['ci_low'], row['ci_high'])})"


def _rate(row: dict | None) -> str:
    return fmt.percent_ci(row.get("estimate"), row.get("ci_low"), row.get("ci_high")) if row else fmt.NOT_ESTIMABLE


def _other_tables(report: dict[str, Any]) -> list[Flowable]:
    rows = [[r["label"], f"{r['horizon_months']:.0f}", fmt.count(r["n"]), fmt.count(r["n_at_risk"]),
             fmt.percent_ci(r["km_surgery_free"], r["km_ci_low"], r["km_ci_high"]),
             fmt.percent_ci(r["cif_surgery"], r["cif_ci_low"], r["cif_ci_high"])]
            for r in presentation.survival_rows(report)]
    story = _table(["Group", "Months", "n", "At risk", "Surgery-free (KM)", "Had surgery (CIF)"], rows,
                   "Subsequent surgery")
    rows = [[r["label"], r["what"], fmt.count(r["n_patients"]), fmt.count(r["n_treated"]),
             fmt.percent_ci(r["rate"], r["ci_low"], r["ci_high"], 1)]
            for r in presentation.complication_rows(report)]
    story += _table(["Group", "Complication", "Patients", "Treated", "Rate (exact 95% CI)"], rows, "Complications")
    comparison = presentation.comparison(report)
    if comparison:
        rows = [[e["pair"], e["measure"], fmt.number(e["estimate"] * e["scale"]),
                 fmt.number_interval(e["ci_low"] * e["scale"], e["ci_high"] * e["scale"]),
                 fmt.number(e["crude"] * e["scale"])] for e in comparison["effects"]]
        story += _table(["Comparison", "Measure", "Adjusted", "95% CI (bootstrap)", "Crude"], rows,
                        "Adjusted comparison (AIPW); success in percentage points, ODI change in points")
    rows = [[r["label"], f"{r['delta']:.0f}", _rate(r.get("success")), _mean(r.get("odi_change"))]
            for r in presentation.tipping_rows(report)]
    story += _table(["Group", "Delta (ODI points)", "Success", "ODI change"], rows, "Sensitivity (delta adjustment)")
    rows = [[str(u["unit"]), fmt.count(u["n_due"]), fmt.percent(u["completeness"]), fmt.count(u["n"]),
             fmt.percent(u["rate"])] for u in presentation.funnel_rows(report, "site")]
    return story + _table(["Site", "Due", "Complete", "Known outcome", "Success (completers)"], rows,
                          "Sites at the primary time point")


def _charts(pngs: dict[str, str]) -> list[Flowable]:
    story: list[Flowable] = [PageBreak(), _p("Charts", "Heading2")]
    for name, data in pngs.items():
        image = Image(io.BytesIO(base64.b64decode(data)), width=WIDTH * 0.8, height=WIDTH * 0.8 * 4.4 / 6.4)
        story += [KeepTogether([_p(TITLES.get(name, name), "Heading4"), image]), Spacer(1, 0.3 * cm)]
    return story


def report_pdf(payload: dict[str, Any], filters) -> bytes:
    report = payload["report"]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=1.5 * cm, rightMargin=1.5 * cm,
                            title="DiscTrack outcome report", author="DiscTrack")
    story = _title_page(report, filters)
    if report.get("outcomes"):
        story += _outcome_tables(report, filters)
    story += _other_tables(report) + _charts(payload.get("figures_png") or {})
    doc.build(story)
    return buffer.getvalue()
