-- mentions.shares_sentence: true when another tracked person is named in the same sentence of the article, false
-- when nobody else is. The new-pairing rule reads only the rows that are not false, so its window and its 14 days
-- before cost the sentences that pair people, not every mention (issue 28). The load sets it for the rows it writes
-- (an article's mentions are always written whole: new, revised, backfilled or re-derived); a row inserted by hand
-- has none (null) and is read as one that may pair.

alter table mentions add column shares_sentence boolean;

update mentions as m
set shares_sentence = shared.shares_sentence
from (
    select article_id, sentence_index, count(distinct person_id) > 1 as shares_sentence
    from mentions
    where sentence_index is not null
    group by all
) as shared
where shared.article_id = m.article_id and shared.sentence_index = m.sentence_index;

update mentions set shares_sentence = false where sentence_index is null;
