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

