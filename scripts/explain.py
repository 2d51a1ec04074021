#!/usr/bin/env python3
"""Prints the query plans of the directory's queries on SQLite and PostgreSQL, for
docs/PERFORMANCE.md. Usage: scripts/explain.py SQLITE_FILE POSTGRES_DATABASE
(both filled by `doorstep generate --seed 1`; scripts/bench.sh leaves the PostgreSQL one)."""
import math, subprocess, sys

lat, lon, r = 30.69, 104.10, 3000.0
m = 6_371_008.8 * math.pi / 180
mx = m * math.cos(math.radians(lat))
bb = (lat - r / m, lat + r / m, lon - r / mx, lon + r / mx)
d2 = f"(((s.longitude - {lon}) * {mx}) * ((s.longitude - {lon}) * {mx}) + ((s.latitude - {lat}) * {m}) * ((s.latitude - {lat}) * {m}))"
near = f"s.latitude BETWEEN {bb[0]} AND {bb[1]} AND s.longitude BETWEEN {bb[2]} AND {bb[3]} AND {d2} <= {r * r}"
text = ("(LOWER(s.name_zh) LIKE '%助餐%' ESCAPE '\\' OR LOWER(s.name_en) LIKE '%助餐%' ESCAPE '\\' "
        "OR LOWER(s.description_zh) LIKE '%助餐%' ESCAPE '\\' OR LOWER(s.description_en) LIKE '%助餐%' ESCAPE '\\')")
cols = ("s.id, s.name_zh AS name, s.category_slug, c.name_zh AS category_name, c.group_slug, s.organization_id, "
        "o.name_zh AS organization_name, s.latitude, s.longitude, s.address_zh AS address, s.cost_kind, s.price_fen, s.price_unit_zh AS price_unit")
joins = "JOIN services s ON s.id = page.page_id JOIN organizations o ON o.id = s.organization_id JOIN categories c ON c.slug = s.category_slug"

def page(where, key):
    return (f"SELECT {cols} FROM (SELECT s.id AS page_id, {key} AS sort_key FROM services s {where} "
            f"ORDER BY sort_key, s.id LIMIT 20 OFFSET 0) page {joins} ORDER BY page.sort_key, page.page_id")

filters = "s.category_slug IN ('meal-assistance') AND s.cost_kind = 'subsidized'"
queries = {
    "search near a point, 3 km": page(f"WHERE {near}", d2),
    "count near a point, 3 km": f"SELECT COUNT(*) FROM services s WHERE {near}",
    "search near a point with category and cost": page(f"WHERE {near} AND {filters}", d2),
    "search near a point with text 助餐": page(f"WHERE {near} AND {text}", d2),
    "search without a position, by name": page("", "s.name_zh"),
    "count without a position": "SELECT COUNT(*) FROM services s",
    "search by text 助餐 without a position": page(f"WHERE {text}", "s.name_zh"),
    "organization page: its offerings": (f"SELECT {cols} FROM services s JOIN organizations o ON o.id = s.organization_id "
        "JOIN categories c ON c.slug = s.category_slug WHERE s.organization_id = 100 AND s.id <> 0 ORDER BY s.name_zh, s.id LIMIT 100"),
    "grid listing (location picker): communities": "SELECT id, parent_id, kind, name_zh AS name, latitude, longitude FROM grid_units WHERE kind = 'community' ORDER BY sort_order, id",
    "grid listing: places in one community": ("SELECT u.id FROM grid_units u JOIN grid_units z ON z.id = u.parent_id WHERE z.parent_id = 25 AND z.kind = 'zone' "
        "AND u.kind IN ('courtyard', 'estate', 'resident-unit') ORDER BY z.sort_order, z.id, u.sort_order, u.id"),
}

sqlite_file, pg_db = sys.argv[1], sys.argv[2]
for title, sql in queries.items():
    print(f"#### {title}\n\nSQLite:\n```")
    print(subprocess.run(["sqlite3", sqlite_file, f"EXPLAIN QUERY PLAN {sql}"], capture_output=True, text=True).stdout.strip())
    print("```\nPostgreSQL (EXPLAIN ANALYZE, timings from one run):\n```")
    out = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", pg_db, "-Atc",
                          f"EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) {sql}"], capture_output=True, text=True)
    print((out.stdout or out.stderr).strip())
    print("```\n")
