"""Texts that reach people through gettext at display time but that ``makemessages`` cannot find.

The statistics package (``disctrack.outcomes``) does not import Django, so the reasons it
gives for a missing figure ("no answers at this time point") are plain English; the pages,
the PDF and ``disctrack outcomes`` translate them when they show them (``translate_reason``,
used by ``formatting.reason_for``). Listing every such text here, as literal
``gettext_noop`` calls, puts it in the catalogue (src/disctrack/locale);
tests/reports/test_translations.py checks that each constant of the outcomes package appears
here, so the list stays in step with the code. (Labels the reports modules mark with the
``_noop`` alias are found by ``disctrack makemessages`` itself, which adds that keyword.)
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
