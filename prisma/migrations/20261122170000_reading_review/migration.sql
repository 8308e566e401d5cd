-- The retailer reviews customers' reported meter readings (web admin, POD page): a report is pending
-- until staff accept it (copied into settlement_reading with source 'customer') or reject it with a
-- reason the customer sees. Also an index for the admin's customer list, paged by (name, id) within a
-- retailer. Hand-written to match prisma/schema (checked by `prisma migrate diff --exit-code`).
-- CreateEnum
CREATE TYPE "ReadingReportStatus" AS ENUM ('pending', 'accepted', 'rejected');

-- AlterTable
ALTER TABLE "meter_reading_report" ADD COLUMN "status" "ReadingReportStatus" NOT NULL DEFAULT 'pending',
ADD COLUMN "reviewed_by" TEXT,
ADD COLUMN "reviewed_at" TIMESTAMPTZ(3),
ADD COLUMN "reject_reason" TEXT;

-- CreateIndex
CREATE INDEX "meter_reading_report_pod_id_status_idx" ON "meter_reading_report"("pod_id", "status");

-- CreateIndex
CREATE INDEX "customer_retailer_id_name_id_idx" ON "customer"("retailer_id", "name", "id");

-- CreateIndex (the customer page and the CRM search look up the lead of a customer)
CREATE INDEX "crm_lead_customer_id_idx" ON "crm_lead"("customer_id");
