"""Pages of the surveys app: the patient's questionnaire (no log-in) and staff entry."""
