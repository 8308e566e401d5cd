-- Bill runs check that a POD's interval data is complete (docs/billing-runs.md, "Completeness").
-- Hand-written to match prisma/schema/billing.prisma (checked by `prisma migrate diff --exit-code`).

-- An item whose draft was made from incomplete data: the draft exists but is held, and the next run
-- of the month bills the POD again. ADD VALUE may run in the migration's transaction as long as the
-- value is not used in it.
ALTER TYPE "BillRunItemStatus" ADD VALUE 'incomplete';

-- What was missing: the count, the first few merged ranges ([{ start, end, intervals }], ISO
-- instants, end exclusive) and how many ranges there are in all.
ALTER TABLE "bill_run_item"
  ADD COLUMN "missing_intervals" INTEGER,
  ADD COLUMN "missing_ranges" JSONB,
  ADD COLUMN "missing_range_count" INTEGER;

-- A held draft is not issued by the ordinary issue paths. `hold_reason` stays on the invoice for good;
-- the release (a retailer admin's override) records who, when and why, and is kept after issue.
ALTER TABLE "invoice"
  ADD COLUMN "hold_reason" TEXT,
  ADD COLUMN "hold_released_at" TIMESTAMPTZ(3),
  ADD COLUMN "hold_released_by" TEXT,
  ADD COLUMN "hold_release_note" TEXT;
