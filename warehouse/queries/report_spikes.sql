-- People and topics spiking at the report's clock (the latest run's), as the spikes view (the alert rules) finds
-- them.
select grain, subject_kind, subject, subject_name as name, window_start, window_end, stories, expected_stories, ratio,
    zscore
from spikes_at(cast($as_of as timestamptz), read_from := cast($read_from as timestamptz))
where is_spike
  and (subject_kind = 'topic' or is_selected($people, subject))
order by ratio desc, grain, subject_kind, subject;
