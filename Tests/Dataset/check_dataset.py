#!/usr/bin/env python3
"""Reads billable's CSV dataset the way a data team would (DuckDB, hive partitioning) and
checks it against the SQLite store: row counts, column types, totals, and that every entry's
sources exist. Usage: check_dataset.py BILLABLE CONFIG INPUT...  (prints 'N passed, N failed')."""

import json
import os
import sqlite3
import subprocess
import sys
import tempfile

import duckdb

checks = {"passed": 0, "failed": 0}


def check(name, ok, detail=""):
    checks["passed" if ok else "failed"] += 1
    if not ok:
        print(f"  FAILED {name} {detail}")


def main(argv):
    billable, config, inputs = argv[1], argv[2], argv[3:]
    with tempfile.TemporaryDirectory() as work:
        db = os.path.join(work, "b.sqlite")
        out = os.path.join(work, "reports")
        run = subprocess.run([billable, "scan", "--quiet", "--config", config, "--db", db, "--out", out] + inputs,
                             capture_output=True, text=True)
        check("scan exits 0", run.returncode == 0, run.stderr)
        con = duckdb.connect()
        rel = con.execute(
            "SELECT * FROM read_csv(?, hive_partitioning = true, header = true)",
            [os.path.join(out, "entries", "*", "*.csv")])
        columns = [d[0] for d in rel.description]
        types = {d[0]: str(d[1]) for d in rel.description}
        rows = rel.fetchall()
        store = sqlite3.connect(db)
        count, hours, amount = store.execute("SELECT COUNT(*), ROUND(SUM(hours), 2), ROUND(SUM(amount), 2) FROM entries").fetchone()
        check("row count matches SQLite", len(rows) == count, f"{len(rows)} vs {count}")
        check("month partition column", "month" in columns)
        schema = json.load(open(os.path.join(out, "entries", "_schema.json")))
        names = [f["name"] for f in schema["schema"]["fields"]]
        check("columns in the schema's order", columns[: len(names)] == names, f"{columns}")
        expected = {"work_date": "DATE", "minutes": "DOUBLE", "hours": "DOUBLE", "rate": "DOUBLE", "amount": "DOUBLE",
                    "confidence": "DOUBLE", "message_count": "BIGINT", "entry_id": "VARCHAR", "narrative": "VARCHAR"}
        for column, kind in expected.items():
            check(f"type of {column}", types.get(column) == kind, f"{types.get(column)}")
        check("sent_at reads as a timestamp", "TIMESTAMP" in types.get("sent_at", ""), types.get("sent_at"))
        total_hours, total_amount = con.execute(
            "SELECT ROUND(SUM(hours), 2), ROUND(SUM(amount), 2) FROM read_csv(?, hive_partitioning = true)",
            [os.path.join(out, "entries", "*", "*.csv")]).fetchone()
        check("hours total matches SQLite", abs(float(total_hours) - float(hours)) < 0.005, f"{total_hours} vs {hours}")
        check("amount total matches SQLite", abs(float(total_amount) - float(amount)) < 0.005, f"{total_amount} vs {amount}")
        rows_in_schema = sum(p["rows"] for p in schema["partitions"])
        check("_schema.json row counts", rows_in_schema == count, f"{rows_in_schema}")
        orphans = con.execute(
            "SELECT COUNT(*) FROM read_csv(?) s LEFT JOIN read_csv(?) m ON s.content_hash = m.content_hash WHERE m.content_hash IS NULL",
            [os.path.join(out, "entry_sources.csv"), os.path.join(out, "messages.csv")]).fetchone()[0]
        check("every entry source is a known message", orphans == 0, f"{orphans}")
        partial = con.execute(
            "SELECT COUNT(*) FROM read_csv(?, hive_partitioning = true) e WHERE e.month <> strftime(e.work_date, '%Y-%m')",
            [os.path.join(out, "entries", "*", "*.csv")]).fetchone()[0]
        check("partition month equals work month", partial == 0)
    print(f"dataset: {checks['passed']} passed, {checks['failed']} failed")
    return 1 if checks["failed"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
