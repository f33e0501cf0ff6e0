#!/usr/bin/env python3
"""The managed methods that callgrind saw run, one symbol a line: the order file ILC reads
(scripts/profile-layout.sh).

Usage: method-order.py BINARY_WITH_SYMBOLS SCENARIO_DIR...

Each SCENARIO_DIR holds the callgrind output files of one scenario. Methods that ran in more
scenarios come first (every deployment runs them; a method only one way of running needs is
placed after them), then the hotter: instructions executed in the method's own body, summed
over the profiles. Only symbols of ILC's managed code section are written (the runtime's C++
and libc are laid out by the linker); ties are broken by name so the same profiles give the
same file."""
import collections
import glob
import os
import re
import subprocess
import sys


def managed_symbols(binary):
    """Names of the functions between __start___managedcode and __stop___managedcode."""
    listing = subprocess.run(["nm", "-n", binary], check=True, capture_output=True, text=True).stdout
    start = stop = None
    functions = []
    for line in listing.splitlines():
        match = re.match(r"([0-9a-f]+) ([tT]) (.+)$", line)
        if not match:
            continue
        address, name = int(match.group(1), 16), match.group(3)
        if name == "__start___managedcode":
            start = address
        elif name == "__stop___managedcode":
            stop = address
        functions.append((address, name))
    if start is None or stop is None:
        sys.exit(f"method-order.py: {binary} has no __managedcode section markers (built with StripSymbols=false?)")
    return {name for address, name in functions if start <= address < stop and not name.startswith("__")}


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
