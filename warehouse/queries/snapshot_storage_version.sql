-- The storage format an attached file is written in, named by the oldest DuckDB release that opens it ('v1.4.0+'
-- for DuckDB 1.4's, 'v2.0.0+' for DuckDB 2.0's own); warehouse/snapshot.py keeps the snapshot at or below 1.4's.
select tags['storage_version'] from duckdb_databases() where database_name = $database
