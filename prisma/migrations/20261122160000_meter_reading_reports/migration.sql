-- Meter readings reported by customers on the prosumer page (web). A table of its own: a row in
-- settlement_reading would make billSettlements settle the POD on that date. Hand-written to match
-- prisma/schema/meter-reading-reports.prisma (checked by `prisma migrate diff --exit-code`).
-- CreateTable
CREATE TABLE "meter_reading_report" (
    "id" BIGSERIAL NOT NULL,
    "pod_id" TEXT NOT NULL,
    "customer_id" TEXT NOT NULL,
    "read_on" DATE NOT NULL,
    "kwh" DECIMAL(14,3) NOT NULL,
    "source" TEXT NOT NULL DEFAULT 'customer',
    "reported_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "meter_reading_report_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "meter_reading_report_customer_id_idx" ON "meter_reading_report"("customer_id");

-- CreateIndex
CREATE UNIQUE INDEX "meter_reading_report_pod_id_read_on_key" ON "meter_reading_report"("pod_id", "read_on");

-- AddForeignKey
ALTER TABLE "meter_reading_report" ADD CONSTRAINT "meter_reading_report_pod_id_fkey" FOREIGN KEY ("pod_id") REFERENCES "pod"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meter_reading_report" ADD CONSTRAINT "meter_reading_report_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

