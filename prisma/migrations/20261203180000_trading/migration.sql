-- Wholesale trading book (issue 19): counterparties, contracts with versioned terms, deliveries, delivery
-- notes, matches, capacity rights, incoming invoices. Matches prisma/schema/trading.prisma
-- (`prisma migrate diff` shows no difference). See docs/trading.md.

-- CreateEnum
CREATE TYPE "TradingSide" AS ENUM ('buy', 'sell');

-- CreateEnum
CREATE TYPE "TradingPaymentSchedule" AS ENUM ('monthly', 'decade');

-- CreateTable
CREATE TABLE "trading_counterparty" (
    "id" TEXT NOT NULL,
    "retailer_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "vat_id" TEXT NOT NULL,
    "country" CHAR(2) NOT NULL,
    "address" TEXT NOT NULL DEFAULT '',
    "email" TEXT,
    "payment_terms_days" INTEGER NOT NULL DEFAULT 14,
    "vat_rate" DECIMAL(5,2) NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "trading_counterparty_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "trading_contract" (
    "id" TEXT NOT NULL,
    "retailer_id" TEXT NOT NULL,
    "number" TEXT NOT NULL,
    "side" "TradingSide" NOT NULL,
    "counterparty_id" TEXT NOT NULL,
    "contract_date" DATE NOT NULL,
    "zone" TEXT NOT NULL,
    "time_zone" TEXT NOT NULL,
    "resolution_minutes" INTEGER NOT NULL DEFAULT 60,
    "currency" CHAR(3) NOT NULL,
    "payment_schedule" "TradingPaymentSchedule" NOT NULL DEFAULT 'monthly',
    "payment_terms_days" INTEGER NOT NULL DEFAULT 14,
    "balance_group" TEXT,
    "current_version" INTEGER NOT NULL DEFAULT 1,
    "delivery_start" DATE NOT NULL,
    "delivery_end" DATE NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "trading_contract_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "trading_contract_version" (
    "contract_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "terms" JSONB NOT NULL,
    "reason" TEXT NOT NULL DEFAULT '',
    "created_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "trading_contract_version_pkey" PRIMARY KEY ("contract_id","version")
);

-- CreateTable
CREATE TABLE "trading_delivery" (
    "contract_id" TEXT NOT NULL,
    "start_at" TIMESTAMPTZ(3) NOT NULL,
    "mwh" DECIMAL(14,4) NOT NULL,

    CONSTRAINT "trading_delivery_pkey" PRIMARY KEY ("contract_id","start_at")
);

-- CreateTable
CREATE TABLE "trading_delivery_note" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "retailer_id" TEXT NOT NULL,
    "reference" TEXT NOT NULL,
    "contract_id" TEXT NOT NULL,
    "contract_version" INTEGER NOT NULL,
    "period_start" DATE NOT NULL,
    "period_end" DATE NOT NULL,
    "source" TEXT NOT NULL,
    "intervals" INTEGER NOT NULL,
    "quantity_mwh" DECIMAL(16,4) NOT NULL,
    "amount_precise" DECIMAL(30,10) NOT NULL,
    "amount_minor" BIGINT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "price_type" TEXT NOT NULL,
    "invoice_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "trading_delivery_note_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "trading_match" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "retailer_id" TEXT NOT NULL,
    "purchase_contract_id" TEXT NOT NULL,
    "sale_contract_id" TEXT NOT NULL,
    "start_at" TIMESTAMPTZ(3) NOT NULL,
    "mwh" DECIMAL(14,4) NOT NULL,
    "profit" DECIMAL(30,10) NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "source" TEXT NOT NULL,
    "created_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "trading_match_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "trading_capacity_right" (
    "id" TEXT NOT NULL,
    "retailer_id" TEXT NOT NULL,
    "border" TEXT NOT NULL,
    "direction" TEXT NOT NULL,
    "product" TEXT NOT NULL,
    "period_start" DATE NOT NULL,
    "period_end" DATE NOT NULL,
    "from_hour" INTEGER,
    "to_hour" INTEGER,
    "mw" DECIMAL(14,4) NOT NULL,
    "price_per_mwh" DECIMAL(18,6) NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "time_zone" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "trading_capacity_right_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "trading_incoming_invoice" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "retailer_id" TEXT NOT NULL,
    "counterparty_id" TEXT NOT NULL,
    "number" TEXT NOT NULL,
    "lines" JSONB NOT NULL,
    "check_result" JSONB NOT NULL,
    "ok" BOOLEAN NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "trading_incoming_invoice_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "trading_counterparty_retailer_id_vat_id_key" ON "trading_counterparty"("retailer_id", "vat_id");

-- CreateIndex
CREATE INDEX "trading_contract_retailer_id_delivery_start_idx" ON "trading_contract"("retailer_id", "delivery_start");

-- CreateIndex
CREATE UNIQUE INDEX "trading_contract_retailer_id_number_key" ON "trading_contract"("retailer_id", "number");

-- CreateIndex
CREATE UNIQUE INDEX "trading_delivery_note_reference_key" ON "trading_delivery_note"("reference");

-- CreateIndex
CREATE INDEX "trading_delivery_note_retailer_id_period_start_idx" ON "trading_delivery_note"("retailer_id", "period_start");

-- CreateIndex
CREATE UNIQUE INDEX "trading_delivery_note_contract_id_period_start_key" ON "trading_delivery_note"("contract_id", "period_start");

-- CreateIndex
CREATE INDEX "trading_match_retailer_id_start_at_idx" ON "trading_match"("retailer_id", "start_at");

-- CreateIndex
CREATE INDEX "trading_match_purchase_contract_id_start_at_idx" ON "trading_match"("purchase_contract_id", "start_at");

-- CreateIndex
CREATE INDEX "trading_match_sale_contract_id_start_at_idx" ON "trading_match"("sale_contract_id", "start_at");

-- CreateIndex
CREATE INDEX "trading_capacity_right_retailer_id_period_start_idx" ON "trading_capacity_right"("retailer_id", "period_start");

-- CreateIndex
CREATE UNIQUE INDEX "trading_incoming_invoice_counterparty_id_number_key" ON "trading_incoming_invoice"("counterparty_id", "number");

-- AddForeignKey
ALTER TABLE "trading_contract" ADD CONSTRAINT "trading_contract_counterparty_id_fkey" FOREIGN KEY ("counterparty_id") REFERENCES "trading_counterparty"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trading_contract_version" ADD CONSTRAINT "trading_contract_version_contract_id_fkey" FOREIGN KEY ("contract_id") REFERENCES "trading_contract"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trading_delivery" ADD CONSTRAINT "trading_delivery_contract_id_fkey" FOREIGN KEY ("contract_id") REFERENCES "trading_contract"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trading_delivery_note" ADD CONSTRAINT "trading_delivery_note_contract_id_fkey" FOREIGN KEY ("contract_id") REFERENCES "trading_contract"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- Contract versions are the evidence of what was agreed: an amendment is a new version, never an edit.
CREATE FUNCTION trading_contract_version_immutable() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'trading_contract_version is append-only (contract %, version %)', OLD.contract_id, OLD.version;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER trading_contract_version_no_update BEFORE UPDATE ON "trading_contract_version"
  FOR EACH ROW EXECUTE FUNCTION trading_contract_version_immutable();
