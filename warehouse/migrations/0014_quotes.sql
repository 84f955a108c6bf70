-- The quote ledger: words an article puts in quotation marks as someone's, where they sit, and who said them when
-- that is a tracked person (resolved through the mention rules; null when the speaker is someone else or unknown).
-- substr(articles.text, char_start + 1, char_end - char_start) gives back quote_text, as for mentions.

create table quotes (
    quote_id varchar primary key,        -- from article_id and offsets: re-deriving an article replaces its rows
    article_id varchar not null,
    person_id varchar,                   -- the tracked speaker, or null
    quote_text varchar not null,
    char_start integer not null,
    char_end integer not null,
    cue varchar,                         -- the speech cue as written: said, told, wrote on X, according to
    speaker varchar,                     -- the words naming the speaker: Mr Musk, she, a spokesman for the PM
    attribution varchar not null,        -- how the speaker was found: cue, pronoun, continued, none
    sentence_index integer not null,
    quote_key varchar not null,          -- the words folded (case, accents, punctuation): one quote across outlets
    run_id varchar not null
);
