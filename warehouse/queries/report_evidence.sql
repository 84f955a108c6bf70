-- Per person, the newest articles of the report period that name them, one evidence sentence each (a full-name
-- mention first), as the latest_evidence view picks them but bounded by the period.
select person_id, person_name as name, evidence_rank, published_at, outlet, title, url, snippet, matched_text
from latest_evidence_between(cast($since as timestamptz), cast($until as timestamptz), $per_person)
where is_selected($people, person_id)
order by person_id, evidence_rank;
