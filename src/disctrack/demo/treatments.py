"""Treatment records in the shape do_record_treatment takes (the physician added later)."""

from __future__ import annotations

import random
from datetime import date

from disctrack.demo import calibration as cal
from disctrack.demo.casemix import pick

REOPERATION_REASONS = ("Adjacent segment degeneration", "Pseudarthrosis at the fused level",
                       "Persistent pain, revision of the instrumentation")
CROSSOVER_REASONS = ("Persistent disabling pain despite the index treatment",
                     "No meaningful improvement; patient chose fusion")


def index_treatment(rng: random.Random, treatment_class: str, levels: tuple[str, ...],
                    performed_on: date) -> dict:
    kind = pick(rng, cal.BIOLOGIC_KIND_SHARES) if treatment_class == "biologic" else treatment_class
    data = {"kind": kind, "performed_on": performed_on, "levels": list(levels)}
    data.update(_DETAILS[kind](rng, len(levels)))
    return data


def _guidance(rng: random.Random) -> str:
    return pick(rng, {"fluoroscopy": 0.85, "ct": 0.15})


def _msc(rng: random.Random, n_levels: int) -> dict:
    # C. Orozco 2011: 10 million autologous cells per disc; Noriega: 25 million allogeneic.
    source = pick(rng, {"autologous": 0.7, "allogeneic": 0.3})
    per_disc = 10.0 if source == "autologous" else 25.0
    return {"cell_source": source, "msc_count_million": per_disc * n_levels,
            "volume_per_level_ml": rng.choice((1.0, 1.5, 2.0)), "image_guidance": _guidance(rng)}


def _bmc(rng: random.Random, n_levels: int) -> dict:
    # assumption: nucleated-cell yields and CFU-F counts of a bone-marrow concentrate.
    data = {"cell_source": "autologous",
            "total_nucleated_cells_million": round(rng.uniform(150, 600), 0),
            "volume_per_level_ml": rng.choice((1.0, 1.5, 2.0)), "image_guidance": _guidance(rng)}
    if rng.random() < 0.5:
        data["cfu_f_count"] = float(rng.randrange(800, 5000, 50))
    return data


def _prp(rng: random.Random, n_levels: int) -> dict:
    return {"cell_source": "autologous", "volume_per_level_ml": rng.choice((1.5, 2.0, 3.0)),
            "image_guidance": _guidance(rng)}


def _fusion(rng: random.Random, n_levels: int) -> dict:
    approach = pick(rng, cal.FUSION_APPROACH_SHARES)
    interbody = approach != "posterolateral"
    return {"fusion_approach": approach, "instrumented": interbody or rng.random() < 0.8,
            "implant": "Interbody cage (demo)" if interbody else ""}


def _disc_replacement(rng: random.Random, n_levels: int) -> dict:
    return {"implant": "Lumbar disc prosthesis (demo)"}


def _conservative(rng: random.Random, n_levels: int) -> dict:
    optional = {"cbt": 0.5, "medication": 0.6, "injections": 0.2}  # assumption
    components = ["physiotherapy"] + [c for c, share in optional.items() if rng.random() < share]
    return {"components": components, "sessions": rng.randint(8, 30),
            "duration_weeks": rng.randint(6, 16)}


_DETAILS = {"msc": _msc, "bmc": _bmc, "prp": _prp, "fusion": _fusion,
            "disc_replacement": _disc_replacement, "conservative": _conservative}


def subsequent_surgery(rng: random.Random, index_class: str, levels: tuple[str, ...],
                       performed_on: date) -> dict:
    """A fusion after a failed index treatment, or a reoperation after surgery."""
    surgical = index_class in ("fusion", "disc_replacement")
    data = {"kind": "fusion", "performed_on": performed_on, "levels": list(levels),
            "reason": rng.choice(REOPERATION_REASONS if surgical else CROSSOVER_REASONS)}
    data.update(_fusion(rng, len(levels)))
    return data
