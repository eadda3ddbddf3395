"""Drives a Sentinel group with redis-py's Sentinel (Debian's python3-redis 4.3.4) and prints what it saw as JSON.

Run with /usr/bin/python3 SENTINEL_PORT [SENTINEL_PORT ...]. It discovers mymaster, writes and reads through
master_for, prints `ready HOST PORT` and waits for a line on standard input (the test kills the master meanwhile).
Then it polls discover_master until the address changes, writes again through the same master_for client (retrying
while the failover is in progress, counting the errors) and prints one JSON object.
sentinel-py.test.ts asserts on the output.
"""

import json
import sys
import time

from redis.exceptions import ConnectionError, ReadOnlyError, TimeoutError
from redis.sentinel import MasterNotFoundError, Sentinel


def main(ports):
    sentinel = Sentinel([("127.0.0.1", p) for p in ports], socket_timeout=1.0)
    before = sentinel.discover_master("mymaster")
    master = sentinel.master_for("mymaster", socket_timeout=1.0, decode_responses=True)
    replica = sentinel.slave_for("mymaster", socket_timeout=1.0, decode_responses=True)
    out = {
        "before": list(before),
        "replicas": sorted(list(r) for r in sentinel.discover_slaves("mymaster")),
        "set_before": master.set("py:k", "v1"),
        "get_before": master.get("py:k"),
        # Both replicas have the write before the master is killed, so the promoted one must still have it.
        "wait_before": master.execute_command("WAIT", 2, 5000),
        "replica_role": replica.execute_command("ROLE")[0],
    }
    print("ready %s %d" % before, flush=True)
    sys.stdin.readline()
    deadline = time.time() + 60
    after = before
    while after == before and time.time() < deadline:
        try:
            after = sentinel.discover_master("mymaster")
        except MasterNotFoundError:
            pass
        time.sleep(0.1)
    out["after"] = list(after)
    errors = 0
    while time.time() < deadline:
        try:
            out["set_after"] = master.set("py:k2", "v2")
            break
        except (ConnectionError, TimeoutError, ReadOnlyError):
            errors += 1
            time.sleep(0.1)
    out["get_after"] = [master.get("py:k"), master.get("py:k2")]
    out["errors_during_failover"] = errors
    out["master_role_after"] = master.execute_command("ROLE")[0]
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main([int(p) for p in sys.argv[1:]])
