"""The report: one self-contained HTML page of positions over time (`redline report`).

It holds the actor x topic grid of current stances, a timeline chart per actor (one point
per stored position, linking to its evidence and article), the shifts of the period with
their evidence and alert state, and feed health. The charts are Vega-Lite specs built with
altair; altair's inline template embeds the Vega JavaScript in the page, so the file makes
no request and works on an intranet with no outside network. The same chart renders to a
PNG offline (vl-convert) for the daily digest.

Everything from feeds and articles is untrusted: escaped in HTML; links only for http(s).
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from extractors.signals.model import ACTORS, STANCES, TOPICS
from redline.cache import cache_dir
from redline.labels import actor_label, clean, safe_url, topic_label, when
from warehouse import report as queries

# A colour per stance that reads the same in the grid and the charts (red for a refusal).
STANCE_COLOURS = {"accept": "#1a9850", "conditional": "#4575b4", "demand": "#f08c00", "reject": "#d73027"}
_OTHER_COLOUR = "#888888"
_EVIDENCE_CHARS = 300  # in tooltips; the full sentence is in the evidence table
_CHART_DIV = "timelines"
REPORT_DAYS = 30.0  # the period of `redline report` by default, of each run's report and the digest's image


@dataclass(frozen=True)
class ReportData:
    now: datetime
    since: datetime
    states: list[dict[str, Any]]
    positions: list[dict[str, Any]]
    shifts: list[dict[str, Any]]
    feeds: list[dict[str, Any]]


def gather(con: duckdb.DuckDBPyConnection, *, now: datetime, days: float) -> ReportData:
    since = now - timedelta(days=days)
    return ReportData(
        now=now,
        since=since,
        states=queries.current_states(con),
        positions=queries.timeline(con, since),
        shifts=queries.period_shifts(con, since),
        feeds=queries.feed_health(con),
    )


def _ordered(ids: set[str], known: tuple[str, ...]) -> list[str]:
    """Ids in the vocabulary's order, then any others alphabetically."""
    return [i for i in known if i in ids] + sorted(ids - set(known))


def anchor(index: int) -> str:
    """The id of a position's row in the evidence table; the chart's points link to it."""
    return f"pos-{index}"


def chart_rows(positions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One JSON-ready row per position, as the chart needs it."""
    return [
        {
            "actor": actor_label(p["actor"]),
            "topic": topic_label(p["topic"]),
            "stance": p["stance"],
            "confidence": round(float(p["confidence"] or 0), 2),
            "at": p["effective_at"].astimezone(UTC).isoformat(),
            "source": clean(p["source"]),
            "title": clean(p["title"])[:160],
            "evidence": clean(p["evidence"])[:_EVIDENCE_CHARS],
            "link": "#" + anchor(i),
        }
        for i, p in enumerate(positions)
    ]


def timeline_chart(  # noqa: ANN201 - an altair chart
    data: ReportData, *, interactive: bool = True, width: int = 860, positions: list[dict[str, Any]] | None = None
):
    """A timeline per actor, stacked: time across, topics down, a point per position coloured
    by stance. Interactive: a tooltip with the evidence, and a click goes to the evidence row.
    `positions` (default: data's) decides the scales; data.positions are the chart's rows."""
    import altair as alt

    rows = chart_rows(data.positions)
    positions = data.positions if positions is None else positions
    stances = _ordered({p["stance"] for p in positions}, STANCES)
    colour = alt.Color(
        "stance:N",
        title="stance",
        scale=alt.Scale(domain=stances, range=[STANCE_COLOURS.get(s, _OTHER_COLOUR) for s in stances]),
    )
    encoding: dict[str, Any] = {
        "x": alt.X("at:T", title=None, scale=alt.Scale(domain=[data.since.isoformat(), data.now.isoformat()])),
        "y": alt.Y("topic:N", title=None,
                   sort=[topic_label(t) for t in _ordered({p["topic"] for p in positions}, TOPICS)]),
        "color": colour,
        "shape": alt.Shape("stance:N", title="stance", scale=alt.Scale(domain=stances)),
    }
    if interactive:
        encoding["href"] = alt.Href("link:N")
        encoding["tooltip"] = [
            alt.Tooltip("at:T", title="when", format="%Y-%m-%d %H:%M"),
            alt.Tooltip("topic:N"), alt.Tooltip("stance:N"), alt.Tooltip("confidence:Q"),
            alt.Tooltip("source:N"), alt.Tooltip("title:N"), alt.Tooltip("evidence:N"),
        ]
    base = alt.Chart(alt.Data(values=rows))
    charts = []
    for actor in _ordered({p["actor"] for p in positions}, ACTORS):
        label = actor_label(actor)
        charts.append(
            base.transform_filter(alt.datum.actor == label)
            .mark_point(filled=True, size=90, opacity=0.85, cursor="pointer" if interactive else "default")
            .encode(**encoding)
            .properties(title=label, width=width, height=alt.Step(22))
        )
    return alt.vconcat(*charts).resolve_scale(color="shared", shape="shared").configure_view(stroke="#ddd")


def timeline_spec(data: ReportData, *, interactive: bool = True, width: int = 860) -> dict[str, Any]:
    """timeline_chart's Vega-Lite spec. The chart is built around one stand-in row and the
    rows are put in afterwards: altair would otherwise walk and copy every row (tens of
    thousands after a backlog: most of the report's time and memory); the spec is the same."""
    rows = chart_rows(data.positions)
    stand_in = ReportData(data.now, data.since, data.states, data.positions[:1], data.shifts, data.feeds)
    spec: dict[str, Any] = timeline_chart(stand_in, interactive=interactive, width=width, positions=data.positions).to_dict(validate=False)
    if spec.get("data", {}).get("values") != rows[:1]:
        raise RuntimeError("altair moved the chart's data: cannot put the rows in")
    spec["data"]["values"] = rows
    return spec


def timeline_png(data: ReportData, *, scale: float = 1.0) -> bytes | None:
    """The timeline charts as a PNG (rendered offline by vl-convert), or None with no positions."""
    if not data.positions:
        return None
    import vl_convert

    spec = timeline_spec(data, interactive=False, width=640)
    return bytes(vl_convert.vegalite_to_png(spec, scale=scale))


# -- HTML --------------------------------------------------------------------------------

_CSS = """
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
td.stance { color: #fff; font-weight: 600; }
td.empty { color: #aaa; text-align: center; }
tr:target { outline: 3px solid #f08c00; }
.muted { color: #777; font-size: 0.9em; }
.evidence { display: block; max-width: 48em; }
"""


def _e(value: object) -> str:
    return html.escape(clean(str(value)) if value is not None else "")


def _link(url: str | None, text: str | None) -> str:
    label = _e(text or url or "(no headline)")
    safe = safe_url(url)
    return f'<a href="{html.escape(safe, quote=True)}">{label}</a>' if safe else label


def _grid(data: ReportData) -> str:
    if not data.states:
        return "<p>No positions yet.</p>"
    actors = _ordered({s["actor"] for s in data.states}, ACTORS)
    topics = _ordered({s["topic"] for s in data.states}, TOPICS)
    cell = {(s["actor"], s["topic"]): s for s in data.states}
    out = ["<table id='grid'><tr><th>topic</th>" + "".join(f"<th>{_e(actor_label(a))}</th>" for a in actors) + "</tr>"]
    for t in topics:
        tds = []
        for a in actors:
            s = cell.get((a, t))
            if s is None:
                tds.append("<td class='empty'>·</td>")
                continue
            changed = s["previous_stance"] and s["since"] >= data.since
            text = f"{s['previous_stance']} → {s['stance']}" if changed else s["stance"]
            if s["pending_stance"]:
                text += f" ({s['pending_stance']}?)"
            colour = STANCE_COLOURS.get(s["stance"], _OTHER_COLOUR)
            tip = f"since {when(s['since'])}; {s['sources']} outlet(s); last: {clean(s['last_evidence'])[:300]}"
            tds.append(f"<td class='stance' style='background:{colour}' title='{html.escape(tip, quote=True)}'>"
                       f"{_e(text)}<br><span style='font-weight:400'>since {s['since']:%Y-%m-%d}</span></td>")
        out.append(f"<tr><th>{_e(topic_label(t))}</th>{''.join(tds)}</tr>")
    out.append("</table><p class='muted'>a → b: changed in this period; (x?): a new stance waiting for "
               "confirmation. Hover a cell for its latest evidence.</p>")
    return "".join(out)


def _evidence_tables(data: ReportData) -> str:
    """Every charted position, per actor: the targets of the chart's links."""
    if not data.positions:
        return ""
    out = ["<h2 id='evidence'>Evidence</h2>"]
    indexed = list(enumerate(data.positions))
    for actor in _ordered({p["actor"] for p in data.positions}, ACTORS):
        out.append(f"<h3>{_e(actor_label(actor))}</h3><table><tr><th>when</th><th>topic</th><th>stance</th>"
                   "<th>conf.</th><th>evidence</th><th>article</th></tr>")
        for i, p in indexed:
            if p["actor"] != actor:
                continue
            shift = " <b>(shift)</b>" if p["shift_id"] else ""
            out.append(
                f"<tr id='{anchor(i)}'><td>{when(p['effective_at'])}</td><td>{_e(topic_label(p['topic']))}</td>"
                f"<td>{_e(p['stance'])}{shift}</td><td>{float(p['confidence'] or 0):.2f}</td>"
                f"<td class='evidence'>{_e(p['evidence'])}</td>"
                f"<td>{_link(p['url'], p['title'])}<br><span class='muted'>{_e(p['source'])}</span></td></tr>"
            )
        out.append("</table>")
    return "".join(out)


def _table(table_id: str, headers: list[str], rows: list[list[str]]) -> str:
    """An HTML table; `rows` hold cells that are already HTML (escaped where they came from a feed)."""
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table id='{table_id}'><tr>{head}</tr>{body}</table>"


def _shifts(data: ReportData) -> str:
    if not data.shifts:
        return "<p>No shifts in this period.</p>"
    rows = []
    for s in data.shifts:
        change = f"{s['from_stance']} → {s['to_stance']}" if s["from_stance"] else f"{s['to_stance']} (first seen)"
        others = [o for o in s["corroborating_sources"] if o != s["source"]]
        also = f"<br><span class='muted'>also: {_e(', '.join(others))}</span>" if others else ""
        rows.append([
            when(s["published_at"]), _e(actor_label(s["actor"])), _e(topic_label(s["topic"])), _e(change),
            _e(s["kind"]), _e(s["severity"]), _e(s["alert_state"]), _e(", ".join(s["deliveries"])) or "–",
            f"<span class='evidence'>{_e(s['evidence'])}</span>",
            f"{_link(s['url'], s['title'])}<br><span class='muted'>{_e(s['source'])}</span>{also}",
        ])
    return _table("shifts", ["published", "actor", "topic", "change", "kind", "severity", "alert state",
                             "deliveries", "evidence", "article"], rows)


def _feeds(data: ReportData) -> str:
    if not data.feeds:
        return "<p>No feeds polled yet.</p>"
    rows = []
    for f in data.feeds:
        status = "disabled: " + (f["disabled_reason"] or "") if f["disabled"] else (f["last_status"] or "never polled")
        rows.append([
            _e(f["name"]), _e(status), when(f["last_success_at"]) if f["last_success_at"] else "never",
            str(f["consecutive_failures"] or 0), str(f["error_count"] or 0), str(f["entries_seen"] or 0),
            when(f["next_poll_at"]) if f["next_poll_at"] else "–", _e(f["last_error"] or ""),
        ])
    return _table("feeds", ["feed", "last status", "last success", "failures in a row", "errors ever",
                            "entries seen", "next poll", "last error"], rows)


def render_html(data: ReportData) -> str:
    """The whole page. With positions, it is altair's inline page (Vega embedded) with our
    sections around the chart; without, a plain page."""
    period = f"{data.since:%Y-%m-%d %H:%M} to {data.now:%Y-%m-%d %H:%M} UTC"
    head = f"<title>Redline report {data.now:%Y-%m-%d}</title><style>{_CSS}</style>"
    before = (
        f"<h1>Redline: positions over time</h1><p class='muted'>Period {period}. "
        f"{len(data.positions)} positions, {len(data.shifts)} shifts.</p>"
        f"<h2>Current stances</h2>{_grid(data)}<h2>Timelines</h2>"
    )
    after = f"{_evidence_tables(data)}<h2>Shifts in this period</h2>{_shifts(data)}<h2>Feed health</h2>{_feeds(data)}"
    if not data.positions:
        return (f"<!DOCTYPE html><html><head><meta charset='UTF-8'>{head}</head><body>{before}"
                f"<p>No positions in this period.</p>{after}</body></html>\n")
    # validate=False: the spec is ours and fixed in shape (the browser test draws it); checking it
    # against Vega-Lite's JSON schema on every run cost a third of the report's time.
    page = _inline_page(timeline_spec(data))
    # Our head goes first (the Vega bundle that follows contains "</head>" in its strings);
    # our sections go around the chart's div. The div occurs once: the script only names its id.
    meta, div = '<meta charset="UTF-8">', f'<div class="vega-visualization" id="{_CHART_DIV}"></div>'
    if page.count(div) != 1 or not page.lstrip().startswith("<!DOCTYPE html>") or meta not in page[:200]:
        raise RuntimeError("altair's inline HTML template changed: cannot place the report around the chart")
    return page.replace(meta, meta + head, 1).replace(div, before + div + after, 1)


def _inline_page(spec: dict[str, Any]) -> str:
    """altair's own inline template (what `Chart.to_html(inline=True)` renders) with the Vega
    bundle from the cache: building the bundle costs about 9 s per process otherwise."""
    import altair as alt
    from altair.utils.html import INLINE_HTML_TEMPLATE

    return INLINE_HTML_TEMPLATE.render(
        spec=script_json(spec),
        # SVG: every point is an element of the page; no actions menu (it links to an online editor)
        embed_options=json.dumps({"mode": "vega-lite", "renderer": "svg", "actions": False,
                                  "loader": {"target": "_self"}}),
        output_div=_CHART_DIV,
        vegalite_version=alt.VEGALITE_VERSION,
        vegaembed_script=vega_bundle(),
    )


def script_json(value: Any) -> str:
    """JSON safe inside a <script> element: a title holding "</script>" must not end it
    (altair's own to_html leaves that open), so <, > and & are written as escapes."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def vega_bundle() -> str:
    """vega, vega-lite and vega-embed as one script, from vl-convert; cached on disk per version."""
    from importlib.metadata import version

    from altair.utils._importers import vl_version_for_vl_convert

    vl_version = vl_version_for_vl_convert()
    path = cache_dir() / f"vega-embed-{version('vl-convert-python')}-{vl_version}.js"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        pass
    import vl_convert

    # the stub marks `snippet` required; the function documents it as optional (libraries only)
    bundle = vl_convert.javascript_bundle(vl_version=vl_version)  # type: ignore[call-arg]
    with contextlib.suppress(OSError):  # a read-only home only costs the next process the build again
        _atomic_write(path, bundle)
    return bundle


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)  # a report is for sharing on the intranet, not a private file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def default_path(warehouse: Path | str) -> Path:
    """Where `redline report` and each pipeline run write the page: beside the warehouse."""
    return Path(warehouse).parent / "report.html"


@dataclass(frozen=True)
class ReportResult:
    path: Path
    positions: int
    shifts: int
    feeds: int


def report_markdown(result: ReportResult) -> str:
    """The line of a run's Prefect artifact that links to the report."""
    path = result.path.resolve()
    return (f"**Report** (positions over time, {result.positions} positions, {result.shifts} shifts): "
            f"[{path}]({path.as_uri()})")


def write_report(read_copy: Path, out: Path, *, days: float, now: datetime | None = None) -> ReportResult:
    """Render the report from the warehouse's read copy into `out`, replaced atomically."""
    from warehouse import open_read_copy

    now = now or datetime.now(UTC)
    con = open_read_copy(read_copy)
    try:
        data = gather(con, now=now, days=days)
    finally:
        con.close()
    _atomic_write(out, render_html(data))
    return ReportResult(out, len(data.positions), len(data.shifts), len(data.feeds))
