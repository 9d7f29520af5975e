# The time point's table and indexes take the registry's names; its content type follows, so
# anything that refers to it by content type keeps working.

from django.db import migrations


def _move_content_type(apps, schema_editor, old: str, new: str):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=new, model="timepoint").exists():
        ContentType.objects.filter(app_label=old, model="timepoint").update(app_label=new)


def forwards(apps, schema_editor):
    _move_content_type(apps, schema_editor, "followup", "registry")


def backwards(apps, schema_editor):
    _move_content_type(apps, schema_editor, "registry", "followup")


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('registry', '0003_timepoint'),
        ('followup', '0003_timepoint_in_registry'),
    ]

    operations = [
        migrations.AlterModelTable(name='timepoint', table=None),
        migrations.RenameIndex(
            model_name='timepoint',
            new_name='registry_ti_status_9ed8f1_idx',
            old_name='followup_ti_status_1379af_idx',
        ),
        migrations.RenameIndex(
            model_name='timepoint',
            new_name='registry_ti_patient_e76d1f_idx',
            old_name='followup_ti_patient_2a601b_idx',
        ),
        migrations.RunPython(forwards, backwards),
    ]
