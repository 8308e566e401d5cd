-- Billing documents outside the monthly run: advance invoices, annual settlements from distributor
-- readings, retroactive corrections, and market prices for dynamic tariffs. See docs/billing-runs.md.

-- AlterTable
ALTER TABLE "pod" ADD COLUMN "market_zone" TEXT NOT NULL DEFAULT 'DE-LU';

-- AlterTable (new nullable columns: existing issued invoices stay untouched)
ALTER TABLE "invoice" ADD COLUMN "idempotency_key" TEXT,
ADD COLUMN "billing_input" JSONB;

-- CreateTable
CREATE TABLE "settlement_reading" (
    "pod_id" TEXT NOT NULL,
    "read_on" DATE NOT NULL,
    "kwh" DECIMAL(14,3) NOT NULL,
    "source" TEXT NOT NULL DEFAULT 'manual',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "settlement_reading_pkey" PRIMARY KEY ("pod_id","read_on")
);

-- CreateTable
CREATE TABLE "market_price" (
    "zone" TEXT NOT NULL,
    "start_at" TIMESTAMPTZ(3) NOT NULL,
    "resolution_minutes" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "price" DECIMAL(18,8) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "market_price_pkey" PRIMARY KEY ("zone","resolution_minutes","start_at")
);

-- CreateIndex
CREATE UNIQUE INDEX "invoice_idempotency_key_key" ON "invoice"("idempotency_key");

-- AddForeignKey
ALTER TABLE "settlement_reading" ADD CONSTRAINT "settlement_reading_pod_id_fkey" FOREIGN KEY ("pod_id") REFERENCES "pod"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
