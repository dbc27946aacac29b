/* main.c - talaash: options, then run_search(). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "query.h"

#define LIMIT_DEFAULT 10
#define LIMIT_MAX 1000000

static void
usage(void)
{
    printf(
"Usage: talaash [OPTION]... WORD...\n"
"Search the articles indexed by talaash-index and print the best passages\n"
"first (BM25), each with its article's title, file and passage number,\n"
"and a snippet with the matched words highlighted.\n"
"\n"
"Every WORD must occur in a passage (or its article's title or author).\n"
"Words are matched by their stem, without regard to case or accents:\n"
"'negotiate' finds \"negotiations\", 'Pakistan's' finds \"Pakistan\".\n"
"A WORD holding punctuation is searched as the phrase of its parts:\n"
"'China-Pakistan' finds \"China Pakistan\", 'U.S.' finds \"US\".\n"
"\n"
"Options:\n"
"  -d, --db PATH        the database (default: $TALAASH_DB, else\n"
"                       $XDG_DATA_HOME/talaash/talaash.db, else\n"
"                       ~/.local/share/talaash/talaash.db)\n"
"  -n, --limit N        show at most N passages (default %d)\n"
"      --color=WHEN     highlight matches: auto (default: when stdout is a\n"
"                       terminal and NO_COLOR is unset), always or never\n"
"  -h, --help           show this help and exit\n"
"  -V, --version        show the version and exit\n"
"\n"
"Exit status: 0 if a passage matched, 1 if none did, 2 on an error.\n"
"\n"
"Examples:\n"
"  talaash haqqani\n"
"  talaash --limit 3 negotiate taliban\n", LIMIT_DEFAULT);
}

int
main(int argc, char **argv)
{
    enum { OPT_COLOR = 256 };
    static const struct option longopts[] = {
        { "db", required_argument, NULL, 'd' },
        { "limit", required_argument, NULL, 'n' },
        { "color", optional_argument, NULL, OPT_COLOR },
        { "colour", optional_argument, NULL, OPT_COLOR },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    struct query_options opt = { .limit = LIMIT_DEFAULT };
    int ch;

    tl_cli_init("talaash");
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":d:n:hV", longopts, NULL)) != -1) {
        switch (ch) {
        case 'd':
            opt.db_path = optarg;
            break;
        case 'n':
            if (!tl_cli_parse_long(optarg, 1, LIMIT_MAX, &opt.limit))
                return tl_cli_usage("bad --limit '%s' (want a whole number "
                                    "from 1 to %d)", optarg, LIMIT_MAX);
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
    if (optind >= argc)
        return tl_cli_usage("no WORD to search for");
    return tl_cli_finish(run_search(&opt, argv + optind, argc - optind));
}
