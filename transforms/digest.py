"""The alert digest as plain text: who moved, by how much against what usual level, and the evidence."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from transforms.alerts import Alert


@dataclass(frozen=True)
class Evidence:
    """One headline backing an alert, with its link and a sentence that names the subject."""

    title: str
    url: str
    outlet: str
    snippet: str


def describe_alert(alert: Alert, display_name: str) -> str:
    """One line saying what moved and against which baseline."""
    return (
        f"{display_name}: {alert.value:g} stories in the {alert.window_hours_label()} to "
        f"{alert.window_end:%Y-%m-%d %H:%M} UTC, {alert.ratio:g}x the {alert.expected:g} expected "
        f"(usual {alert.baseline:g}/window, z={alert.zscore:g})"
    )


def format_digest(alerts: Sequence[Alert], evidence: Mapping[str, Sequence[Evidence]], names: Mapping[str, str]) -> str:
    """The whole digest for one run as plain text; empty when nothing fired."""
    if not alerts:
        return ""
    lines = [f"presswatch: {len(alerts)} alert(s)"]
    for alert in alerts:
        lines.append("")
        lines.append(f"* {describe_alert(alert, names.get(alert.subject, alert.subject))}")
        for item in evidence.get(alert.alert_id, ()):
            lines.append(f"  - {item.title} ({item.outlet}) {item.url}")
            lines.append(f'    "{item.snippet}"')
    return "\n".join(lines)
