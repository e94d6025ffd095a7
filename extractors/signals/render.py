"""Rendering an Explanation as the plain-text report of `redline explain`."""

from __future__ import annotations

from extractors.signals.base import Explanation


def render(ex: Explanation, *, all_sentences: bool = False) -> str:
    """A plain-text report: each sentence, the rules that fired and why, then the results."""
    lines = [f"rule set {ex.ruleset_version}"]
    if ex.skipped:
        lines.append(f"skipped: {ex.skipped}")
    lines.extend(f"note: {n}" for n in ex.notes)
    for st in ex.sentences:
        if not (st.candidate or all_sentences):
            continue
        lines.append("")
        lines.append(f"[{st.index + 1}] {st.text}")
        if st.speaker:
            lines.append(f"    speaker: {st.speaker}")
        if st.note:
            lines.append(f"    {st.note}")
        if st.candidate and not st.decisions:
            lines.append("    keywords present, but no rule's topic words matched")
        for d in st.decisions:
            head = f"    {d.rule_id} ({d.topic}) on {d.term!r}"
            if d.cue:
                head += f", cue {d.cue!r} ({d.cue_stance})"
            lines.append(head)
            for m in d.modifiers:
                lines.append(f"      - {m}")
            if d.actors:
                lines.append(f"      actor: {', '.join(d.actors)} via {d.actor_via} ({d.actor_text})")
            if d.dropped:
                lines.append(f"      => no position: {d.dropped}")
            else:
                lines.append(f"      => {', '.join(d.actors)} / {d.topic} / {d.stance} (confidence {d.confidence:.2f})")
        for sh in st.shifts:
            if sh.dropped:
                lines.append(f"    shift {sh.shift_id} on {sh.topic}: {sh.text!r} => no shift: {sh.dropped}")
            else:
                lines.append(f"    shift {sh.shift_id} on {sh.topic}: {sh.text!r} => {', '.join(sh.actors)}: {sh.from_stance or 'unknown'} -> {sh.to_stance}")
    lines.append("")
    lines.append("positions:" if ex.positions else "positions: none")
    for p in ex.positions:
        lines.append(f"  {p.actor} / {p.topic} / {p.stance}  confidence {p.confidence:.2f}  rule {p.rule_id}  ({len(p.support)} sentence(s))")
        lines.append(f"    \"{p.evidence}\"")
    lines.append("reported shifts:" if ex.reported_shifts else "reported shifts: none")
    for sh in ex.reported_shifts:
        lines.append(f"  {sh.actor} / {sh.topic}: {sh.from_stance or 'unknown'} -> {sh.to_stance}  ({sh.rule_id}, confidence {sh.confidence:.2f})")
        lines.append(f"    \"{sh.evidence}\"")
    return "\n".join(lines)
