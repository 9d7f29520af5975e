# The follow-up app's records now point to registry.TimePoint, and its own TimePoint leaves the
# state; the table itself is renamed by registry 0004.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('followup', '0002_timepoint_ladder_planned_at_followuptask_calllog_and_more'),
        ('registry', '0003_timepoint'),
        ('surveys', '0003_timepoint_in_registry'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='followuptask',
                    name='timepoint',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='tasks', to='registry.timepoint'),
                ),
                migrations.AlterField(
                    model_name='calllog',
                    name='timepoint',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='calls', to='registry.timepoint'),
                ),
                migrations.AlterField(
                    model_name='outboundmessage',
                    name='timepoint',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='messages', to='registry.timepoint'),
                ),
                migrations.AlterField(
                    model_name='safetyalert',
                    name='timepoint',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='safety_alert', to='registry.timepoint'),
                ),
                migrations.DeleteModel(name='TimePoint'),
            ],
        ),
    ]
