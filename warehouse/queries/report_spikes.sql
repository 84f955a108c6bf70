-- People and topics spiking at the latest run's clock, as the spikes view (the alert rule) finds them.
select
    spikes.grain,
    spikes.subject_kind,
    spikes.subject,
    coalesce(people.name, topics.name, spikes.subject) as name,
    spikes.window_start,
    spikes.window_end,
    spikes.stories,
    spikes.expected_stories,
    spikes.ratio
from spikes
left join people on spikes.subject_kind = 'person' and people.person_id = spikes.subject
left join topics on spikes.subject_kind = 'topic' and topics.topic_id = spikes.subject
where spikes.is_spike
  and (
      spikes.subject_kind = 'topic'
      or is_selected($people, spikes.subject)
  )
order by spikes.ratio desc;
