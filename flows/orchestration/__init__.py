"""The orchestration room: the only code that imports Prefect (tests/test_architecture.py checks).

`environment` decides which Prefect API to talk to and applies Prefect's settings before Prefect is first
imported (Prefect 3 reads them at import); `server` runs the persistent local Prefect server that `presswatch
serve` uses; `flow` is the monitoring flow and its tasks; `serve` registers the hourly deployment and runs it.
Commands that do not orchestrate (sql, report, config, alerts) never import anything from here.
"""
