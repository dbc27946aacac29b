/* main.c - talaash-index: options, then run_index(). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "indexer.h"

static void
usage(void)
{
    printf(
"Usage: talaash-index [OPTION]... PATH...\n"
"Index the articles at PATH (files, or folders searched recursively) into\n"
"a Talaash database for the talaash search tool.\n"
"\n"
"Reads .txt and .md files.  Each paragraph (text between blank lines, or\n"
"each line where a file has no blank line) becomes a passage.  Files that\n"
"did not change since the last run are skipped; changed files replace\n"
"their older version.\n"
"\n"
"Options:\n"
"  -d, --db PATH   the database (default: $TALAASH_DB, else\n"
"                  $XDG_DATA_HOME/talaash/talaash.db, else\n"
"                  ~/.local/share/talaash/talaash.db); created if missing\n"
"  -q, --quiet     print no summary line, only warnings and errors\n"
"  -h, --help      show this help and exit\n"
"  -V, --version   show the version and exit\n"
"\n"
"Exit status: 0 if every file was indexed or up to date, 1 if some files\n"
"were skipped (the rest were indexed), 2 on a usage or fatal error.\n"
"\n"
"Example:\n"
"  talaash-index ~/articles && talaash haqqani\n");
}

int
main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "db", required_argument, NULL, 'd' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    struct index_options opt = { 0 };
    int ch;

    tl_cli_init("talaash-index");
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":d:qhV", longopts, NULL)) != -1) {
        switch (ch) {
        case 'd':
            opt.db_path = optarg;
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
    if (optind >= argc)
        return tl_cli_usage("no PATH to index");
    return tl_cli_finish(run_index(&opt, argv + optind, argc - optind));
}
