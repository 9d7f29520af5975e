# Links and responses now point to registry.TimePoint: the same table, so only the state moves.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('surveys', '0002_surveylink_channel'),
        ('registry', '0003_timepoint'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='surveylink',
                    name='timepoint',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='links', to='registry.timepoint'),
                ),
                migrations.AlterField(
                    model_name='response',
                    name='timepoint',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='responses', to='registry.timepoint'),
                ),
            ],
        ),
    ]
