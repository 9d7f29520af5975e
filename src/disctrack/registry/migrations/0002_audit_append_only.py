"""Make the audit table append-only in the database itself, not only in the application."""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER IF NOT EXISTS registry_auditentry_no_update
       BEFORE UPDATE ON registry_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END""",
    # No DELETE trigger on SQLite: the test runner empties tables with DELETE between
    # tests. The application refuses deletes (AuditEntry and its QuerySet).
]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION registry_auditentry_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit trail is append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER registry_auditentry_no_change
       BEFORE UPDATE OR DELETE ON registry_auditentry
       FOR EACH ROW EXECUTE FUNCTION registry_auditentry_append_only()""",
]


def add_triggers(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(add_triggers, migrations.RunPython.noop)]
