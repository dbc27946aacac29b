/*
 * extension.c - the Talaash tokenizer as a loadable SQLite extension, so
 * the sqlite3 shell can query a Talaash database:
 *
 *   sqlite3 talaash.db
 *   sqlite> .load /usr/local/lib/talaash/talaash
 *   sqlite> SELECT rowid FROM passages_fts WHERE passages_fts MATCH 'haqqani';
 *   sqlite> SELECT rowid, -tl_bm25(passages_fts) AS score FROM passages_fts
 *      ...> WHERE passages_fts MATCH 'haqqani' ORDER BY score DESC LIMIT 10;
 *
 * It registers the tokenizer and tl_bm25() (lib/rank.c, with its
 * helpers tl_tf() and tl_bm25_explain()), so the shell ranks as talaash
 * does (with the defaults of lib/rank.h when called without arguments),
 * and tl_passage_text() (lib/textpack.c), which the views passage_texts
 * and passage_docs need to read the compressed text, and tl_path_key()
 * (lib/article.c), which an article written by hand needs.
 *
 * The entry point's name follows SQLite's rule for a file named
 * talaash.so: sqlite3_talaash_init.
 */
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1

#include "talaash.h"
#include "textpack.h"

#ifdef _WIN32
__declspec(dllexport)
#endif
int
sqlite3_talaash_init(sqlite3 *db, char **errmsg,
                     const sqlite3_api_routines *api)
{
    int rc;

    SQLITE_EXTENSION_INIT2(api);
    rc = tl_tokenizer_register(db);
    if (rc != SQLITE_OK) {
        if (errmsg != NULL)
            *errmsg = sqlite3_mprintf("talaash: cannot register the '%s' "
                                      "tokenizer (is FTS5 missing?)",
                                      TL_TOKENIZER_NAME);
        return rc;
    }
    rc = tl_rank_register(db);
    if (rc != SQLITE_OK) {
        if (errmsg != NULL)
            *errmsg = sqlite3_mprintf("talaash: cannot register the ranking "
                                      "function %s()", TL_RANK_FUNCTION);
        return rc;
    }
    /* the views passage_texts and passage_docs read the packed texts */
    rc = tl_textpack_register(db);
    if (rc != SQLITE_OK) {
        if (errmsg != NULL)
            *errmsg = sqlite3_mprintf("talaash: cannot register "
                                      "tl_passage_text()");
        return rc;
    }
    /* articles.path_key, for writing an article by hand */
    rc = tl_path_key_register(db);
    if (rc != SQLITE_OK && errmsg != NULL)
        *errmsg = sqlite3_mprintf("talaash: cannot register tl_path_key()");
    return rc;
}
