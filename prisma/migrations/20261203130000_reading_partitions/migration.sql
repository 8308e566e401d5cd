-- Issue 15: readings and intervals partitioned by month (declarative RANGE partitioning).
--
-- The parents keep their names, columns, keys and indexes in "public" (what prisma/schema describes);
-- the partitions live in the schema "c4e_partitions" (Prisma only looks at "public"), one per UTC month
-- ("reading_y2026m12": [2026-12-01, 2027-01-01) UTC) plus a DEFAULT partition that catches what no
-- month partition covers, so a write never fails for want of a partition. ingest creates the months
-- ahead (c4e_ensure_month_partitions, at start and hourly); docs/ingest.md, "Partitions and retention",
-- describes detaching and archiving old months without downtime.

CREATE SCHEMA IF NOT EXISTS c4e_partitions;

-- Creates the month partitions of `parent` (partitioned by `column`) for every month from `from_month`
-- through `to_month` that has none. Rows of a new month already in the DEFAULT partition are moved into
-- it (a DEFAULT partition may not hold rows of a partition being attached). Returns the partitions
-- created. Idempotent; serialised per parent by an advisory lock.
CREATE FUNCTION c4e_ensure_month_partitions(parent regclass, from_month date, to_month date)
RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
  parent_name text := (SELECT relname FROM pg_class WHERE oid = parent);
  key_column text;
  month date := date_trunc('month', from_month)::date;
  last_month date := date_trunc('month', to_month)::date;
  part text;
  lower_bound timestamptz;
  upper_bound timestamptz;
  default_part text := parent_name || '_default';
  moved bigint;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('c4e:partitions:' || parent_name, 0));
  SELECT a.attname INTO key_column
    FROM pg_partitioned_table p JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
   WHERE p.partrelid = parent;
  IF key_column IS NULL THEN
    RAISE EXCEPTION '% is not a partitioned table', parent_name;
  END IF;
  WHILE month <= last_month LOOP
    part := format('%s_y%sm%s', parent_name, to_char(month, 'YYYY'), to_char(month, 'MM'));
    lower_bound := (month::timestamp AT TIME ZONE 'UTC');
    upper_bound := ((month + interval '1 month')::timestamp AT TIME ZONE 'UTC');
    IF to_regclass(format('c4e_partitions.%I', part)) IS NULL THEN
      EXECUTE format('CREATE TABLE c4e_partitions.%I (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part, parent);
      EXECUTE format(
        'WITH moved AS (DELETE FROM c4e_partitions.%I WHERE %I >= $1 AND %I < $2 RETURNING *) INSERT INTO c4e_partitions.%I SELECT * FROM moved',
        default_part, key_column, key_column, part)
        USING lower_bound, upper_bound;
      GET DIAGNOSTICS moved = ROW_COUNT;
      EXECUTE format('ALTER TABLE %s ATTACH PARTITION c4e_partitions.%I FOR VALUES FROM (%L) TO (%L)',
        parent, part, lower_bound, upper_bound);
      IF moved > 0 THEN
        RAISE NOTICE 'moved % rows of % from the default partition', moved, part;
      END IF;
      RETURN NEXT part;
    END IF;
    month := (month + interval '1 month')::date;
  END LOOP;
END;
$$;

-- reading
ALTER TABLE "reading" RENAME TO "reading_unpartitioned";
ALTER TABLE "reading_unpartitioned" RENAME CONSTRAINT "reading_pkey" TO "reading_unpartitioned_pkey";
ALTER INDEX "reading_at_idx" RENAME TO "reading_unpartitioned_at_idx";
ALTER INDEX "reading_reward_batch_id_idx" RENAME TO "reading_unpartitioned_reward_batch_id_idx";
CREATE TABLE "reading" (
    "meter_id" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "register" TEXT NOT NULL,
    "value_wh" BIGINT NOT NULL,
    "delta_wh" BIGINT,
    "gateway_id" TEXT NOT NULL,
    "message_id" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL,
    "reward_batch_id" TEXT,
    "reward_eligible" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "reading_pkey" PRIMARY KEY ("meter_id","at","register")
) PARTITION BY RANGE ("at");
CREATE INDEX "reading_at_idx" ON "reading"("at");
CREATE INDEX "reading_reward_batch_id_idx" ON "reading"("reward_batch_id");
CREATE TABLE c4e_partitions.reading_default PARTITION OF "reading" DEFAULT;
SELECT c4e_ensure_month_partitions('reading',
  least(coalesce((SELECT min("at") FROM "reading_unpartitioned"), now()), now())::date,
  (now() + interval '3 months')::date);
INSERT INTO "reading" SELECT "meter_id", "at", "register", "value_wh", "delta_wh", "gateway_id", "message_id",
  "received_at", "reward_batch_id", "reward_eligible" FROM "reading_unpartitioned";
DROP TABLE "reading_unpartitioned";

-- reading_interval
ALTER TABLE "reading_interval" RENAME TO "reading_interval_unpartitioned";
ALTER TABLE "reading_interval_unpartitioned" RENAME CONSTRAINT "reading_interval_pkey" TO "reading_interval_unpartitioned_pkey";
CREATE TABLE "reading_interval" (
    "meter_id" TEXT NOT NULL,
    "register" TEXT NOT NULL,
    "start_at" TIMESTAMPTZ(3) NOT NULL,
    "end_at" TIMESTAMPTZ(3) NOT NULL,
    "energy_wh" BIGINT NOT NULL,
    CONSTRAINT "reading_interval_pkey" PRIMARY KEY ("meter_id","register","start_at")
) PARTITION BY RANGE ("start_at");
CREATE TABLE c4e_partitions.reading_interval_default PARTITION OF "reading_interval" DEFAULT;
SELECT c4e_ensure_month_partitions('reading_interval',
  least(coalesce((SELECT min("start_at") FROM "reading_interval_unpartitioned"), now()), now())::date,
  (now() + interval '3 months')::date);
INSERT INTO "reading_interval" SELECT "meter_id", "register", "start_at", "end_at", "energy_wh"
  FROM "reading_interval_unpartitioned";
DROP TABLE "reading_interval_unpartitioned";
