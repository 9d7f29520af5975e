"""What the surveys app sets off in the apps above it.

Sent inside the submitting action's transaction; a receiver's failure rolls the submission
back. Receivers are connected in one place, `disctrack/wiring.py`.
"""

from __future__ import annotations

from django.dispatch import Signal

# A time point's answers were submitted (by the patient or entered by staff), after the time
# point was closed as answered. Arguments: actor, timepoint, responses, now.
responses_submitted = Signal()
