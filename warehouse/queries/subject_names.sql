-- The names the runs loaded for every person and topic id (the people and topics tables), for words people read.
select subject, name
from base_subjects
where name is not null;
