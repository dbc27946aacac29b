/*
 * rank_words.c - the stopwords and the weak words of tl_bm25()'s
 * ranking (rank.h): the built-in lists, stemmed once per process, and
 * the lists the relevance benchmark installs in their place.
 */
#ifdef TL_SQLITE_EXTENSION
/* also compiled into the loadable extension (see rank.c) */
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3
#endif

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>

#include "rank.h"

/* The longest stem of a list word. */
#define STEM_MAX 64

/* Snowball's English stop list (snowballstem.org, english/stop.txt),
 * apostrophes removed as the tokenizer joins them. */
static const char *const stopwords[] = {
    "i", "me", "my", "myself", "we", "our", "ours", "ourselves", "you",
    "your", "yours", "yourself", "yourselves", "he", "him", "his",
    "himself", "she", "her", "hers", "herself", "it", "its", "itself",
    "they", "them", "their", "theirs", "themselves", "what", "which", "who",
    "whom", "this", "that", "these", "those", "am", "is", "are", "was",
    "were", "be", "been", "being", "have", "has", "had", "having", "do",
    "does", "did", "doing", "would", "should", "could", "ought", "im",
    "youre", "hes", "shes", "its", "were", "theyre", "ive", "youve", "weve",
    "theyve", "id", "youd", "hed", "shed", "wed", "theyd", "ill", "youll",
    "hell", "shell", "well", "theyll", "isnt", "arent", "wasnt", "werent",
    "hasnt", "havent", "hadnt", "doesnt", "dont", "didnt", "wont",
    "wouldnt", "shant", "shouldnt", "cant", "cannot", "couldnt", "mustnt",
    "lets", "thats", "whos", "whats", "heres", "theres", "whens", "wheres",
    "whys", "hows", "a", "an", "the", "and", "but", "if", "or", "because",
    "as", "until", "while", "of", "at", "by", "for", "with", "about",
    "against", "between", "into", "through", "during", "before", "after",
    "above", "below", "to", "from", "up", "down", "in", "out", "on", "off",
    "over", "under", "again", "further", "then", "once", "here", "there",
    "when", "where", "why", "how", "all", "any", "both", "each", "few",
    "more", "most", "other", "some", "such", "no", "nor", "not", "only",
    "own", "same", "so", "than", "too", "very",
};

#define N_STOPWORDS (sizeof stopwords / sizeof *stopwords)

/* Weak words: words that ask for something or name what is asked for
 * (please, tell, information, articles), and the verbs and nouns of
 * report prose that seldom carry a query's topic (use, show, found,
 * effect, study, results).  Written for Talaash (docs/relevance.md,
 * experiment 17): they count TL_RANK_WEAK_WEIGHT, not 0, so that "show
 * trial" or "use of force" still rank on both words. */
static const char *const weak_words[] = {
    /* requests and questions */
    "please", "tell", "explain", "describe", "want", "wish", "know",
    "looking", "send", "provide", "regarding", "pertaining", "pertinent",
    "like", "need",
    /* what is asked for */
    "information", "article", "articles", "paper", "papers", "abstract",
    "abstracts", "reference", "references", "document", "documents",
    "literature",
    /* verbs of report prose */
    "use", "used", "uses", "using", "show", "shown", "shows", "showed",
    "showing", "find", "found", "finds", "give", "given", "gives", "make",
    "made", "makes", "obtain", "obtained", "present", "presented",
    "described", "consider", "considered",
    /* nouns of report prose */
    "effect", "effects", "study", "studies", "studied", "result", "results",
    "method", "methods",
};

#define N_WEAK_WORDS (sizeof weak_words / sizeof *weak_words)

/* A stem of one of the lists. */
struct stem {
    char s[STEM_MAX];
};

/* One list: its built-in words' stems, sorted (made once per process),
 * and the list tl_rank_words_set() installed in their place (owned;
 * NULL: the built-in one is in force; guarded by words_lock). */
struct word_list {
    const char *const *words;
    size_t n_words;
    struct stem *builtin;
    size_t n_builtin;
    struct stem *custom;
    size_t n_custom;
};

static struct stem stop_stems[N_STOPWORDS];
static struct stem weak_stems[N_WEAK_WORDS];
static struct word_list lists[] = {
    [TL_RANK_STOPWORDS] = { stopwords, N_STOPWORDS, stop_stems, 0, NULL, 0 },
    [TL_RANK_WEAK_WORDS] = { weak_words, N_WEAK_WORDS, weak_stems, 0, NULL,
                             0 },
};
static pthread_once_t words_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t words_lock = PTHREAD_MUTEX_INITIALIZER;

static int
cmp_stem(const void *a, const void *b)
{
    return strcmp(((const struct stem *)a)->s, ((const struct stem *)b)->s);
}

/* Stems word into out as the tokenizer would: ASCII capitals folded,
 * apostrophes dropped.  Returns 0 when it has no stem (empty, too long,
 * out of memory). */
static int
stem_word(struct sb_stemmer *sb, const char *word, struct stem *out)
{
    char folded[STEM_MAX];
    const sb_symbol *s;
    size_t n = 0;
    int len;

    for (const char *c = word; *c != '\0'; c++) {
        if (*c == '\'')
            continue;
        if (n + 1 >= sizeof folded)
            return 0;
        folded[n++] = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
    }
    if (n == 0)
        return 0;
    s = sb_stemmer_stem(sb, (const sb_symbol *)folded, (int)n);
    len = sb_stemmer_length(sb);
    if (s == NULL || len <= 0 || len >= STEM_MAX)
        return 0;
    memcpy(out->s, s, (size_t)len);
    out->s[len] = '\0';
    return 1;
}

/* Stems n_words words into out (room for as many), sorted, each stem
 * once; returns how many. */
static size_t
stem_words(struct sb_stemmer *sb, const char *const *words, size_t n_words,
           struct stem *out)
{
    size_t n = 0, kept = 0;

    for (size_t i = 0; i < n_words; i++)
        if (words[i] != NULL && stem_word(sb, words[i], &out[n]))
            n++;
    qsort(out, n, sizeof *out, cmp_stem);
    for (size_t i = 0; i < n; i++)
        if (kept == 0 || strcmp(out[i].s, out[kept - 1].s) != 0)
            out[kept++] = out[i];
    return kept;
}

static void
make_builtin_stems(void)
{
    struct sb_stemmer *sb = sb_stemmer_new("english", "UTF_8");

    if (sb == NULL)
        return;
    for (size_t l = 0; l < sizeof lists / sizeof *lists; l++)
        lists[l].n_builtin = stem_words(sb, lists[l].words, lists[l].n_words,
                                        lists[l].builtin);
    sb_stemmer_delete(sb);
}

/* Is key in list l as it stands?  Call with words_lock held. */
static int
in_list(enum tl_rank_words l, const struct stem *key)
{
    const struct word_list *w = &lists[l];

    if (w->custom != NULL)
        return bsearch(key, w->custom, w->n_custom, sizeof *w->custom,
                       cmp_stem) != NULL;
    return bsearch(key, w->builtin, w->n_builtin, sizeof *w->builtin,
                   cmp_stem) != NULL;
}

enum tl_rank_word_kind
tl_rank_word_kind(const char *stem, size_t len)
{
    struct stem key;
    enum tl_rank_word_kind kind = TL_RANK_WORD_FULL;

    if (len == 0 || len >= STEM_MAX)
        return TL_RANK_WORD_FULL;
    pthread_once(&words_once, make_builtin_stems);
    memcpy(key.s, stem, len);
    key.s[len] = '\0';
    pthread_mutex_lock(&words_lock);
    if (in_list(TL_RANK_STOPWORDS, &key))
        kind = TL_RANK_WORD_STOP;
    else if (in_list(TL_RANK_WEAK_WORDS, &key))
        kind = TL_RANK_WORD_WEAK;
    pthread_mutex_unlock(&words_lock);
    return kind;
}

int
tl_rank_is_stopword(const char *stem, size_t len)
{
    return tl_rank_word_kind(stem, len) == TL_RANK_WORD_STOP;
}

int
tl_rank_is_weak_word(const char *stem, size_t len)
{
    return tl_rank_word_kind(stem, len) == TL_RANK_WORD_WEAK;
}

#ifndef TL_SQLITE_EXTENSION
enum tl_status
tl_rank_words_set(enum tl_rank_words which, const char *const *words,
                  size_t n_words, int extend, struct tl_error *err)
{
    struct word_list *w;
    struct sb_stemmer *sb = NULL;
    struct stem *list = NULL, *old;
    const char **all = NULL;
    size_t n = 0;
    enum tl_status st = TL_OK;

    if ((int)which < 0 || (size_t)which >= sizeof lists / sizeof *lists)
        return tl_error_set(err, TL_ERR_USAGE, "no word list %d",
                            (int)which);
    w = &lists[which];
    pthread_once(&words_once, make_builtin_stems);
    if (words == NULL)
        goto install;
    if (extend) {
        /* the built-in words, then these: stemmed and sorted together */
        all = malloc((w->n_words + n_words + 1) * sizeof *all);
        if (all == NULL) {
            st = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
            goto out;
        }
        memcpy(all, w->words, w->n_words * sizeof *all);
        if (n_words > 0)
            memcpy(all + w->n_words, words, n_words * sizeof *all);
        words = all;
        n_words += w->n_words;
    }
    list = malloc((n_words + 1) * sizeof *list);
    sb = sb_stemmer_new("english", "UTF_8");
    if (list == NULL || sb == NULL) {
        st = tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        goto out;
    }
    n = stem_words(sb, words, n_words, list);
install:
    pthread_mutex_lock(&words_lock);
    old = w->custom;
    w->custom = list;
    w->n_custom = n;
    pthread_mutex_unlock(&words_lock);
    list = old;
out:
    sb_stemmer_delete(sb);
    free(list);
    free(all);
    return st;
}
#endif
