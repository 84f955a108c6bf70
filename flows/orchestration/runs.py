"""Starting the sharded parent run now and waiting for its end (the cluster demo, the benchmark)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import FlowRun
from prefect.deployments import run_deployment
from prefect.states import Cancelling

POLL_S = 1.0


@dataclass(frozen=True)
class ParentEnd:
    completed: bool
    state: str
    message: str


def run_and_wait(name: str, timeout_s: float, parameters: dict[str, Any] | None = None) -> ParentEnd:
    """Run the parent deployment once; one that has not ended within `timeout_s` is cancelled."""
    # Called outside an event loop, run_deployment returns the flow run itself.
    run = cast(
        FlowRun, run_deployment(name, parameters=parameters, timeout=timeout_s, poll_interval=POLL_S, as_subflow=False)
    )
    state = run.state
    if state is None or not state.is_final():
        with get_client(sync_client=True) as client:
            client.set_flow_run_state(run.id, Cancelling(message="the cluster demo stopped waiting"), force=True)
        return ParentEnd(False, "not finished", f"the sharded run did not end within {timeout_s:.0f} s")
    return ParentEnd(state.is_completed(), state.name or str(state.type), state.message or "")
