-- PostGIS side of scripts/bench/postgis_compare.sh: schema, load, indexes and the timing function.
-- The script replaces @CLINICS_CSV@ and @QUERIES_CSV@ with file paths (psql does not expand variables in
-- \copy) and pipes the result into psql. Timings are taken inside the
-- server (plpgsql loop, clock_timestamp), so they exclude client round trips, which favours PostGIS.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE UNLOGGED TABLE raw (
    id text, name text, street text, city text, state text, zip text, lat float8, lon float8, phone text,
    website text, offers text, payment text, telehealth bool, languages text, accepting_new_patients bool,
    rems_certified bool, last_verified text
);
\copy raw FROM '@CLINICS_CSV@' WITH (FORMAT csv, HEADER true)

-- Arrays for the ;-lists, as a straightforward schema would hold them; a geography point for the GiST index.
CREATE TABLE clinics AS
SELECT id, name, street, city, state, zip, lat, lon,
       coalesce(string_to_array(nullif(offers, ''), ';'), '{}') AS offers,
       coalesce(string_to_array(nullif(payment, ''), ';'), '{}') AS payment,
       telehealth,
       coalesce(string_to_array(nullif(languages, ''), ';'), '{}') AS languages,
       accepting_new_patients, rems_certified,
       ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography AS geog
FROM raw;
DROP TABLE raw;
ALTER TABLE clinics ADD PRIMARY KEY (id);
CREATE INDEX clinics_geog ON clinics USING gist (geog);

CREATE TABLE qpts (i serial PRIMARY KEY, lat float8, lon float8);
\copy qpts (lat, lon) FROM '@QUERIES_CSV@' WITH (FORMAT csv, HEADER true)
VACUUM ANALYZE clinics;
VACUUM ANALYZE qpts;

-- Times one query shape at every query point: one untimed warm-up pass, then `passes` timed passes.
-- Returns the median and 90th percentile in microseconds and the mean number of rows returned.
CREATE FUNCTION bench(kind text, passes int) RETURNS TABLE (median_us float8, p90_us float8, mean_rows float8)
LANGUAGE plpgsql AS $$
DECLARE
    r record;
    t0 timestamptz;
    q geography;
    ids text[];
    times float8[] := '{}';
    nrows bigint := 0;
BEGIN
    FOR p IN 0..passes LOOP
        FOR r IN SELECT lat, lon FROM qpts ORDER BY i LOOP
            q := ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326)::geography;
            t0 := clock_timestamp();
            IF kind = 'nearest10' THEN
                SELECT array_agg(id) INTO ids FROM (SELECT id FROM clinics ORDER BY geog <-> q LIMIT 10) s;
            ELSIF kind = 'nearest10_f10' THEN
                SELECT array_agg(id) INTO ids FROM (
                    SELECT id FROM clinics WHERE offers @> '{im_ketamine}' ORDER BY geog <-> q LIMIT 10) s;
            ELSIF kind = 'nearest10_f1' THEN
                SELECT array_agg(id) INTO ids FROM (
                    SELECT id FROM clinics
                    WHERE offers @> '{esketamine_nasal}' AND payment @> '{medicaid}' AND languages @> '{es}'
                    ORDER BY geog <-> q LIMIT 10) s;
            ELSIF kind = 'within50_all' THEN
                SELECT array_agg(id) INTO ids FROM (
                    SELECT id FROM clinics WHERE ST_DWithin(geog, q, 50000, false) ORDER BY geog <-> q) s;
            ELSE
                RAISE EXCEPTION 'unknown query kind %', kind;
            END IF;
            IF p > 0 THEN
                times := times || (extract(epoch FROM clock_timestamp() - t0) * 1e6)::float8;
                nrows := nrows + coalesce(array_length(ids, 1), 0);
            END IF;
        END LOOP;
    END LOOP;
    RETURN QUERY
        SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x), percentile_cont(0.9) WITHIN GROUP (ORDER BY x),
               nrows::float8 / greatest(array_length(times, 1), 1)
        FROM unnest(times) AS x;
END
$$;
