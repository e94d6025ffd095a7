-- 003_shifts_alerts: state per (actor, topic), corroborating sources of shifts, outbox
-- fields of alerts, digest log, and the public views current_positions and position_timeline.

-- Which (article, rule-set version) the shifts stage has already folded into the state.
CREATE TABLE core.shift_processed (
    article_id      TEXT NOT NULL,
    ruleset_version TEXT NOT NULL,
    processed_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (article_id, ruleset_version)
);

-- The established stance per (actor, topic), plus a pending candidate (hysteresis).
-- Times are the articles' effective times: publication, else fetch time.
CREATE TABLE core.position_state (
    actor               TEXT NOT NULL,
    topic               TEXT NOT NULL,
    stance              TEXT NOT NULL,
    since               TIMESTAMPTZ NOT NULL,  -- when the current stance was first reported
    since_article_id    TEXT NOT NULL,
    since_source        TEXT,
    previous_stance     TEXT,
    previous_since      TIMESTAMPTZ,
    previous_source     TEXT,
    last_seen_at        TIMESTAMPTZ NOT NULL,  -- latest report of the current stance
    last_article_id     TEXT NOT NULL,
    last_source         TEXT,
    last_evidence       TEXT,
    sources             TEXT[] NOT NULL,       -- distinct outlets reporting the current stance
    last_shift_id       TEXT,
    last_shift_at       TIMESTAMPTZ,
    candidate_stance    TEXT,
    candidate_since     TIMESTAMPTZ,
    candidate_article_id TEXT,
    candidate_sources   TEXT[],
    candidate_stories   TEXT[],
    updated_at          TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (actor, topic)
);

-- Every outlet (article) that reported a shift: the trigger and later corroboration.
CREATE TABLE core.shift_sources (
    shift_id     TEXT NOT NULL,
    article_id   TEXT NOT NULL,
    source       TEXT,
    story_id     TEXT,
    published_at TIMESTAMPTZ,
    role         TEXT NOT NULL,   -- trigger | candidate | corroboration
    added_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (shift_id, article_id)
);

-- Shift columns added by the shifts stage (core.shifts is from 001).
ALTER TABLE core.shifts ADD COLUMN severity TEXT;
ALTER TABLE core.shifts ADD COLUMN alert_state TEXT;      -- alert | suppressed: backlog | stale | new | flapping | flapped | unrouted
ALTER TABLE core.shifts ADD COLUMN from_since TIMESTAMPTZ;
ALTER TABLE core.shifts ADD COLUMN from_source TEXT;
ALTER TABLE core.shifts ADD COLUMN from_article_id TEXT;
ALTER TABLE core.shifts ADD COLUMN ruleset_version TEXT;
ALTER TABLE core.shifts ADD COLUMN routed_at TIMESTAMPTZ;  -- outbox rows written (after group_wait)

-- Outbox columns (core.alerts is from 001).
ALTER TABLE core.alerts ADD COLUMN severity TEXT;
ALTER TABLE core.alerts ADD COLUMN last_attempt_at TIMESTAMPTZ;
ALTER TABLE core.alerts ADD COLUMN claimed_until TIMESTAMPTZ;  -- a run is sending it; others skip

CREATE TABLE core.digest_log (
    digest_id TEXT NOT NULL,
    target    TEXT NOT NULL,   -- the target's name, never its URL
    status    TEXT NOT NULL,   -- sent | failed
    error     TEXT,
    sent_at   TIMESTAMPTZ NOT NULL
);

-- Public views -------------------------------------------------------------------------
CREATE OR REPLACE VIEW main.shifts AS
SELECT s.shift_id, s.actor, s.topic, s.from_stance, s.to_stance, s.kind, s.article_id,
       s.story_id, s.source, s.evidence, s.confidence, s.published_at, s.detected_at,
       s.severity, s.alert_state, s.from_since, s.from_source, s.ruleset_version,
       coalesce(c.sources, 0) AS source_count,
       coalesce(c.outlets, []) AS corroborating_sources
FROM core.shifts s
LEFT JOIN (
    SELECT shift_id, count(DISTINCT source) AS sources, list(DISTINCT source ORDER BY source) AS outlets
    FROM core.shift_sources GROUP BY shift_id
) c USING (shift_id);

CREATE OR REPLACE VIEW main.alerts AS
SELECT alert_id, shift_id, target, status, attempts, last_error, next_attempt_at, created_at,
       sent_at, severity, last_attempt_at
FROM core.alerts;

CREATE VIEW main.shift_sources AS SELECT * FROM core.shift_sources;

CREATE VIEW main.current_positions AS
SELECT actor, topic, stance, since, len(sources) AS sources, sources AS outlets,
       last_evidence, last_source, last_seen_at, previous_stance, previous_since,
       candidate_stance AS pending_stance, len(coalesce(candidate_sources, [])) AS pending_sources
FROM core.position_state;

-- Every position the shifts stage considered, in the order it used (effective time).
CREATE VIEW main.position_timeline AS
SELECT p.actor, p.topic, least(coalesce(a.published_at, a.fetched_at), a.fetched_at) AS at,
       p.stance, p.confidence, p.evidence, p.rule_id, a.source, a.title, a.url, p.article_id,
       a.story_id, a.backlog, p.ruleset_version,
       (SELECT min(s.shift_id) FROM core.shifts s
         WHERE s.article_id = p.article_id AND s.actor = p.actor AND s.topic = p.topic) AS shift_id
FROM core.positions p JOIN core.articles a USING (article_id);
