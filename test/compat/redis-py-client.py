"""Drives a server with redis-py (Debian's python3-redis 4.3.4) and prints what it saw as one JSON object.

Run with /usr/bin/python3 PORT. redis-py-client.test.ts asserts on the output, against both redis-sim and real Redis.
"""

import json
import sys

import redis
from redis.commands.parser import CommandsParser


def main(port):
    r = redis.Redis(host="127.0.0.1", port=port)
    out = {}
    out["ping"] = r.ping()
    out["set"] = r.set("py:k", "v")
    out["get"] = r.get("py:k")
    out["get_missing"] = r.get("py:missing")
    out["incr"] = [r.incr("py:n"), r.incr("py:n", 10)]
    out["setex_ttl"] = [r.setex("py:e", 100, "x"), r.ttl("py:e")]
    out["mget"] = r.mget("py:k", "py:missing", "py:n")

    pipe = r.pipeline(transaction=False)
    pipe.set("py:p", 1).incr("py:p").get("py:p").delete("py:p")
    out["pipeline"] = pipe.execute()
    tx = r.pipeline()  # transaction=True: wrapped in MULTI/EXEC
    tx.set("py:t", "a").append("py:t", "bc").get("py:t")
    out["transaction"] = tx.execute()

    try:
        r.execute_command("FOO", "bar")
        out["unknown"] = None
    except redis.ResponseError as e:
        out["unknown"] = str(e)

    info = r.info()
    out["info"] = {k: info.get(k) for k in ("redis_version", "redis_mode", "cluster_enabled", "role", "loading", "db0")}
    info_all = r.info("all")  # every section must get through parse_info
    wanted = ("redis_version", "connected_clients", "used_memory", "cmdstat_set", "errorstat_ERR", "db0")
    out["info_all_sections"] = sorted(k for k in wanted if k in info_all)
    out["info_cmdstat_set"] = sorted(r.info("commandstats")["cmdstat_set"].keys())

    commands = r.command()
    out["command_get"] = commands["get"]
    out["command_count"] = r.command_count() == len(commands)
    parser = CommandsParser(r)  # the strict parser RedisCluster uses
    out["keys_mset"] = parser.get_keys(r, "MSET", "a", "1", "b", "2")
    out["keys_get"] = parser.get_keys(r, "GET", "py:k")

    out["setname"] = r.client_setname("py-client")
    clients = r.client_list()
    me = [c for c in clients if c.get("name") == "py-client"]
    out["client_list"] = {"count": len(me), "fields": sorted(me[0].keys()) if me else []}
    out["client_id"] = r.client_id() == int(me[0]["id"]) if me else False

    config = r.config_get("*")
    out["config"] = {k: config.get(k) for k in ("maxmemory", "databases", "appendonly", "save")}
    out["config_size"] = len(config) > 100
    out["config_set"] = [r.config_set("maxmemory-policy", "allkeys-lru"), r.config_get("maxmemory-policy")]

    out["scan"] = sorted(r.scan_iter(match="py:*"))
    out["dbsize"] = r.dbsize()
    r.close()
    return out


def _plain(value):
    """JSON has no bytes: decode them one char per byte."""
    if isinstance(value, bytes):
        return value.decode("latin1")
    raise TypeError(repr(value))


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1])), default=_plain, sort_keys=True))
