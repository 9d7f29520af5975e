"""The outcome report as a PDF: title page with definitions and methods, tables, charts."""

from __future__ import annotations

import base64
import io
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as _noop
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
METHODS = _noop(
    "All-treated estimates count every patient due at a time point (window closed, not dead or withdrawn). "
    "Missing scores are multiply imputed by chained equations within treatment classes and combined by "
    "Rubin's rules; completers-only figures use patients with a known outcome; inverse probability "
    "weighting reweights respondents by their modelled chance of answering. A subsequent lumbar surgery is "
    "a failure; mean scores describe patients without one. Surgery-free survival is Kaplan-Meier (censored "
    "where the surgery status was last known) beside the Aalen-Johansen cumulative "
    "incidence (death competing). Complication rates are patients with at least one adjudicated "
    "complication over those treated, with exact Clopper-Pearson intervals. The adjusted comparison is "
    "doubly robust (augmented inverse probability weighting); its interval bootstraps, then imputes. The "
    "sensitivity analysis worsens imputed ODI values of non-respondents by delta points. Where the data "
    "cannot support a figure, the reason is printed in its place.")


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
    followup = _("Follow-up questionnaires answered %(answered)s of %(asked)s asked for after treatment "
                 "(%(completeness)s complete).") % {
        "answered": fmt.count(c["n_followups_answered"]), "asked": fmt.count(c["n_followups_due"]),
        "completeness": fmt.percent(c["completeness"])}
    if c.get("n_followups_stopped"):
        followup += " " + _("%(n)s more were stopped by the protocol after a subsequent surgery (outside "
                            "completeness).") % {"n": fmt.count(c["n_followups_stopped"])}
    story = [_p(_("DiscTrack outcome report"), "Title"),
             _p(_("Sites: %(sites)s. Time point shown: %(timepoint)s.")
                % {"sites": sites, "timepoint": fmt.timepoint_label(filters.timepoint)}),
             _p(_("Data as of %(as_of)s; generated %(generated)s UTC with %(m)s imputations and %(b)s "
                  "bootstrap replicates (seed %(seed)s).")
                % {"as_of": c["as_of"], "generated": report.get("generated_at", "")[:16],
                   "m": s["n_imputations"], "b": s["n_bootstrap"], "seed": s["seed"]}),
             _p(_("Patients treated: %(n)s.") % {"n": fmt.count(c["n_patients"])} + " " + followup),
             _p(_("Definitions used"), "Heading2"),
             _p(_("Outcome definitions %(version)s (checksum %(sha)s).") % {"version": d["version"],
                                                                            "sha": d["sha256"][:12]}),
             _p(d["success"]), _p(d["responder"]), _p(d["failure"]), _p(_("Methods"), "Heading2"),
             _p(_(METHODS))]
    story += [_p(_("Not computed, %(section)s: %(reason)s") % {"section": fmt.section_label(name), "reason": _(why)})
              for name, why in (report.get("unavailable") or {}).items()]
    return story + [_p(note) for note in c.get("notes", [])] + [PageBreak()]


def _outcome_tables(report: dict[str, Any], filters) -> list[Flowable]:
    groups = presentation.group_rows(report, filters.by, filters.timepoint)
    tp = fmt.timepoint_label(filters.timepoint)
    rows = [[g["label"], fmt.count(g["counts"]["n_treated"]), fmt.count(g["counts"]["n_due"]),
             fmt.count(g["counts"]["n_answered"]), fmt.percent(g["counts"]["completeness"]),
             *[s["mean_cell"]["text"] for s in g["scores"]], *[s["change_cell"]["text"] for s in g["scores"]]]
            for g in groups]
    scores = [s["label"] for s in groups[0]["scores"]] if groups else []
    header = [_("Group"), _("Treated"), _("Due"), _("Answered"), _("Complete"),
              *[_("%(score)s mean") % {"score": label} for label in scores],
              *[_("%(score)s change") % {"score": label} for label in scores]]
    story = _table(header, rows, _("Outcomes at %(timepoint)s (all treated, multiple imputation)") % {"timepoint": tp})
    for i, code in enumerate(presentation.RATES):
        rows = [[g["label"], fmt.count(g["counts"]["n_due"]), fmt.percent(g["counts"]["completeness"]),
                 *[m["cell"]["text"] for m in g["rates"][i]["methods"]]] for g in groups]
        story += _table([_("Group"), _("Due"), _("Complete"), _("All treated (MI)"), _("Completers only"), _("IPW")],
                        rows, _("%(measure)s at %(timepoint)s, three ways") % {"measure": fmt.measure_label(code),
                                                                        "timepoint": tp})
    return story


def _other_tables(report: dict[str, Any]) -> list[Flowable]:
    rows = [[r["label"], f"{r['horizon_months']:.0f}", fmt.count(r["n"]), fmt.count(r["n_at_risk"]),
             r["km_cell"]["text"], r["cif_cell"]["text"]]
            for r in presentation.survival_rows(report)]
    story = _table([_("Group"), _("Months"), "n", _("At risk"), _("Surgery-free (KM)"), _("Had surgery (CIF)")],
                   rows, _("Subsequent surgery"))
    rows = [[r["label"], r["what"], fmt.count(r["n_patients"]), fmt.count(r["n_treated"]), r["cell"]["text"]]
            for r in presentation.complication_rows(report)]
    story += _table([_("Group"), _("Complication"), _("Patients"), _("Treated"), _("Rate (exact 95% CI)")], rows,
                    _("Complications"))
    comparison = presentation.comparison(report)
    if comparison:
        rows = [[e["pair_label"], e["measure_label"], e["cell"]["text"], e["crude_cell"]["text"]]
                for e in comparison["effects"]]
        story += _table([_("Comparison"), _("Measure"), _("Adjusted (95% CI, bootstrap)"), _("Crude")], rows,
                        _("Adjusted comparison (AIPW), first minus second"))
    rows = [[r["label"], f"{r['delta']:.0f}", _cell_text(r, "success"), _cell_text(r, "odi_change")]
            for r in presentation.tipping_rows(report)]
    story += _table([_("Group"), _("Delta (ODI points)"), _("Composite success"), _("ODI change")], rows,
                    _("Sensitivity (delta adjustment)"))
    return story + _funnel_table(report)


def _cell_text(row: dict, measure: str) -> str:
    found = row.get(f"{measure}_cell")
    return found["text"] if found else fmt.reason_for(None)


def _funnel_table(report: dict[str, Any]) -> list[Flowable]:
    rows = [[str(u["unit"]), fmt.count(u.get("n_due")), fmt.percent(u.get("completeness")),
             fmt.estimate_text(u, value="rate", low="rate_ci_low", high="rate_ci_high"),
             fmt.estimate_text(u, value="adjusted_rate", low="adjusted_ci_low", high="adjusted_ci_high")]
            for u in presentation.funnel_rows(report, "site")]
    return _table([_("Site"), _("Due"), _("Complete"), _("Composite success, all treated"),
                   _("Adjusted for case-mix")], rows, _("Sites at the primary time point"))


def _charts(pngs: dict[str, str]) -> list[Flowable]:
    story: list[Flowable] = [PageBreak(), _p(_("Charts"), "Heading2")]
    for name, data in pngs.items():
        image = Image(io.BytesIO(base64.b64decode(data)), width=WIDTH * 0.8, height=WIDTH * 0.8 * 4.4 / 6.4)
        story += [KeepTogether([_p(_(TITLES[name]) if name in TITLES else name, "Heading4"), image]), Spacer(1, 0.3 * cm)]
    return story


def report_pdf(payload: dict[str, Any], filters) -> bytes:
    report = payload["report"]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=1.5 * cm, rightMargin=1.5 * cm,
                            title=_("DiscTrack outcome report"), author="DiscTrack")
    story = _title_page(report, filters)
    if report.get("outcomes"):
        story += _outcome_tables(report, filters)
    story += _other_tables(report) + _charts(payload.get("figures_png") or {})
    doc.build(story)
    return buffer.getvalue()
