-- 004-date-index.sql: articles in date order, for searches sorted by
-- date (talaash --sort date|-date), which walk the articles from the
-- newest (or oldest) and stop once they have enough hits instead of
-- scoring every match (lib/topk_date.c).
CREATE INDEX articles_by_date ON articles (pub_date, id);
