# The time point moves from the follow-up app to the registry (the layer that lays time points
# out and closes them). The table stays as it is here; 0004 renames it once every foreign key
# in the state points to registry.TimePoint.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0002_audit_append_only'),
        ('followup', '0002_timepoint_ladder_planned_at_followuptask_calllog_and_more'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='TimePoint',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('protocol', models.CharField(max_length=64)),
                        ('protocol_version', models.PositiveIntegerField()),
                        ('code', models.CharField(max_length=16)),
                        ('label', models.CharField(max_length=64)),
                        ('months', models.PositiveIntegerField()),
                        ('opens_on', models.DateField()),
                        ('target_on', models.DateField()),
                        ('closes_on', models.DateField()),
                        ('instruments', models.JSONField()),
                        ('status', models.CharField(choices=[('pending', 'Pending'), ('answered', 'Answered'), ('missed', 'Missed'), ('withdrawn', 'Withdrawn'), ('dead', 'Deceased'), ('stopped', 'Stopped by protocol')], default='pending', max_length=12)),
                        ('answered_at', models.DateTimeField(blank=True, null=True)),
                        ('channel', models.CharField(blank=True, choices=[('web', 'Web link'), ('clinic', 'In clinic (tablet)'), ('paper', 'Paper form'), ('phone', 'Telephone')], max_length=8)),
                        ('closed_reason', models.CharField(blank=True, max_length=200)),
                        ('ladder_planned_at', models.DateTimeField(blank=True, null=True)),
                        ('patient', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='timepoints', to='registry.patient')),
                        ('treatment', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='timepoints', to='registry.treatment')),
                    ],
                    options={
                        'db_table': 'followup_timepoint',
                        'ordering': ['target_on', 'id'],
                        'indexes': [models.Index(fields=['status', 'opens_on'], name='followup_ti_status_1379af_idx'), models.Index(fields=['patient', 'target_on'], name='followup_ti_patient_2a601b_idx')],
                        'constraints': [models.UniqueConstraint(fields=('treatment', 'code'), name='timepoint_once_per_treatment')],
                    },
                ),
            ],
        ),
    ]
