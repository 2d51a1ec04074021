#!/usr/bin/env python3
"""The query plans of issue 10's pages and API at city scale, for docs/PERFORMANCE.md.

Not a hand-written copy of the queries: the statements the server really sends. With
PostgreSQL logging every statement and its parameters (ALTER SYSTEM, reloaded, then reset),
it takes a tour of the dashboard, its CSV, follow-ups, needs, an organization's inbox with
its filters, a request with its timeline, a resident's list, a submission, an acceptance,
notifications and a service's reviews; then explains each distinct statement that reads or
writes this issue's tables, with the parameters it was sent with:
  PostgreSQL: EXPLAIN (ANALYZE, COSTS OFF) of the prepared statement, in a transaction
              rolled back (writes are explained, not kept);
  SQLite:     EXPLAIN QUERY PLAN on the same-seed city file.
Run by scripts/scale-load.sh (BASE, URL, CITY and the sessions of setup.env in the
environment)."""
import glob, json, os, re, sqlite3, subprocess, time, urllib.error, urllib.request

base, url, city = os.environ["BASE"], os.environ["URL"], os.environ["CITY"]
staff = os.environ["COOKIES"].split()[0]
token, org, resident = os.environ["TOKEN"], os.environ["ORG"], os.environ["RESIDENT_TOKEN"]
TABLES = ("requests", "request_events", "ratings", "service_ratings", "follow_ups", "needs",
          "need_supporters", "notifications")


def psql(*commands):
    args = ["psql", url, "-qAt", "-v", "ON_ERROR_STOP=1"]
    for c in commands:
        args += ["-c", c]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def call(method, path, body=None, bearer=None, cookie=None, key=None):
    req = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode())
    req.add_header("Content-Type", "application/json")
    if bearer:
        req.add_header("Authorization", "Bearer " + bearer)
    if cookie:
        req.add_header("Cookie", cookie)
    if key:
        req.add_header("Idempotency-Key", key)
    with urllib.request.urlopen(req) as r:
        raw = r.read()
        return json.loads(raw) if r.headers.get("Content-Type", "").startswith("application/json") else raw


def tour():
    home = json.loads(os.environ["SUBMIT_BODY"])["grid_unit_id"]
    yield "community dashboard (a whole year)", lambda: call("GET", "/api/v1/dashboard?from=" + os.environ["YEAR_FROM"], cookie=staff)
    yield "dashboard CSV: demand", lambda: call("GET", "/api/v1/dashboard/csv?table=demand", cookie=staff)
    yield "follow-ups of the community", lambda: call("GET", "/api/v1/follow-ups", cookie=staff)
    yield "needs of a community", lambda: call("GET", f"/api/v1/needs?grid_unit={home}", cookie=staff)
    yield "needs where an organization works", lambda: call("GET", f"/api/v1/needs?organization={org}", bearer=token)
    for bucket in ("new", "open", "overdue", "closed"):
        yield f"inbox, {bucket}", lambda b=bucket: call("GET", f"/api/v1/requests?organization={org}&bucket={b}", bearer=token)
    yield "inbox, one offering", lambda: call("GET", f"/api/v1/requests?organization={org}&service={os.environ['ORG_SERVICE']}", bearer=token)
    first = call("GET", f"/api/v1/requests?organization={org}", bearer=token)
    one = first["requests"][0]
    yield "inbox, one place", lambda: call("GET", f"/api/v1/requests?organization={org}&grid_unit={home}", bearer=token)
    yield "inbox, the next page", lambda: call("GET", f"/api/v1/requests?organization={org}&before={first['next_before']}", bearer=token)
    yield "a request with its timeline", lambda: call("GET", f"/api/v1/requests/{one['id']}", bearer=token)
    yield "a resident's requests", lambda: call("GET", "/api/v1/requests", bearer=resident)
    made = {}
    yield "submit a request", lambda: made.update(call("POST", "/api/v1/requests", json.loads(os.environ["SUBMIT_BODY"]),
                                                        bearer=resident, key=f"explain-{time.time_ns()}"))
    yield "accept it", lambda: call("POST", f"/api/v1/requests/{made['id']}/accept", bearer=os.environ["OFFERING_OWNER_TOKEN"])
    yield "a resident's notifications", lambda: call("GET", "/api/v1/notifications", bearer=resident)
    yield "a service with its rating summary", lambda: call("GET", f"/api/v1/services/{os.environ['ORG_SERVICE']}")
    yield "a service's reviews", lambda: call("GET", f"/api/v1/services/{os.environ['ORG_SERVICE']}/reviews")
    yield "a directory page sorted by rating", lambda: call("GET", "/api/v1/services?lat=30.69&lon=104.10&radius_m=3000&sort=rating")


log = max(glob.glob("/var/log/postgresql/postgresql-*-main.log"), key=os.path.getmtime)
psql("ALTER SYSTEM SET log_min_duration_statement = 0", "SELECT pg_reload_conf()")
time.sleep(0.5)  # the reload reaches every backend on its next command; give it a moment
steps = []
try:
    for name, step in tour():
        offset = os.path.getsize(log)
        try:
            step()
        except urllib.error.HTTPError as e:
            print(f"(tour step '{name}' answered {e.code}: {e.read()[:200]!r})")
        steps.append((name, offset))
finally:
    psql("ALTER SYSTEM RESET log_min_duration_statement", "SELECT pg_reload_conf()")
time.sleep(0.5)
with open(log, encoding="utf-8", errors="replace") as f:
    text = f.read()

param = re.compile(r"\$(\d+) = (NULL|'(?:[^']|'')*')")
seen, plans = set(), []
bounds = [o for _, o in steps[1:]] + [len(text.encode())]
raw = text.encode()
for (name, start), end in zip(steps, bounds):
    chunk = raw[start:end].decode("utf-8", errors="replace")
    entries = re.split(r"\n(?=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)", chunk)
    for i, entry in enumerate(entries):
        m = re.search(r"LOG:  duration: [\d.]+ ms  (?:execute [^:]+|statement): (.*)", entry, re.S)
        if not m:
            continue
        sql = " ".join(m.group(1).split())
        if sql in seen or not any(re.search(rf"\b{t}\b", sql) for t in TABLES):
            continue
        seen.add(sql)
        values = []
        if i + 1 < len(entries) and "DETAIL:  parameters:" in entries[i + 1]:
            values = [None if v == "NULL" else v[1:-1].replace("''", "'") for _, v in sorted(
                ((int(n), v) for n, v in param.findall(entries[i + 1])))]
        plans.append((name, sql, values))

db = sqlite3.connect(city)
for name, sql, values in plans:
    print(f"#### {name}\n\n```sql\n{sql}\n```\n")
    literal = lambda v: "NULL" if v is None else "'" + v.replace("'", "''") + "'"
    explain = (f"PREPARE q AS {sql}", "BEGIN",
               f"EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) EXECUTE q" + (f"({', '.join(literal(v) for v in values)})" if values else ""),
               "ROLLBACK")
    try:
        pg = psql(*explain).strip()
    except subprocess.CalledProcessError as e:
        pg = e.stderr.strip()
    bound = {str(n + 1): (int(v) if v is not None and re.fullmatch(r"-?\d+", v) else v) for n, v in enumerate(values)}
    try:
        lite = "\n".join(row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}", bound))
    except sqlite3.Error as e:
        lite = f"(SQLite: {e})"
    print(f"PostgreSQL, parameters {values}:\n```\n{pg}\n```\nSQLite:\n```\n{lite}\n```\n")
