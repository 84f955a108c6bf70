-- The memory an analyst's session may use now, as DuckDB shows it ("286.1 MiB"): checked against its cap.
select current_setting('memory_limit') as memory_limit
