#!/usr/bin/env python3
"""gen-articles.py - write N small made-up articles for the end-to-end tests.

    gen-articles.py [--seed S] [--count N] [--folders F] [--start K] OUT
    gen-articles.py --mutate [--count N] [--folders F] OUT

Writes OUT/dNN/aNNNNN.{txt,md,html}: mostly plain text, every seventh a
Markdown file with front matter, every eleventh an HTML page.  Each article
has a title line, a byline, a dateline and 3-9 paragraphs of 15-90 words,
built from word lists written for this project (no real text).  The same
seed gives the same bytes, so a test can compare a database built in pieces
(killed and resumed) with one built in one go.  --start K numbers the
articles from K, so a second call adds articles without touching the first
ones.

Article K's first paragraph always names the token "artK" (e.g. art00042),
so a test can find any one article.

--mutate changes a tree written with the same --count and --folders, the
same way every time: article K is edited (a paragraph added) when K % 4 ==
1, deleted when K % 10 == 3, moved to OUT/moved/ under a new name when
K % 20 == 7, and only touched (modification time +1 s, same bytes) when
K % 20 == 11.
"""
import argparse
import os
import random

PLACES = """Dunmere Halvik Orsay Tamberly Quillon Vessaro Brackwater Lunden
Marrowfield Estrin Kolvara Sethany Pellidor Wrenhaven Casmoor Idrith Tolland
Ambrel Norrow Fiskel""".split()
FIRST = """Asha Bilal Corin Daria Emeka Farah Gideon Hana Ilya Jonah Kavya Lior
Mira Nadim Orla Pavel Quinn Rhea Sami Tova""".split()
LAST = """Ardent Belcourt Calloway Dravid Ekwueme Fontaine Grieve Hollis Ibarra
Jessop Kestrel Lindqvist Moravec Nakamura Okafor Pellegrini Quarles Rostami
Sandoval Thorne""".split()
SUBJECTS = ["the council", "the harbour board", "the water authority",
            "the ministry", "the regional assembly", "the rail union",
            "the growers' cooperative", "the port authority",
            "the trade delegation", "the census office",
            "the university senate", "the transit agency",
            "the fisheries panel", "the border commission",
            "the grain exchange"]
VERBS = """approved delayed questioned endorsed rejected reviewed extended
suspended renegotiated audited funded postponed published revised
defended""".split()
OBJECTS = ["a new tariff schedule", "the ferry timetable",
           "a flood barrier plan", "the grain subsidy", "a draft water treaty",
           "the harbour dredging contract", "a pension reform",
           "the census results", "a lighthouse repair fund", "the canal toll",
           "the orchard insurance scheme", "a road tunnel budget",
           "the fishing quota", "the customs code",
           "a school meals programme"]
CLAUSES = ["after months of talks", "despite objections from the opposition",
           "in a vote that surprised observers",
           "following a long public consultation",
           "before the winter session closed", "amid rising freight costs",
           "while the river was still in flood",
           "with support from neighbouring districts",
           "after an audit found gaps in the accounts",
           "once the harvest figures came in"]
FILLER = """observers noted that the figures were higher than expected and
that the delegates had asked for more time to read the annex; several
speakers returned to the question of cost, and a smaller group pressed for
an independent review of the tender; the chair promised a written answer
within a fortnight, though few expected it before the spring recess""".split()
MONTHS = """January February March April May June July August September
October November December""".split()


def sentence(rng):
    s = "%s %s %s %s" % (rng.choice(SUBJECTS), rng.choice(VERBS),
                         rng.choice(OBJECTS), rng.choice(CLAUSES))
    if rng.random() < 0.4:
        s += ", according to %s %s of %s" % (rng.choice(FIRST), rng.choice(LAST),
                                             rng.choice(PLACES))
    return s[0].upper() + s[1:] + "."


def paragraph(rng, words):
    out = []
    n = 0
    while n < words:
        if rng.random() < 0.7:
            s = sentence(rng)
        else:
            start = rng.randrange(len(FILLER) - 12)
            s = " ".join(FILLER[start:start + rng.randrange(6, 12)])
            s = s[0].upper() + s[1:].rstrip(",;") + "."
        out.append(s)
        n += len(s.split())
    return " ".join(out)


def article(rng, k):
    place = rng.choice(PLACES)
    title = "%s %s %s in %s" % (rng.choice(SUBJECTS).title(),
                                rng.choice(VERBS).title(),
                                rng.choice(OBJECTS).title(), place)
    author = "%s %s" % (rng.choice(FIRST), rng.choice(LAST))
    date = "%s %d, %d" % (rng.choice(MONTHS), rng.randrange(1, 29),
                          rng.randrange(2009, 2024))
    paras = [paragraph(rng, rng.randrange(15, 90))
             for _ in range(rng.randrange(3, 10))]
    paras[0] = "Reporting from %s (art%05d): %s" % (place, k, paras[0])
    return title, author, date, paras


def render(kind, title, author, date, paras):
    if kind == "md":
        return ("---\ntitle: \"%s\"\nauthor: %s\ndate: %s\n---\n\n%s\n"
                % (title, author, date, "\n\n".join(paras)))
    if kind == "html":
        body = "\n".join("<p>%s</p>" % p for p in paras)
        return ("<!DOCTYPE html>\n<html><head><title>%s | The Gazette</title>"
                "<meta name=\"author\" content=\"%s\"></head>\n<body>"
                "<nav><a href=\"/\">Home</a></nav>\n<article><h1>%s</h1>\n%s\n"
                "</article><footer>All rights reserved.</footer></body></html>\n"
                % (title, author, title, body))
    return "%s\n\nBy %s\n\n%s\n\n%s\n" % (title, author, date, "\n\n".join(paras))


def path_of(out, folders, k):
    kind = "html" if k % 11 == 10 else "md" if k % 7 == 6 else "txt"
    return os.path.join(out, "d%02d" % (k % folders), "a%05d.%s" % (k, kind))


def mutate(out, count, folders):
    moved = os.path.join(out, "moved")
    os.makedirs(moved, exist_ok=True)
    for k in range(count):
        path = path_of(out, folders, k)
        if k % 10 == 3:
            os.remove(path)
        elif k % 4 == 1:
            with open(path, "a", encoding="utf-8", newline="\n") as f:
                f.write("\nA later note on art%05d: the figures were revised "
                        "again after the recount in the eastern districts.\n"
                        % k)
        elif k % 20 == 7:
            os.rename(path, os.path.join(moved, "m%05d%s" % (
                k, os.path.splitext(path)[1])))
        elif k % 20 == 11:
            st = os.stat(path)
            os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=3000)
    ap.add_argument("--folders", type=int, default=30)
    ap.add_argument("--start", type=int, default=0)
    ap.add_argument("--mutate", action="store_true")
    ap.add_argument("out")
    a = ap.parse_args()
    if a.mutate:
        mutate(a.out, a.count, a.folders)
        return
    for k in range(a.start, a.start + a.count):
        rng = random.Random("%d/%d" % (a.seed, k))
        path = path_of(a.out, a.folders, k)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        kind = os.path.splitext(path)[1][1:]
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(render(kind, *article(rng, k)))


if __name__ == "__main__":
    main()
