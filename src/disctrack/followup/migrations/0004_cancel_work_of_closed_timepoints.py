# Closing a time point now cancels its queued messages and open tasks in the same transaction
# (registry.actions.timepoints.close_timepoint), so the worker no longer sweeps for them. This
# cancels, once, the work that earlier versions left for that sweep.

from django.db import migrations
from django.utils import timezone

REASON = "the time point is no longer pending"


def forwards(apps, schema_editor):
    OutboundMessage = apps.get_model("followup", "OutboundMessage")
    FollowupTask = apps.get_model("followup", "FollowupTask")
    OutboundMessage.objects.filter(status="queued").exclude(timepoint__status="pending").update(
        status="cancelled", last_error=REASON)
    FollowupTask.objects.filter(status="open").exclude(timepoint__status="pending").update(
        status="cancelled", outcome=REASON, closed_at=timezone.now())


class Migration(migrations.Migration):

    dependencies = [
        ('followup', '0003_timepoint_in_registry'),
        ('registry', '0004_timepoint_table'),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
