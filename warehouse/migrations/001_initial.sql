-- 001_initial: the pipeline's tables (schema core) and the public views (schema main).
-- Analysts query only the views in main; the tables behind them may change in later migrations.
CREATE SCHEMA IF NOT EXISTS core;

-- One row per configured feed: conditional-GET validators exactly as received,
-- failure score and back-off, counters for `redline feeds`.
CREATE TABLE core.feed_state (
    feed_name            TEXT PRIMARY KEY,
    url                  TEXT NOT NULL,
    tags                 TEXT[],
    etag                 TEXT,
    last_modified        TEXT,
    body_hash            TEXT,
    last_status          TEXT,
    last_http_status     INTEGER,
    last_error           TEXT,
    bozo                 TEXT,
    last_attempt_at      TIMESTAMPTZ,
    last_success_at      TIMESTAMPTZ,
    failure_score        DOUBLE  NOT NULL DEFAULT 0,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    errors_total         BIGINT  NOT NULL DEFAULT 0,
    next_poll_at         TIMESTAMPTZ,
    disabled             BOOLEAN NOT NULL DEFAULT FALSE,
    disabled_reason      TEXT,
    entries_seen         BIGINT  NOT NULL DEFAULT 0
);

-- Every HTTP attempt (feeds and article pages), kept as an append-only log.
CREATE TABLE core.fetch_log (
    run_id       TEXT,
    kind         TEXT NOT NULL,          -- feed | page
    feed_name    TEXT,
    url          TEXT NOT NULL,
    attempted_at TIMESTAMPTZ NOT NULL,
    status       TEXT NOT NULL,          -- ok | not_modified | unchanged | failed | ...
    http_status  INTEGER,
    bytes        BIGINT,
    elapsed_ms   INTEGER,
    error        TEXT
);

-- Feed items known to the warehouse. `state` is pending until the article is stored,
-- so a run killed after polling leaves work the next run completes.
CREATE TABLE core.entries (
    entry_id      TEXT PRIMARY KEY,      -- hash of canonical_url
    feed_name     TEXT NOT NULL,
    guid          TEXT,
    url           TEXT NOT NULL,
    canonical_url TEXT NOT NULL,
    title         TEXT,
    summary       TEXT,
    published_at  TIMESTAMPTZ,
    first_seen_at TIMESTAMPTZ NOT NULL,
    backlog       BOOLEAN NOT NULL DEFAULT FALSE,  -- came with its feed's first successful poll
    state         TEXT NOT NULL DEFAULT 'pending', -- pending | done
    attempts      INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT
);
CREATE TABLE core.entry_guids (
    guid     TEXT PRIMARY KEY,
    entry_id TEXT NOT NULL
);

CREATE TABLE core.articles (
    article_id      TEXT NOT NULL,
    entry_id        TEXT,
    story_id        TEXT NOT NULL,
    url             TEXT NOT NULL,
    canonical_url   TEXT NOT NULL,
    source          TEXT NOT NULL,
    feed_name       TEXT,
    title           TEXT,
    author          TEXT,
    published_at    TIMESTAMPTZ,
    fetched_at      TIMESTAMPTZ NOT NULL,
    language        TEXT,
    text            TEXT NOT NULL,
    text_chars      INTEGER NOT NULL,
    extraction      TEXT NOT NULL,     -- page | feed | file
    extraction_note TEXT,
    content_hash    TEXT NOT NULL,
    backlog         BOOLEAN NOT NULL DEFAULT FALSE,
    run_id          TEXT
);
-- Bottom-k shingle hashes per article: near-copies share most of them (story linking).
CREATE TABLE core.article_sketch (
    hash       BIGINT NOT NULL,
    article_id TEXT NOT NULL
);

-- Signal stage output. One classification row per article and rule-set version.
CREATE TABLE core.classifications (
    article_id      TEXT NOT NULL,
    ruleset_version TEXT NOT NULL,
    status          TEXT NOT NULL,     -- classified | skipped
    reason          TEXT,
    notes           TEXT,
    classified_at   TIMESTAMPTZ NOT NULL
);
CREATE TABLE core.positions (
    article_id      TEXT NOT NULL,
    actor           TEXT NOT NULL,
    topic           TEXT NOT NULL,
    stance          TEXT NOT NULL,
    evidence        TEXT NOT NULL,
    rule_id         TEXT NOT NULL,
    confidence      DOUBLE NOT NULL,
    ruleset_version TEXT NOT NULL
);
CREATE TABLE core.position_evidence (
    article_id      TEXT NOT NULL,
    actor           TEXT NOT NULL,
    topic           TEXT NOT NULL,
    stance          TEXT NOT NULL,
    sentence_index  INTEGER NOT NULL,
    sentence        TEXT NOT NULL,
    rule_id         TEXT NOT NULL,
    cue             TEXT,
    confidence      DOUBLE NOT NULL,
    ruleset_version TEXT NOT NULL
);
CREATE TABLE core.reported_shifts (
    article_id      TEXT NOT NULL,
    actor           TEXT NOT NULL,
    topic           TEXT NOT NULL,
    from_stance     TEXT,
    to_stance       TEXT NOT NULL,
    evidence        TEXT NOT NULL,
    rule_id         TEXT NOT NULL,
    confidence      DOUBLE NOT NULL,
    ruleset_version TEXT NOT NULL
);

-- Shifts and alerts (filled by the shifts and alerts stages).
CREATE TABLE core.shifts (
    shift_id     TEXT PRIMARY KEY,
    actor        TEXT NOT NULL,
    topic        TEXT NOT NULL,
    from_stance  TEXT,
    to_stance    TEXT NOT NULL,
    kind         TEXT NOT NULL,        -- reported | observed | new
    article_id   TEXT NOT NULL,
    story_id     TEXT,
    source       TEXT,
    evidence     TEXT,
    confidence   DOUBLE,
    published_at TIMESTAMPTZ,
    detected_at  TIMESTAMPTZ NOT NULL
);
CREATE TABLE core.alerts (
    alert_id        TEXT PRIMARY KEY,  -- hash of (shift_id, target)
    shift_id        TEXT NOT NULL,
    target          TEXT NOT NULL,     -- the target's name, never its URL
    status          TEXT NOT NULL,     -- pending | sent | failed | dead
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    next_attempt_at TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL,
    sent_at         TIMESTAMPTZ
);

CREATE TABLE core.runs (
    run_id         TEXT PRIMARY KEY,
    flow_run_id    TEXT,
    kind           TEXT NOT NULL,      -- run | ingest | reclassify
    started_at     TIMESTAMPTZ NOT NULL,
    finished_at    TIMESTAMPTZ,
    status         TEXT NOT NULL,      -- running | completed | failed
    feeds_polled   INTEGER,
    not_modified   INTEGER,
    unchanged      INTEGER,
    feeds_failed   INTEGER,
    new_entries    INTEGER,
    new_articles   INTEGER,
    fallbacks      INTEGER,
    summary        TEXT                -- JSON: per-stage counts and failures with reasons
);

-- Public views -----------------------------------------------------------------------
CREATE VIEW main.feeds AS
SELECT feed_name AS name, url, tags, last_status, last_http_status, last_error, bozo,
       last_attempt_at, last_success_at, failure_score, consecutive_failures,
       errors_total AS error_count, entries_seen, next_poll_at, disabled, disabled_reason
FROM core.feed_state;

CREATE VIEW main.fetch_log AS SELECT * FROM core.fetch_log;

CREATE VIEW main.articles AS
SELECT article_id, story_id, url, canonical_url, source, feed_name, title, author,
       published_at, fetched_at, language, text, text_chars, extraction, extraction_note, backlog
FROM core.articles;

CREATE VIEW main.positions AS
SELECT p.article_id, p.actor, p.topic, p.stance, p.evidence, p.rule_id, p.confidence,
       p.ruleset_version, a.source, a.published_at
FROM core.positions p LEFT JOIN core.articles a USING (article_id);

CREATE VIEW main.position_evidence AS SELECT * FROM core.position_evidence;

CREATE VIEW main.reported_shifts AS
SELECT r.*, a.source, a.published_at
FROM core.reported_shifts r LEFT JOIN core.articles a USING (article_id);

CREATE VIEW main.shifts AS
SELECT shift_id, actor, topic, from_stance, to_stance, kind, article_id, story_id, source,
       evidence, confidence, published_at, detected_at
FROM core.shifts;

CREATE VIEW main.alerts AS
SELECT alert_id, shift_id, target, status, attempts, last_error, next_attempt_at, created_at, sent_at
FROM core.alerts;

CREATE VIEW main.runs AS SELECT * FROM core.runs;
