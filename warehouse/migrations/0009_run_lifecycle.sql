-- A run's record from start to finish: the Prefect flow run it belongs to (when one orchestrated it) and the
-- seconds each stage took, so analysts and benchmarks can see where an hour's run spends its time.
-- Status moves running -> loading -> completed, or ends failed / cancelled / spooled (see README "Runs").

alter table runs add column flow_run_id varchar;
alter table runs add column fetch_feeds_s double;
alter table runs add column fetch_pages_s double;
alter table runs add column extract_s double;
alter table runs add column detect_s double;
alter table runs add column load_s double;
alter table runs add column alerts_s double;
alter table runs add column report_s double;
