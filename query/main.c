/* main.c - talaash: options, then run_query(). */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run.h"

#define LIMIT_DEFAULT 10
#define LIMIT_MAX 1000000
#define PER_ARTICLE_DEFAULT 2
#define CONTEXT_DEFAULT 30
#define CONTEXT_MAX 10000

/* The database is memory-mapped (tl_db_open()): a page that cannot be
 * read (a disk error, a file cut short behind SQLite's back) arrives as
 * SIGBUS.  Said in one line, exit 2 (talaash writes nothing, so nothing
 * is lost). */
static void
on_sigbus(int sig)
{
    static const char msg[] = "talaash: could not read the database (a "
                              "disk error, or the file was cut short "
                              "while searching); check the disk, then "
                              "run the search again\n";
    ssize_t w = write(STDERR_FILENO, msg, sizeof msg - 1);

    (void)sig;
    (void)w;
    _exit(2);
}

static void
usage(void)
{
    printf(
"Usage: talaash [OPTION]... [QUERY]...\n"
"Search the articles indexed by talaash-index: the best passages first\n"
"(BM25), each with its rank, date, author, title, topics, score,\n"
"PATH#PASSAGE and a snippet with the matched words highlighted, wrapped to\n"
"the terminal's width.  With filters only (no words) passages come in\n"
"article order, with no score.\n"
"\n"
"Query (words are matched by stem, without regard to case or accents;\n"
"put -- before the query when a word could be taken for an option):\n"
"  haqqani network        passages with both words\n"
"  \"strategic dialogue\"   a phrase            a OR b      either word\n"
"  -word, NOT word        without the word    negot*      a prefix\n"
"  NEAR(taliban talks, 5) words within 5 of each other; (a OR b) c groups\n"
"  author:kugelman  topic:cpec  title:dialogue  date:2018..2019  date:2019-07\n"
"\n"
"Filters:\n"
"  -a, --author NAME      articles whose author's name holds NAME, case,\n"
"                         accents and punctuation aside (any of several)\n"
"  -t, --topic NAME       articles with the topic, case and accents aside\n"
"                         (any of several)\n"
"      --since DATE       articles dated on or after DATE (YYYY, YYYY-MM or\n"
"      --until DATE       YYYY-MM-DD; a date known to the month or year\n"
"                         counts when its month or year overlaps; a\n"
"                         range that ends before it starts is an error)\n"
"      --undated          only articles with no date\n"
"      --any              passages with any of the words (questions); one\n"
"                         holding only stopwords (the, why) is left out\n"
"      --expand           also search the telling words of the best passage\n"
"                         (pseudo-relevance feedback, Bo1: 40 words, each\n"
"                         weighing less than the query's); finds passages\n"
"                         that say the same in other words\n"
"      --explain          show the query as searched and, for each passage,\n"
"                         each word's stems and share of its score\n"
"      --exhaustive       score every matching passage, with the lengths\n"
"                         FTS5 counts in its text, instead of answering from\n"
"                         the impact lists or a walk by date (the same hits,\n"
"                         much slower; for checking)\n"
"      --synonyms FILE    add these synonym groups to the built-in ones\n"
"      --no-synonyms      search the words only as written\n"
"\n"
"Results:\n"
"  -n, --limit N          show N results (default %d)\n"
"      --offset N         skip the first N results\n"
"      --per-article N    at most N passages of one article (default %d;\n"
"                         0: no cap)\n"
"      --sort ORDER       rank (default), date (oldest first) or -date\n"
"  -C, --context N        about N words of context in a snippet (default\n"
"                         %d; 0: the whole passage)\n"
"  -f, --format FORMAT    text (default), csv or json (JSON Lines)\n"
"  -o, --output FILE      write to FILE instead of standard output\n"
"      --count            print only the number of matching passages and\n"
"                         articles\n"
"      --articles         list matching articles (all articles when there\n"
"                         is no query)\n"
"      --facets           hits by topic, author and year\n"
"      --timeline         hits per year as a bar chart, undated hits last\n"
"      --by UNIT          (--by month: per month)\n"
"      --kwic             one line per occurrence, the matched word in a\n"
"      --kwic-sort SIDE   column; sorted by the nearest word before (left)\n"
"                         or after (right) it, punctuation and case aside\n"
"      --color[=WHEN]     highlight: auto (default: when standard output is\n"
"                         a terminal and NO_COLOR is unset), always, never\n"
"  -d, --db PATH          the database (default: $TALAASH_DB, else\n"
"                         $XDG_DATA_HOME/talaash/talaash.db, else\n"
"                         ~/.local/share/talaash/talaash.db)\n"
"  -h, --help             show this help and exit\n"
"  -V, --version          show the version and exit\n"
"\n"
"When nothing matches, a word in no passage gets \"did you mean\" and a\n"
"query whose words are found apart gets a hint to use --any (on stderr).\n"
"\n"
"Exit status: 0 if something matched, 1 if nothing did, 2 on an error.\n"
"\n"
"Examples:\n"
"  talaash haqqani --since 2018 --until 2019\n"
"  talaash \"strategic dialogue\" author:kugelman\n"
"  talaash --format csv --limit 1000 cpec -o hits.csv\n",
           LIMIT_DEFAULT, PER_ARTICLE_DEFAULT, CONTEXT_DEFAULT);
}

static int
parse_date_option(const char *name, const char *value, struct tl_date *out)
{
    struct tl_error err = { 0 };

    if (tl_date_parse_filter(value, out, &err) != TL_OK) {
        tl_cli_usage("bad date '%s' in %s (want YYYY, YYYY-MM or "
                     "YYYY-MM-DD)", value, name);
        return 0;
    }
    return 1;
}

/* Is arg a long option whose value is the next argument ("--sort")? */
static int
takes_value(const char *arg)
{
    static const char *const with_value[] = {
        "--db", "--limit", "--offset", "--per-article", "--sort", "--author",
        "--topic", "--since", "--until", "--context", "--format", "--output",
        "--by", "--kwic-sort", "--synonyms", NULL,
    };

    for (const char *const *o = with_value; *o != NULL; o++)
        if (strcmp(arg, *o) == 0)
            return 1;
    return 0;
}

/* "-network" is a word to exclude, not "-n etwork": a single-dash
 * argument longer than two characters is a query word unless it is -n or
 * -C with digits attached ("-n5").  Such words get a leading ASCII unit
 * separator, which getopt leaves alone and run_query() removes. */
static void
protect_exclusions(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        size_t n = strlen(a);

        if (strcmp(a, "--") == 0)
            break;
        if (n <= 2 || a[0] != '-' || a[1] == '-')
            continue;
        if ((a[1] == 'n' || a[1] == 'C') && strspn(a + 2, "0123456789")
                                                == n - 2)
            continue;
        if (i > 1 && argv[i - 1][0] == '-' && strlen(argv[i - 1]) == 2
            && strchr("ndatCfo", argv[i - 1][1]) != NULL)
            continue;   /* the value of "-a" etc. */
        if (i > 1 && takes_value(argv[i - 1]))
            continue;   /* the value of "--sort" etc.: "--sort -date" */
        {
            char *w = malloc(n + 2);    /* never freed: lives as argv does */
            if (w == NULL)
                continue;
            w[0] = QUERY_WORD_MARK;
            memcpy(w + 1, a, n + 1);
            argv[i] = w;
        }
    }
}

static int
add_filter(const char **list, size_t *n, const char *value, const char *name)
{
    if (*n == MAX_FILTERS) {
        tl_cli_usage("too many %s options (at most %d)", name, MAX_FILTERS);
        return 0;
    }
    list[(*n)++] = value;
    return 1;
}

int
main(int argc, char **argv)
{
    enum {
        OPT_COLOR = 256, OPT_OFFSET, OPT_PER_ARTICLE, OPT_SORT, OPT_SINCE,
        OPT_UNTIL, OPT_UNDATED, OPT_ANY, OPT_COUNT, OPT_ARTICLES, OPT_FACETS,
        OPT_TIMELINE, OPT_BY, OPT_KWIC, OPT_KWIC_SORT, OPT_SYNONYMS,
        OPT_NO_SYNONYMS, OPT_EXPLAIN, OPT_EXHAUSTIVE, OPT_EXPAND,
    };
    static const struct option longopts[] = {
        { "db", required_argument, NULL, 'd' },
        { "limit", required_argument, NULL, 'n' },
        { "offset", required_argument, NULL, OPT_OFFSET },
        { "per-article", required_argument, NULL, OPT_PER_ARTICLE },
        { "sort", required_argument, NULL, OPT_SORT },
        { "author", required_argument, NULL, 'a' },
        { "topic", required_argument, NULL, 't' },
        { "since", required_argument, NULL, OPT_SINCE },
        { "until", required_argument, NULL, OPT_UNTIL },
        { "undated", no_argument, NULL, OPT_UNDATED },
        { "any", no_argument, NULL, OPT_ANY },
        { "explain", no_argument, NULL, OPT_EXPLAIN },
        { "exhaustive", no_argument, NULL, OPT_EXHAUSTIVE },
        { "expand", no_argument, NULL, OPT_EXPAND },
        { "context", required_argument, NULL, 'C' },
        { "format", required_argument, NULL, 'f' },
        { "output", required_argument, NULL, 'o' },
        { "count", no_argument, NULL, OPT_COUNT },
        { "articles", no_argument, NULL, OPT_ARTICLES },
        { "facets", no_argument, NULL, OPT_FACETS },
        { "timeline", no_argument, NULL, OPT_TIMELINE },
        { "by", required_argument, NULL, OPT_BY },
        { "kwic", no_argument, NULL, OPT_KWIC },
        { "kwic-sort", required_argument, NULL, OPT_KWIC_SORT },
        { "synonyms", required_argument, NULL, OPT_SYNONYMS },
        { "no-synonyms", no_argument, NULL, OPT_NO_SYNONYMS },
        { "color", optional_argument, NULL, OPT_COLOR },
        { "colour", optional_argument, NULL, OPT_COLOR },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    struct query_options opt;
    const char *by = NULL;
    int ch, modes = 0;

    memset(&opt, 0, sizeof opt);
    opt.limit = LIMIT_DEFAULT;
    opt.per_article = PER_ARTICLE_DEFAULT;
    opt.context = CONTEXT_DEFAULT;
    tl_db_setup();
    tl_cli_init("talaash");
    signal(SIGBUS, on_sigbus);
    protect_exclusions(argc, argv);
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":d:n:a:t:C:f:o:hV", longopts,
                             NULL)) != -1) {
        switch (ch) {
        case 'd':
            opt.db_path = optarg;
            break;
        case 'n':
            if (!tl_cli_parse_long(optarg, 1, LIMIT_MAX, &opt.limit))
                return tl_cli_usage("bad --limit '%s' (want a whole number "
                                    "from 1 to %d)", optarg, LIMIT_MAX);
            break;
        case OPT_OFFSET:
            if (!tl_cli_parse_long(optarg, 0, LIMIT_MAX, &opt.offset))
                return tl_cli_usage("bad --offset '%s' (want a whole number "
                                    "from 0 to %d)", optarg, LIMIT_MAX);
            break;
        case OPT_PER_ARTICLE:
            if (!tl_cli_parse_long(optarg, 0, LIMIT_MAX, &opt.per_article))
                return tl_cli_usage("bad --per-article '%s' (want a whole "
                                    "number from 0 to %d)", optarg,
                                    LIMIT_MAX);
            break;
        case 'C':
            if (!tl_cli_parse_long(optarg, 0, CONTEXT_MAX, &opt.context))
                return tl_cli_usage("bad --context '%s' (want a whole number "
                                    "from 0 to %d)", optarg, CONTEXT_MAX);
            break;
        case OPT_SORT:
            if (strcmp(optarg, "rank") == 0)
                opt.sort = TL_SORT_RANK;
            else if (strcmp(optarg, "date") == 0)
                opt.sort = TL_SORT_DATE;
            else if (strcmp(optarg, "-date") == 0)
                opt.sort = TL_SORT_DATE_DESC;
            else
                return tl_cli_usage("bad --sort '%s' (want rank, date or "
                                    "-date)", optarg);
            break;
        case 'a':
            if (!add_filter(opt.authors, &opt.n_authors, optarg, "--author"))
                return 2;
            break;
        case 't':
            if (!add_filter(opt.topics, &opt.n_topics, optarg, "--topic"))
                return 2;
            break;
        case OPT_SINCE:
            if (!parse_date_option("--since", optarg, &opt.since))
                return 2;
            break;
        case OPT_UNTIL:
            if (!parse_date_option("--until", optarg, &opt.until))
                return 2;
            break;
        case OPT_UNDATED:
            opt.undated = 1;
            break;
        case OPT_ANY:
            opt.any = 1;
            break;
        case OPT_EXPLAIN:
            opt.explain = 1;
            break;
        case OPT_EXHAUSTIVE:
            opt.exhaustive = 1;
            break;
        case OPT_EXPAND:
            opt.expand = 1;
            break;
        case 'f':
            if (strcmp(optarg, "text") == 0)
                opt.format = FORMAT_TEXT;
            else if (strcmp(optarg, "csv") == 0)
                opt.format = FORMAT_CSV;
            else if (strcmp(optarg, "json") == 0)
                opt.format = FORMAT_JSON;
            else
                return tl_cli_usage("bad --format '%s' (want text, csv or "
                                    "json)", optarg);
            break;
        case 'o':
            opt.output = optarg;
            break;
        case OPT_COUNT:
            opt.mode = MODE_COUNT;
            modes++;
            break;
        case OPT_ARTICLES:
            opt.mode = MODE_ARTICLES;
            modes++;
            break;
        case OPT_FACETS:
            opt.mode = MODE_FACETS;
            modes++;
            break;
        case OPT_TIMELINE:
            opt.mode = MODE_TIMELINE;
            modes++;
            break;
        case OPT_BY:
            by = optarg;
            if (strcmp(optarg, "month") != 0 && strcmp(optarg, "year") != 0)
                return tl_cli_usage("bad --by '%s' (want year or month)",
                                    optarg);
            opt.by_month = strcmp(optarg, "month") == 0;
            break;
        case OPT_KWIC:
            opt.mode = MODE_KWIC;
            modes++;
            break;
        case OPT_KWIC_SORT:
            if (strcmp(optarg, "left") == 0)
                opt.kwic_sort = KWIC_SORT_LEFT;
            else if (strcmp(optarg, "right") == 0)
                opt.kwic_sort = KWIC_SORT_RIGHT;
            else
                return tl_cli_usage("bad --kwic-sort '%s' (want left or "
                                    "right)", optarg);
            break;
        case OPT_SYNONYMS:
            opt.synonyms_path = optarg;
            break;
        case OPT_NO_SYNONYMS:
            opt.no_synonyms = 1;
            break;
        case OPT_COLOR:
            if (!tl_cli_parse_color(optarg, &opt.color))
                return tl_cli_usage("bad --color '%s' (want auto, always or "
                                    "never)", optarg);
            break;
        case 'h':
            usage();
            return tl_cli_finish(0);
        case 'V':
            printf("talaash %s (SQLite %s)\n", TL_VERSION,
                   sqlite3_libversion());
            return tl_cli_finish(0);
        case ':':
            return tl_cli_usage("option '%s' needs a value", argv[optind - 1]);
        default:
            if (optopt != 0)
                return tl_cli_usage("unknown option '-%c'", optopt);
            return tl_cli_usage("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (modes > 1)
        return tl_cli_usage("choose one of --count, --articles, --facets, "
                            "--timeline and --kwic");
    if (opt.explain && (opt.mode != MODE_PASSAGES
                        || opt.format != FORMAT_TEXT))
        return tl_cli_usage("--explain explains passages in text: it does "
                            "not go with --format csv or json, --count, "
                            "--articles, --facets, --timeline or --kwic");
    if (opt.expand && opt.mode != MODE_PASSAGES && opt.mode != MODE_ARTICLES)
        return tl_cli_usage("--expand goes with a list of passages or "
                            "articles (not --count, --facets, --timeline or "
                            "--kwic)");
    if (opt.expand && opt.sort != TL_SORT_RANK)
        return tl_cli_usage("--expand ranks by score: it cannot be combined "
                            "with --sort=date or --sort=-date");
    if (by != NULL && opt.mode != MODE_TIMELINE)
        return tl_cli_usage("--by goes with --timeline");
    if (opt.kwic_sort != KWIC_SORT_RANK && opt.mode != MODE_KWIC)
        return tl_cli_usage("--kwic-sort goes with --kwic");
    if (optind >= argc && opt.mode != MODE_ARTICLES && opt.mode != MODE_COUNT
        && opt.mode != MODE_FACETS && opt.mode != MODE_TIMELINE
        && opt.n_authors == 0 && opt.n_topics == 0 && !opt.undated
        && opt.since.precision == TL_DATE_NONE
        && opt.until.precision == TL_DATE_NONE)
        return tl_cli_usage("no QUERY to search for");
    return tl_cli_finish(run_query(&opt, argv + optind, argc - optind));
}
