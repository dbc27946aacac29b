#!/usr/bin/env python3
"""The top of a perf profile, per thread role: reads `perf script -F
tid,ip,sym,dso` output (DWARF call graphs) on stdin and prints, for the
main thread and for the other threads together, their share of all
samples, then the named functions with the largest inclusive share (a
function counts once per sample however deep it recurses), then self time
per library.

  perf script -i FILE -F tid,ip,sym,dso | perf-summary.py [TOP]

Unnamed frames (SQLite's static functions: Debian ships no symbols for
them) are skipped in the function list; read them through their named
callers.  Part of bench/speed/profile.sh.
"""
import collections
import sys

SKIP = {"_start", "__libc_start_main_impl", "__libc_start_call_main", "main",
        "start_thread", "clone3", "entry_SYSCALL_64_after_hwframe",
        "do_syscall_64", "[unknown]", "__GI___clone3"}


def samples(lines):
    tid, frames = None, []
    for line in lines:
        if not line.strip():
            if tid is not None:
                yield tid, frames
            tid, frames = None, []
        elif not line.startswith("\t"):          # " 8285 ": a sample
            tid, frames = line.split()[0], []
        else:
            parts = line.split(None, 1)
            rest = parts[1].strip() if len(parts) > 1 else "?"
            if rest.endswith(" (inlined)"):     # no library of its own
                sym, dso = rest[:-len(" (inlined)")], None
            else:
                sym, _, dso = rest.rpartition(" (")
                dso = dso.rstrip(")").rsplit("/", 1)[-1]
            frames.append((sym.split("+0x")[0].strip() or rest, dso))
    if tid is not None:
        yield tid, frames


def main():
    top = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    all_samples = list(samples(sys.stdin))
    if not all_samples:
        sys.exit("perf-summary: no samples")
    total = len(all_samples)
    main_tid = min((t for t, _ in all_samples), key=int)  # tid == pid
    roles = collections.OrderedDict(
        [("main thread", [f for t, f in all_samples if t == main_tid]),
         ("other threads", [f for t, f in all_samples if t != main_tid])])
    print("%d samples" % total)
    for role, group in roles.items():
        if not group:
            continue
        print("\n-- %s: %.1f %% of all samples" % (role,
                                                  100.0 * len(group) / total))
        incl, dso_self = collections.Counter(), collections.Counter()
        for frames in group:
            seen = set()
            for sym, _ in frames:
                if sym.startswith("0x") or sym in SKIP or sym in seen:
                    continue
                seen.add(sym)
                incl[sym] += 1
            dso_self[next((d for _, d in frames if d), "?")] += 1
        print("   inclusive, % of this role's samples (of all samples):")
        for sym, n in incl.most_common(top):
            print("   %5.1f %% (%4.1f %%)  %s" % (100.0 * n / len(group),
                                              100.0 * n / total, sym))
        print("   self time by library:")
        for dso, n in dso_self.most_common(6):
            print("   %5.1f %%  %s" % (100.0 * n / len(group), dso))


if __name__ == "__main__":
    main()
