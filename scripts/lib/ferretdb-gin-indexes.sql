-- Makes FerretDB v1's indexes usable by its own queries, in the PostgreSQL database
-- behind it (the local stand-in for MongoDB only; production runs real MongoDB).
--
-- FerretDB v1.24 creates each MongoDB index as a btree over `(_jsonb -> 'field')`, but
-- pushes every equality filter down as `_jsonb -> $key @> $value` (jsonb containment),
-- which a btree cannot serve: every find, `_id` lookups included, scanned the whole
-- table, so lookups grew linearly with the collection and a backfill quadratically.
-- This event trigger gives every field of such a btree a GIN index over the same
-- expression, which `@>` can use. With custom plans the `$key` parameter is planned as the
-- constant it is, so the expression matches the index's.
--
-- Idempotent: run on every `scripts/services up` and by the benchmark's own FerretDB.
-- Indexes made before the trigger existed get their twins at the end.

CREATE OR REPLACE FUNCTION tally_gin_twin(index_oid oid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  definition text := pg_get_indexdef(index_oid);
  target regclass;
  field text;
  position bigint;
BEGIN
  -- Only FerretDB's btrees over top-level fields: a dotted path is queried with `#>`,
  -- which an index over `->` chains would not serve either.
  IF definition NOT LIKE '% USING btree (%_jsonb -> %' OR definition LIKE '%::text) -> %' THEN
    RETURN;
  END IF;
  SELECT indrelid::regclass INTO target FROM pg_index WHERE indexrelid = index_oid;
  -- One GIN per field, shared by every index that names it, so that the planner scans
  -- the most selective field's index alone. A compound index's leading field (tenantId
  -- throughout tally) gets none: it selects a whole tenant, and ANDing its long posting
  -- list in cost more than the filter saved. fastupdate is off: a pending list, which only
  -- VACUUM empties, is read whole by every lookup (12 ms per lookup after 200k inserts).
  FOR field, position IN
    SELECT m[1], row_number() OVER () FROM regexp_matches(definition, '\(_jsonb -> ''([^'']+)''::text\)', 'g') AS m
  LOOP
    CONTINUE WHEN position = 1 AND definition LIKE '%::text)), ((_jsonb -> %';
    -- tally filters `at` only by range, which FerretDB never pushes down: an index there would only slow inserts.
    CONTINUE WHEN field = 'at';
    EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %s USING gin ((_jsonb -> %L)) WITH (fastupdate = off)',
      'tally_gin_' || left(md5(target::text || '/' || field), 24), target, field);
  END LOOP;
END $$;

CREATE OR REPLACE FUNCTION tally_gin_twin_on_create() RETURNS event_trigger LANGUAGE plpgsql AS $$
DECLARE
  command record;
BEGIN
  FOR command IN SELECT objid FROM pg_event_trigger_ddl_commands() WHERE command_tag = 'CREATE INDEX' AND object_type = 'index' LOOP
    PERFORM tally_gin_twin(command.objid);
  END LOOP;
END $$;

DROP EVENT TRIGGER IF EXISTS tally_gin_twins;
CREATE EVENT TRIGGER tally_gin_twins ON ddl_command_end WHEN TAG IN ('CREATE INDEX') EXECUTE FUNCTION tally_gin_twin_on_create();

DO $$
DECLARE
  existing record;
BEGIN
  FOR existing IN
    SELECT i.indexrelid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
    WHERE a.amname = 'btree' AND c.relnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
  LOOP
    PERFORM tally_gin_twin(existing.indexrelid);
  END LOOP;
END $$;
