-- Billing at utility scale (docs/billing-runs.md): the compact interval store billing reads (filled by
-- the billing compaction from reading_interval, the audit store) and the chunk queue of bill runs.
-- Matches prisma/schema/billing-scale.prisma (`prisma migrate diff` shows no difference).

-- CreateTable
CREATE TABLE "interval_day" (
    "meter_id" TEXT NOT NULL,
    "register" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "intervals" SMALLINT NOT NULL,
    "present" BIT(96) NOT NULL,
    "cum" INTEGER[],
    "max_wh" INTEGER,
    "max_hour_wh" INTEGER,
    "off_grid_at" TIMESTAMPTZ(3)[],
    "compacted_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "interval_day_pkey" PRIMARY KEY ("meter_id","register","day")
);

-- CreateTable
CREATE TABLE "bill_run_chunk" (
    "bill_run_id" UUID NOT NULL,
    "pass" INTEGER NOT NULL,
    "chunk_no" INTEGER NOT NULL,
    "first_pod_id" TEXT NOT NULL,
    "last_pod_id" TEXT NOT NULL,
    "pods" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "worker" TEXT,
    "drafted" INTEGER NOT NULL DEFAULT 0,
    "incomplete" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "bill_run_chunk_pkey" PRIMARY KEY ("bill_run_id","pass","chunk_no")
);

-- CreateIndex
CREATE INDEX "bill_run_chunk_bill_run_id_status_idx" ON "bill_run_chunk"("bill_run_id", "status");

-- AddForeignKey
ALTER TABLE "bill_run_chunk" ADD CONSTRAINT "bill_run_chunk_bill_run_id_fkey" FOREIGN KEY ("bill_run_id") REFERENCES "bill_run"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Draft lines are written in bulk (≈ 9 per invoice, 900,000 per 100,000-POD run): the check that a
-- line is inserted into a draft runs once per statement over its new lines (a transition table)
-- instead of one lookup per row (≈ 40 % of the line insert's time measured). UPDATE and DELETE of
-- lines keep the row trigger; the rule and its error are unchanged.
DROP TRIGGER "invoice_line_immutable" ON "invoice_line";
CREATE TRIGGER "invoice_line_immutable" BEFORE UPDATE OR DELETE ON "invoice_line"
  FOR EACH ROW EXECUTE FUNCTION billing_invoice_line_immutable();

CREATE FUNCTION billing_invoice_line_insert_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  closed RECORD;
BEGIN
  SELECT i."number", i."status" INTO closed
  FROM (SELECT DISTINCT "invoice_id" FROM new_lines) AS n JOIN "invoice" i ON i."id" = n."invoice_id"
  WHERE i."status" <> 'draft'
  LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'invoice % is % and its lines cannot be changed', closed."number", closed."status"
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "invoice_line_insert_draft_only" AFTER INSERT ON "invoice_line"
  REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION billing_invoice_line_insert_check();
