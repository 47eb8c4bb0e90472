"""Appeal counts for the yearly statistics, kept exact by triggers on PostgreSQL.

``cases_appealcount`` (model ``AppealCount``) holds, per organisation and year of
``received_on``, the two groupings the report reads: (agency, channel, country) and
(violation mask, legal aid, minor, sex). A few thousand rows per organisation and year,
however many appeals there are.

On PostgreSQL:

* statement-level AFTER INSERT / UPDATE / DELETE triggers on ``cases_appeal`` (they fire
  for COPY too) aggregate the statement's transition tables into a net delta per group
  and append it to ``cases_appealcount_pending``, tagged with the transaction id. Plain
  appends: no lock is taken on the shared counts while the transaction runs, so a long
  import never holds them, and nothing here waits while holding the audit chain's lock
  (writers take that one at different points of their transaction);
* a deferred constraint trigger folds the transaction's deltas into the counts when it
  commits (one event per statement: the first delta row carries it), upserting in key
  order so that concurrent commits lock the same rows in the same order; groups that
  reach zero are deleted. Folds take a shared advisory lock that ``himoya stats-rebuild``
  takes exclusively;
* TRUNCATE of ``cases_appeal`` empties the counts (nothing is left to count).

The report adds the current transaction's pending deltas, so it reads its own writes.
The grouping below is frozen here on purpose; ``himoya/cases/stats.py`` has the live
copy used by the rebuild. SQLite keeps the table empty (its report counts the appeals).
"""

from django.db import migrations, models

KEY = (
    "organisation_id, year, part, agency_id, channel_id, country, "
    "violation_mask, legal_aid, victim_minor, victim_sex"
)
COLUMNS = (
    "organisation_id, EXTRACT(YEAR FROM received_on)::int AS year, "
    "COALESCE(agency_id, 0) AS agency, channel_id, country, "
    "violation_mask, legal_aid, victim_minor, victim_sex"
)
# Net count per group of the rows in {source} (each with a sign); the part's absent
# columns come out of GROUPING SETS as NULL and are stored as their defaults.
GROUPED = """
SELECT organisation_id, year, GROUPING(agency)::smallint AS part,
       COALESCE(agency, 0) AS agency_id, COALESCE(channel_id, 0) AS channel_id,
       COALESCE(country, '') AS country, COALESCE(violation_mask, 0) AS violation_mask,
       COALESCE(legal_aid, false) AS legal_aid, COALESCE(victim_minor, false) AS victim_minor,
       COALESCE(victim_sex, '') AS victim_sex, SUM(sign)::bigint AS n
FROM ({source}) AS changed
GROUP BY organisation_id, year, GROUPING SETS (
    (agency, channel_id, country), (violation_mask, legal_aid, victim_minor, victim_sex)
)
HAVING SUM(sign) <> 0
"""
FOLD_LOCK = 0x48494D4F5943  # "HIMOYC"

SOURCES = {
    "insert": f"SELECT {COLUMNS}, 1 AS sign FROM new_rows",
    "delete": f"SELECT {COLUMNS}, -1 AS sign FROM old_rows",
    "update": (
        f"SELECT {COLUMNS}, 1 AS sign FROM new_rows "
        f"UNION ALL SELECT {COLUMNS}, -1 AS sign FROM old_rows"
    ),
}

# Every function pins the search path it was created with: the triggers fire in whatever
# session writes appeals, and pg_restore, for one, runs with an empty search path.
DELTA = """
CREATE FUNCTION cases_appealcount_{op}() RETURNS trigger LANGUAGE plpgsql
    SET search_path FROM CURRENT AS $$
BEGIN
    INSERT INTO cases_appealcount_pending (xid, fold, {key}, n)
    SELECT txid_current(), row_number() OVER () = 1, grouped.*
    FROM ({grouped}) AS grouped;
    RETURN NULL;
END;
$$;
"""

FORWARD = [
    f"""
    CREATE TABLE cases_appealcount_pending (
        xid bigint NOT NULL,
        fold boolean NOT NULL,
        organisation_id bigint NOT NULL,
        year smallint NOT NULL,
        part smallint NOT NULL,
        agency_id bigint NOT NULL,
        channel_id bigint NOT NULL,
        country varchar(2) NOT NULL,
        violation_mask bigint NOT NULL,
        legal_aid boolean NOT NULL,
        victim_minor boolean NOT NULL,
        victim_sex varchar(8) NOT NULL,
        n bigint NOT NULL
    )
    """,
    "CREATE INDEX cases_appealcount_pending_xid ON cases_appealcount_pending (xid)",
    *(DELTA.format(op=op, key=KEY, grouped=GROUPED.format(source=s)) for op, s in SOURCES.items()),
    f"""
    CREATE FUNCTION cases_appealcount_fold() RETURNS trigger LANGUAGE plpgsql
    SET search_path FROM CURRENT AS $$
    DECLARE
        emptied bigint[];
    BEGIN
        PERFORM pg_advisory_xact_lock_shared({FOLD_LOCK});
        WITH mine AS (
            DELETE FROM cases_appealcount_pending WHERE xid = NEW.xid RETURNING *
        ), delta AS (
            SELECT {KEY}, SUM(n)::bigint AS n FROM mine GROUP BY {KEY} HAVING SUM(n) <> 0
        ), counted AS (
            INSERT INTO cases_appealcount AS c ({KEY}, n)
            SELECT {KEY}, n FROM delta ORDER BY {KEY}
            ON CONFLICT ({KEY}) DO UPDATE SET n = c.n + EXCLUDED.n
            RETURNING c.id, c.n
        )
        SELECT array_agg(id) INTO emptied FROM counted WHERE n = 0;
        IF emptied IS NOT NULL THEN
            DELETE FROM cases_appealcount WHERE id = ANY(emptied);
        END IF;
        RETURN NULL;
    END;
    $$
    """,
    """
    CREATE FUNCTION cases_appealcount_truncate() RETURNS trigger LANGUAGE plpgsql
    SET search_path FROM CURRENT AS $$
    BEGIN
        DELETE FROM cases_appealcount;
        DELETE FROM cases_appealcount_pending WHERE xid = txid_current();
        RETURN NULL;
    END;
    $$
    """,
    """
    CREATE TRIGGER appealcount_insert AFTER INSERT ON cases_appeal
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cases_appealcount_insert()
    """,
    """
    CREATE TRIGGER appealcount_update AFTER UPDATE ON cases_appeal
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cases_appealcount_update()
    """,
    """
    CREATE TRIGGER appealcount_delete AFTER DELETE ON cases_appeal
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cases_appealcount_delete()
    """,
    """
    CREATE TRIGGER appealcount_truncate AFTER TRUNCATE ON cases_appeal
    FOR EACH STATEMENT EXECUTE FUNCTION cases_appealcount_truncate()
    """,
    """
    CREATE CONSTRAINT TRIGGER appealcount_fold AFTER INSERT ON cases_appealcount_pending
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (NEW.fold) EXECUTE FUNCTION cases_appealcount_fold()
    """,
    # The triggers' lock on cases_appeal holds writers back until this migration
    # commits, so the backfill and the triggers neither miss nor double an appeal.
    f"""
    INSERT INTO cases_appealcount ({KEY}, n)
    SELECT grouped.* FROM ({GROUPED.format(source=f"SELECT {COLUMNS}, 1 AS sign FROM cases_appeal")})
    AS grouped ORDER BY {KEY}
    """,
]

BACKWARD = [
    "DROP TRIGGER IF EXISTS appealcount_insert ON cases_appeal",
    "DROP TRIGGER IF EXISTS appealcount_update ON cases_appeal",
    "DROP TRIGGER IF EXISTS appealcount_delete ON cases_appeal",
    "DROP TRIGGER IF EXISTS appealcount_truncate ON cases_appeal",
    "DROP TABLE IF EXISTS cases_appealcount_pending",
    *(f"DROP FUNCTION IF EXISTS cases_appealcount_{op}()" for op in SOURCES),
    "DROP FUNCTION IF EXISTS cases_appealcount_fold()",
    "DROP FUNCTION IF EXISTS cases_appealcount_truncate()",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_appeal_rehab_stats_index")]

    operations = [
        migrations.CreateModel(
            name="AppealCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("organisation_id", models.BigIntegerField()),
                ("year", models.SmallIntegerField()),
                ("part", models.SmallIntegerField()),
                ("agency_id", models.BigIntegerField(default=0)),
                ("channel_id", models.BigIntegerField(default=0)),
                ("country", models.CharField(default="", max_length=2)),
                ("violation_mask", models.BigIntegerField(default=0)),
                ("legal_aid", models.BooleanField(default=False)),
                ("victim_minor", models.BooleanField(default=False)),
                ("victim_sex", models.CharField(default="", max_length=8)),
                ("n", models.BigIntegerField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=(
                            "organisation_id",
                            "year",
                            "part",
                            "agency_id",
                            "channel_id",
                            "country",
                            "violation_mask",
                            "legal_aid",
                            "victim_minor",
                            "victim_sex",
                        ),
                        name="appealcount_key",
                    )
                ],
            },
        ),
        migrations.RunPython(forward, backward),
    ]
