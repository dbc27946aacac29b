-- 011: the impact lists' entries in a smaller form (lib/impact.c): the
-- article id as a difference from the previous entry's, and the title's
-- and author's figures, the same for every passage of an article, said
-- once per article; the author's left out when 0.  A third smaller on
-- the news corpus (1.48 -> 1.03 MB of lists).
--
-- Lists written in the old form cannot be read in the new one: they go,
-- and the state says the lists are stale, so queries do without them
-- until the next talaash-index run makes them again (at its end, before
-- the VACUUM asked for here gives the space back).
DELETE FROM impacts;
UPDATE impact_state SET rows = -1 WHERE rows <> -1;

INSERT OR REPLACE INTO meta (key, value) VALUES ('vacuum', '011');
