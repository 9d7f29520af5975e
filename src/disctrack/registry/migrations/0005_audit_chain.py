"""Chain the audit entries by hash, keep the chain head, and let nobody empty the trail.

- Each entry gets `prev_hash` and `row_hash` (registry/models/audit_chain.py); the entries
  already there are chained in id order, and the head names the last one.
- PostgreSQL: UPDATE, DELETE and TRUNCATE of the audit table are refused (TRUNCATE fires no
  row trigger, hence a statement trigger); the chain head cannot be deleted, truncated or
  moved back.
- SQLite: UPDATE and DELETE of the audit table are refused, and the same for the head.
- The one door, for the test runner's flush only, is registry/audit_guard.py: on PostgreSQL a
  transaction-local setting honoured only for the tables' owner, on SQLite a SQL function
  only DiscTrack's own connections have.

SQLite rebuilds a table to add a column, dropping its triggers: any later migration that
changes the audit table must create them again (tests/registry/test_audit_chain.py checks
that they are there).

Reversible: going back drops the chain, the head and the new triggers, and puts back the
triggers of 0002.
"""

from django.db import migrations, models

from disctrack.registry.models.audit_chain import CHAINED_FIELDS, GENESIS, entry_hash

REFUSE = "SELECT RAISE(ABORT, 'audit trail is append-only')"
SQLITE_PROTECT = [
    f"""CREATE TRIGGER registry_auditentry_no_update BEFORE UPDATE ON registry_auditentry
        BEGIN {REFUSE}; END""",
    f"""CREATE TRIGGER registry_auditentry_no_delete BEFORE DELETE ON registry_auditentry
        WHEN NOT disctrack_audit_purge() BEGIN {REFUSE}; END""",
    f"""CREATE TRIGGER registry_auditchainhead_no_delete BEFORE DELETE ON registry_auditchainhead
        WHEN NOT disctrack_audit_purge() BEGIN {REFUSE}; END""",
    """CREATE TRIGGER registry_auditchainhead_forward_only BEFORE UPDATE ON registry_auditchainhead
        WHEN NEW.id <> OLD.id OR NEW.last_entry_id <= OLD.last_entry_id
        BEGIN SELECT RAISE(ABORT, 'audit chain head only moves forward'); END""",
]
SQLITE_UNPROTECT = [
    "DROP TRIGGER IF EXISTS registry_auditentry_no_delete",
    "DROP TRIGGER IF EXISTS registry_auditchainhead_no_delete",
    "DROP TRIGGER IF EXISTS registry_auditchainhead_forward_only",
]
SQLITE_0002 = [
    """CREATE TRIGGER IF NOT EXISTS registry_auditentry_no_update
       BEFORE UPDATE ON registry_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END""",
]

POSTGRES_PROTECT = [
    # Rows go only in the test runner's flush (the setting) and only for the owner of the table.
    """CREATE OR REPLACE FUNCTION registry_audit_purge_allowed(relation oid) RETURNS boolean AS $$
       SELECT coalesce(current_setting('disctrack.allow_audit_purge', true), '') = 'on'
          AND pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = relation),
                          'MEMBER')
       $$ LANGUAGE sql STABLE""",
    """CREATE OR REPLACE FUNCTION registry_auditentry_append_only() RETURNS trigger AS $$
       BEGIN
         IF TG_OP IN ('DELETE', 'TRUNCATE') AND registry_audit_purge_allowed(TG_RELID) THEN
           IF TG_LEVEL = 'ROW' THEN RETURN OLD; END IF;
           RETURN NULL;
         END IF;
         RAISE EXCEPTION 'audit trail is append-only (% refused)', TG_OP;
       END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER registry_auditentry_no_change
       BEFORE UPDATE OR DELETE ON registry_auditentry
       FOR EACH ROW EXECUTE FUNCTION registry_auditentry_append_only()""",
    """CREATE TRIGGER registry_auditentry_no_truncate
       BEFORE TRUNCATE ON registry_auditentry
       FOR EACH STATEMENT EXECUTE FUNCTION registry_auditentry_append_only()""",
    """CREATE OR REPLACE FUNCTION registry_auditchainhead_guard() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'UPDATE' THEN
           IF NEW.id <> OLD.id OR NEW.last_entry_id <= OLD.last_entry_id THEN
             RAISE EXCEPTION 'audit chain head only moves forward';
           END IF;
           RETURN NEW;
         END IF;
         IF registry_audit_purge_allowed(TG_RELID) THEN
           IF TG_LEVEL = 'ROW' THEN RETURN OLD; END IF;
           RETURN NULL;
         END IF;
         RAISE EXCEPTION 'audit trail is append-only (% of the chain head refused)', TG_OP;
       END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER registry_auditchainhead_guard
       BEFORE UPDATE OR DELETE ON registry_auditchainhead
       FOR EACH ROW EXECUTE FUNCTION registry_auditchainhead_guard()""",
    """CREATE TRIGGER registry_auditchainhead_no_truncate
       BEFORE TRUNCATE ON registry_auditchainhead
       FOR EACH STATEMENT EXECUTE FUNCTION registry_auditchainhead_guard()""",
]
POSTGRES_UNPROTECT = [
    "DROP TRIGGER IF EXISTS registry_auditentry_no_truncate ON registry_auditentry",
    "DROP TRIGGER IF EXISTS registry_auditchainhead_guard ON registry_auditchainhead",
    "DROP TRIGGER IF EXISTS registry_auditchainhead_no_truncate ON registry_auditchainhead",
    "DROP FUNCTION IF EXISTS registry_auditchainhead_guard()",
    # The function of 0002, which the trigger registry_auditentry_no_change calls again.
    """CREATE OR REPLACE FUNCTION registry_auditentry_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit trail is append-only'; END; $$ LANGUAGE plpgsql""",
    "DROP FUNCTION IF EXISTS registry_audit_purge_allowed(oid)",
]
# Dropped for the chaining, which sets the new columns of the existing rows.
UNGUARD = {
    "sqlite": ["DROP TRIGGER IF EXISTS registry_auditentry_no_update"],
    "postgresql": ["DROP TRIGGER IF EXISTS registry_auditentry_no_change ON registry_auditentry"],
}
PROTECT = {"sqlite": SQLITE_PROTECT, "postgresql": POSTGRES_PROTECT}
UNPROTECT = {"sqlite": SQLITE_UNPROTECT, "postgresql": POSTGRES_UNPROTECT}


def _execute(schema_editor, statements):
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement, params=None)


def chain_and_protect(apps, schema_editor):
    AuditEntry = apps.get_model("registry", "AuditEntry")
    AuditChainHead = apps.get_model("registry", "AuditChainHead")
    db = schema_editor.connection.alias
    _execute(schema_editor, UNGUARD)
    content = [name for name in CHAINED_FIELDS if name != "prev_hash"]
    last_id, last_hash = 0, GENESIS
    for fields in AuditEntry.objects.using(db).order_by("id").values(*content).iterator(chunk_size=2000):
        fields["prev_hash"] = last_hash
        row_hash = entry_hash(fields)
        AuditEntry.objects.using(db).filter(pk=fields["id"]).update(prev_hash=last_hash, row_hash=row_hash)
        last_id, last_hash = fields["id"], row_hash
    AuditChainHead.objects.using(db).create(id=1, last_entry_id=last_id, last_hash=last_hash)
    _execute(schema_editor, PROTECT)


def unprotect(apps, schema_editor):
    _execute(schema_editor, UNPROTECT)


def restore_0002_triggers(apps, schema_editor):
    """Going back: the SQLite table is rebuilt without the columns, and loses its triggers."""
    _execute(schema_editor, {"sqlite": SQLITE_0002})


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_timepoint_table")]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, restore_0002_triggers),
        migrations.AddField(
            model_name="auditentry",
            name="prev_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditentry",
            name="row_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("last_entry_id", models.BigIntegerField()),
                ("last_hash", models.CharField(max_length=64)),
            ],
            options={
                "constraints": [
                    models.CheckConstraint(condition=models.Q(("id", 1)), name="registry_auditchainhead_one_row")
                ],
            },
        ),
        migrations.RunPython(chain_and_protect, unprotect),
    ]
