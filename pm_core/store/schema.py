"""Schema of the workspace: the shared canonical tables, and the versioned migrations.

Tables owned by one area (OKRs, roadmap, audiences, career) are declared as `DDL` in that area's
store module with CREATE ... IF NOT EXISTS, so a newer Pillars adds them to an older file on open.
Changes to existing columns go into MIGRATIONS under a new version number; never edit a released
step, add one.
"""

SCHEMA_VERSION = 4

# 'at' is a reserved word in DuckDB 2, hence the longer column names.
# Times are naive TIMESTAMP holding UTC: date_trunc on them never depends on a session time zone.
CORE_DDL = [
    """CREATE TABLE IF NOT EXISTS data_version (n BIGINT NOT NULL, changed_at TIMESTAMP NOT NULL)""",
    # one version per data area (pm_core.store.areas): a write bumps only the areas it changes
    """CREATE TABLE IF NOT EXISTS data_versions (area VARCHAR PRIMARY KEY, n BIGINT NOT NULL, changed_at TIMESTAMP NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS settings (
        key VARCHAR PRIMARY KEY,
        value JSON NOT NULL,
        updated_by VARCHAR,
        updated_at TIMESTAMP)""",
    """CREATE TABLE IF NOT EXISTS imports (
        id VARCHAR PRIMARY KEY,
        file_name VARCHAR NOT NULL,
        sha256 VARCHAR NOT NULL,
        bytes BIGINT NOT NULL,
        kind VARCHAR NOT NULL,          -- events | work_items | survey | experiment | salaries | metrics
        source VARCHAR NOT NULL,        -- amplitude | mixpanel | posthog | jira | linear | github | generic ...
        rows_read BIGINT NOT NULL,
        rows_imported BIGINT NOT NULL,
        rows_rejected BIGINT NOT NULL,
        actor VARCHAR NOT NULL,
        imported_at TIMESTAMP NOT NULL,
        details JSON)""",
    """CREATE TABLE IF NOT EXISTS import_rejects (
        import_id VARCHAR NOT NULL,
        row_number BIGINT,              -- 1-based line/row in the source file, header = row 1
        column_name VARCHAR,
        value VARCHAR,
        reason VARCHAR NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS events (
        import_id VARCHAR NOT NULL,
        user_id VARCHAR NOT NULL,
        event VARCHAR NOT NULL,
        ts TIMESTAMP NOT NULL,
        properties JSON USING COMPRESSION zstd)""",
    """CREATE TABLE IF NOT EXISTS work_items (
        import_id VARCHAR NOT NULL,
        key VARCHAR NOT NULL,
        title VARCHAR,
        type VARCHAR,                   -- as written in the export (e.g. 'Historia', 'Bug')
        type_category VARCHAR,          -- normalised: bug | story | task | subtask | epic | other
        status VARCHAR,
        status_category VARCHAR,        -- todo | in_progress | done
        created TIMESTAMP,
        resolved TIMESTAMP,
        due DATE,
        points DOUBLE,
        sprint VARCHAR,
        epic VARCHAR,                   -- epic key or name (Jira 'Parent' / 'Epic Link')
        parent_key VARCHAR,
        labels VARCHAR[],
        assignee VARCHAR,
        priority VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS survey_responses (
        import_id VARCHAR NOT NULL,
        respondent VARCHAR,
        responded_at TIMESTAMP,
        scale VARCHAR NOT NULL,         -- nps (0-10) | csat (1-5)
        score DOUBLE,                   -- NULL when the respondent left it empty
        comment VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS experiment_exposures (
        import_id VARCHAR NOT NULL,
        experiment VARCHAR NOT NULL,
        user_id VARCHAR NOT NULL,
        variant VARCHAR NOT NULL,
        converted BOOLEAN NOT NULL,
        exposed_at TIMESTAMP)""",
    """CREATE TABLE IF NOT EXISTS experiment_aggregates (
        import_id VARCHAR NOT NULL,
        experiment VARCHAR NOT NULL,
        variant VARCHAR NOT NULL,
        users BIGINT NOT NULL,
        conversions BIGINT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS salaries (
        import_id VARCHAR NOT NULL,
        company VARCHAR,
        title VARCHAR,
        level VARCHAR,                  -- the company's own level, e.g. 'L4'
        ladder_level VARCHAR,           -- Pillars ladder id once mapped, NULL = unmapped
        location VARCHAR,
        currency VARCHAR,               -- ISO code; NULL when the file did not say
        years DOUBLE,
        base DOUBLE,
        stock DOUBLE,
        bonus DOUBLE,
        total DOUBLE,
        reported_on DATE)""",
    """CREATE TABLE IF NOT EXISTS metric_points (
        import_id VARCHAR NOT NULL,
        metric VARCHAR NOT NULL,
        date DATE NOT NULL,
        value DOUBLE NOT NULL,
        segment VARCHAR)""",
]

# version -> statements run once when a file is below that version. Version 1 is the tables above.
# Version 2: events.properties is compressed with zstd. DuckDB's default for a column of mostly unique
# JSON text (FSST) made saving 10M Amplitude rows take 13 s and 480 MB; zstd takes 6 s and 170 MB,
# and segment filters read it as fast. DuckDB cannot change a column's compression in place, so the
# table is rebuilt (a no-op on a new, empty file).
MIGRATIONS: dict[int, list[str]] = {
    1: [],
    2: ["CREATE TABLE _events_v2 (import_id VARCHAR NOT NULL, user_id VARCHAR NOT NULL, event VARCHAR NOT NULL, "
        "ts TIMESTAMP NOT NULL, properties JSON USING COMPRESSION zstd)",
        "INSERT INTO _events_v2 SELECT import_id, user_id, event, ts, properties FROM events",
        "DROP TABLE events",
        "ALTER TABLE _events_v2 RENAME TO events"],
    # Version 3: per-area data versions (issue 17). With one version for the whole workspace, a check-in
    # made every viewer's next page recompute every KPI (25 viewers + 2 editors: median page 3.6 s).
    # Each area starts at 0; the old data_version row keeps counting every write.
    3: ["INSERT INTO data_versions SELECT area, 0, now()::TIMESTAMP FROM (VALUES ('events'), ('surveys'), "
        "('work_items'), ('experiments'), ('metrics'), ('salaries'), ('career'), ('okrs'), ('roadmap'), "
        "('audiences'), ('settings'), ('imports')) AS a(area) ON CONFLICT DO NOTHING"],
    # Version 4: survey responses keep the columns Pillars does not read as properties (a Delighted export's
    # Platform), so a segment filters the surveys that carry its property (issue 15).
    4: ["ALTER TABLE survey_responses ADD COLUMN IF NOT EXISTS properties JSON"],
}
