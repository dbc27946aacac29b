-- 007-article-df.sql: how many articles hold each listed term, beside
-- its passage count (df), so that `talaash --count WORD` of a listed
-- word is read, not counted (lib/impact.c, lib/search.c).  NULL: not
-- known (lists made before this migration); kept exact like df by the
-- refresh, the update and the store's forgetting.  Derived data.
ALTER TABLE impacts ADD COLUMN adf INTEGER;

-- the lists of an older database know no article counts: the next
-- talaash-index run rebuilds them (searches scan until then)
UPDATE impact_state SET rows = -1 WHERE rows <> -1;
