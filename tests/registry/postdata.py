"""Form payloads as a browser would post them to the registry's pages."""

from __future__ import annotations


def enroll_post(site, **overrides) -> dict:
    data = {
        "site": site.pk if site else "",
        "language": "es",
        "identity-given_name": "Ana",
        "identity-family_name": "Synthetic",
        "identity-date_of_birth": "1980-03-14",
        "identity-sex": "female",
        "identity-medical_record_number": "MRN-0001",
        "identity-email": "ana.synthetic@example.test",
        "identity-mobile_phone": "+34600123456",
        "identity-postal_code": "28001",
        "episode-diagnosed_on": "2026-01-05",
        "episode-levels": ["L4-L5", "L5-S1"],
        "episode-symptom_duration_months": "18",
        "episode-leg_pain": "False",
        "episode-prior_spine_surgery": "False",
        "episode-smoking": "never",
        "episode-height_cm": "172",
        "episode-weight_kg": "78",
        "episode-comorbidities": ["hypertension"],
        "episode-work_status": "full_time",
        "episode-opioid_use": "none",
        "episode-other_analgesics": "True",
        "episode-notes": "",
        "imaging-L4-L5-pfirrmann_grade": "4",
        "imaging-L4-L5-modic": "1",
        "imaging-L4-L5-annular_fissure": "on",
        "imaging-L5-S1-pfirrmann_grade": "3",
        "imaging-L5-S1-modic": "0",
    }
    data.update(overrides)
    return data


def msc_post(physician, **overrides) -> dict:
    data = {
        "kind": "msc",
        "performed_on": "2026-02-01",
        "levels": ["L4-L5"],
        "physician": physician.pk,
        "cell_source": "autologous",
        "msc_count_million": "23",
        "volume_per_level_ml": "2",
        "image_guidance": "fluoroscopy",
    }
    data.update(overrides)
    return data


def complication_post(**overrides) -> dict:
    data = {
        "category": "post_injection_flare",
        "occurred_on": "2026-02-03",
        "severity": "mild",
        "relatedness": "probable",
        "description": "Back pain flare for four days.",
    }
    data.update(overrides)
    return data


def episode_post(**overrides) -> dict:
    data = {
        key.removeprefix("episode-"): value
        for key, value in enroll_post(None).items() if key.startswith("episode-")
    }
    data["reason"] = "corrected from the clinic letter"
    data.update(overrides)
    return data


def complete_answers(instruments, odi_choice: int = 2, back: int = 6, leg: int = 3) -> dict:
    """Complete, valid answers to every instrument of a time point (synthetic)."""
    from disctrack.instruments import load_library

    library = load_library()
    answers = {}
    for name in instruments:
        if name == "nrs_pain":
            answers[name] = {"back": back, "leg": leg}
            continue
        items = {}
        for item in library.get(name).items:
            if item.ask_if is not None:
                continue
            if name == "odi":
                items[item.code] = odi_choice
            elif item.options:
                items[item.code] = item.options[0].value
            else:
                items[item.code] = item.min or 0
        answers[name] = items
    return answers
