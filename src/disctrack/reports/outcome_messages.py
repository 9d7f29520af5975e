"""Texts that reach people through gettext at display time but that ``makemessages`` cannot find.

The statistics package (``disctrack.outcomes``) does not import Django, so the reasons it
gives for a missing figure ("no answers at this time point") are plain English; the pages,
the PDF and ``disctrack outcomes`` translate them when they show them (``translate_reason``,
used by ``formatting.reason_for``). Labels that reports modules mark with an alias of
``gettext_noop`` (``_noop``) are invisible to ``makemessages`` too, which only knows the
standard names. Listing every such text here, as literal ``gettext_noop`` calls, puts it in
the catalogue (src/disctrack/locale). tests/reports/test_translations.py checks that each
constant of the outcomes package and each ``_noop`` label appears here, so the lists stay in
step with the code.
"""

from __future__ import annotations

import re
from functools import lru_cache

from django.utils.translation import gettext, gettext_noop

# Reasons given word for word by disctrack.outcomes.
REASONS: tuple[str, ...] = (
    # outcomes/timepoints.py: NO_PATIENTS, NO_PATIENTS_WITHOUT_SURGERY, NO_ANSWERS, NOT_IMPUTABLE
    gettext_noop("no patient due at this time point"),
    gettext_noop("every patient due had a subsequent surgery"),
    gettext_noop("no answers at this time point"),
    gettext_noop("too few answers at this time point to impute the missing ones"),
    # outcomes/report.py: NO_PATIENTS, NEEDS_OUTCOMES
    gettext_noop("no treated patients in this selection"),
    gettext_noop("needs the time-point outcomes, which could not be computed"),
    # outcomes/funnel.py (one text per UNIT_WORDS value)
    gettext_noop("the imputation could not fill every missing answer at this time point"),
    gettext_noop("no rate could be estimated"),
    gettext_noop("no patient of this site is due at this time point yet"),
    gettext_noop("no patient of this physician is due at this time point yet"),
    gettext_noop("no patient of this site answered at this time point: an imputed rate would rest on other "
                 "patients only"),
    gettext_noop("no patient of this physician answered at this time point: an imputed rate would rest on "
                 "other patients only"),
    # outcomes/survival.py (a horizon beyond the longest follow-up)
    gettext_noop("beyond longest follow-up"),
    # outcomes/comparison.py: TOO_FEW_GROUPS, GROUP_TOO_SMALL and the effects' reason
    gettext_noop("an adjusted comparison needs two or more treatment groups with at least 20 patients due at the "
                 "primary time point"),
    gettext_noop("fewer than 20 patients due at the primary time point"),
    gettext_noop("no bootstrap replicates were run"),
    # outcomes/survival.py: the name of the test shown beside its statistic
    gettext_noop("log-rank (surgery; death and loss censored)"),
    # outcomes/candidacy.py: CANNOT_SAY_MORE and the fixed reasons
    gettext_noop("the registry cannot yet say more than this treatment's average"),
    gettext_noop("the registry cannot yet say more than this treatment's average: too few patients once this "
                 "patient's own outcome is left out"),
    gettext_noop("candidacy models need patients given at least two different treatments (the chance of each "
                 "treatment's patients being given it is part of the model)"),
    # outcomes/disclosure/suppress.py: WITHHELD_RATE, WITHHELD_UNAUDITED
    gettext_noop("rests on a count that is withheld"),
    gettext_noop("its counts are not in the report, so it cannot be checked for disclosure"),
)

# Reasons with figures or names in them: {name} stands for a value, which is itself
# translated when it is a known text. outcomes/disclosure's templates are used as they are.
REASON_PATTERNS: tuple[str, ...] = (
    # outcomes/disclosure/suppress.py and intervals.py: WITHHELD_SMALL, WITHHELD_COMPLEMENT, WITHHELD_IMPLIED,
    # PROTECTION
    gettext_noop("fewer than {min_cell} people, or a count of fewer than {min_cell} could be worked out from it"),
    gettext_noop("withheld so that a count below {min_cell} cannot be worked out"),
    gettext_noop("would show a number of people below {min_cell}"),
    gettext_noop("For every count of 1 to {top} people that is not shown, the figures that are shown leave at "
                 "least {n} consecutive values possible (largest minus smallest value consistent with them, by "
                 "linear programming, at least {width})."),
    # outcomes/funnel.py
    gettext_noop("case-mix adjustment not computed: {reason}"),
    gettext_noop("too few patients for the case-mix model: it needs {needed} successes and {needed} failures "
                 "({per} per model parameter), the registry has {fewest} of the rarer outcome"),
    # outcomes/candidacy.py: reason_text and the reasons a prediction is withheld
    gettext_noop("the registry cannot yet say more than this treatment's average: {reason}"),
    gettext_noop("no patients treated with {name} were due at {timepoint}"),
    gettext_noop("every patient treated with {name} due at {timepoint} had the same outcome"),
    gettext_noop("too few patients for a model that does not overfit: {parameters} model parameters need "
                 "{n_required} patients due at {timepoint} (about {events} who did well); the registry has {n}"),
    gettext_noop("the model could not tell these patients apart (cross-validated c-statistic {c}; at least "
                 "{min_c} needed)"),
    gettext_noop("the model's predictions were not reliable in cross-validation (calibration slope {slope}; "
                 "{low} to {high} needed)"),
    gettext_noop("outside the range of patients treated with {name}: {values}"),
    gettext_noop("only {n} similar patients treated with {name} (at least {min} needed)"),
)

# Labels marked with ``_noop`` in reports modules (formatting, presentation, pdf, charts,
# views/selection), translated where they are shown.
LABELS: tuple[str, ...] = (
    # formatting.py
    gettext_noop("withheld"),
    gettext_noop("Intradiscal biologic"), gettext_noop("Lumbar fusion"), gettext_noop("Total disc replacement"),
    gettext_noop("Conservative care"), gettext_noop("Culture-expanded MSC"), gettext_noop("Bone-marrow concentrate"),
    gettext_noop("Platelet-rich plasma"), gettext_noop("Other intradiscal biologic"),
    gettext_noop("Baseline"), gettext_noop("1 month"), gettext_noop("3 months"), gettext_noop("6 months"),
    gettext_noop("12 months"), gettext_noop("24 months"), gettext_noop("3 years"), gettext_noop("4 years"),
    gettext_noop("5 years"),
    gettext_noop("Composite success"), gettext_noop("Responder"), gettext_noop("Failure"), gettext_noop("ODI"),
    gettext_noop("ODI change"), gettext_noop("Back pain (NRS)"), gettext_noop("Back pain change (NRS)"),
    gettext_noop("Leg pain (NRS)"), gettext_noop("Leg pain change (NRS)"), gettext_noop("EQ-5D index"),
    gettext_noop("EQ-5D index change"), gettext_noop("Global impression of change"),
    gettext_noop("percentage points"), gettext_noop("ODI points"),
    gettext_noop("outcomes at each time point"), gettext_noop("sensitivity to missing answers"),
    gettext_noop("surgery-free survival"), gettext_noop("complications"),
    gettext_noop("adjusted comparison of treatment classes"), gettext_noop("adjusted comparison of biologic types"),
    gettext_noop("candidacy models"), gettext_noop("sites compared"), gettext_noop("physicians compared"),
    # presentation.py
    gettext_noop("All treated (multiple imputation)"), gettext_noop("Completers only"),
    gettext_noop("Inverse probability weighted"), gettext_noop("Any complication"),
    gettext_noop("Serious (severe, life-threatening or fatal)"),
    # views/selection.py
    gettext_noop("Treatment class"), gettext_noop("Treatment"),
    # charts.py ("95% i" is not a format: the comments stop xgettext from taking it for one)
    # xgettext:no-python-format
    gettext_noop("Mean ODI over time by treatment class, multiple imputation, with 95% intervals"),
    # xgettext:no-python-format
    gettext_noop("Mean back pain (NRS) over time by treatment class, multiple imputation, with 95% intervals"),
    gettext_noop("Kaplan-Meier curves: share free of subsequent surgery by treatment class"),
    gettext_noop("Funnel plot of composite success by site with control limits"),
    gettext_noop("Funnel plot of composite success by physician with control limits"),
    gettext_noop("Calibration of the candidacy models (cross-validated)"),
    # pdf.py: METHODS
    gettext_noop(
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
        "cannot support a figure, the reason is printed in its place."),
)

# Texts marked elsewhere whose "%" xgettext takes for a format ("95% i"): listed again here
# with the comment that says it is not one, so that compilemessages can check the Spanish.
NOT_FORMATS: tuple[str, ...] = (
    # text_summary.py
    # xgettext:no-python-format
    gettext_noop("Complications: patients with at least one / treated (exact 95% interval)"),
)

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Each pattern's template and a regular expression that matches the English it produces."""
    compiled = []
    for template in REASON_PATTERNS:
        parts, seen, regex = _PLACEHOLDER.split(template), set(), []
        for i, part in enumerate(parts):
            if i % 2 == 0:
                regex.append(re.escape(part))
            elif part in seen:
                regex.append(f"(?P={part})")
            else:
                seen.add(part)
                regex.append(f"(?P<{part}>.+?)")
        compiled.append((template, re.compile("^" + "".join(regex) + "$", re.DOTALL)))
    return tuple(compiled)


def translate_reason(text: str) -> str:
    """A reason from the statistics package in the active language.

    A known text is translated as a whole; a text made from a pattern is translated with its
    values put back (values that are known texts translated too); reasons joined by "; " are
    translated one by one. Anything else is returned unchanged (English is better than nothing).
    """
    if not text:
        return text
    translated = gettext(text)
    if translated != text:
        return translated
    for template, pattern in _patterns():
        match = pattern.match(text)
        if match:
            values = {name: translate_reason(value) for name, value in match.groupdict().items()}
            return gettext(template).format(**values)
    if "; " in text:
        return "; ".join(translate_reason(part) for part in text.split("; "))
    return text
