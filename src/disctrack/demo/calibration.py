"""The numbers the synthetic cohort is calibrated to, each with where it comes from.

"C." and "B." name sections of ../shared/reference/clinical_facts.md. A number marked
"assumption" has no source there: it is the generator's own choice, kept plausible and
small enough not to dominate the sourced figures.
"""

from __future__ import annotations

# --- Treatment mix ----------------------------------------------------------------------
# assumption: the mix of a network offering biologics next to surgery and rehabilitation.
CLASS_SHARES = {"biologic": 0.35, "fusion": 0.30, "disc_replacement": 0.05, "conservative": 0.30}
# assumption: among biologics, cells more often than PRP.
BIOLOGIC_KIND_SHARES = {"msc": 0.35, "bmc": 0.40, "prp": 0.25}
# assumption: approach shares; TLIF the commonest interbody fusion.
FUSION_APPROACH_SHARES = {"TLIF": 0.40, "ALIF": 0.20, "PLIF": 0.15, "LLIF": 0.10,
                          "posterolateral": 0.15}

# --- Case mix -----------------------------------------------------------------------------
# C. Pettine 2015 median age 40; assumption: mean 44, SD 11, 20 to 80 years.
AGE_MEAN, AGE_SD, AGE_RANGE = 44.0, 11.0, (20, 80)
# assumption: grade of the worst painful disc; biologic trials enrolled grades 3 to 4 mostly.
PFIRRMANN_SHARES = {2: 0.05, 3: 0.30, 4: 0.45, 5: 0.20}
# assumption: cells and PRP are rarely injected into a collapsed (grade 5) disc.
BIOLOGIC_PFIRRMANN_FACTOR = {2: 1.0, 3: 1.2, 4: 1.0, 5: 0.4}
MODIC_SHARES = {0: 0.65, 1: 0.20, 2: 0.13, 3: 0.02}  # assumption
LEVEL_COUNT_SHARES = {1: 0.60, 2: 0.32, 3: 0.08}  # assumption

# Baseline ODI. C. Pettine 2015: 56.5 before intradiscal cells.
BIOLOGIC_BASELINE_ODI = 56.5
# C. Fairbank 2005: surgery 46.5, rehabilitation 44.8. The registry patients offered
# surgery or rehabilitation come from one pool (mean between the two) and the worse go
# to surgery (confounding by indication), so the group means spread around these.
OTHER_BASELINE_ODI = 46.0
BASELINE_ODI_SD = 12.0  # assumption: the reference gives means only
# assumption: log-odds of surgery (vs conservative care) per unit of severity, where
# severity = (ODI - 46) / 12 + 0.8 (Pfirrmann - 4) + 0.5 (Modic - 0.35) + 0.3 (levels - 1.5),
# each term centred on the patients offered surgery or rehabilitation.
SURGERY_SEVERITY_SLOPE = 0.5
# assumption: a disc prosthesis replaces one disc; tuned to about 5 % of the cohort.
DISC_REPLACEMENT_OF_SINGLE_LEVEL_SURGERY = 0.25

# --- Trajectories: mean ODI as a share of baseline, (month, share) ------------------------
# C. Pettine 2015: 56.5 -> 22.8 (3 m), 24.4 (6 m), 25.0 (12 m). Pettine 2016/2017 give
# only survivors' figures later, so the 12-month share is held.
BIOLOGIC_ODI_SHARE = ((0, 1.0), (3, 22.8 / 56.5), (6, 24.4 / 56.5), (12, 25.0 / 56.5))
# C. Fairbank 2005: surgery 46.5 -> 34.0 at 24 months. Phillips 2013's review reports a
# larger mean change (-22.2); we keep the trial, which followed all comers.
# assumption: the 24-month level is reached by 6 months.
FUSION_ODI_SHARE = ((0, 1.0), (6, 34.0 / 46.5), (24, 34.0 / 46.5))
# assumption: no ODI figures for disc replacement in the reference; its IDE clinical
# success was close to fusion's (C. van den Eerenbeemt 2010), so it follows fusion.
DISC_REPLACEMENT_ODI_SHARE = FUSION_ODI_SHARE
# C. Fairbank 2005: rehabilitation 44.8 -> 36.1 at 24 months; assumption: reached by 6 months.
CONSERVATIVE_ODI_SHARE = ((0, 1.0), (6, 36.1 / 44.8), (24, 36.1 / 44.8))
# assumption: spread of patients' responses around the mean (1 = the mean response).
# With 0.5, about one biologic patient in five improves by less than 30 % (B. Ostelo 2008).
RESPONSE_SD = 0.5
# assumption: each Pfirrmann grade above 4 lowers a biologic response by 0.2; smokers 0.15.
BIOLOGIC_PFIRRMANN_EFFECT = 0.2
SMOKER_EFFECT = 0.15
# A. ODI minimal detectable change (90 %) is 10 points, so one measurement's error is
# about 10 / (1.645 * sqrt 2) = 4.3 points.
ODI_MEASUREMENT_SD = 4.3

# NRS back pain from ODI: C. Pettine 2015 pairs (ODI 56.5, VAS 79.3), (25.0, 33.2) give
# 0.146 NRS points per ODI point and an intercept of -0.3 (VAS mm / 10 as NRS).
NRS_BACK_PER_ODI, NRS_BACK_AT_ODI_ZERO, NRS_SD = 0.146, -0.3, 1.0

# --- Subsequent surgery: cumulative share by month, (month, share) ------------------------
# C. Pettine 2016: 92 % avoided surgery at 12 months, 81 % at 24; Pettine 2017: 6/26 by 3 years.
BIOLOGIC_SURGERY = ((0, 0.0), (12, 0.08), (24, 0.19), (36, 0.23))
# C. Fairbank 2005: 29 % of the rehabilitation group later had surgery (2°) by 24 months;
# Froholdt 2012: one third crossed over by 9 years.
CONSERVATIVE_SURGERY = ((0, 0.0), (24, 0.29), (108, 1 / 3))
# C. Ghiselli 2004: predicted adjacent-level surgery 16.5 % at 5 years.
FUSION_REOPERATION = ((0, 0.0), (60, 0.165))
DISC_REPLACEMENT_REOPERATION = FUSION_REOPERATION  # assumption: no figure in the reference
# assumption: correlation between a poor response and an early subsequent surgery.
SURGERY_RESPONSE_CORRELATION = 0.7

# --- Follow-up -----------------------------------------------------------------------------
# C. Loss to follow-up: Swespine ~25 % non-response at 1 year, NORspine 30 %. The base
# share of time points left unanswered by patients still in follow-up is an assumption,
# tuned so that about 25 % of 12-month time points are missed with the losses below.
MISS_SHARE = {"m1": 0.15, "m3": 0.18, "m6": 0.20, "m12": 0.22, "m24": 0.24, "m36": 0.28,
              "m48": 0.30, "m60": 0.32}
# assumption: informative drop-out, log-odds of missing per ODI point above 35 at the last
# answer: worse patients drop out more.
MISS_ODI_SLOPE = 0.04
# assumption: yearly hazards of becoming unreachable, withdrawing and dying (age ~45).
LOST_PER_YEAR, WITHDRAWAL_PER_YEAR, DEATH_PER_YEAR = 0.05, 0.015, 0.003
# assumption: channels. Baseline is often filled in at the clinic visit.
BASELINE_CHANNELS = {"web": 0.6, "clinic": 0.4}
FOLLOW_UP_CHANNELS = {"web": 0.85, "paper": 0.08, "phone": 0.07}

# --- Complications: (category, share of treatments, days after, severity, relatedness) ---
# C. Centeno 2017: no serious adverse events; 3 of 33 had transient procedural pain.
# Every other share is an assumption: the reference gives no complication rates.
COMPLICATIONS = {
    "biologic": (("post_injection_flare", 3 / 33, (1, 7), "mild", "probable"),
                 ("discitis", 0.003, (7, 45), "severe", "probable")),
    "harvest": (("harvest_site_pain", 0.05, (0, 10), "mild", "definite"),
                ("harvest_site_haematoma", 0.01, (0, 3), "mild", "definite")),
    "fusion": (("dural_tear", 0.05, (0, 0), "moderate", "definite"),
               ("deep_infection", 0.02, (10, 60), "severe", "probable"),
               ("nerve_root_injury", 0.015, (0, 2), "moderate", "probable"),
               ("pulmonary_embolism", 0.005, (3, 30), "life_threatening", "possible"),
               ("rehospitalisation", 0.04, (3, 30), "moderate", "possible")),
    "disc_replacement": (("vascular_injury", 0.02, (0, 0), "severe", "definite"),
                         ("nerve_root_injury", 0.01, (0, 2), "moderate", "probable"),
                         ("rehospitalisation", 0.03, (3, 30), "moderate", "possible")),
    "conservative": (("other", 0.01, (7, 60), "mild", "possible"),),
}
# assumption: a clinician adjudicates most reports within weeks; one in ten is rejected.
ADJUDICATED_SHARE, REJECTED_SHARE, ADJUDICATION_DELAY_DAYS = 0.9, 0.1, 14
