/* main.c - talaash-index: options, then run_index(). */
#include <getopt.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "indexer.h"

#define BATCH_MAX 1000000

/* glibc's malloc grows a thread's arena by M_TOP_PAD (128 kB) at a time,
 * an mprotect() each, and keeps no more than that at its top when it
 * gives memory back: the workers' pages were handed back and faulted in
 * again all run long (3,600 mprotect() calls; 0.23-0.28 s of system
 * time in a news corpus build of 1.6 s of CPU).  With 16 MB, builds took
 * 2-4 % less (docs/performance.md, session 21); the peak at 1,000,000
 * articles 146 -> 156-166 MB (it varies by 10-15 MB from run to run).
 * Setting it fixes the mmap threshold, which glibc otherwise raises as
 * large blocks are freed, up to 32 MB: set to that.  Linked with
 * tcmalloc (meson.build), none of this applies. */
static void
tune_malloc(void)
{
#if defined __GLIBC__ && !defined TL_TCMALLOC
    mallopt(M_TOP_PAD, 16 << 20);
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
#endif
}

static void
usage(void)
{
    printf(
"Usage: talaash-index [OPTION]... PATH...\n"
"Index the articles at PATH (files, or folders searched recursively) into\n"
"a Talaash database for the talaash search tool.\n"
"\n"
"Reads plain text (.txt), Markdown (.md, with optional front matter) and\n"
"HTML (.html, .htm) in UTF-8 or Windows-1252.  Boilerplate (cookie\n"
"notices, \"Read more\" lines, embedded tweets, comment forms, captions)\n"
"is dropped; title, author and date are taken from explicit fields, then\n"
"bylines, biographies and datelines; topics come from rules; each article\n"
"is split into passages.  Unchanged files are skipped unread, changed\n"
"ones replaced, renamed ones recognised by their content.  When the topic\n"
"rules differ from the last run's, every stored article is tagged again.\n"
"\n"
"Options:\n"
"  -d, --db PATH          the database (default: $TALAASH_DB, else\n"
"                         $XDG_DATA_HOME/talaash/talaash.db, else\n"
"                         ~/.local/share/talaash/talaash.db); created if\n"
"                         missing\n"
"  -t, --topics FILE      topic rules to use instead of the built-in ones\n"
"                         (format: talaash-index(1), TOPIC RULES)\n"
"  -m, --metadata FILE    a CSV file (columns path,title,author,date,topics)\n"
"                         whose values override what is extracted\n"
"      --prune            forget articles whose files are gone\n"
"      --optimize         merge the index into one segment at the end, as\n"
"                         a run that changes a tenth of the articles or\n"
"                         more, or leaves more than 8 segments, does\n"
"                         anyway (searches are 5-30 %% cheaper)\n"
"      --rehash           read every file and compare its contents, even\n"
"                         when its size and modification time are those\n"
"                         recorded (finds edits that kept both)\n"
"  -n, --dry-run          read and process the files, write nothing\n"
"  -e, --explain          with --dry-run: print, for each file, the metadata\n"
"                         and where it came from, the topics and the words\n"
"                         that set them, the passages, and every dropped\n"
"                         block with the rule that dropped it\n"
"  -j, --jobs N           read and process files on N threads besides the\n"
"                         one that writes (default: one per core); with 1,\n"
"                         one thread does everything\n"
"      --batch N          articles written per transaction (default\n"
"                         2048, or 32768 in a run that adds 1000 or\n"
"                         more): a kill or a crash loses at most the one\n"
"                         being written; smaller lets other writers in\n"
"                         sooner, larger builds a little faster\n"
"  -q, --quiet            print no progress and no summary line, only\n"
"                         warnings and errors\n"
"  -h, --help             show this help and exit\n"
"  -V, --version          show the version and exit\n"
"\n"
"Exit status: 0 if every file was indexed or up to date, 1 if some files\n"
"were skipped (the rest were indexed), 2 on a usage or fatal error.\n"
"\n"
"Examples:\n"
"  talaash-index ~/articles && talaash haqqani\n"
"  talaash-index --dry-run --explain article.html\n");
}

int
main(int argc, char **argv)
{
    enum { OPT_PRUNE = 256, OPT_REHASH, OPT_BATCH, OPT_OPTIMIZE };
    static const struct option longopts[] = {
        { "db", required_argument, NULL, 'd' },
        { "topics", required_argument, NULL, 't' },
        { "metadata", required_argument, NULL, 'm' },
        { "prune", no_argument, NULL, OPT_PRUNE },
        { "optimize", no_argument, NULL, OPT_OPTIMIZE },
        { "rehash", no_argument, NULL, OPT_REHASH },
        { "dry-run", no_argument, NULL, 'n' },
        { "explain", no_argument, NULL, 'e' },
        { "jobs", required_argument, NULL, 'j' },
        { "batch", required_argument, NULL, OPT_BATCH },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    struct index_options opt = { 0 };
    long jobs;
    int ch;

    tune_malloc();
    tl_db_setup();
    tl_cli_init("talaash-index");
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":d:t:m:nej:qhV", longopts, NULL)) != -1) {
        switch (ch) {
        case 'd':
            opt.db_path = optarg;
            break;
        case 't':
            opt.topics_path = optarg;
            break;
        case 'm':
            opt.metadata_path = optarg;
            break;
        case OPT_PRUNE:
            opt.prune = 1;
            break;
        case OPT_OPTIMIZE:
            opt.optimize = 1;
            break;
        case OPT_REHASH:
            opt.rehash = 1;
            break;
        case 'n':
            opt.dry_run = 1;
            break;
        case 'e':
            opt.explain = 1;
            break;
        case 'j':
            if (!tl_cli_parse_long(optarg, 1, JOBS_MAX, &jobs))
                return tl_cli_usage("bad --jobs '%s' (want a whole number "
                                    "from 1 to %d)", optarg, JOBS_MAX);
            opt.jobs = (int)jobs;
            break;
        case OPT_BATCH:
            if (!tl_cli_parse_long(optarg, 1, BATCH_MAX, &opt.batch))
                return tl_cli_usage("bad --batch '%s' (want a whole number "
                                    "from 1 to %d)", optarg, BATCH_MAX);
            break;
        case 'q':
            opt.quiet = 1;
            break;
        case 'h':
            usage();
            return tl_cli_finish(0);
        case 'V':
            printf("talaash-index %s (SQLite %s)\n", TL_VERSION,
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
    if (opt.explain && !opt.dry_run)
        return tl_cli_usage("--explain goes with --dry-run");
    if (opt.prune && opt.dry_run)
        return tl_cli_usage("--prune cannot be combined with --dry-run");
    if (opt.optimize && opt.dry_run)
        return tl_cli_usage("--optimize cannot be combined with --dry-run");
    if (optind >= argc && !opt.prune && !opt.optimize)
        return tl_cli_usage("no PATH to index");
    if (opt.jobs == 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        opt.jobs = cores < 1 ? 1 : cores > JOBS_MAX ? JOBS_MAX : (int)cores;
    }
    /* every worker stems the whole vocabulary: a cache of 65,536 words
     * (3 MB a connection) keeps most of it (the news corpus: CPU 2.66 ->
     * 2.52 s against 8,192, alternating medians of 6; 262,144 no
     * better) */
    tl_tokenizer_cache_slots(INDEX_STEM_CACHE);
    return tl_cli_finish(run_index(&opt, argv + optind, argc - optind));
}
