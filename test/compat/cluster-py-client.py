"""Drives a cluster with redis-py's RedisCluster (Debian's python3-redis 4.3.4) and prints what it saw as JSON.

Run with /usr/bin/python3 PORT PREFIX COUNT READY_FILE STOP_FILE. Once connected it creates READY_FILE; it writes COUNT keys PREFIX:i and reads them back, in rounds,
until STOP_FILE exists (at least one round), counting every exception and every wrong value.
cluster-clients.test.ts asserts on the output, against real Redis and redis-sim clusters.
"""

import json
import logging
import os
import sys

from redis.cluster import RedisCluster


class _Counter(logging.Handler):
    """Counts what redis-py logs about the redirections it handles itself, instead of printing it."""

    def __init__(self):
        super().__init__()
        self.count = 0

    def emit(self, record):
        self.count += 1


def main(port, prefix, count, ready_file, stop_file):
    handled = _Counter()
    logging.getLogger("redis").addHandler(handled)
    logging.getLogger("redis").propagate = False
    rc = RedisCluster(host="127.0.0.1", port=port)
    open(ready_file, "w").close()
    out = {"rounds": 0, "writes": 0, "reads": 0, "errors": [], "wrong": 0}
    while True:
        for i in range(count):
            try:
                if rc.set("%s:%d" % (prefix, i), "v%d-%d" % (out["rounds"], i)):
                    out["writes"] += 1
            except Exception as e:  # every exception is an error that surfaced to the user
                out["errors"].append("%s: %s" % (type(e).__name__, e))
        for i in range(count):
            try:
                value = rc.get("%s:%d" % (prefix, i))
                out["reads"] += 1
                if value != ("v%d-%d" % (out["rounds"], i)).encode():
                    out["wrong"] += 1
            except Exception as e:
                out["errors"].append("%s: %s" % (type(e).__name__, e))
        out["rounds"] += 1
        if os.path.exists(stop_file):
            break
    out["errors"] = out["errors"][:20]
    out["handled_logged"] = handled.count
    rc.close()
    print(json.dumps(out))


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5])
