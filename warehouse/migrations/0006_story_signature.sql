-- Each article's story signature (MinHash of its text's word 5-shingles: 128 little-endian uint32, 512 bytes),
-- made once beside the text, so a run matches its new articles against the stored window without re-printing
-- every stored text. Rows stored before this migration stay null and are printed from their text while they are
-- in the matching window (flows.stages.read_recent_stories).
alter table articles add column story_signature blob;
