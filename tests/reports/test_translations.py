"""Every text a person reads exists in Spanish: the catalogue is complete and compiled, the
statistics package's reasons reach it, and a staff report page reads in Spanish."""

from __future__ import annotations

import ast
import gettext as pygettext
import importlib
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

import disctrack
from disctrack.outcomes import candidacy, comparison, funnel, report, timepoints
from disctrack.reports import outcome_messages
from disctrack.reports.formatting import reason_for
from disctrack.reports.outcome_messages import (
    REASON_PATTERNS,
    REASONS,
    translate_reason,
)

PACKAGE = Path(disctrack.__file__).parent
CATALOGUE = PACKAGE / "locale" / "es" / "LC_MESSAGES"


def _unquote(text: str) -> str:
    body = text.strip()[1:-1]
    return re.sub(r'\\(.)', lambda m: {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}[m.group(1)], body)


def po_entries() -> list[dict]:
    """The .po file's entries (msgid, msgid_plural, msgstr or plural forms, flags): with
    polib when it is installed, else with this small parser of the format gettext writes."""
    try:
        import polib
    except ImportError:
        polib = None
    if polib is not None:
        return [{"msgid": e.msgid, "msgid_plural": e.msgid_plural or None,
                 "msgstr": [e.msgstr] if not e.msgid_plural else [e.msgstr_plural[k] for k in sorted(e.msgstr_plural)],
                 "flags": list(e.flags), "obsolete": e.obsolete}
                for e in polib.pofile(str(CATALOGUE / "django.po"))]
    entries = []
    for block in re.split(r"\n\s*\n", (CATALOGUE / "django.po").read_text(encoding="utf-8").strip()):
        entry: dict = {"msgid": None, "msgid_plural": None, "msgstr": [], "flags": [], "obsolete": False}
        field = None
        for line in block.splitlines():
            if line.startswith("#~"):
                entry["obsolete"] = True
            elif line.startswith("#,"):
                entry["flags"] += [f.strip() for f in line[2:].split(",")]
            elif line.startswith("#"):
                continue
            elif line.startswith("msgid_plural "):
                entry["msgid_plural"], field = _unquote(line[13:]), "msgid_plural"
            elif line.startswith("msgid "):
                entry["msgid"], field = _unquote(line[6:]), "msgid"
            elif line.startswith("msgstr"):
                entry["msgstr"].append(_unquote(line.split(" ", 1)[1]))
                field = "msgstr"
            elif line.startswith('"'):
                if field == "msgstr":
                    entry["msgstr"][-1] += _unquote(line)
                else:
                    entry[field] += _unquote(line)
        if entry["msgid"] or entry["obsolete"]:
            entries.append(entry)
    return entries


def test_every_message_has_its_spanish_and_none_is_fuzzy():
    entries = [e for e in po_entries() if not e["obsolete"]]
    assert len(entries) > 300
    untranslated = [e["msgid"] for e in entries if not all(s.strip() for s in e["msgstr"])]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == [] and fuzzy == []


def test_the_compiled_catalogue_is_the_po_file():
    """django.mo is what Django reads: each message gives its Spanish from it (it was
    compiled after the last translation)."""
    with open(CATALOGUE / "django.mo", "rb") as f:
        compiled = pygettext.GNUTranslations(f)
    for e in po_entries():
        if e["obsolete"]:
            continue
        if e["msgid_plural"]:
            assert compiled.ngettext(e["msgid"], e["msgid_plural"], 1) == e["msgstr"][0]
            assert compiled.ngettext(e["msgid"], e["msgid_plural"], 5) == e["msgstr"][1]
        else:
            assert compiled.gettext(e["msgid"]) == e["msgstr"][0], e["msgid"]


def test_placeholders_are_kept():
    """A translation that loses or renames %(name)s or {name} would fail at display."""
    pattern = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[a-z]|\{\w+\}|%%")
    for e in po_entries():
        if e["obsolete"] or "no-python-format" in e["flags"]:
            continue
        for source, spanish in zip([e["msgid"], e["msgid_plural"] or e["msgid"]], e["msgstr"], strict=False):
            assert sorted(pattern.findall(source)) == sorted(pattern.findall(spanish)), e["msgid"]


def _constants(module_names: tuple[str, ...], names: tuple[str, ...]) -> dict[str, str]:
    """Constants of the outcomes package, wherever in it they are defined now."""
    found: dict[str, str] = {}
    for module_name in module_names:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        found.update({n: getattr(module, n) for n in names if hasattr(module, n) and n not in found})
    return found


def test_every_reason_constant_of_the_outcomes_package_is_in_the_catalogue():
    listed = set(REASONS) | set(REASON_PATTERNS)
    for constant in (timepoints.NO_PATIENTS, timepoints.NO_PATIENTS_WITHOUT_SURGERY, timepoints.NO_ANSWERS,
                     timepoints.NOT_IMPUTABLE, report.NO_PATIENTS, report.NEEDS_OUTCOMES,
                     candidacy.CANNOT_SAY_MORE, comparison.TOO_FEW_GROUPS, comparison.GROUP_TOO_SMALL):
        assert constant in listed
    disclosure = _constants(
        ("disctrack.outcomes.disclosure.suppress", "disctrack.outcomes.disclosure.intervals",
         "disctrack.outcomes.disclosure"),
        ("WITHHELD_SMALL", "WITHHELD_COMPLEMENT", "WITHHELD_RATE", "WITHHELD_IMPLIED", "WITHHELD_UNAUDITED",
         "PROTECTION"))
    assert len(disclosure) == 6
    for name, constant in disclosure.items():
        assert constant in listed, name
    for word in funnel.UNIT_WORDS.values():
        assert f"no patient of this {word} is due at this time point yet" in listed


def _noop_labels() -> set[str]:
    """Literal texts given to an alias of gettext_noop anywhere in DiscTrack."""
    found = set()
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases = {a.asname for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                   and node.module == "django.utils.translation" for a in node.names
                   if a.name == "gettext_noop" and a.asname}
        found |= {node.args[0].value for node in ast.walk(tree)
                  if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in aliases
                  and node.args and isinstance(node.args[0], ast.Constant)}
    return found


def test_every_label_marked_under_another_name_reaches_the_catalogue_translated():
    labels = _noop_labels()
    assert "Intradiscal biologic" in labels and "12 months" in labels
    # the one alias in use is the one makemessages is told to read
    from disctrack.core.management.commands.makemessages import Command
    assert "--keyword=_noop" in Command.xgettext_options
    translated = {e["msgid"] for e in po_entries() if not e["obsolete"] and all(e["msgstr"])}
    assert labels <= translated, sorted(labels - translated)
    not_formats = {e["msgid"] for e in po_entries() if "no-python-format" in e["flags"]}
    assert "Complications: patients with at least one / treated (exact 95% interval)" in not_formats


def test_reasons_read_in_spanish():
    with translation.override("es"):
        assert translate_reason(timepoints.NO_ANSWERS) == "no hay respuestas en este punto temporal"
        assert reason_for({"estimate": None, "reason": timepoints.NOT_IMPUTABLE}) == (
            "demasiado pocas respuestas en este punto temporal para imputar las que faltan")
        small = _constants(("disctrack.outcomes.disclosure.suppress", "disctrack.outcomes.disclosure"),
                           ("WITHHELD_SMALL",))["WITHHELD_SMALL"]
        assert translate_reason(small.format(min_cell=11)) == (
            "menos de 11 personas, o a partir de ello se podría deducir un recuento inferior a 11")
        # reasons joined by "; ", and a pattern whose value is itself a known reason
        assert translate_reason(f"{timepoints.NO_ANSWERS}; no rate could be estimated") == (
            "no hay respuestas en este punto temporal; no se pudo estimar ninguna tasa")
        assert translate_reason("case-mix adjustment not computed: no rate could be estimated") == (
            "ajuste por casuística no calculado: no se pudo estimar ninguna tasa")
        row = {"reason_code": "weak_discrimination", "c_statistic": 0.61, "min_c_statistic": 0.7}
        assert translate_reason(candidacy.reason_text(row, "lumbar fusion", "12 months")) == (
            "el modelo no pudo distinguir entre estos pacientes (estadístico c con validación cruzada 0.61; "
            "se necesita al menos 0.70)")
        assert translate_reason("a reason nobody has translated") == "a reason nobody has translated"
    assert translate_reason(timepoints.NO_ANSWERS) == "no answers at this time point"
    assert translate_reason(small.format(min_cell=11)) == small.format(min_cell=11)


def test_patterns_match_only_their_own_texts():
    assert len(outcome_messages._patterns()) == len(REASON_PATTERNS)
    with translation.override("es"):
        assert translate_reason("would show a number of people below 11") == (
            "mostraría un número de personas inferior a 11")
        assert translate_reason("would show a number of people above 11") == "would show a number of people above 11"


@pytest.mark.django_db
def test_a_staff_report_page_reads_in_spanish(client_for, cohort, personas):
    response = client_for(personas.coordinator).get(reverse("reports-overview"), {"site": "site-a"},
                                                   HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="es">' in page
    for spanish in ("Informe de resultados", "Definiciones utilizadas", "Todos los tratados (IM)",
                    "Solo casos completos", "Supervivencia libre de cirugía", "Filtros del informe",
                    "Punto temporal", "Fusión lumbar"):
        assert spanish in page, spanish
    english = client_for(personas.coordinator).get(reverse("reports-overview"), {"site": "site-a"},
                                                  HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Outcome report" in english and "Informe de resultados" not in english
