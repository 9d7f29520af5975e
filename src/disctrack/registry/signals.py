"""What the registry sets off in the apps above it.

The registry cannot import the apps built on it (docs/architecture.md), so it announces what
happened and they react. Each signal is sent inside the action's transaction; a receiver's
failure rolls the action back. Receivers are connected in one place, `disctrack/wiring.py`.
"""

from __future__ import annotations

from django.dispatch import Signal

# A time point stopped being pending (answered, missed, withdrawn, deceased, stopped), or a
# missed one was answered late. Arguments: actor, timepoint, status, reason, now.
timepoint_closed = Signal()

# A pending time point's window or instruments moved (a corrected treatment date, another
# protocol). Arguments: timepoint, reason, now.
timepoint_moved = Signal()
