/*
 * synonyms.c - the synonym thesaurus (docs/synonyms.md): parsing and
 * lookup.
 *
 * Every name is tokenized once, at parse time, into two strings kept in
 * one pool: its key, the stems joined by single spaces (a stem never
 * holds a space: the tokenizer splits on white space), and its text, the
 * original spelling of each token joined by single spaces.  The text is
 * what the query parser puts in the MATCH expression; tokenizing it gives
 * the same stems again, since each token's span is re-read alone and the
 * tokenizer joins tokens only across a single apostrophe or dot.
 *
 * Keys go into an open-addressing hash of name indices, which both finds
 * a query's group and refuses a name given in two groups.  Texts can be
 * added one after another (the built-in groups, then a user's file); each
 * keeps its own path and line numbers for messages, and a failed one is
 * taken back out (counts and pool truncated, the hash rebuilt).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "synonyms.h"

#define QUOTE_MAX 80        /* bytes of a name quoted in a message */

struct name {
    size_t key_off, key_len;    /* stems, in the pool */
    size_t text_off;            /* NUL-terminated, in the pool */
    uint32_t group;
};

struct group {
    size_t first, n;            /* its names: names[first, first + n) */
    unsigned line;
    size_t source;              /* index in tl_synonyms.sources */
};

struct tl_synonyms {
    struct name *names;
    size_t n_names, cap_names;
    struct group *groups;
    size_t n_groups, cap_groups;
    struct tl_buf pool;
    uint32_t *slots;            /* name index + 1, 0 when empty */
    size_t n_slots;             /* a power of two, or 0 */
    char **sources;             /* the path of each text added (owned) */
    size_t n_sources;
};

/* ---- the key hash ------------------------------------------------------- */

/* The slot holding key (p, n), or the empty slot where it would go. */
static size_t
find_slot(const struct tl_synonyms *s, const char *p, size_t n)
{
    size_t mask = s->n_slots - 1;
    size_t i = (size_t)tl_hash_bytes(p, n) & mask;

    for (;;) {
        uint32_t v = s->slots[i];
        const struct name *nm;

        if (v == 0)
            return i;
        nm = &s->names[v - 1];
        if (nm->key_len == n && memcmp(s->pool.data + nm->key_off, p, n) == 0)
            return i;
        i = (i + 1) & mask;
    }
}

static enum tl_status
grow_slots(struct tl_synonyms *s)
{
    size_t n = s->n_slots != 0 ? s->n_slots * 2 : 64;
    uint32_t *old = s->slots;
    size_t n_old = s->n_slots;

    s->slots = calloc(n, sizeof *s->slots);
    if (s->slots == NULL) {
        s->slots = old;
        return TL_ERR_NOMEM;
    }
    s->n_slots = n;
    for (size_t i = 0; i < n_old; i++) {
        if (old[i] != 0) {
            const struct name *nm = &s->names[old[i] - 1];
            s->slots[find_slot(s, s->pool.data + nm->key_off,
                               nm->key_len)] = old[i];
        }
    }
    free(old);
    return TL_OK;
}

/* Empties the hash and puts names[0, n_names) back in. */
static void
rehash(struct tl_synonyms *s)
{
    if (s->n_slots == 0)
        return;
    memset(s->slots, 0, s->n_slots * sizeof *s->slots);
    for (size_t i = 0; i < s->n_names; i++) {
        const struct name *nm = &s->names[i];
        s->slots[find_slot(s, s->pool.data + nm->key_off, nm->key_len)] =
            (uint32_t)(i + 1);
    }
}

/* ---- parsing ------------------------------------------------------------ */

struct parser {
    sqlite3 *db;
    struct tl_synonyms *s;
    const char *path;
    size_t source;
    unsigned line;
    struct tl_error *err;
    /* the name being tokenized */
    const char *name;
    struct tl_buf key, text;
    size_t n_tokens;
    enum tl_status st;
};

/* Sets err to "synonyms file 'PATH' line N: MESSAGE"; returns
 * TL_ERR_USAGE. */
static enum tl_status
parse_error(struct parser *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static enum tl_status
parse_error(struct parser *p, const char *fmt, ...)
{
    char msg[TL_ERROR_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return tl_error_set(p->err, TL_ERR_USAGE, "synonyms file '%s' line %u: "
                        "%s", p->path, p->line, msg);
}

/* How many bytes of (s, n) to quote: at most QUOTE_MAX, whole characters. */
static int
quote_len(const char *s, size_t n)
{
    if (n <= QUOTE_MAX)
        return (int)n;
    n = QUOTE_MAX;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return (int)n;
}

static int
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static void
trim(const char **s, const char **e)
{
    while (*s < *e && is_space(**s))
        (*s)++;
    while (*e > *s && is_space((*e)[-1]))
        (*e)--;
}

static int
on_name_token(void *ctx, const char *tok, int len, int start, int end)
{
    struct parser *p = ctx;
    const char *sep = p->n_tokens > 0 ? " " : "";

    p->n_tokens++;
    if (tl_buf_append(&p->key, sep, strlen(sep)) != TL_OK
        || tl_buf_append(&p->key, tok, (size_t)len) != TL_OK
        || tl_buf_append(&p->text, sep, strlen(sep)) != TL_OK
        || tl_buf_append(&p->text, p->name + start, (size_t)(end - start))
           != TL_OK) {
        p->st = TL_ERR_NOMEM;
        return 1;
    }
    return 0;
}

/* Tokenizes (s, e) into p->key and p->text; p->n_tokens is their count. */
static enum tl_status
tokenize_name(struct parser *p, const char *s, const char *e)
{
    enum tl_status st;

    tl_buf_reset(&p->key);
    tl_buf_reset(&p->text);
    p->n_tokens = 0;
    p->name = s;
    p->st = TL_OK;
    st = tl_tokenizer_each(p->db, s, (int)(e - s), FTS5_TOKENIZE_QUERY,
                           on_name_token, p, p->err);
    if (st != TL_OK)
        return st;
    if (p->st != TL_OK)
        return tl_error_set(p->err, p->st, "out of memory");
    return TL_OK;
}

static enum tl_status
start_group(struct parser *p)
{
    struct tl_synonyms *s = p->s;

    if (s->n_groups == s->cap_groups) {
        size_t cap = s->cap_groups != 0 ? s->cap_groups * 2 : 32;
        struct group *g = realloc(s->groups, cap * sizeof *g);
        if (g == NULL)
            return tl_error_set(p->err, TL_ERR_NOMEM, "out of memory");
        s->groups = g;
        s->cap_groups = cap;
    }
    s->groups[s->n_groups].first = s->n_names;
    s->groups[s->n_groups].n = 0;
    s->groups[s->n_groups].line = p->line;
    s->groups[s->n_groups].source = p->source;
    s->n_groups++;
    return TL_OK;
}

/* Adds the name (s, e) of the last group. */
static enum tl_status
add_name(struct parser *p, const char *s, const char *e)
{
    struct tl_synonyms *syn = p->s;
    int q = quote_len(s, (size_t)(e - s));
    uint32_t group = (uint32_t)(syn->n_groups - 1);
    struct name *nm;
    enum tl_status st;
    size_t slot;

    st = tokenize_name(p, s, e);
    if (st != TL_OK)
        return st;
    if (p->n_tokens == 0)
        return parse_error(p, "'%.*s' has no word (letters or digits)", q, s);
    if (p->n_tokens > TL_SYNONYMS_WORDS_MAX)
        return parse_error(p, "'%.*s' has %zu words (at most %d)", q, s,
                           p->n_tokens, TL_SYNONYMS_WORDS_MAX);
    if ((syn->n_names + 1) * 2 > syn->n_slots && grow_slots(syn) != TL_OK)
        return tl_error_set(p->err, TL_ERR_NOMEM, "out of memory");
    slot = find_slot(syn, p->key.data, p->key.len);
    if (syn->slots[slot] != 0) {
        const struct name *old = &syn->names[syn->slots[slot] - 1];
        const struct group *og = &syn->groups[old->group];

        if (old->group == group)
            return TL_OK;       /* another spelling of a name just given */
        if (og->source != p->source)
            return parse_error(p, "'%.*s' is already in the group on line "
                               "%u of synonyms file '%s' (a name may be in "
                               "one group only)", q, s, og->line,
                               syn->sources[og->source]);
        return parse_error(p, "'%.*s' is already in the group on line %u "
                           "(a name may be in one group only)", q, s,
                           og->line);
    }
    if (syn->n_names == syn->cap_names) {
        size_t cap = syn->cap_names != 0 ? syn->cap_names * 2 : 64;
        struct name *n = realloc(syn->names, cap * sizeof *n);
        if (n == NULL)
            return tl_error_set(p->err, TL_ERR_NOMEM, "out of memory");
        syn->names = n;
        syn->cap_names = cap;
    }
    nm = &syn->names[syn->n_names];
    nm->group = group;
    nm->key_off = syn->pool.len;
    nm->key_len = p->key.len;
    if (tl_buf_append(&syn->pool, p->key.data, p->key.len) != TL_OK)
        return tl_error_set(p->err, TL_ERR_NOMEM, "out of memory");
    nm->text_off = syn->pool.len;
    if (tl_buf_append(&syn->pool, p->text.data, p->text.len + 1) != TL_OK)
        return tl_error_set(p->err, TL_ERR_NOMEM, "out of memory");
    syn->n_names++;
    syn->groups[group].n++;
    syn->slots[slot] = (uint32_t)syn->n_names;
    return TL_OK;
}

static enum tl_status
parse_line(struct parser *p, const char *s, const char *e)
{
    const char *hash = memchr(s, '#', (size_t)(e - s));
    enum tl_status st;

    if (hash != NULL)
        e = hash;
    trim(&s, &e);
    if (s == e)
        return TL_OK;
    if (!tl_text_is_clean(s, (size_t)(e - s)))
        return parse_error(p, "not UTF-8 text, or a control character");
    if (memchr(s, '=', (size_t)(e - s)) == NULL)
        return parse_error(p, "'%.*s' is alone: a group needs two or more "
                           "names separated by '=', e.g. ISI = "
                           "Inter-Services Intelligence",
                           quote_len(s, (size_t)(e - s)), s);
    st = start_group(p);
    for (int first = 1; st == TL_OK; first = 0) {
        const char *eq = memchr(s, '=', (size_t)(e - s));
        const char *ne = eq != NULL ? eq : e, *ns = s;

        trim(&ns, &ne);
        if (ns == ne)
            return parse_error(p, "empty name %s '='",
                               first ? "before the first"
                               : eq == NULL ? "after the last" : "between two");
        st = add_name(p, ns, ne);
        if (eq == NULL)
            break;
        s = eq + 1;
    }
    return st;
}

enum tl_status
tl_synonyms_add(sqlite3 *db, struct tl_synonyms *syn, const char *text,
                size_t len, const char *path, struct tl_error *err)
{
    struct parser p;
    const char *s = text != NULL ? text : "";
    const char *end = text != NULL ? text + len : s;
    size_t n_groups = syn->n_groups, n_names = syn->n_names;
    size_t pool_len = syn->pool.len;
    enum tl_status st = TL_OK;
    char **sources;

    memset(&p, 0, sizeof p);
    p.db = db;
    p.s = syn;
    p.err = err;
    sources = realloc(syn->sources, (syn->n_sources + 1) * sizeof *sources);
    if (sources == NULL)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    syn->sources = sources;
    sources[syn->n_sources] = strdup(path != NULL ? path : "<built-in>");
    if (sources[syn->n_sources] == NULL)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    p.source = syn->n_sources++;
    p.path = sources[p.source];
    tl_buf_init(&p.key, 0);
    tl_buf_init(&p.text, 0);
    if (end - s >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        s += 3;                                 /* a UTF-8 BOM */
    while (s < end) {
        const char *eol = memchr(s, '\n', (size_t)(end - s));
        const char *e = eol != NULL ? eol : end;

        p.line++;
        st = parse_line(&p, s, e);
        if (st != TL_OK)
            break;
        s = eol != NULL ? eol + 1 : end;
    }
    tl_buf_release(&p.key);
    tl_buf_release(&p.text);
    if (st != TL_OK) {          /* back to what it was */
        syn->n_groups = n_groups;
        syn->n_names = n_names;
        syn->pool.len = pool_len;
        if (syn->pool.data != NULL)
            syn->pool.data[pool_len] = '\0';
        free(syn->sources[--syn->n_sources]);
        rehash(syn);
    }
    return st;
}

static struct tl_synonyms *
new_synonyms(void)
{
    struct tl_synonyms *s = calloc(1, sizeof *s);

    if (s != NULL)
        tl_buf_init(&s->pool, 0);
    return s;
}

enum tl_status
tl_synonyms_parse(sqlite3 *db, const char *text, size_t len,
                  const char *path, struct tl_synonyms **out,
                  struct tl_error *err)
{
    struct tl_synonyms *s = new_synonyms();
    enum tl_status st;

    *out = NULL;
    if (s == NULL)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    st = tl_synonyms_add(db, s, text, len, path, err);
    if (st != TL_OK) {
        tl_synonyms_free(s);
        return st;
    }
    *out = s;
    return TL_OK;
}

enum tl_status
tl_synonyms_add_file(sqlite3 *db, struct tl_synonyms *s, const char *path,
                     struct tl_error *err)
{
    struct tl_buf buf;
    struct stat sb;
    char chunk[65536];
    size_t n;
    enum tl_status st = TL_OK;
    FILE *f;

    tl_buf_init(&buf, TL_SYNONYMS_FILE_MAX);
    f = fopen(path, "rb");
    if (f == NULL)
        return tl_error_set(err, TL_ERR_IO, "cannot open synonyms file '%s': "
                            "%s", path, strerror(errno));
    if (fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
        st = tl_error_set(err, TL_ERR_INPUT, "synonyms file '%s' is a "
                          "folder", path);
        goto out;
    }
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (tl_buf_append(&buf, chunk, n) != TL_OK) {
            st = tl_error_set(err, TL_ERR_INPUT, "synonyms file '%s' is "
                              "larger than %zu MiB", path,
                              TL_SYNONYMS_FILE_MAX >> 20);
            goto out;
        }
    }
    if (ferror(f)) {
        st = tl_error_set(err, TL_ERR_IO, "cannot read synonyms file '%s': "
                          "%s", path, strerror(errno));
        goto out;
    }
    st = tl_synonyms_add(db, s, buf.data != NULL ? buf.data : "", buf.len,
                         path, err);
out:
    fclose(f);
    tl_buf_release(&buf);
    return st;
}

enum tl_status
tl_synonyms_load_file(sqlite3 *db, const char *path,
                      struct tl_synonyms **out, struct tl_error *err)
{
    struct tl_synonyms *s = new_synonyms();
    enum tl_status st;

    *out = NULL;
    if (s == NULL)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    st = tl_synonyms_add_file(db, s, path, err);
    if (st != TL_OK) {
        tl_synonyms_free(s);
        return st;
    }
    *out = s;
    return TL_OK;
}

void
tl_synonyms_free(struct tl_synonyms *s)
{
    if (s == NULL)
        return;
    free(s->names);
    free(s->groups);
    tl_buf_release(&s->pool);
    free(s->slots);
    for (size_t i = 0; i < s->n_sources; i++)
        free(s->sources[i]);
    free(s->sources);
    free(s);
}

/* ---- lookup -------------------------------------------------------------- */

size_t
tl_synonyms_count(const struct tl_synonyms *s)
{
    return s->n_groups;
}

size_t
tl_synonyms_group_size(const struct tl_synonyms *s, size_t g)
{
    return s->groups[g].n;
}

const char *
tl_synonyms_name(const struct tl_synonyms *s, size_t g, size_t i)
{
    return s->pool.data + s->names[s->groups[g].first + i].text_off;
}

unsigned
tl_synonyms_line(const struct tl_synonyms *s, size_t g)
{
    return s->groups[g].line;
}

int
tl_synonyms_find(const struct tl_synonyms *s, const char *stems, size_t len,
                 size_t *group_out)
{
    uint32_t v;

    if (s == NULL || s->n_slots == 0 || len == 0)
        return 0;
    v = s->slots[find_slot(s, stems, len)];
    if (v == 0)
        return 0;
    *group_out = s->names[v - 1].group;
    return 1;
}

struct lookup {
    struct tl_buf key;
    int n;
    enum tl_status st;
};

static int
on_lookup_token(void *ctx, const char *tok, int len, int start, int end)
{
    struct lookup *l = ctx;

    (void)start;
    (void)end;
    if ((l->n++ > 0 && tl_buf_append(&l->key, " ", 1) != TL_OK)
        || tl_buf_append(&l->key, tok, (size_t)len) != TL_OK) {
        l->st = TL_ERR_NOMEM;
        return 1;
    }
    return 0;
}

enum tl_status
tl_synonyms_lookup(sqlite3 *db, const struct tl_synonyms *s,
                   const char *text, size_t len, int *found_out,
                   size_t *group_out, struct tl_error *err)
{
    struct lookup l;
    enum tl_status st;

    *found_out = 0;
    if (len > INT32_MAX)
        return tl_error_set(err, TL_ERR_INPUT, "text of %zu bytes is too "
                            "long to look up", len);
    memset(&l, 0, sizeof l);
    tl_buf_init(&l.key, 0);
    st = tl_tokenizer_each(db, text, (int)len, FTS5_TOKENIZE_QUERY,
                           on_lookup_token, &l, err);
    if (st == TL_OK && l.st != TL_OK)
        st = tl_error_set(err, l.st, "out of memory");
    if (st == TL_OK && l.n > 0)
        *found_out = tl_synonyms_find(s, l.key.data, l.key.len, group_out);
    tl_buf_release(&l.key);
    return st;
}
