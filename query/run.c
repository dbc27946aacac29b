/*
 * run.c - talaash's run: open the database, build the query, print the
 * best passages.
 */
#include <unistd.h>

#include "query.h"

int
run_search(const struct query_options *opt, char *const *words, int n_words)
{
    struct tl_error err = { 0 };
    struct tl_buf db_path, match;
    struct text_writer w;
    struct tl_search *s = NULL;
    struct tl_hit hit;
    sqlite3 *db = NULL;
    int status = 2, done = 0, hits = 0;

    tl_buf_init(&db_path, 0);
    tl_buf_init(&match, 0);
    text_writer_init(&w, stdout, tl_cli_use_color(opt->color, STDOUT_FILENO));
    if (tl_db_default_path(opt->db_path, &db_path, &err) != TL_OK
        || tl_db_open(db_path.data, TL_DB_READONLY, &db, &err) != TL_OK
        || tl_query_build(db, (const char *const *)words, n_words, &match,
                          &err) != TL_OK
        || tl_search_new(db, match.data, (int)opt->limit, &s, &err) != TL_OK)
        goto fail;
    for (;;) {
        if (tl_search_next(s, &hit, &done, &err) != TL_OK)
            goto fail;
        if (done)
            break;
        text_write_hit(&w, &hit);
        hits++;
    }
    status = hits > 0 ? 0 : 1;
    goto out;
fail:
    tl_cli_error("%s", err.msg);
out:
    tl_search_free(s);
    tl_db_close(db);
    text_writer_release(&w);
    tl_buf_release(&match);
    tl_buf_release(&db_path);
    return status;
}
