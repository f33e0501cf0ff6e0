#!/usr/bin/env python3
"""The managed methods that callgrind saw run, one symbol a line: the order file ILC reads
(scripts/profile-layout.sh).

Usage: method-order.py BINARY_WITH_SYMBOLS SCENARIO_DIR...
       method-order.py --faults PERF_DATA BINARY_WITH_SYMBOLS ORDER_FILE

Each SCENARIO_DIR holds the callgrind output files of one scenario. Methods that ran in more
scenarios come first (every deployment runs them; a method only one way of running needs is
placed after them), then the hotter: instructions executed in the method's own body, summed
over the profiles. Only symbols of ILC's managed code section are written (the runtime's C++
and libc are laid out by the linker); ties are broken by name so the same profiles give the
same file.

With --faults it prints what a native run adds: the managed methods whose code pages were first
touched (perf's page-fault samples, where the faulting address is the instruction's own page)
and that ORDER_FILE does not name yet. Valgrind runs no AVX-512, so the CPU's own vector paths
can call methods the profiles never saw."""
import bisect
import collections
import glob
import os
import re
import subprocess
import sys


def functions(binary):
    """(address, name) of every function symbol, and the managed code section's bounds."""
    listing = subprocess.run(["nm", "-n", binary], check=True, capture_output=True, text=True).stdout
    start = stop = None
    symbols = []
    for line in listing.splitlines():
        match = re.match(r"([0-9a-f]+) ([tT]) (.+)$", line)
        if not match:
            continue
        address, name = int(match.group(1), 16), match.group(3)
        if name == "__start___managedcode":
            start = address
        elif name == "__stop___managedcode":
            stop = address
        symbols.append((address, name))
    if start is None or stop is None:
        sys.exit(f"method-order.py: {binary} has no __managedcode section markers (built with StripSymbols=false?)")
    return symbols, start, stop


def managed_symbols(binary):
    """Names of the functions between __start___managedcode and __stop___managedcode."""
    symbols, start, stop = functions(binary)
    return {name for address, name in symbols if start <= address < stop and not name.startswith("__")}


def faulted_methods(perf_data, binary):
    """Managed methods, in first-touch order, whose own code page faulted in a perf page-fault record."""
    symbols, start, stop = functions(binary)
    symbols.sort()
    addresses = [address for address, _ in symbols]
    events = subprocess.run(["perf", "script", "-i", perf_data, "--show-mmap-events", "-F", "ip,addr"],
                            check=True, capture_output=True, text=True).stdout
    name = os.path.basename(binary)
    base = None
    methods = []
    for line in events.splitlines():
        mapping = re.search(r"PERF_RECORD_MMAP2 .*\[(0x[0-9a-f]+)\(0x[0-9a-f]+\) @ 0 .*r--p (\S+)$", line)
        if mapping and os.path.basename(mapping.group(2)) == name and base is None:
            base = int(mapping.group(1), 16)
            continue
        fields = line.split()
        if base is None or len(fields) != 2 or "PERF_RECORD" in line:
            continue
        address, ip = int(fields[0], 16), int(fields[1], 16)
        offset = ip - base
        if address // 4096 == ip // 4096 and start <= offset < stop:
            methods.append(symbols[bisect.bisect_right(addresses, offset) - 1][1])
    if base is None:
        sys.exit(f"method-order.py: {perf_data} holds no mapping of {name}")
    return list(dict.fromkeys(methods))


def self_costs(profile, costs):
    """Adds each function's own instruction count from one callgrind output file.

    Callgrind compresses names: "fn=(7) Name" defines id 7, later "fn=(7)" reuses it. A cost
    line after "calls=" is the callee's inclusive cost and is not the caller's own."""
    names = {}
    current = None
    after_call = False
    with open(profile, encoding="utf-8", errors="replace") as lines:
        for line in lines:
            if line.startswith(("fn=", "cfn=")):
                match = re.match(r"c?fn=\((\d+)\)(?: (.*))?$", line.rstrip("\n"))
                if match is None:
                    continue
                if match.group(2) is not None:
                    names[match.group(1)] = match.group(2)
                if line.startswith("fn="):
                    current = names.get(match.group(1))
                    costs.setdefault(current, 0)
            elif line.startswith("calls="):
                after_call = True
            elif line[:1].isdigit() or line[:1] in "+-*":
                if after_call:
                    after_call = False
                    continue
                fields = line.split()
                if current is not None and len(fields) > 1:
                    costs[current] += int(fields[1])


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "--faults":
        named = set(open(sys.argv[4], encoding="utf-8").read().split("\n"))
        for method in faulted_methods(sys.argv[2], sys.argv[3]):
            if method not in named and not method.startswith("__"):
                print(method)
        return
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    managed = managed_symbols(sys.argv[1])
    costs = collections.Counter()
    scenarios = collections.Counter()
    for folder in sys.argv[2:]:
        profiles = glob.glob(os.path.join(folder, "callgrind.*"))
        if not profiles:
            sys.exit(f"method-order.py: no callgrind output in {folder}")
        seen = collections.Counter()
        for profile in profiles:
            self_costs(profile, seen)
        costs.update(seen)
        scenarios.update(seen.keys())
    ran = [name for name in costs if name in managed]
    if not ran:
        sys.exit("method-order.py: no managed method in the profiles (were they taken of this binary?)")
    for name in sorted(ran, key=lambda name: (-scenarios[name], -costs[name], name)):
        print(name)


if __name__ == "__main__":
    main()
