#!/usr/bin/env python3
"""The registry's PHQ-9 outcome cells, adverse events per 100 sessions and blood-pressure gate rates computed by
DuckDB over the CSV export, timed including reading the CSV, for scripts/bench/registry_duckdb.sh.

Definitions follow docs/research-export.md: per course, the baseline is the earliest PHQ-9 and the outcome the latest;
a course needs both (two or more PHQ-9s) and a baseline of 10 or more (the PHQ-9 floor); response is a reduction of at least 50 %, remission a total of 4 or less;
the Wilson 95 % interval uses z = 1.96. Prints one JSON line.
"""

import json
import sys
import time

import duckdb

csv_dir = sys.argv[1]
# The default export form has a day offset per assessment, the shifted form a time; the synthetic PHQ-9s are 3.5 days
# apart, so either orders a course's assessments as KetaPath does.
with open(f"{csv_dir}/assessments.csv") as header_file:
    when = "taken_at" if "taken_at" in header_file.readline().strip().split(",") else "day"
started = time.perf_counter()
con = duckdb.connect()
con.execute("PRAGMA threads=2")
cells = con.execute(
    f"""
    WITH a AS (
        SELECT course, total, {when} AS taken_at, assessment
        FROM read_csv('{csv_dir}/assessments.csv', header = true, auto_detect = true)
        WHERE instrument = 'phq9' AND course IS NOT NULL
    ),
    per AS (
        SELECT course,
               arg_min(total, (taken_at, assessment)) AS baseline,
               arg_max(total, (taken_at, assessment)) AS last,
               count(*) AS n
        FROM a GROUP BY course HAVING count(*) >= 2
    ),
    j AS (
        SELECT c.modality, per.* FROM per
        JOIN read_csv('{csv_dir}/courses.csv', header = true, auto_detect = true) c USING (course)
        WHERE per.baseline >= 10
    ),
    agg AS (
        SELECT modality, count(*) AS patients,
               count(*) FILTER (WHERE (baseline - last) * 100 >= 50 * baseline) AS responders,
               count(*) FILTER (WHERE last <= 4) AS remitters
        FROM j GROUP BY modality
    )
    SELECT modality, patients, responders, remitters,
           responders / patients AS rate,
           ((responders / patients) + 1.96 ^ 2 / (2 * patients)
             - 1.96 * sqrt((responders / patients) * (1 - responders / patients) / patients + 1.96 ^ 2 / (4 * patients ^ 2)))
             / (1 + 1.96 ^ 2 / patients) AS low,
           ((responders / patients) + 1.96 ^ 2 / (2 * patients)
             + 1.96 * sqrt((responders / patients) * (1 - responders / patients) / patients + 1.96 ^ 2 / (4 * patients ^ 2)))
             / (1 + 1.96 ^ 2 / patients) AS high
    FROM agg ORDER BY modality
    """
).fetchall()
sessions = con.execute(
    f"""
    SELECT count(*) AS sessions,
           count(*) FILTER (WHERE bp_gate_checked) AS checked,
           count(*) FILTER (WHERE bp_gate_blocked) AS blocked,
           count(*) FILTER (WHERE bp_gate_overridden) AS overridden
    FROM read_csv('{csv_dir}/sessions.csv', header = true, auto_detect = true)
    """
).fetchone()
events = con.execute(
    f"""
    SELECT kind, count(*) AS events, count(DISTINCT patient) AS patients
    FROM read_csv('{csv_dir}/adverse_events.csv', header = true, auto_detect = true)
    GROUP BY kind ORDER BY kind
    """
).fetchall()
elapsed = time.perf_counter() - started
print(
    json.dumps(
        {
            "backend": "duckdb",
            "duckdb_version": duckdb.__version__,
            "registry_s": elapsed,
            "cells": [
                {"modality": m, "patients": p, "responders": r, "remitters": q, "response_rate": rate,
                 "response_low": low, "response_high": high}
                for (m, p, r, q, rate, low, high) in cells
            ],
            "sessions": sessions[0],
            "gate_blocked_per_checked": sessions[2] / sessions[1] if sessions[1] else None,
            "events_per_100_sessions": {k: 100 * e / sessions[0] for (k, e, _) in events},
        }
    )
)
