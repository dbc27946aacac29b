/*
 * topic.c - topic rules (docs/topics.md): parsing and matching.
 *
 * Parsing turns each term into a sequence of stem ids: every distinct
 * stem in the rules is interned once (an open-addressing hash of the stem
 * bytes to a dense id).  Terms are then sorted by first stem, so that the
 * terms starting with a given stem are one slice: first[id]..first[id+1].
 *
 * Matching tokenizes the text once through the same tokenizer.  Each
 * token's stem is looked up in the hash (tokens absent from the rules get
 * NO_STEM, which also breaks any phrase across them) and pushed into a
 * ring of the last TL_TOPIC_TERM_MAX tokens.  A start position is
 * examined once the ring holds the longest phrase that could start there:
 * only the terms whose first stem is that token's are compared.  Start
 * positions are examined in order, and within a first-stem slice terms
 * are sorted by topic and longest first, so for each topic the longest
 * term at the leftmost position wins and later matches that start inside
 * it are not counted again for that topic.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hash_word.h"     /* and xxhash.h, inlined */
#include "topic.h"

#define NO_STEM UINT32_MAX
#define RING TL_TOPIC_TERM_MAX
#define QUOTE_MAX 80        /* bytes of a line quoted in a message */

struct stem {
    size_t off;             /* in tl_topics.pool */
    size_t len;
};

struct term {
    uint32_t topic;
    uint32_t n;             /* 1..TL_TOPIC_TERM_MAX */
    uint32_t stems[TL_TOPIC_TERM_MAX];
};

struct topic {
    char *name;             /* owned */
    int min_matches;        /* 0 while parsing: not set for this topic */
    unsigned line;          /* of its [section] line */
};

struct tl_topics {
    struct topic *topics;
    size_t n_topics, cap_topics;
    struct term *terms;
    size_t n_terms, cap_terms;
    struct tl_buf pool;     /* the bytes of every stem */
    struct stem *stems;
    size_t n_stems, cap_stems;
    uint32_t *slots;        /* stem id + 1, 0 when empty; power of two */
    size_t n_slots;
    uint32_t *first;        /* n_stems + 1 offsets into terms */
};

/* ---- the stem table ---------------------------------------------------- */

/* The slot holding stem (p, n), or the empty slot where it would go. */
static size_t
find_slot(const struct tl_topics *t, const char *p, size_t n)
{
    size_t mask = t->n_slots - 1;
    size_t i = (size_t)tl_hash_bytes(p, n) & mask;

    for (;;) {
        uint32_t v = t->slots[i];
        const struct stem *s;

        if (v == 0)
            return i;
        s = &t->stems[v - 1];
        if (s->len == n && tl_same_word(t->pool.data + s->off, p, n))
            return i;
        i = (i + 1) & mask;
    }
}

static uint32_t
lookup_stem(const struct tl_topics *t, const char *p, size_t n)
{
    uint32_t v;

    if (t->n_slots == 0)
        return NO_STEM;
    v = t->slots[find_slot(t, p, n)];
    return v != 0 ? v - 1 : NO_STEM;
}

static enum tl_status
grow_slots(struct tl_topics *t)
{
    size_t n = t->n_slots != 0 ? t->n_slots * 2 : 64;
    uint32_t *old = t->slots;
    size_t n_old = t->n_slots;

    t->slots = calloc(n, sizeof *t->slots);
    if (t->slots == NULL) {
        t->slots = old;
        return TL_ERR_NOMEM;
    }
    t->n_slots = n;
    for (size_t i = 0; i < n_old; i++) {
        if (old[i] != 0) {
            const struct stem *s = &t->stems[old[i] - 1];
            t->slots[find_slot(t, t->pool.data + s->off, s->len)] = old[i];
        }
    }
    free(old);
    return TL_OK;
}

/* Sets *id_out to the id of stem (p, n), adding it when new. */
static enum tl_status
intern_stem(struct tl_topics *t, const char *p, size_t n, uint32_t *id_out)
{
    size_t i;

    if ((t->n_stems + 1) * 2 > t->n_slots && grow_slots(t) != TL_OK)
        return TL_ERR_NOMEM;
    i = find_slot(t, p, n);
    if (t->slots[i] == 0) {
        if (t->n_stems == t->cap_stems) {
            size_t cap = t->cap_stems != 0 ? t->cap_stems * 2 : 64;
            struct stem *s = realloc(t->stems, cap * sizeof *s);
            if (s == NULL)
                return TL_ERR_NOMEM;
            t->stems = s;
            t->cap_stems = cap;
        }
        t->stems[t->n_stems].off = t->pool.len;
        t->stems[t->n_stems].len = n;
        if (tl_buf_append(&t->pool, p, n) != TL_OK)
            return TL_ERR_NOMEM;
        t->n_stems++;
        t->slots[i] = (uint32_t)t->n_stems;
    }
    *id_out = t->slots[i] - 1;
    return TL_OK;
}

/* ---- parsing ------------------------------------------------------------ */

struct parser {
    sqlite3 *db;
    struct tl_topics *t;
    const char *path;
    unsigned line;
    int global_min;             /* 0: not set */
    struct tl_error *err;
    /* the term being tokenized */
    uint32_t stems[TL_TOPIC_TERM_MAX];
    size_t n_tokens;
    enum tl_status st;
};

/* Sets err to "topics file 'PATH' line N: MESSAGE"; returns TL_ERR_USAGE. */
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
    return tl_error_set(p->err, TL_ERR_USAGE, "topics file '%s' line %u: %s",
                        p->path, p->line, msg);
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

/* ASCII case-insensitive equality of (a, n) and the C string b. */
static int
same_name(const char *a, size_t n, const char *b)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (y == '\0')
            return 0;
        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (unsigned char)(y - 'A' + 'a');
        if (x != y)
            return 0;
    }
    return b[n] == '\0';
}

static enum tl_status
parse_section(struct parser *p, const char *s, const char *e)
{
    struct tl_topics *t = p->t;
    const char *name = s + 1, *name_end = e - 1;
    struct topic *tp;

    if (e - s < 2 || e[-1] != ']') {
        if (memchr(s, ']', (size_t)(e - s)) != NULL)
            return parse_error(p, "text after ']'");
        return parse_error(p, "missing ']' after the topic name");
    }
    trim(&name, &name_end);
    if (name == name_end)
        return parse_error(p, "empty topic name");
    if (memchr(name, '[', (size_t)(name_end - name)) != NULL
        || memchr(name, ']', (size_t)(name_end - name)) != NULL)
        return parse_error(p, "bad topic name '%.*s' (no brackets inside)",
                           quote_len(name, (size_t)(name_end - name)), name);
    for (size_t i = 0; i < t->n_topics; i++)
        if (same_name(name, (size_t)(name_end - name), t->topics[i].name))
            return parse_error(p, "duplicate topic '%.*s' (first on line %u)",
                               quote_len(name, (size_t)(name_end - name)),
                               name, t->topics[i].line);
    if (t->n_topics == t->cap_topics) {
        size_t cap = t->cap_topics != 0 ? t->cap_topics * 2 : 16;
        struct topic *n = realloc(t->topics, cap * sizeof *n);
        if (n == NULL)
            return tl_error_set(p->err, TL_ERR_NOMEM, "out of memory");
        t->topics = n;
        t->cap_topics = cap;
    }
    tp = &t->topics[t->n_topics];
    tp->name = strndup(name, (size_t)(name_end - name));
    if (tp->name == NULL)
        return tl_error_set(p->err, TL_ERR_NOMEM, "out of memory");
    tp->min_matches = 0;
    tp->line = p->line;
    t->n_topics++;
    return TL_OK;
}

/* "key = value": the only key is min_matches, before the first section
 * (every topic's default) or inside one (that topic's). */
static enum tl_status
parse_setting(struct parser *p, const char *s, const char *eq, const char *e)
{
    const char *key = s, *key_end = eq, *val = eq + 1, *val_end = e;
    char num[32], *end = NULL;
    int *target;
    long v;

    trim(&key, &key_end);
    trim(&val, &val_end);
    if (key_end - key != 11 || memcmp(key, "min_matches", 11) != 0)
        return parse_error(p, "unknown setting '%.*s' (the only one is "
                           "min_matches)",
                           quote_len(key, (size_t)(key_end - key)), key);
    target = p->t->n_topics == 0 ? &p->global_min
             : &p->t->topics[p->t->n_topics - 1].min_matches;
    if (*target != 0)
        return parse_error(p, "min_matches set twice");
    if (val_end - val > 0 && (size_t)(val_end - val) < sizeof num) {
        memcpy(num, val, (size_t)(val_end - val));
        num[val_end - val] = '\0';
        errno = 0;
        v = strtol(num, &end, 10);
        if (errno == 0 && *end == '\0' && num[0] >= '0' && num[0] <= '9'
            && v >= 1 && v <= TL_TOPIC_MIN_MATCHES_MAX) {
            *target = (int)v;
            return TL_OK;
        }
    }
    return parse_error(p, "bad min_matches '%.*s' (want a whole number "
                       "from 1 to %d)",
                       quote_len(val, (size_t)(val_end - val)), val,
                       TL_TOPIC_MIN_MATCHES_MAX);
}

static int
on_term_token(void *ctx, const char *tok, int len, int start, int end)
{
    struct parser *p = ctx;
    uint32_t id;

    (void)start;
    (void)end;
    if (p->n_tokens < TL_TOPIC_TERM_MAX) {
        if (intern_stem(p->t, tok, (size_t)len, &id) != TL_OK) {
            p->st = TL_ERR_NOMEM;
            return 1;
        }
        p->stems[p->n_tokens] = id;
    }
    p->n_tokens++;
    return 0;
}

static enum tl_status
parse_term(struct parser *p, const char *s, const char *e)
{
    struct tl_topics *t = p->t;
    int q = quote_len(s, (size_t)(e - s));
    struct term *tm;
    enum tl_status st;

    if (t->n_topics == 0)
        return parse_error(p, "term '%.*s' before any [topic] line", q, s);
    p->n_tokens = 0;
    p->st = TL_OK;
    st = tl_tokenizer_each(p->db, s, (int)(e - s), FTS5_TOKENIZE_DOCUMENT,
                           on_term_token, p, p->err);
    if (st != TL_OK)
        return st;
    if (p->st != TL_OK)
        return tl_error_set(p->err, p->st, "out of memory");
    if (p->n_tokens == 0)
        return parse_error(p, "term '%.*s' has no word", q, s);
    if (p->n_tokens > TL_TOPIC_TERM_MAX)
        return parse_error(p, "term '%.*s' has %zu words (at most %d)", q, s,
                           p->n_tokens, TL_TOPIC_TERM_MAX);
    if (t->n_terms == t->cap_terms) {
        size_t cap = t->cap_terms != 0 ? t->cap_terms * 2 : 64;
        struct term *n = realloc(t->terms, cap * sizeof *n);
        if (n == NULL)
            return tl_error_set(p->err, TL_ERR_NOMEM, "out of memory");
        t->terms = n;
        t->cap_terms = cap;
    }
    tm = &t->terms[t->n_terms++];
    memset(tm, 0, sizeof *tm);
    tm->topic = (uint32_t)(t->n_topics - 1);
    tm->n = (uint32_t)p->n_tokens;
    memcpy(tm->stems, p->stems, p->n_tokens * sizeof *p->stems);
    return TL_OK;
}

static enum tl_status
parse_line(struct parser *p, const char *s, const char *e)
{
    const char *hash = memchr(s, '#', (size_t)(e - s));
    const char *eq;

    if (hash != NULL)
        e = hash;
    trim(&s, &e);
    if (s == e)
        return TL_OK;
    if (!tl_text_is_clean(s, (size_t)(e - s)))
        return parse_error(p, "not UTF-8 text, or a control character");
    if (*s == '[')
        return parse_section(p, s, e);
    eq = memchr(s, '=', (size_t)(e - s));
    if (eq != NULL)
        return parse_setting(p, s, eq, e);
    return parse_term(p, s, e);
}

/* Terms by first stem, then topic, then longest first, then stems. */
static int
cmp_terms(const void *a, const void *b)
{
    const struct term *x = a, *y = b;

    if (x->stems[0] != y->stems[0])
        return x->stems[0] < y->stems[0] ? -1 : 1;
    if (x->topic != y->topic)
        return x->topic < y->topic ? -1 : 1;
    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    for (uint32_t i = 1; i < x->n; i++)
        if (x->stems[i] != y->stems[i])
            return x->stems[i] < y->stems[i] ? -1 : 1;
    return 0;
}

/* Applies default minimums, drops duplicate terms of a topic ("Haqqani"
 * and "Haqqanis" share their stem) and builds the first-stem index. */
static enum tl_status
finish(struct parser *p)
{
    struct tl_topics *t = p->t;
    int global = p->global_min != 0 ? p->global_min
                 : TL_TOPIC_MIN_MATCHES_DEFAULT;
    size_t n = 0;

    for (size_t i = 0; i < t->n_topics; i++)
        if (t->topics[i].min_matches == 0)
            t->topics[i].min_matches = global;
    if (t->n_terms > 0)
        qsort(t->terms, t->n_terms, sizeof *t->terms, cmp_terms);
    for (size_t i = 0; i < t->n_terms; i++)
        if (n == 0 || cmp_terms(&t->terms[n - 1], &t->terms[i]) != 0)
            t->terms[n++] = t->terms[i];
    t->n_terms = n;
    t->first = calloc(t->n_stems + 1, sizeof *t->first);
    if (t->first == NULL)
        return tl_error_set(p->err, TL_ERR_NOMEM, "out of memory");
    /* count terms per first stem, then turn counts into start offsets */
    for (size_t i = 0; i < t->n_terms; i++)
        t->first[t->terms[i].stems[0] + 1]++;
    for (size_t i = 0; i < t->n_stems; i++)
        t->first[i + 1] += t->first[i];
    return TL_OK;
}

enum tl_status
tl_topics_parse(sqlite3 *db, const char *text, size_t len, const char *path,
                struct tl_topics **out, struct tl_error *err)
{
    struct parser p;
    const char *s = text != NULL ? text : "";
    const char *end = text != NULL ? text + len : s;
    enum tl_status st = TL_OK;

    *out = NULL;
    memset(&p, 0, sizeof p);
    p.db = db;
    p.path = path != NULL ? path : "<built-in>";
    p.err = err;
    p.t = calloc(1, sizeof *p.t);
    if (p.t == NULL)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    tl_buf_init(&p.t->pool, 0);
    if (end - s >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        s += 3;                                 /* a UTF-8 BOM */
    while (s < end) {
        const char *eol = memchr(s, '\n', (size_t)(end - s));
        const char *e = eol != NULL ? eol : end;

        p.line++;
        st = parse_line(&p, s, e);
        if (st != TL_OK)
            goto out;
        s = eol != NULL ? eol + 1 : end;
    }
    st = finish(&p);
out:
    if (st != TL_OK) {
        tl_topics_free(p.t);
        return st;
    }
    *out = p.t;
    return TL_OK;
}

enum tl_status
tl_topics_load_file(sqlite3 *db, const char *path, struct tl_topics **out,
                    struct tl_error *err)
{
    struct tl_buf buf;
    struct stat sb;
    char chunk[65536];
    size_t n;
    enum tl_status st = TL_OK;
    FILE *f;

    *out = NULL;
    tl_buf_init(&buf, TL_TOPIC_FILE_MAX);
    f = fopen(path, "rb");
    if (f == NULL)
        return tl_error_set(err, TL_ERR_IO, "cannot open topics file '%s': "
                            "%s", path, strerror(errno));
    if (fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
        st = tl_error_set(err, TL_ERR_INPUT, "topics file '%s' is a folder",
                          path);
        goto out;
    }
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (tl_buf_append(&buf, chunk, n) != TL_OK) {
            st = tl_error_set(err, TL_ERR_INPUT, "topics file '%s' is larger "
                              "than %zu MiB", path, TL_TOPIC_FILE_MAX >> 20);
            goto out;
        }
    }
    if (ferror(f)) {
        st = tl_error_set(err, TL_ERR_IO, "cannot read topics file '%s': %s",
                          path, strerror(errno));
        goto out;
    }
    st = tl_topics_parse(db, buf.data != NULL ? buf.data : "", buf.len, path,
                         out, err);
out:
    fclose(f);
    tl_buf_release(&buf);
    return st;
}

void
tl_topics_free(struct tl_topics *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->n_topics; i++)
        free(t->topics[i].name);
    free(t->topics);
    free(t->terms);
    tl_buf_release(&t->pool);
    free(t->stems);
    free(t->slots);
    free(t->first);
    free(t);
}

void
tl_topics_digest(const struct tl_topics *t, char out[TL_TOPIC_DIGEST_LEN + 1])
{
    XXH3_state_t *h = XXH3_createState();
    XXH128_hash_t d = { 0, 0 };

    if (h != NULL && XXH3_128bits_reset(h) == XXH_OK) {
        for (size_t i = 0; i < t->n_topics; i++) {
            char min[16];
            int n = snprintf(min, sizeof min, "\n%d\n",
                             t->topics[i].min_matches);

            XXH3_128bits_update(h, t->topics[i].name,
                                strlen(t->topics[i].name));
            XXH3_128bits_update(h, min, (size_t)n);
        }
        for (size_t i = 0; i < t->n_terms; i++) {
            const struct term *term = &t->terms[i];
            char head[32];
            int n = snprintf(head, sizeof head, "\n%u:", term->topic);

            XXH3_128bits_update(h, head, (size_t)n);
            for (uint32_t k = 0; k < term->n; k++) {
                const struct stem *st = &t->stems[term->stems[k]];

                XXH3_128bits_update(h, t->pool.data + st->off, st->len);
                XXH3_128bits_update(h, " ", 1);
            }
        }
        d = XXH3_128bits_digest(h);
    }
    XXH3_freeState(h);
    snprintf(out, TL_TOPIC_DIGEST_LEN + 1, "%016llx%016llx",
             (unsigned long long)d.high64, (unsigned long long)d.low64);
}

size_t
tl_topics_count(const struct tl_topics *t)
{
    return t->n_topics;
}

const char *
tl_topics_name(const struct tl_topics *t, size_t i)
{
    return t->topics[i].name;
}

int
tl_topics_min_matches(const struct tl_topics *t, size_t i)
{
    return t->topics[i].min_matches;
}

int
tl_topics_find(const struct tl_topics *t, const char *name,
               size_t *index_out)
{
    size_t n = strlen(name);

    for (size_t i = 0; i < t->n_topics; i++) {
        if (same_name(name, n, t->topics[i].name)) {
            *index_out = i;
            return 1;
        }
    }
    return 0;
}

/* ---- matching ----------------------------------------------------------- */

struct ring_tok {
    uint32_t id;                /* NO_STEM when not in the rules */
    size_t start, end;
};

struct matcher {
    const struct tl_topics *t;
    unsigned *counts;           /* this call's, added to the caller's */
    size_t *last_end;           /* per topic: token after its last match */
    tl_topic_match_fn fn;
    void *ctx;
    struct ring_tok ring[RING];
    size_t n;                   /* tokens seen */
};

/* Counts the matches starting at token s; tokens s..avail-1 are in the
 * ring. */
static void
match_at(struct matcher *m, size_t s, size_t avail)
{
    const struct tl_topics *t = m->t;
    uint32_t id = m->ring[s % RING].id;
    uint32_t done = UINT32_MAX;     /* topic already decided at s */

    if (id == NO_STEM)
        return;
    for (uint32_t k = t->first[id]; k < t->first[id + 1]; k++) {
        const struct term *tm = &t->terms[k];
        uint32_t j;

        if (tm->topic == done || s + tm->n > avail)
            continue;
        for (j = 1; j < tm->n; j++)
            if (m->ring[(s + j) % RING].id != tm->stems[j])
                break;
        if (j < tm->n)
            continue;
        done = tm->topic;
        if (s < m->last_end[tm->topic])
            continue;           /* inside this topic's previous match */
        m->last_end[tm->topic] = s + tm->n;
        m->counts[tm->topic]++;
        if (m->fn != NULL)
            m->fn(m->ctx, tm->topic, m->ring[s % RING].start,
                  m->ring[(s + tm->n - 1) % RING].end);
    }
}

static int
on_text_token(void *ctx, const char *tok, int len, int start, int end)
{
    struct matcher *m = ctx;
    struct ring_tok *r = &m->ring[m->n % RING];

    r->id = lookup_stem(m->t, tok, (size_t)len);
    r->start = (size_t)start;
    r->end = (size_t)end;
    m->n++;
    if (m->n >= RING)
        match_at(m, m->n - RING, m->n);
    return 0;
}

static enum tl_status
matcher_begin(struct matcher *m, const struct tl_topics *t,
              tl_topic_match_fn fn, void *ctx, struct tl_error *err)
{
    /* one block: last_end (size_t) then counts (unsigned) */
    void *scratch = calloc(t->n_topics, sizeof(size_t) + sizeof(unsigned));

    memset(m, 0, sizeof *m);    /* also on failure (GCC -O3 asks) */
    if (scratch == NULL)
        return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
    m->t = t;
    m->last_end = scratch;
    m->counts = (unsigned *)(m->last_end + t->n_topics);
    m->fn = fn;
    m->ctx = ctx;
    return TL_OK;
}

/* Matches the tokens still in the ring, adds the counts to counts_out
 * when ok, frees m. */
static void
matcher_end(struct matcher *m, int ok, unsigned *counts_out)
{
    if (ok) {
        for (size_t s = m->n >= RING ? m->n - RING + 1 : 0; s < m->n; s++)
            match_at(m, s, m->n);
        for (size_t i = 0; i < m->t->n_topics; i++)
            counts_out[i] += m->counts[i];
    }
    free(m->last_end);
}

enum tl_status
tl_topics_match(sqlite3 *db, const struct tl_topics *t, const char *text,
                size_t len, unsigned *counts_out, tl_topic_match_fn fn,
                void *ctx, struct tl_error *err)
{
    struct matcher m;
    enum tl_status st;

    if (len == 0 || t->n_topics == 0 || t->n_terms == 0)
        return TL_OK;
    if (len > INT32_MAX)
        return tl_error_set(err, TL_ERR_INPUT, "text of %zu bytes is too "
                            "long to match topics", len);
    st = matcher_begin(&m, t, fn, ctx, err);
    if (st != TL_OK)
        return st;
    st = tl_tokenizer_each(db, text, (int)len, FTS5_TOKENIZE_DOCUMENT,
                           on_text_token, &m, err);
    matcher_end(&m, st == TL_OK, counts_out);
    return st;
}

enum tl_status
tl_topics_match_tokens(const struct tl_topics *t, const struct tl_tokens *toks,
                       size_t first, size_t n, unsigned *counts_out,
                       struct tl_error *err)
{
    struct matcher m;
    enum tl_status st;

    if (n == 0 || t->n_topics == 0 || t->n_terms == 0)
        return TL_OK;
    st = matcher_begin(&m, t, NULL, NULL, err);
    if (st != TL_OK)
        return st;
    for (size_t i = first; i < first + n; i++) {
        const struct tl_token_rec *k = &toks->tok[i];
        on_text_token(&m, toks->bytes + k->off, (int)k->len, k->start,
                      k->end);
    }
    matcher_end(&m, 1, counts_out);
    return TL_OK;
}
