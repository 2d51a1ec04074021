#!/usr/bin/env python3
"""Signs in the people scripts/scale-load.sh loads the server as, on the generated city
with its year of activity, and writes their sessions to $OUT/setup.env:
- community staff of the 20 communities with the most requests (made with `doorstep
  create-staff`, password sign-in), as COOKIES;
- the owner of the organization with the most requests (generated, signed in with a code
  from the outbox), as TOKEN and OWNER_COOKIE, with ORG, ORG_SERVICE and INBOX_TOTAL;
- a generated resident of the community nearest the middle ring, as RESIDENT_TOKEN, and
  SUBMIT_BODY: a request for an on-site offering of their community that takes anyone,
  and OFFERING_OWNER_TOKEN for the owner of that offering's organization.
Each sign-in comes from an address of its own (X-Forwarded-For; the server trusts it
in this script) so reruns stay under the per-client sign-in limit."""
import datetime, json, os, shlex, sqlite3, subprocess, urllib.request

engine, url, base, bin_ = os.environ["ENGINE"], os.environ["URL"], os.environ["BASE"], os.environ["BIN"]
calls = 0


def sql(query):
    if engine == "sqlite":
        with sqlite3.connect(os.environ["CITY"]) as db:
            return db.execute(query).fetchall()
    out = subprocess.run(["psql", url, "-AtF", "\t", "-c", query], capture_output=True, text=True, check=True).stdout
    return [tuple(int(v) if v.lstrip("-").isdigit() else v for v in line.split("\t")) for line in out.splitlines()]


def call(method, path, body=None, token=None, cookie=None):
    global calls
    calls += 1
    req = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode())
    req.add_header("Content-Type", "application/json")
    req.add_header("X-Forwarded-For", f"10.{os.getpid() % 250}.{calls // 250}.{calls % 250}")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    if cookie:
        req.add_header("Cookie", cookie)
    with urllib.request.urlopen(req) as r:
        return r.headers, json.loads(r.read() or b"null")


def session(headers):
    return headers["Set-Cookie"].split(";")[0]


def by_code(login):
    call("POST", "/api/v1/auth/code", {"login": login})
    lines = subprocess.run([bin_, "outbox"], capture_output=True, text=True, check=True).stdout.splitlines()
    text = [line.split("\t", 1)[1] for line in lines if line.startswith(login + "\t")][-1]
    code = "".join(c for c in text if c.isdigit())[:6]
    headers, _ = call("POST", "/api/v1/auth/login", {"login": login, "code": code})
    return session(headers)


cookies = []
busiest = sql("SELECT community_id, COUNT(*) FROM requests GROUP BY community_id ORDER BY 2 DESC, 1 LIMIT 20")
for n, (community, _) in enumerate(busiest):
    login = f"scale-staff-{n}@doorstep.example.org"
    if not sql(f"SELECT 1 FROM people WHERE login = '{login}'"):
        subprocess.run([bin_, "create-staff", "--login", login, "--community", str(community), "--name", f"压测社区{n}"],
                       input="scale-load-password-2026\n", text=True, check=True, capture_output=True)
    headers, _ = call("POST", "/api/v1/auth/login", {"login": login, "password": "scale-load-password-2026"})
    cookies.append(session(headers))

org, total = sql("SELECT organization_id, COUNT(*) FROM requests GROUP BY organization_id ORDER BY 2 DESC, 1 LIMIT 1")[0]
(owner,) = sql(f"SELECT p.login FROM organization_members m JOIN people p ON p.id = m.person_id "
               f"WHERE m.organization_id = {org} AND m.role = 'owner' ORDER BY p.id LIMIT 1")[0]
(service,) = sql(f"SELECT service_id FROM requests WHERE organization_id = {org} GROUP BY service_id ORDER BY COUNT(*) DESC, 1 LIMIT 1")[0]
owner_cookie = by_code(owner)
_, token = call("POST", "/api/v1/me/tokens", {"name": "scale-load"}, cookie=owner_cookie)

# The middle ring's community, a resident of it, an offering there that takes anyone.
(community,) = sql("SELECT id FROM grid_units WHERE kind = 'community' AND code LIKE 'gen1-%' "
                   "ORDER BY (latitude - 30.69) * (latitude - 30.69) + (longitude - 104.10) * (longitude - 104.10), id LIMIT 1")[0]
resident, home = sql(f"SELECT p.login, p.home_grid_unit_id FROM people p JOIN grid_units b ON b.id = p.home_grid_unit_id "
                     f"JOIN grid_units u ON u.id = b.parent_id JOIN grid_units z ON z.id = u.parent_id "
                     f"WHERE z.parent_id = {community} AND p.login LIKE 'resident-%' ORDER BY p.id LIMIT 1")[0]
(offering,) = sql(f"SELECT s.id FROM services s JOIN organizations o ON o.id = s.organization_id "
                  f"WHERE o.community_id = {community} AND o.verified = 1 AND o.suspended = 0 AND s.status = 'active' "
                  f"AND s.delivery = 'on-site' AND s.min_age IS NULL AND s.capacity IS NULL "
                  f"AND s.residence_required = 0 AND s.disability_certificate_required = 0 ORDER BY s.id LIMIT 1")[0]
resident_cookie = by_code(resident)
(offering_owner,) = sql(f"SELECT p.login FROM services s JOIN organization_members m ON m.organization_id = s.organization_id "
                        f"JOIN people p ON p.id = m.person_id WHERE s.id = {offering} ORDER BY p.id LIMIT 1")[0]
_, offering_token = call("POST", "/api/v1/me/tokens", {"name": "scale-load"}, cookie=by_code(offering_owner))
_, resident_token = call("POST", "/api/v1/me/tokens", {"name": "scale-load"}, cookie=resident_cookie)
body = {"service_id": offering, "grid_unit_id": home, "address_detail": "2单元301", "contact_phone": "13900000000",
        "notes": "压测"}

year_from = (datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).date()
             - datetime.timedelta(days=364)).isoformat()
env = {
    "COOKIES": " ".join(cookies), "YEAR_FROM": year_from, "TOKEN": token["token"], "ORG": org,
    "ORG_SERVICE": service, "INBOX_TOTAL": total, "OWNER_COOKIE": owner_cookie,
    "RESIDENT_TOKEN": resident_token["token"], "SUBMIT_BODY": json.dumps(body, ensure_ascii=False),
    "OFFERING_OWNER_TOKEN": offering_token["token"],
}
with open(os.path.join(os.environ["OUT"], "setup.env"), "w") as f:
    for k, v in env.items():
        f.write(f"{k}={shlex.quote(str(v))}\n")
