-- The oldest moment the report's spike judgements read: its trend (calendar hours and days of the period) and its
-- list of who spikes at the clock. Passed back as constants, they let DuckDB skip every older row group.
select
    spike_reach(cast($until as timestamptz), cast($since as timestamptz), true) as trend_read_from,
    spike_reach(cast($as_of as timestamptz), cast($as_of as timestamptz), false) as spikes_read_from;
