/*
 * main.c - the relevance benchmark's options (the run is harness.c).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static const char usage[] =
    "Usage: relevance [OPTION]... COLLECTION...\n"
    "Index each test collection (a folder with docs.jsonl, queries.tsv and\n"
    "qrels.tsv) with Talaash's article pipeline, run its queries as\n"
    "`talaash --any` does, and print nDCG@10, MAP, Recall@100 and MRR@10\n"
    "(one table row per collection) beside the published reference.\n"
    "\n"
    "  --docs N         index only the first N documents; judgements of the\n"
    "                   others are dropped, and queries left with no\n"
    "                   relevant document are not run\n"
    "  --hits N         documents ranked per query (default 1000)\n"
    "  --db DIR         keep each index as DIR/NAME.db (default: in memory)\n"
    "  --runs DIR       write each ranking as DIR/NAME.run (TREC format),\n"
    "                   and the judgements scored as DIR/NAME.qrels\n"
    "  --raw-queries    parse the query text as written (default: ASCII\n"
    "                   letters lower-cased, so capitals are not operators)\n"
    "  --passages       rank the hits of `talaash --any --per-article 1`\n"
    "                   (each highlighted: slower) instead of the list of\n"
    "                   `talaash --any --articles` (the same order)\n"
    "  --per-query      print each query's figures too\n"
    "  -v, --verbose    name each document the pipeline changed\n"
    "  -q, --quiet      no report on stderr of what the pipeline did\n"
    "  -h, --help       show this help and exit\n"
    "\n"
    "Ranking parameters, for experiments (default: as talaash ranks):\n"
    "  --k1 X           BM25's k1\n"
    "  --b X            BM25's b\n"
    "  --weights B,T,A  weights of the body, title and author columns\n"
    "  --stopword-weight X  weight of a stopword in the query\n"
    "  --stopwords FILE rank with the words of FILE (separated by white\n"
    "                   space, '#' starts a comment) as the stopwords, in\n"
    "                   place of the built-in list (stemmed as it is)\n"
    "  --extra-stopwords FILE  the built-in stopwords and those of FILE\n"
    "  --weak-words FILE, --extra-weak-words FILE  the same for the weak\n"
    "                   words (a stopword is never a weak word)\n"
    "  --weak-weight X  weight of a weak word in the query (when it has\n"
    "                   other words)\n"
    "  --proximity X    weight of the term proximity score (0: off)\n"
    "  --delta X        BM25+'s lower bound on a matched word's share (0:\n"
    "                   plain BM25)\n"
    "  --expand         talaash --expand's feedback (Bo1, 1 passage, 40\n"
    "                   words, original weight 0.85; the --fb-* options\n"
    "                   after it change it)\n"
    "  --feedback rm3|bo1  pseudo-relevance feedback: words of the best\n"
    "                   passages of a first search are added\n"
    "  --fb-docs N      passages read (default 10)\n"
    "  --fb-terms N     words added (default 40)\n"
    "  --fb-weight X    the original query's share, 0-1 (default 0.7)\n"
    "  --fb-max-df X    never add a word in more than this fraction of\n"
    "                   the passages (default 0.1)\n"
    "  --fb-rerank N    the expanded query only reorders the first\n"
    "                   search's best N articles (default 0: it ranks all)\n"
    "  --fb-mix X       final score (1 - X) s0 / max s0 + X s1 / max s1, s0\n"
    "                   the first search's, s1 the expanded's (default 1:\n"
    "                   s1 alone)\n"
    "  --fb-select P    selective feedback: only for queries whose\n"
    "                   predictor P is within --fb-min and --fb-max; P is\n"
    "                   avg-idf, max-idf (idf over the largest possible,\n"
    "                   0-1), clarity (bits, of the first search's best\n"
    "                   passages), clarity-gain (the expanded search's\n"
    "                   clarity minus the first's), nqc (sd / mean of the\n"
    "                   best 100 scores) or gap (1 - s10 / s1)\n"
    "  --fb-min X, --fb-max X  bounds of --fb-select (default: none)\n"
    "  --clarity-docs N passages a clarity score reads (default 10)\n"
    "  --predict        write each query's predictors to DIR/NAME.pred\n"
    "                   (needs --runs DIR)\n"
    "  --bigrams X      add each two neighbouring words of the query (once\n"
    "                   stopwords are set aside) as a phrase of weight X\n"
    "                   (sequential dependence; not with --feedback)\n"
    "  --qtf-k3 X       a word the query has qtf times counts (X + 1) qtf /\n"
    "                   (X + qtf) times (Okapi's k3; default 1.2, the\n"
    "                   ranking's; -1: qtf times)\n"
    "  --classic        FTS5's bm25() formula (one length over all columns,\n"
    "                   IDF clamped), with the parameters above\n"
    "\n"
    "Exit status: 0 done, 2 on any error.\n";

enum {
    OPT_DOCS = 256, OPT_HITS, OPT_PASSAGES, OPT_DB, OPT_RUNS, OPT_RAW, OPT_PER_QUERY,
    OPT_K1, OPT_B, OPT_WEIGHTS, OPT_CLASSIC, OPT_STOPWORD, OPT_PROXIMITY,
    OPT_DELTA,
    OPT_EXPAND, OPT_FEEDBACK, OPT_FB_DOCS, OPT_FB_TERMS, OPT_FB_WEIGHT, OPT_FB_MAX_DF,
    OPT_FB_RERANK, OPT_FB_MIX, OPT_FB_SELECT, OPT_FB_MIN, OPT_FB_MAX,
    OPT_CLARITY_DOCS, OPT_PREDICT, OPT_BIGRAMS, OPT_QTF_K3, OPT_STOPWORDS,
    OPT_EXTRA_STOPWORDS, OPT_WEAK_WORDS, OPT_EXTRA_WEAK_WORDS, OPT_WEAK,
};

static const char *const predictors[TL_PREDICT_COUNT] = {
    [TL_PREDICT_NONE] = "none",
    [TL_PREDICT_AVG_IDF] = "avg-idf",
    [TL_PREDICT_MAX_IDF] = "max-idf",
    [TL_PREDICT_CLARITY] = "clarity",
    [TL_PREDICT_CLARITY_GAIN] = "clarity-gain",
    [TL_PREDICT_NQC] = "nqc",
    [TL_PREDICT_GAP] = "gap",
};

static int
parse_double(const char *s, double min, double max, double *out)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (end == s || *end != '\0' || errno != 0 || isnan(v) || v < min
        || v > max)
        return 0;
    *out = v;
    return 1;
}

/* "B,T,A": three weights. */
static int
parse_weights(const char *s, double *w)
{
    char part[64];

    for (int i = 0; i < TL_RANK_COLUMNS; i++) {
        size_t n = strcspn(s, ",");
        if (n == 0 || n >= sizeof part || (s[n] == ',') != (i + 1 < 3))
            return 0;
        memcpy(part, s, n);
        part[n] = '\0';
        if (!parse_double(part, 0, 1e6, &w[i]))
            return 0;
        s += n + (s[n] == ',');
    }
    return *s == '\0';
}

int
main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "docs", required_argument, NULL, OPT_DOCS },
        { "hits", required_argument, NULL, OPT_HITS },
        { "db", required_argument, NULL, OPT_DB },
        { "runs", required_argument, NULL, OPT_RUNS },
        { "raw-queries", no_argument, NULL, OPT_RAW },
        { "per-query", no_argument, NULL, OPT_PER_QUERY },
        { "passages", no_argument, NULL, OPT_PASSAGES },
        { "k1", required_argument, NULL, OPT_K1 },
        { "b", required_argument, NULL, OPT_B },
        { "weights", required_argument, NULL, OPT_WEIGHTS },
        { "classic", no_argument, NULL, OPT_CLASSIC },
        { "stopword-weight", required_argument, NULL, OPT_STOPWORD },
        { "stopwords", required_argument, NULL, OPT_STOPWORDS },
        { "extra-stopwords", required_argument, NULL, OPT_EXTRA_STOPWORDS },
        { "weak-words", required_argument, NULL, OPT_WEAK_WORDS },
        { "extra-weak-words", required_argument, NULL, OPT_EXTRA_WEAK_WORDS },
        { "weak-weight", required_argument, NULL, OPT_WEAK },
        { "proximity", required_argument, NULL, OPT_PROXIMITY },
        { "delta", required_argument, NULL, OPT_DELTA },
        { "expand", no_argument, NULL, OPT_EXPAND },
        { "feedback", required_argument, NULL, OPT_FEEDBACK },
        { "fb-docs", required_argument, NULL, OPT_FB_DOCS },
        { "fb-terms", required_argument, NULL, OPT_FB_TERMS },
        { "fb-weight", required_argument, NULL, OPT_FB_WEIGHT },
        { "fb-max-df", required_argument, NULL, OPT_FB_MAX_DF },
        { "fb-rerank", required_argument, NULL, OPT_FB_RERANK },
        { "fb-mix", required_argument, NULL, OPT_FB_MIX },
        { "fb-select", required_argument, NULL, OPT_FB_SELECT },
        { "fb-min", required_argument, NULL, OPT_FB_MIN },
        { "fb-max", required_argument, NULL, OPT_FB_MAX },
        { "clarity-docs", required_argument, NULL, OPT_CLARITY_DOCS },
        { "predict", no_argument, NULL, OPT_PREDICT },
        { "bigrams", required_argument, NULL, OPT_BIGRAMS },
        { "qtf-k3", required_argument, NULL, OPT_QTF_K3 },
        { "verbose", no_argument, NULL, 'v' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct harness_options o;
    struct tl_rank_params rank;
    int c, ranked = 0;

    tl_db_setup();
    tl_cli_init("relevance");
    harness_options_init(&o);
    tl_rank_params_init(&rank);
    while ((c = getopt_long(argc, argv, "vqh", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_DOCS:
            if (!tl_cli_parse_long(optarg, 1, 100000000, &o.docs))
                return tl_cli_usage("bad --docs '%s' (want a count)", optarg);
            break;
        case OPT_HITS:
            if (!tl_cli_parse_long(optarg, 1, 100000, &o.hits))
                return tl_cli_usage("bad --hits '%s' (want 1-100000)",
                                    optarg);
            break;
        case OPT_DB:
            o.db_dir = optarg;
            break;
        case OPT_RUNS:
            o.run_dir = optarg;
            break;
        case OPT_RAW:
            o.raw_queries = 1;
            break;
        case OPT_PASSAGES:
            o.passages = 1;
            break;
        case OPT_PER_QUERY:
            o.per_query = 1;
            break;
        case OPT_K1:
            if (!parse_double(optarg, 0, 1000, &rank.k1))
                return tl_cli_usage("bad --k1 '%s' (want 0-1000)", optarg);
            ranked = 1;
            break;
        case OPT_B:
            if (!parse_double(optarg, 0, 1, &rank.b))
                return tl_cli_usage("bad --b '%s' (want 0-1)", optarg);
            ranked = 1;
            break;
        case OPT_WEIGHTS:
            if (!parse_weights(optarg, rank.w))
                return tl_cli_usage("bad --weights '%s' (want three numbers "
                                    "B,T,A)", optarg);
            ranked = 1;
            break;
        case OPT_STOPWORD:
            if (!parse_double(optarg, 0, 100, &rank.stopword_weight))
                return tl_cli_usage("bad --stopword-weight '%s' (want "
                                    "0-100)", optarg);
            ranked = 1;
            break;
        case OPT_STOPWORDS:
        case OPT_EXTRA_STOPWORDS:
            if (o.stopwords != NULL)
                return tl_cli_usage("give one of --stopwords and "
                                    "--extra-stopwords, once");
            o.stopwords = optarg;
            o.stopwords_extend = c == OPT_EXTRA_STOPWORDS;
            break;
        case OPT_WEAK_WORDS:
        case OPT_EXTRA_WEAK_WORDS:
            if (o.weak_words != NULL)
                return tl_cli_usage("give one of --weak-words and "
                                    "--extra-weak-words, once");
            o.weak_words = optarg;
            o.weak_words_extend = c == OPT_EXTRA_WEAK_WORDS;
            break;
        case OPT_WEAK:
            if (!parse_double(optarg, 0, 100, &rank.weak_weight))
                return tl_cli_usage("bad --weak-weight '%s' (want 0-100)",
                                    optarg);
            ranked = 1;
            break;
        case OPT_PROXIMITY:
            if (!parse_double(optarg, 0, 100, &rank.proximity))
                return tl_cli_usage("bad --proximity '%s' (want 0-100)",
                                    optarg);
            ranked = 1;
            break;
        case OPT_DELTA:
            if (!parse_double(optarg, 0, 10, &rank.delta))
                return tl_cli_usage("bad --delta '%s' (want 0-10)", optarg);
            ranked = 1;
            break;
        case OPT_EXPAND:
            tl_feedback_opts_expand(&o.feedback);
            break;
        case OPT_FEEDBACK:
            if (strcmp(optarg, "rm3") == 0)
                o.feedback.method = TL_FEEDBACK_RM3;
            else if (strcmp(optarg, "bo1") == 0)
                o.feedback.method = TL_FEEDBACK_BO1;
            else
                return tl_cli_usage("bad --feedback '%s' (want rm3 or bo1)",
                                    optarg);
            break;
        case OPT_FB_DOCS:
            if (!tl_cli_parse_long(optarg, 1, 1000, &o.feedback.docs))
                return tl_cli_usage("bad --fb-docs '%s' (want 1-1000)",
                                    optarg);
            break;
        case OPT_FB_TERMS:
            if (!tl_cli_parse_long(optarg, 1, 1000, &o.feedback.terms))
                return tl_cli_usage("bad --fb-terms '%s' (want 1-1000)",
                                    optarg);
            break;
        case OPT_FB_WEIGHT:
            if (!parse_double(optarg, 0.01, 1, &o.feedback.orig_weight))
                return tl_cli_usage("bad --fb-weight '%s' (want 0.01-1)",
                                    optarg);
            break;
        case OPT_FB_MAX_DF:
            if (!parse_double(optarg, 0, 1, &o.feedback.max_df))
                return tl_cli_usage("bad --fb-max-df '%s' (want 0-1)",
                                    optarg);
            break;
        case OPT_FB_RERANK:
            if (!tl_cli_parse_long(optarg, 0, 100000, &o.feedback.rerank))
                return tl_cli_usage("bad --fb-rerank '%s' (want 0-100000)",
                                    optarg);
            break;
        case OPT_FB_MIX:
            if (!parse_double(optarg, 0, 1, &o.feedback.mix))
                return tl_cli_usage("bad --fb-mix '%s' (want 0-1)", optarg);
            break;
        case OPT_FB_SELECT: {
            int p;
            for (p = 1; p < TL_PREDICT_COUNT; p++)
                if (strcmp(optarg, predictors[p]) == 0)
                    break;
            if (p == TL_PREDICT_COUNT)
                return tl_cli_usage("bad --fb-select '%s' (want avg-idf, "
                                    "max-idf, clarity, clarity-gain, nqc "
                                    "or gap)", optarg);
            o.feedback.select = (enum tl_feedback_predictor)p;
            break;
        }
        case OPT_FB_MIN:
            if (!parse_double(optarg, -1e6, 1e6, &o.feedback.select_lo))
                return tl_cli_usage("bad --fb-min '%s' (want a number)",
                                    optarg);
            break;
        case OPT_FB_MAX:
            if (!parse_double(optarg, -1e6, 1e6, &o.feedback.select_hi))
                return tl_cli_usage("bad --fb-max '%s' (want a number)",
                                    optarg);
            break;
        case OPT_CLARITY_DOCS:
            if (!tl_cli_parse_long(optarg, 1, 1000, &o.feedback.clarity_docs))
                return tl_cli_usage("bad --clarity-docs '%s' (want 1-1000)",
                                    optarg);
            break;
        case OPT_BIGRAMS:
            if (!parse_double(optarg, 0, 100, &o.bigrams))
                return tl_cli_usage("bad --bigrams '%s' (want 0-100)",
                                    optarg);
            break;
        case OPT_QTF_K3:
            if (!parse_double(optarg, -1, 1e6, &rank.k3))
                return tl_cli_usage("bad --qtf-k3 '%s' (want -1 (off) to "
                                    "1000000)", optarg);
            ranked = 1;
            break;
        case OPT_PREDICT:
            o.predict = 1;
            break;
        case OPT_CLASSIC:
            rank.classic = 1;
            ranked = 1;
            break;
        case 'v':
            o.verbose = 1;
            break;
        case 'q':
            o.quiet = 1;
            break;
        case 'h':
            fputs(usage, stdout);
            return tl_cli_finish(0);
        default:
            return tl_cli_usage("unknown option");
        }
    }
    if (optind >= argc)
        return tl_cli_usage("no collection given");
    if (o.bigrams > 0 && o.feedback.method != TL_FEEDBACK_NONE)
        return tl_cli_usage("--bigrams does not go with --feedback");
    if (o.predict && o.run_dir == NULL)
        return tl_cli_usage("--predict needs --runs DIR");
    if (ranked)
        o.rank = &rank;
    return tl_cli_finish(harness_run(&o, argv + optind,
                                     (size_t)(argc - optind)));
}
