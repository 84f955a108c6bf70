"""The interface room: what a person types and reads.

`cli` is the `presswatch` command and the composition root (the one place that reads the environment and builds
`Settings`); `console` draws progress and summaries; `sql_query`, `sql_output` and `sql_prompt` are the read-only
SQL session; `check`, `feed_commands` and `watchlist_import` are the commands that edit or validate the seeds.
Nothing outside this room imports it (tests/test_architecture.py checks).
"""
