-- Whether a Prefect flow run has a row in runs at all.
select count(*) from runs where flow_run_id = $flow_run_id
