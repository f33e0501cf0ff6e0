#!/usr/bin/env python3
"""The pod an admission answer makes of a review's pod, in a form two answers can be compared by.

    scripts/load/resulting-pod.py REVIEW.json ANSWER.json

Applies the answer's JSON patch (only "add" operations occur in either webhook's answers) to
request.object and prints the pod with env, volumeMounts and volumes sorted by name and empty
resources dropped: two webhooks that add the same things in another order or patch shape
print the same text.
"""
import base64
import json
import sys


def add(document, pointer, value):
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]
    parent = document
    for token in tokens[:-1]:
        parent = parent[int(token)] if isinstance(parent, list) else parent[token]
    last = tokens[-1]
    if isinstance(parent, list):
        parent.insert(len(parent) if last == "-" else int(last), value)
    else:
        parent[last] = value


def by_name(items):
    return sorted(items, key=lambda item: item.get("name", ""))


def main(review_path, answer_path):
    with open(review_path) as f:
        pod = json.load(f)["request"]["object"]
    with open(answer_path) as f:
        response = json.load(f)["response"]
    for operation in json.loads(base64.b64decode(response.get("patch", "")) or "[]"):
        if operation["op"] != "add":
            sys.exit(f"resulting-pod: unexpected operation {operation['op']}")
        add(pod, operation["path"], operation["value"])
    spec = pod.get("spec", {})
    spec["volumes"] = by_name(spec.get("volumes", []))
    for field in ("initContainers", "containers"):
        for container in spec.get(field, []):
            # A webhook that rewrites whole containers from typed structs (the Go reference)
            # writes an empty "resources", which the API server stores as if absent.
            if container.get("resources") == {}:
                del container["resources"]
            for key in ("env", "volumeMounts"):
                if key in container:
                    container[key] = by_name(container[key])
    print(json.dumps(pod, indent=1, sort_keys=True))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
