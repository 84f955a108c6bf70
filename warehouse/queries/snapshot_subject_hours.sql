-- subject_hours in the snapshot: its rows change in place (a load adds a new version of each hour it changes and
-- drops the old), so the sync copies the versions newer than the snapshot's newest, dropping the rows they replace:
-- work follows the hours that changed, not the table's size.
delete from presswatch_snapshot.subject_hours as kept
using (
    select subject_kind, subject, hour_start
    from subject_hours
    where version > (select coalesce(max(version), -1) from presswatch_snapshot.subject_hours)
) as newer
where kept.subject_kind = newer.subject_kind
  and kept.subject = newer.subject
  and kept.hour_start = newer.hour_start;

insert into presswatch_snapshot.subject_hours by name
select *
from subject_hours
where version > (select coalesce(max(version), -1) from presswatch_snapshot.subject_hours);
