"""The polling pass: feeds -> entries -> articles -> positions -> shifts -> alerts.

Run once with `redline run`, on a schedule with `redline serve`, or as the
`redline-poll` deployment declared in prefect.yaml. The only parameter is a config
path: secrets stay in the config file or the environment, never in Prefect.
"""

from __future__ import annotations

from typing import Any

from prefect import Flow, flow, get_run_logger
from prefect.artifacts import create_markdown_artifact
from prefect.runtime import flow_run
from prefect.utilities.annotations import quote

from flows import alerting, reporting, tasks
from redline import config as config_mod
from redline.report import report_markdown
from redline.runs import RunResult, render_markdown, summary_line


@flow(name="redline-run", log_prints=False)
def redline_run(config_path: str | None = None) -> RunResult:
    # Quoted: Prefect walks every task argument looking for futures to wait on, and walking
    # a config of 1,000 feeds cost ~0.3 s a task under load; it holds none. Each task
    # receives the Config itself (Prefect unwraps it).
    cfg: Any = quote(config_mod.load(config_path))
    run_id = tasks.start_run(cfg, "run", flow_run.id)
    stages: dict[str, Any] = {}  # what ran, for the run's row and artifact even when a stage fails
    status = "failed"
    try:
        stages["poll"] = poll = tasks.poll_feeds(cfg, run_id)
        if poll.new_entries:  # a pass with nothing new never starts the workers
            tasks.prestart_workers()
        stages["articles"] = arts = tasks.fetch_and_extract(cfg, run_id)
        stages["classify"] = classified = tasks.classify(cfg, arts)
        stages["shifts"] = shifts = alerting.detect_shifts_task(cfg)
        stages["alerts"] = alerts = alerting.deliver_alerts_task(cfg)
        status = "completed"
    finally:
        summary = tasks.finish_run(cfg, run_id, status, stages)
        tasks.publish_read_copy(cfg)
        try:
            report_line = report_markdown(reporting.write_report_task(cfg))
        except Exception as exc:  # noqa: BLE001 - a page that failed to render must not fail the pass
            report_line = f"Report not written: {type(exc).__name__}: {exc}"
        create_markdown_artifact(
            key="redline-run-summary", markdown=render_markdown(summary) + "\n" + report_line + "\n",
            description=f"Redline run {run_id}",
        )
        get_run_logger().info(summary_line(summary))
    return RunResult(run_id, poll, arts, classified, shifts, alerts)


def _parameters_as_given(parameters: dict[str, Any]) -> dict[str, Any]:
    """What a run of redline_run stores as its parameters: the config path (or None) as
    given, since it already is JSON. Prefect's own serializer returns it unchanged too, but
    imports FastAPI to do so (0.2-0.3 s of a `redline run` with nothing new)."""
    if all(v is None or isinstance(v, str) for v in parameters.values()):
        return dict(parameters)
    return Flow.serialize_parameters(redline_run, parameters)


redline_run.serialize_parameters = _parameters_as_given  # type: ignore[method-assign]
