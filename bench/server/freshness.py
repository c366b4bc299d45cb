"""Freshness through the server: how long from sending an event to a recommendation that
reflects it. Each round takes a user's current first item, sends a dislike of it (POST
/v1/events), then asks for the user's list at once (POST /v1/recommend) and checks the item is
gone. Prints the median and 99th percentile of the acknowledgement and of event-to-changed-list,
and how many of the next requests reflected the event (all should).

    python3 bench/server/freshness.py URL [--rounds N]
"""
import http.client
import json
import statistics
import sys
import time
import urllib.parse

url = urllib.parse.urlparse(sys.argv[1])
rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 500
connection = http.client.HTTPConnection(url.hostname, url.port)


def post(path, body):
    connection.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
    response = connection.getresponse()
    return response.status, json.loads(response.read())


acknowledged, changed, reflected = [], [], 0
for round in range(rounds):
    user = str(round % 943 + 1)
    status, answer = post("/v1/recommend", {"user": user})
    assert status == 200, answer
    first = answer["recommendations"][0]["item"]
    start = time.perf_counter()
    status, answer = post("/v1/events", {"events": [{"user": user, "item": first, "kind": "dislike"}]})
    assert status == 202, answer
    acknowledged.append(time.perf_counter() - start)
    status, answer = post("/v1/recommend", {"user": user})
    changed.append(time.perf_counter() - start)
    assert status == 200, answer
    reflected += all(item["item"] != first for item in answer["recommendations"])


def quantile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


print(
    f"freshness ({rounds} rounds): event acknowledged p50 {statistics.median(acknowledged) * 1e3:.2f} ms"
    f" p99 {quantile(acknowledged, 0.99) * 1e3:.2f} ms; event to changed list p50"
    f" {statistics.median(changed) * 1e3:.2f} ms p99 {quantile(changed, 0.99) * 1e3:.2f} ms;"
    f" the next request reflected it in {reflected} of {rounds}"
)
