"""Sharded training over Ray: one actor per shard, each owning one long-lived `descent worker`.

Run as a bridge between descent's coordinator and Ray:

    python3 python/descent_ray.py --cli dist/cli/main.js --target y shard0.csv shard1.csv [--classes a,b]

It starts Ray (locally, or joins the cluster RAY_ADDRESS names), makes one ShardActor per shard,
prints one JSON line {"ready": true, "rows", "cols", "featureNames", "actors", "auth"} for all the
shards together (auth: "token" when it started a local cluster with token authentication),
then answers each request line {"op": "gradient", "params", "loss", "lossParam"} with the shards'
partial sums added in shard order, {"loss", "grad"}: the protocol of one `descent worker`, so the
library's WorkerProcess drives it as one GradientShard (see the README). {"op": "quit"} ends it.
"""

import argparse
import json
import math
import os
import secrets
import subprocess
import sys

# Joining a cluster: RAY_ADDRESS names it (and Ray's token authentication, if the cluster has it on,
# comes from its environment). Starting one here: Ray 2.58's servers listen on every interface
# whatever ray.init is told (checked with ss -ltnp), so the local cluster gets token authentication
# with a fresh random token only this process and its workers know: another machine reaching its
# ports cannot join it (checked: a client without the token is refused). Ray reads these settings
# when it is imported, so they are set before.
AUTH = "the cluster's"
if not os.environ.get("RAY_ADDRESS"):
    if not os.environ.get("RAY_AUTH_MODE"):
        os.environ["RAY_AUTH_MODE"] = "token"
        os.environ["RAY_AUTH_TOKEN"] = secrets.token_hex(32)
    AUTH = os.environ["RAY_AUTH_MODE"]

import ray  # noqa: E402 (after its settings)


def number(v):
    """A JSON number, null standing for a non-finite one."""
    return math.nan if v is None else v


def finite(v):
    """A number for JSON: null when it is not finite."""
    return v if math.isfinite(v) else None


@ray.remote
class ShardActor:
    """One shard: a `descent worker` process that loaded its rows once."""

    def __init__(self, node, cli, shard, target, classes):
        args = [node, cli, "worker", shard, "--target", target]
        if classes:
            args += ["--classes", classes]
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.hello = json.loads(self.proc.stdout.readline())
        if "error" in self.hello:
            raise RuntimeError(self.hello["error"])

    def info(self):
        return self.hello

    def gradient(self, request):
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def close(self):
        self.proc.stdin.write(json.dumps({"op": "quit"}) + "\n")
        self.proc.stdin.flush()
        self.proc.wait()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cli", required=True, help="descent's dist/cli/main.js")
    p.add_argument("--node", default="node", help="the Node.js executable")
    p.add_argument("--target", required=True)
    p.add_argument("--classes", default=None, help="binary classification: a,b (rows of b are +1)")
    p.add_argument("shards", nargs="+")
    a = p.parse_args()
    ray.init(include_dashboard=False, logging_level="ERROR", log_to_driver=False)
    actors = [ShardActor.remote(a.node, a.cli, s, a.target, a.classes) for s in a.shards]
    infos = ray.get([x.info.remote() for x in actors])
    cols = {i["cols"] for i in infos}
    if len(cols) != 1:
        print(json.dumps({"error": f"the shards have different column counts: {sorted(cols)}"}), flush=True)
        sys.exit(1)
    hello = {"ready": True, "rows": sum(i["rows"] for i in infos), "cols": infos[0]["cols"],
             "featureNames": infos[0]["featureNames"], "actors": len(actors), "auth": AUTH}
    print(json.dumps(hello), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        if req.get("op") == "quit":
            break
        parts = ray.get([x.gradient.remote(req) for x in actors])
        bad = [q["error"] for q in parts if "error" in q]
        # The request's number goes back with its answer, as a descent worker does.
        echo = {} if req.get("id") is None else {"id": req["id"]}
        if bad:
            print(json.dumps({"error": bad[0], **echo}), flush=True)
            continue
        # Shard order, as descent's coordinator adds local workers' sums.
        # A worker's non-finite numbers arrive as null (JSON has no NaN) and leave as null again, so
        # the coordinator's divergence guard sees them (Python's json would write a bare NaN).
        loss = 0.0
        grad = [0.0] * len(parts[0]["grad"])
        for q in parts:
            loss += number(q["loss"])
            grad = [g + number(h) for g, h in zip(grad, q["grad"])]
        print(json.dumps({"loss": finite(loss), "grad": [finite(g) for g in grad], **echo}), flush=True)
    ray.get([x.close.remote() for x in actors])
    ray.shutdown()


main()
