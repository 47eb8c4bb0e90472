"""Refuse TRUNCATE on the audit table: the row trigger of 0002 does not fire for it, so
one statement could empty the chain (and an empty chain verifies)."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION himoya_audit_no_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'core_auditevent is append-only: TRUNCATE refused'
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;
CREATE TRIGGER core_auditevent_no_truncate
    BEFORE TRUNCATE ON core_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION himoya_audit_no_truncate();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;
DROP FUNCTION IF EXISTS himoya_audit_no_truncate();
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0003_job_progress")]
    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
