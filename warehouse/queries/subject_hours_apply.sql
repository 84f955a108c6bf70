-- Add each changed hour's difference (changed_hours: subject_kind, subject, hour_start, change) to subject_hours as
-- a new version of the row, then drop the versions it replaces. A row falling to 0 stays, so the snapshot sees it.
insert into subject_hours
select
    c.subject_kind,
    c.subject,
    c.hour_start,
    coalesce(h.stories, 0) + c.change as stories,
    v.version
from changed_hours as c
left join subject_hours as h using (subject_kind, subject, hour_start)
cross join (select coalesce(max(version), 0) + 1 as version from subject_hours) as v;

delete from subject_hours as h
using changed_hours as c
where h.subject_kind = c.subject_kind
  and h.subject = c.subject
  and h.hour_start = c.hour_start
  and h.version < (select max(version) from subject_hours);
