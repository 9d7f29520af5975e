"""The identity's search form of its names and record number, filled for existing rows."""

from django.db import migrations, models

BATCH = 2000


def fill(apps, schema_editor):
    from disctrack.registry.models.patients import search_form

    identity = apps.get_model("registry", "PatientIdentity")
    rows = identity.objects.using(schema_editor.connection.alias).only(
        "id", "family_name", "given_name", "medical_record_number").order_by("id")
    batch = []
    for row in rows.iterator(chunk_size=BATCH):
        row.search_text = search_form(f"{row.family_name} {row.given_name} {row.medical_record_number}")
        batch.append(row)
        if len(batch) == BATCH:
            identity.objects.using(schema_editor.connection.alias).bulk_update(batch, ["search_text"])
            batch = []
    if batch:
        identity.objects.using(schema_editor.connection.alias).bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0007_patient_list_order"),
    ]

    operations = [
        migrations.AddField(
            model_name="patientidentity",
            name="search_text",
            field=models.CharField(blank=True, editable=False, max_length=300),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
