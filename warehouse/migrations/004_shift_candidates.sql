-- 004_shift_candidates: every report of a pending candidate stance (so that all of them
-- become sources of the shift when it is confirmed, across runs), and position_timeline's
-- time column renamed to effective_at (`at` is a reserved word in DuckDB SQL).
ALTER TABLE core.position_state ADD COLUMN candidate_reports TEXT;  -- JSON list of reports

CREATE OR REPLACE VIEW main.position_timeline AS
SELECT p.actor, p.topic, least(coalesce(a.published_at, a.fetched_at), a.fetched_at) AS effective_at,
       p.stance, p.confidence, p.evidence, p.rule_id, a.source, a.title, a.url, p.article_id,
       a.story_id, a.backlog, p.ruleset_version,
       (SELECT min(s.shift_id) FROM core.shifts s
         WHERE s.article_id = p.article_id AND s.actor = p.actor AND s.topic = p.topic) AS shift_id
FROM core.positions p JOIN core.articles a USING (article_id);
