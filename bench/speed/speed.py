#!/usr/bin/env python3
"""The speed benchmark (issue 7): talaash-index and talaash against a bare
SQLite FTS5 table, measured in the same run on the same corpus.

Run it through bench/speed/run.sh, which builds the programs first:

  bench/speed/run.sh [--scale N]... [--runs K] [--query-runs Q]
                     [--workdir DIR] [--jobs J] [--no-doc]

For each corpus size (default: the real news corpus, 21,268 articles;
--scale N grows it with ../shared/tools/scale-corpus.py):

* indexing: a full build (from an empty database), a re-run with nothing
  changed, and a re-run after 1 % of the files changed; wall time, MB/s
  of raw text, CPU time, peak memory (ru_maxrss of the process, the figure
  /usr/bin/time -f %M prints), database size / raw text.  K runs each,
  talaash and the baseline alternating; medians reported.
* queries: a fixed list of queries of every kind, each run as a whole
  process (exec to exit) Q times, talaash and the baseline alternating;
  per query the median; over the list p50 and p95.

The baseline is bench/speed/fts5-load (a plain FTS5 table with
tokenize='porter unicode61', one row per title + paragraph) and
bench/speed/fts5-query (SELECT ... ORDER BY bm25(docs) LIMIT n).

Results go to bench/speed/results/<articles>.json (one file per corpus
size, the latest run) and, unless --no-doc, into docs/performance.md
between the markers below, rebuilt from every results file.
This is a benchmark, not a test: it fails only when a program fails.
"""
import argparse
import datetime
import json
import math
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time

REAL_ARTICLES = 21268
ENV = dict(os.environ)
TIME = "/usr/bin/time"      # GNU time, for %M
WORKDIR = "/tmp"
BEGIN_MARK = "<!-- speed-results:begin (bench/speed/run.sh writes this part) -->"
END_MARK = "<!-- speed-results:end -->"

# The query list: (kind, talaash options, talaash words, baseline options,
# FTS5 query), translated by hand.  "{out}" is replaced by a file in the
# work folder.  The baseline has no dates, topics or per-article cap: a
# bare FTS5 user gets the words only.
QUERIES = [
    ("rare word", [], ["pinochet"], [], "pinochet"),
    ("very common word", [], ["said"], [], "said"),
    ("common word", [], ["oil"], [], "oil"),
    ("2-word AND", [], ["oil", "prices"], [], "oil prices"),
    ("3-word AND", [], ["central", "bank", "interest"], [],
     "central bank interest"),
    ("AND, rare + common", [], ["pinochet", "said"], [], "pinochet said"),
    ("2-word OR", [], ["wheat", "OR", "corn"], [], "wheat OR corn"),
    ("3-word OR", [], ["gold", "OR", "silver", "OR", "copper"], [],
     "gold OR silver OR copper"),
    ("OR of common words", [], ["said", "OR", "year"], [], "said OR year"),
    ("group", [], ["(wheat", "OR", "corn)", "export"], [],
     "(wheat OR corn) AND export"),
    ("2-word phrase", [], ['"interest rates"'], [], '"interest rates"'),
    ("3-word phrase", [], ['"chancellor gordon brown"'], [],
     '"chancellor gordon brown"'),
    ("phrase of common words", [], ['"he said"'], [], '"he said"'),
    ("prefix", [], ["negot*"], [], "negot*"),
    ("prefix, common", [], ["econom*"], [], "econom*"),
    ("NEAR", [], ["NEAR(oil opec, 5)"], [], "NEAR(oil opec, 5)"),
    ("exclusion", [], ["oil", "-opec"], [], "oil NOT opec"),
    ("title field", [], ["title:oil"], [], "title:oil"),
    ("question (--any)", ["--any"], ["why", "did", "oil", "prices", "fall"],
     [], "why OR did OR oil OR prices OR fall"),
    ("date filter (10 %)", ["--since", "1995", "--until", "1996"], ["oil"],
     [], "oil"),
    ("topic filter (10 %)", ["--topic", "synthetic3"], ["said"], [], "said"),
    ("newest first", ["--sort=-date"], ["said"], [], "said"),
    ("misspelt, no match", [], ["fianance"], [], "fianance"),
    ("count only", ["--count"], ["said"], ["--count"], "said"),
    ("CSV export, 1,000 hits",
     ["--format", "csv", "--limit", "1000", "-o", "{out}"], ["said"],
     ["--format", "csv", "--limit", "1000", "-o", "{out}"], "said"),
]

# The targets of issue 7, checked against whatever results exist.
TARGETS_TEXT = [
    "indexing MB/s >= 1.5 x the baseline's (both cores)",
    "re-run with nothing changed < 1 s (real corpus)",
    "peak memory < 200 MB at 1,000,000 articles",
    "database <= 1.5 x the raw text",
    "query p50 < 5 ms and p95 < 10 ms (real corpus)",
    "query p95 < 15 ms at 200,000 articles",
    "index time linear in the corpus (ms a MB at the largest within 1.2x "
    "of the smallest's), query latency far slower (p50 grows under a "
    "quarter as fast as the text)",
]


def die(msg):
    sys.exit("speed: " + msg)


def log(msg):
    print("speed: " + msg, file=sys.stderr, flush=True)


# ---- running one process, timed ------------------------------------------

class Sample:
    def __init__(self, wall, cpu, rss_kb, rc):
        self.wall, self.cpu, self.rss_kb, self.rc = wall, cpu, rss_kb, rc


def run_timed(argv, stdout_path=os.devnull, stderr_path=os.devnull,
              ok=(0,), mem=False):
    """Runs argv (argv[0] a path) from exec to exit: its wall time, its CPU
    time (user + system, from wait4), and with mem, under /usr/bin/time,
    its peak resident set size (%M).  Not ru_maxrss from our wait4: the child
    shares this process' memory until exec, and the kernel carries that
    high-water mark (Python's ~20 MB) over into the child's figure."""
    memfile = None
    if mem:
        memfile = os.path.join(WORKDIR, "time.out")
        argv = [TIME, "-f", "%M", "-o", memfile] + argv
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, stdout_path,
         os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
        (os.POSIX_SPAWN_OPEN, 2, stderr_path,
         os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
    ]
    t0 = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, ENV, file_actions=actions)
    _, status, ru = os.wait4(pid, 0)
    t1 = time.perf_counter()
    rc = os.waitstatus_to_exitcode(status)
    if rc not in ok:
        err = ""
        if stderr_path != os.devnull and os.path.exists(stderr_path):
            with open(stderr_path, errors="replace") as fh:
                err = fh.read()[-2000:]
        die("%s exited with %d\n%s" % (" ".join(argv), rc, err))
    rss = None
    if mem:
        with open(memfile) as fh:
            last = fh.read().split("\n")
        rss = int([ln for ln in last if ln.strip()][-1].split()[0])
    # CPU time is the child's own (with mem: time's, which includes the
    # program it waited for; time itself adds about a millisecond)
    return Sample(t1 - t0, ru.ru_utime + ru.ru_stime, rss, rc)


# ---- corpora -------------------------------------------------------------

def list_files(top):
    """Every .txt file under top, sorted, and their total size."""
    out, total = [], 0
    stack = [top]
    while stack:
        d = stack.pop()
        with os.scandir(d) as it:
            for e in it:
                if e.name.startswith("."):
                    continue
                if e.is_dir(follow_symlinks=False):
                    stack.append(e.path)
                elif e.name.endswith(".txt") and e.is_file():
                    out.append(e.path)
                    total += e.stat().st_size
    out.sort()
    return out, total


def corpus_at(path):
    """The corpus's folder and the type of its file system."""
    fs, best = "unknown", ""
    try:
        with open("/proc/mounts") as fh:
            for line in fh:
                f = line.split()
                if len(f) >= 3 and (path == f[1] or path.startswith(
                        f[1].rstrip("/") + "/")) and len(f[1]) > len(best):
                    best, fs = f[1], f[2]
    except OSError:
        pass
    return "%s (%s)" % (path, fs)


def prepare_corpus(args, n):
    """The folder holding n articles, made if missing."""
    cdir = args.corpus_dir or os.path.join(args.workdir, "corpus")
    os.makedirs(cdir, exist_ok=True)
    real = os.path.join(cdir, "news-rb")
    done = real + ".done"
    if not os.path.exists(done):
        shutil.rmtree(real, ignore_errors=True)
        log("unpacking %s" % args.corpus)
        subprocess.run(["tar", "-xJf", args.corpus, "-C", cdir], check=True)
        with open(done, "w") as fh:
            fh.write("ok\n")
    if n == REAL_ARTICLES:
        return real
    scaled = os.path.join(cdir, "scale-%d" % n)
    done = scaled + ".done"
    if not os.path.exists(done):
        shutil.rmtree(scaled, ignore_errors=True)
        log("growing the corpus to %d articles (scale-corpus.py)" % n)
        subprocess.run([sys.executable, args.scale_tool, real, scaled,
                        str(n)], check=True)
        with open(done, "w") as fh:
            fh.write("ok\n")
    return scaled


def warm(files):
    """Reads every file once so that both systems start from a warm cache."""
    for p in files:
        with open(p, "rb") as fh:
            while fh.read(1 << 20):
                pass


# ---- databases -------------------------------------------------------------

def remove_db(path):
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.remove(path + suffix)
        except FileNotFoundError:
            pass


def db_size(path):
    total = 0
    for suffix in ("", "-wal"):
        try:
            total += os.path.getsize(path + suffix)
        except FileNotFoundError:
            pass
    return total


def table_sizes(db):
    """Bytes per table and index (SQLite's dbstat), largest first."""
    try:
        con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
        rows = con.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY "
                           "name ORDER BY 2 DESC").fetchall()
        con.close()
    except sqlite3.Error:
        return []
    return [[name, size] for name, size in rows]


class System:
    """One side of the comparison: how to index and how to query."""

    def __init__(self, name, index_argv, query_argv, db):
        self.name, self.index_argv, self.query_argv = name, index_argv, query_argv
        self.db = db

    def index(self, corpus, log_path):
        return run_timed(self.index_argv(self.db, corpus),
                         stderr_path=log_path, ok=(0,), mem=True)


def systems(args, n):
    dbdir = os.path.join(args.workdir, "db")
    os.makedirs(dbdir, exist_ok=True)
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    talaash = System(
        "talaash",
        lambda db, c: [args.talaash_index, "-q", "--db", db] + jobs + [c],
        lambda db, q: [args.talaash, "--db", db, "--color=never"] + q[1]
        + ["--"] + q[2],
        os.path.join(dbdir, "talaash-%d.db" % n))
    fts5 = System(
        "fts5",
        lambda db, c: [args.fts5_load, "--db", db, c],
        lambda db, q: [args.fts5_query, "--db", db] + q[3] + [q[4]],
        os.path.join(dbdir, "fts5-%d.db" % n))
    return [talaash, fts5]


def annotate(db):
    """Gives every article of the talaash database a date (spread evenly
    over 1987-2006) and one of ten topics synthetic0..synthetic9, as a
    --metadata manifest would: the corpus has none, and date and topic
    filters need something to select.  Touches no indexed column."""
    con = sqlite3.connect(db)
    with con:
        con.execute(
            "UPDATE articles SET pub_date = date('1987-01-01', '+' || "
            "((id * 7919) % 7305) || ' days'), date_precision = 'day', "
            "date_source = 'manifest'")
        for k in range(10):
            con.execute("INSERT OR IGNORE INTO topics (name) VALUES (?)",
                        ("synthetic%d" % k,))
        con.execute(
            "INSERT OR IGNORE INTO article_topics (article_id, topic_id, "
            "source) SELECT a.id, t.id, 'manifest' FROM articles AS a "
            "JOIN topics AS t ON t.name = 'synthetic' || (a.id % 10)")
    con.close()


# ---- statistics --------------------------------------------------------------

def percentile(xs, p):
    """Linear interpolation between closest ranks (numpy's default)."""
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * p
    f, c = math.floor(k), math.ceil(k)
    return xs[f] + (xs[c] - xs[f]) * (k - f)


def summary(samples):
    walls = [s.wall for s in samples]
    return {
        "wall_s": statistics.median(walls),
        "wall_min_s": min(walls),
        "wall_max_s": max(walls),
        "cpu_s": statistics.median(s.cpu for s in samples),
        "peak_kb": statistics.median(s.rss_kb for s in samples),
        "peak_max_kb": max(s.rss_kb for s in samples),
        "runs": len(samples),
    }


# ---- the measurements ----------------------------------------------------------

def measure_indexing(args, n, corpus, files, nbytes, sides):
    logdir = os.path.join(args.workdir, "log")
    os.makedirs(logdir, exist_ok=True)
    res = {s.name: {} for s in sides}
    k = args.runs

    def order(r):
        return sides if r % 2 == 0 else list(reversed(sides))

    full = {s.name: [] for s in sides}
    sizes = {s.name: [] for s in sides}
    for r in range(k):
        for s in order(r):
            remove_db(s.db)
            log("%d articles: full build %d/%d, %s" % (n, r + 1, k, s.name))
            full[s.name].append(s.index(corpus, os.path.join(
                logdir, "%s-%d-full.log" % (s.name, n))))
            sizes[s.name].append(db_size(s.db))
    for s in sides:
        res[s.name]["db_tables"] = table_sizes(s.db)
        res[s.name]["full"] = summary(full[s.name])
        res[s.name]["full"]["mb_per_s"] = nbytes / 1e6 / res[s.name]["full"]["wall_s"]
        res[s.name]["db_bytes"] = sizes[s.name][-1]
        res[s.name]["db_ratio"] = sizes[s.name][-1] / nbytes

    same = {s.name: [] for s in sides}
    for r in range(k):
        for s in order(r):
            log("%d articles: re-run, nothing changed %d/%d, %s"
                % (n, r + 1, k, s.name))
            same[s.name].append(s.index(corpus, os.path.join(
                logdir, "%s-%d-same.log" % (s.name, n))))
    for s in sides:
        res[s.name]["unchanged"] = summary(same[s.name])

    # 1 %: every 100th file, a different set each run; a paragraph is
    # appended, both systems re-run (measured), then the files are put
    # back and both re-run again (not measured).
    changed = {s.name: [] for s in sides}
    for r in range(k):
        chosen = files[r % 100::100]
        saved = []
        for p in chosen:
            with open(p, "rb") as fh:
                saved.append(fh.read())
            with open(p, "ab") as fh:
                fh.write(b"\nA paragraph the speed benchmark added, run %d.\n"
                         % r)
        for s in order(r):
            log("%d articles: re-run, %d files changed %d/%d, %s"
                % (n, len(chosen), r + 1, k, s.name))
            changed[s.name].append(s.index(corpus, os.path.join(
                logdir, "%s-%d-changed.log" % (s.name, n))))
        for p, data in zip(chosen, saved):
            with open(p, "wb") as fh:
                fh.write(data)
        for s in sides:
            s.index(corpus, os.devnull)
    for s in sides:
        res[s.name]["changed_1pct"] = summary(changed[s.name])
        res[s.name]["changed_files"] = len(files[0::100])
    return res


def measure_queries(args, n, sides):
    outdir = os.path.join(args.workdir, "out")
    os.makedirs(outdir, exist_ok=True)
    errpath = os.path.join(outdir, "stderr.txt")
    q_runs = args.query_runs

    def argv_for(s, q):
        out = os.path.join(outdir, "%s.csv" % s.name)
        return [a.replace("{out}", out) for a in s.query_argv(s.db, q)]

    # a warm-up run of each under /usr/bin/time (peak memory), which also
    # checks the exit status; the timed rounds run the programs bare
    rcs, peaks = {}, {}
    for q in QUERIES:
        for s in sides:
            smp = run_timed(argv_for(s, q), stderr_path=errpath, ok=(0, 1),
                            mem=True)
            rcs[(s.name, q[0])] = smp.rc
            peaks[(s.name, q[0])] = smp.rss_kb
    samples = {(s.name, q[0]): [] for s in sides for q in QUERIES}
    for r in range(q_runs):
        log("%d articles: queries, round %d/%d" % (n, r + 1, q_runs))
        for q in QUERIES:
            for s in (sides if r % 2 == 0 else list(reversed(sides))):
                samples[(s.name, q[0])].append(
                    run_timed(argv_for(s, q), ok=(0, 1)))
    floor = [run_timed(["/bin/true"]) for _ in range(max(q_runs, 20))]

    res = {"floor_ms": statistics.median(x.wall for x in floor) * 1e3,
           "per_query": [], "runs": q_runs}
    for q in QUERIES:
        row = {"kind": q[0],
               "talaash": " ".join(q[1] + q[2]).replace("{out}", "FILE"),
               "fts5": " ".join(q[3] + [q[4]]).replace("{out}", "FILE")}
        for s in sides:
            xs = samples[(s.name, q[0])]
            row[s.name + "_ms"] = statistics.median(x.wall for x in xs) * 1e3
            row[s.name + "_cpu_ms"] = statistics.median(x.cpu
                                                        for x in xs) * 1e3
            row[s.name + "_peak_kb"] = peaks[(s.name, q[0])]
            row[s.name + "_rc"] = rcs[(s.name, q[0])]
        res["per_query"].append(row)
    for s in sides:
        meds = [row[s.name + "_ms"] for row in res["per_query"]]
        cpus = [row[s.name + "_cpu_ms"] for row in res["per_query"]]
        res[s.name] = {
            "p50_ms": percentile(meds, 0.50),
            "p95_ms": percentile(meds, 0.95),
            "max_ms": max(meds),
            "cpu_p50_ms": percentile(cpus, 0.50),
            "cpu_p95_ms": percentile(cpus, 0.95),
            "peak_kb": max(row[s.name + "_peak_kb"]
                           for row in res["per_query"]),
        }
    return res


# ---- the machine -----------------------------------------------------------------

def linking(path):
    """'static' or 'dynamic': whether the ELF program asks for a loader
    (a PT_INTERP header)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(64)
            if head[:4] != b"\x7fELF" or head[4] != 2:
                return "unknown"
            phoff = int.from_bytes(head[32:40], "little")
            phentsize = int.from_bytes(head[54:56], "little")
            phnum = int.from_bytes(head[56:58], "little")
            fh.seek(phoff)
            table = fh.read(phentsize * phnum)
    except OSError:
        return "unknown"
    for i in range(phnum):
        if int.from_bytes(table[i * phentsize:i * phentsize + 4],
                          "little") == 3:           # PT_INTERP
            return "dynamic"
    return "static"


def machine():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as fh:
            mem = "%.0f GB" % (int(fh.readline().split()[1]) / 1024 / 1024)
    except (OSError, ValueError, IndexError):
        pass
    os_name = platform.platform()
    try:
        with open("/etc/os-release") as fh:
            for line in fh:
                if line.startswith("PRETTY_NAME="):
                    os_name = line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    cc = subprocess.run(["cc", "--version"], capture_output=True, text=True)
    return {
        "cpu": "%s, %d cores" % (cpu, os.cpu_count() or 0),
        "memory": mem,
        "os": "%s, Linux %s" % (os_name, platform.release()),
        "sqlite": sqlite3.sqlite_version,
        "compiler": cc.stdout.splitlines()[0] if cc.returncode == 0 else "",
    }


def git_state(root):
    def git(*a):
        p = subprocess.run(["git", "-C", root] + list(a), capture_output=True,
                           text=True)
        return p.stdout.strip() if p.returncode == 0 else ""
    head = git("rev-parse", "--short", "HEAD")
    dirty = git("status", "--porcelain", "--untracked-files=no", "--",
                "lib", "indexer", "query", "schema")
    return head + (" + uncommitted changes in lib/indexer/query" if dirty
                   else "")


# ---- the document ------------------------------------------------------------------

def ratio(a, b):
    if a is None or b is None or b == 0:
        return "-"
    return "%.2fx" % (a / b)


def fmt(x, nd=1):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return "{:,.{}f}".format(x, nd)


def render(results):
    """The generated part of docs/performance.md, from every results file."""
    rs = sorted(results, key=lambda r: r["articles"])
    out = [BEGIN_MARK, ""]
    out.append("Runs (each corpus size keeps its latest run):")
    out.append("")
    for r in rs:
        m = r["machine"]
        out.append("* %s articles: %s, `%s`, commit %s; %s; %s; %s; "
                   "SQLite %s; %s%s%s.  Load average %.2f before, %.2f "
                   "after; %d index runs, %d query rounds."
                   % (fmt(r["articles"], 0), r["date"],
                      r["command"].replace(" --no-doc", ""),
                      r["commit"], m["cpu"], m["memory"], m["os"],
                      m["sqlite"], m["compiler"],
                      "; linked: " + m["linking"] if "linking" in m else "",
                      "; corpus in " + r["corpus_at"] if "corpus_at" in r
                      else "",
                      r["load_before"], r["load_after"], r["runs"],
                      r["queries"]["runs"]))
    out.append("")
    out.append("### Indexing")
    out.append("")
    out.append("Medians; \"spread\" is the fastest and slowest run.  MB = "
               "10^6 bytes of raw text.  CPU is user + system time of the "
               "process (all threads).")
    out.append("")
    out.append("| articles | text MB | system | full build s (spread) | "
               "MB/s | CPU s | peak MB | DB MB | DB / text | "
               "nothing changed s | 1 % changed s |")
    out.append("| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | "
               "---: | ---: | ---: |")
    for r in rs:
        for name in ("talaash", "fts5"):
            x = r["indexing"][name]
            spread = ("(%s-%s)" % (fmt(x["full"]["wall_min_s"], 1),
                                   fmt(x["full"]["wall_max_s"], 1))
                      if x["full"]["runs"] > 1 else "(1 run)")
            out.append("| %s | %s | %s | %s %s | %s | %s | %s | %s | "
                       "%.2fx | %s | %s |" % (
                           fmt(r["articles"], 0), fmt(r["bytes"] / 1e6),
                           "talaash-index" if name == "talaash"
                           else "bare FTS5",
                           fmt(x["full"]["wall_s"], 2), spread,
                           fmt(x["full"]["mb_per_s"], 2),
                           fmt(x["full"]["cpu_s"], 1),
                           fmt(x["full"]["peak_kb"] / 1024),
                           fmt(x["db_bytes"] / 1e6), x["db_ratio"],
                           fmt(x["unchanged"]["wall_s"], 2),
                           fmt(x["changed_1pct"]["wall_s"], 2)))
        t, b = r["indexing"]["talaash"], r["indexing"]["fts5"]
        out.append("| | | **ratio** | **%.2fx** | **%.2fx** | %.2fx | "
                   "%.2fx | | %.2fx | %.2fx | %.2fx |" % (
                       t["full"]["wall_s"] / b["full"]["wall_s"],
                       t["full"]["mb_per_s"] / b["full"]["mb_per_s"],
                       t["full"]["cpu_s"] / b["full"]["cpu_s"],
                       t["full"]["peak_kb"] / b["full"]["peak_kb"],
                       t["db_ratio"] / b["db_ratio"],
                       t["unchanged"]["wall_s"] / b["unchanged"]["wall_s"],
                       t["changed_1pct"]["wall_s"]
                       / b["changed_1pct"]["wall_s"]))
    out.append("")
    out.append("Ratios are talaash / baseline: below 1 is faster or smaller, "
               "except MB/s, where above 1 is faster.  Peak memory of the "
               "re-runs: %s." % "; ".join(
                   "%s articles talaash-index %s / %s MB, FTS5 %s / %s MB "
                   "(nothing changed / 1 %%)" % (
                       fmt(r["articles"], 0),
                       fmt(r["indexing"]["talaash"]["unchanged"]["peak_kb"]
                           / 1024),
                       fmt(r["indexing"]["talaash"]["changed_1pct"]["peak_kb"]
                           / 1024),
                       fmt(r["indexing"]["fts5"]["unchanged"]["peak_kb"]
                           / 1024),
                       fmt(r["indexing"]["fts5"]["changed_1pct"]["peak_kb"]
                           / 1024)) for r in rs))
    for r in rs:
        parts = []
        for name in ("talaash", "fts5"):
            tables = r["indexing"][name].get("db_tables")
            if tables:
                parts.append("%s: %s" % (
                    "talaash" if name == "talaash" else "FTS5",
                    ", ".join("%s %s" % (t, fmt(b / 1e6)) for t, b in
                              tables[:6])))
        if parts:
            out.append("")
            out.append("Where the database bytes are (MB, %s articles, "
                       "largest tables and indexes): %s." % (
                           fmt(r["articles"], 0), "; ".join(parts)))
    out.append("")
    out.append("### Queries")
    out.append("")
    out.append("Whole process, exec to exit, warm page cache; per query the "
               "median of its rounds, then p50/p95 over the %d queries "
               "(linear interpolation).  CPU is the process' user + system "
               "time: what the latency would be on an idle machine, less "
               "any waiting.  The floor is spawning `/bin/true` the same "
               "way." % len(QUERIES))
    out.append("")
    out.append("| articles | system | p50 ms | p95 ms | slowest ms | "
               "CPU p50 ms | CPU p95 ms | peak MB | floor ms |")
    out.append("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | "
               "---: |")
    for r in rs:
        q = r["queries"]
        for name in ("talaash", "fts5"):
            out.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                fmt(r["articles"], 0),
                "talaash" if name == "talaash" else "bare FTS5",
                fmt(q[name]["p50_ms"]), fmt(q[name]["p95_ms"]),
                fmt(q[name]["max_ms"]), fmt(q[name].get("cpu_p50_ms")),
                fmt(q[name].get("cpu_p95_ms")),
                fmt(q[name]["peak_kb"] / 1024), fmt(q["floor_ms"], 2)))
        out.append("| | **ratio** | **%s** | **%s** | %s | %s | %s | %s | |"
                   % tuple(ratio(q["talaash"].get(k), q["fts5"].get(k))
                           for k in ("p50_ms", "p95_ms", "max_ms",
                                     "cpu_p50_ms", "cpu_p95_ms", "peak_kb")))
    out.append("")
    for r in rs:
        out.append("Per query, %s articles (median ms of %d rounds, wall "
                   "and CPU; exit status 1 = nothing found):"
                   % (fmt(r["articles"], 0), r["queries"]["runs"]))
        out.append("")
        out.append("| kind | talaash arguments | ms | CPU ms | FTS5 query | "
                   "ms | CPU ms | ratio |")
        out.append("| --- | --- | ---: | ---: | --- | ---: | ---: | ---: |")
        for row in r["queries"]["per_query"]:
            def cell(name):
                s = fmt(row[name + "_ms"])
                return s + (" (exit 1)" if row[name + "_rc"] == 1 else "")
            out.append("| %s | `%s` | %s | %s | `%s` | %s | %s | %s |" % (
                row["kind"], row["talaash"].replace("|", "\\|"),
                cell("talaash"), fmt(row.get("talaash_cpu_ms")),
                row["fts5"].replace("|", "\\|"), cell("fts5"),
                fmt(row.get("fts5_cpu_ms")),
                ratio(row["talaash_ms"], row["fts5_ms"])))
        out.append("")
    out.append("### Targets (issue 7)")
    out.append("")
    out.append("| target | measured | met |")
    out.append("| --- | --- | --- |")
    for line in targets(rs):
        out.append("| %s | %s | %s |" % line)
    out.append("")
    out.append(END_MARK)
    return "\n".join(out)


def targets(rs):
    by_n = {r["articles"]: r for r in rs}
    real = by_n.get(REAL_ARTICLES)
    rows = []
    ratios = ["%s: %.2fx" % (fmt(r["articles"], 0),
                             r["indexing"]["talaash"]["full"]["mb_per_s"]
                             / r["indexing"]["fts5"]["full"]["mb_per_s"])
              for r in rs]
    short = [fmt(r["articles"], 0) for r in rs
             if r["indexing"]["talaash"]["full"]["mb_per_s"]
             < 1.5 * r["indexing"]["fts5"]["full"]["mb_per_s"]]
    # the target is the news corpus's; the grown corpora are held to it
    # too, and named where they fall short
    rows.append((TARGETS_TEXT[0], "; ".join(ratios),
                 "yes" if not short else
                 "no" if real is None or fmt(REAL_ARTICLES, 0) in short else
                 "on the news corpus; not at " + ", ".join(short)))
    if real:
        v = real["indexing"]["talaash"]["unchanged"]["wall_s"]
        rows.append((TARGETS_TEXT[1], "%.2f s" % v, "yes" if v < 1 else "no"))
    else:
        rows.append((TARGETS_TEXT[1], "not measured", "-"))
    big = by_n.get(1000000)
    if big:
        v = max(big["indexing"]["talaash"]["full"]["peak_max_kb"],
                big["queries"]["talaash"]["peak_kb"]) / 1024
        rows.append((TARGETS_TEXT[2], "%.0f MB (index and query)" % v,
                     "yes" if v < 200 else "no"))
    else:
        v = [max(r["indexing"]["talaash"]["full"]["peak_max_kb"],
                 r["queries"]["talaash"]["peak_kb"]) / 1024 for r in rs]
        rows.append((TARGETS_TEXT[2], "not measured at 1,000,000; "
                     + "; ".join("%s: %.0f MB" % (fmt(r["articles"], 0), x)
                                 for r, x in zip(rs, v)), "-"))
    rows.append((TARGETS_TEXT[3], "; ".join(
        "%s: %.2fx" % (fmt(r["articles"], 0),
                       r["indexing"]["talaash"]["db_ratio"]) for r in rs),
        "yes" if all(r["indexing"]["talaash"]["db_ratio"] <= 1.5
                     for r in rs) else "no"))
    if real:
        q = real["queries"]["talaash"]
        rows.append((TARGETS_TEXT[4], "p50 %.1f ms, p95 %.1f ms"
                     % (q["p50_ms"], q["p95_ms"]),
                     "yes" if q["p50_ms"] < 5 and q["p95_ms"] < 10 else "no"))
    else:
        rows.append((TARGETS_TEXT[4], "not measured", "-"))
    mid = by_n.get(200000)
    if mid:
        v = mid["queries"]["talaash"]["p95_ms"]
        rows.append((TARGETS_TEXT[5], "p95 %.1f ms" % v,
                     "yes" if v < 15 else "no"))
    else:
        rows.append((TARGETS_TEXT[5], "not measured", "-"))
    rows.append(growth(rs))
    return rows


def growth(rs):
    """The growth target's row: milliseconds a MB of text for each
    corpus, ours and the baseline's, and the query p50s."""
    if len(rs) < 2:
        return (TARGETS_TEXT[6], "one corpus size only", "-")

    def ms_mb(r, name):
        return (r["indexing"][name]["full"]["wall_s"] * 1e3
                / (r["bytes"] / 1e6))
    ours = [ms_mb(r, "talaash") for r in rs]
    base = [ms_mb(r, "fts5") for r in rs]
    text = rs[-1]["bytes"] / rs[0]["bytes"]
    p50 = [r["queries"]["talaash"]["p50_ms"] for r in rs]
    where = sorted({r["corpus_at"].rsplit(" ", 1)[-1].strip("()")
                    for r in rs if r.get("corpus_at")})
    measured = ("index: %s ms a MB (x%.2f over x%.0f the text; bare FTS5 "
                "%s, x%.2f); query p50 %s ms (x%.1f)%s"
                % (" / ".join("%.1f" % x for x in ours), ours[-1] / ours[0],
                   text, " / ".join("%.1f" % x for x in base),
                   base[-1] / base[0], " / ".join("%.1f" % x for x in p50),
                   p50[-1] / p50[0],
                   "; corpora on " + ", ".join(where) if where else ""))
    met = ours[-1] / ours[0] <= 1.2 and p50[-1] / p50[0] < text / 4
    return (TARGETS_TEXT[6], measured, "yes" if met else "no")


def write_doc(path, results):
    text = ""
    if os.path.exists(path):
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    gen = render(results)
    if BEGIN_MARK in text and END_MARK in text:
        a = text.index(BEGIN_MARK)
        b = text.index(END_MARK) + len(END_MARK)
        text = text[:a] + gen + text[b:]
    else:
        text = (text or "# Performance\n") + "\n## Results\n\n" + gen + "\n"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


# ---- main ----------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", required=True, help="the source tree")
    ap.add_argument("--build", required=True, help="the release build")
    ap.add_argument("--scale", type=int, action="append",
                    help="articles (21268: the real corpus; more: grown "
                    "with scale-corpus.py); repeatable; default 21268")
    ap.add_argument("--runs", type=int, default=5,
                    help="index runs per measurement (default 5)")
    ap.add_argument("--query-runs", type=int, default=20,
                    help="rounds over the query list (default 20)")
    ap.add_argument("--jobs", type=int, default=0,
                    help="talaash-index --jobs (default: its own, one per "
                    "core)")
    ap.add_argument("--workdir", default=os.path.join(
        os.environ.get("TMPDIR", "/tmp"), "talaash-speed"),
        help="corpora, databases and logs (default $TMPDIR/talaash-speed)")
    ap.add_argument("--corpus-dir",
                    help="where the corpora are unpacked and grown (default "
                    "WORKDIR/corpus); a tmpfs keeps a corpus larger than "
                    "the page cache holds warm")
    ap.add_argument("--shared", help="the shared folder (default "
                    "ROOT/../shared)")
    ap.add_argument("--no-doc", action="store_true",
                    help="do not rewrite docs/performance.md")
    ap.add_argument("--doc-only", action="store_true",
                    help="measure nothing: rewrite docs/performance.md from "
                    "the stored results")
    ap.add_argument("--command", default="bench/speed/run.sh",
                    help=argparse.SUPPRESS)
    ap.add_argument("--commit", help=argparse.SUPPRESS)
    args = ap.parse_args()

    root = os.path.abspath(args.root)
    shared = args.shared or os.path.join(root, "..", "shared")
    args.corpus = os.path.join(shared, "corpus", "news-rb.tar.xz")
    args.scale_tool = os.path.join(shared, "tools", "scale-corpus.py")
    args.talaash = os.path.join(args.build, "talaash")
    args.talaash_index = os.path.join(args.build, "talaash-index")
    args.fts5_load = os.path.join(args.build, "bench", "speed", "fts5-load")
    args.fts5_query = os.path.join(args.build, "bench", "speed", "fts5-query")
    args.workdir = os.path.abspath(args.workdir)
    if args.workdir == root or args.workdir.startswith(root + os.sep) and \
            not args.workdir.startswith(os.path.join(root, "build")):
        die("the work folder must be outside the repository (or in a "
            "build folder): %s" % args.workdir)
    for p in () if args.doc_only else (
            args.corpus, args.scale_tool, args.talaash, args.talaash_index,
            args.fts5_load, args.fts5_query):
        if not os.path.exists(p):
            die("missing %s" % p)
    if args.runs < 1 or args.query_runs < 1:
        die("--runs and --query-runs must be at least 1")
    global WORKDIR
    WORKDIR = args.workdir
    os.makedirs(WORKDIR, exist_ok=True)
    if not os.access(TIME, os.X_OK):
        die("needs GNU time for peak memory: apt-get install time")
    for k in ("TALAASH_DB", "XDG_DATA_HOME"):
        ENV.pop(k, None)
    ENV["NO_COLOR"] = "1"
    resdir = os.path.join(root, "bench", "speed", "results")
    os.makedirs(resdir, exist_ok=True)
    mach = machine()
    mach["linking"] = "talaash %s, fts5-query %s" % (
        linking(args.talaash), linking(args.fts5_query))

    for n in [] if args.doc_only else args.scale or [REAL_ARTICLES]:
        corpus = prepare_corpus(args, n)
        files, nbytes = list_files(corpus)
        if len(files) != n:
            die("%s holds %d articles, not %d" % (corpus, len(files), n))
        warm(files)
        load_before = os.getloadavg()[0]
        started = datetime.datetime.now().astimezone()
        sides = systems(args, n)
        indexing = measure_indexing(args, n, corpus, files, nbytes, sides)
        annotate(sides[0].db)
        queries = measure_queries(args, n, sides)
        result = {
            "articles": n,
            "bytes": nbytes,
            "date": started.strftime("%Y-%m-%d %H:%M %Z"),
            "seconds": (datetime.datetime.now().astimezone()
                        - started).total_seconds(),
            "command": args.command,
            "corpus_at": corpus_at(corpus),
            "commit": args.commit or git_state(root),
            "machine": mach,
            "load_before": load_before,
            "load_after": os.getloadavg()[0],
            "runs": args.runs,
            "jobs": args.jobs,
            "indexing": indexing,
            "queries": queries,
        }
        with open(os.path.join(resdir, "%d.json" % n), "w") as fh:
            json.dump(result, fh, indent=1, sort_keys=True)
            fh.write("\n")
        t, b = indexing["talaash"], indexing["fts5"]
        log("%d articles: full build %.2f s (%.2f MB/s) vs %.2f s (%.2f MB/s);"
            " queries p50/p95 %.1f/%.1f ms vs %.1f/%.1f ms"
            % (n, t["full"]["wall_s"], t["full"]["mb_per_s"],
               b["full"]["wall_s"], b["full"]["mb_per_s"],
               queries["talaash"]["p50_ms"], queries["talaash"]["p95_ms"],
               queries["fts5"]["p50_ms"], queries["fts5"]["p95_ms"]))

    if not args.no_doc:
        results = []
        for name in sorted(os.listdir(resdir)):
            if name.endswith(".json"):
                with open(os.path.join(resdir, name)) as fh:
                    results.append(json.load(fh))
        doc = os.path.join(root, "docs", "performance.md")
        write_doc(doc, results)
        log("wrote %s" % doc)


if __name__ == "__main__":
    main()
