-- Billing (issue 3): master data, invoices with their lifecycle, bill runs. Hand-written: the tables
-- match prisma/schema/billing.prisma exactly; CHECK constraints and triggers are what Prisma cannot express.

-- CreateEnum
CREATE TYPE "MeteringKind" AS ENUM ('slp', 'amr');

-- CreateEnum
CREATE TYPE "NetworkChargesPayer" AS ENUM ('customer', 'trader');

-- CreateEnum
CREATE TYPE "AdvanceMode" AS ENUM ('none', 'percentage', 'fifteen_day');

-- CreateEnum
CREATE TYPE "AdvanceBasis" AS ENUM ('forecast', 'annual_reference');

-- CreateEnum
CREATE TYPE "BillingLineGroup" AS ENUM ('energy', 'network', 'levy', 'fee', 'tax', 'credit');

-- CreateEnum
CREATE TYPE "InvoiceStatus" AS ENUM ('draft', 'issued', 'voided');

-- CreateEnum
CREATE TYPE "InvoiceKind" AS ENUM ('advance', 'monthly', 'settlement', 'difference', 'credit_note');

-- CreateEnum
CREATE TYPE "BillRunStatus" AS ENUM ('running', 'completed');

-- CreateEnum
CREATE TYPE "BillRunItemStatus" AS ENUM ('pending', 'drafted', 'failed');

-- CreateTable
CREATE TABLE "distributor" (
    "id" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "distributor_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "trader" (
    "id" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "retailer_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "trader_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "balance_group" (
    "id" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "balance_responsible_party" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "balance_group_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "profile_type" (
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',

    CONSTRAINT "profile_type_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "network_tariff" (
    "id" TEXT NOT NULL,
    "distributor_id" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "valid_from" DATE NOT NULL,
    "valid_to" DATE,
    "tariff" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "network_tariff_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "product" (
    "id" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "tariff" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "product_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "contract" (
    "id" TEXT NOT NULL,
    "number" TEXT NOT NULL,
    "customer_id" TEXT NOT NULL,
    "trader_id" TEXT NOT NULL,
    "valid_from" DATE NOT NULL,
    "valid_to" DATE,
    "currency" CHAR(3) NOT NULL,
    "payment_terms_days" INTEGER NOT NULL DEFAULT 14,
    "advance_mode" "AdvanceMode" NOT NULL DEFAULT 'none',
    "advance_basis" "AdvanceBasis" NOT NULL DEFAULT 'forecast',
    "advance_percent" DECIMAL(7,4),
    "energy_tariff" JSONB,
    "product_id" TEXT,
    "price_includes_levy" BOOLEAN NOT NULL DEFAULT false,
    "contracted_quantity_kwh" DECIMAL(16,3),
    "contracted_capacity_kw" DECIMAL(12,3),
    "invoice_series" TEXT NOT NULL DEFAULT 'INV',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "contract_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "pod" (
    "id" TEXT NOT NULL,
    "identifier" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "site_id" TEXT,
    "contract_id" TEXT,
    "metering" "MeteringKind" NOT NULL,
    "monthly_forecast_kwh" DECIMAL(14,3)[],
    "annual_reference_kwh" DECIMAL(14,3) NOT NULL,
    "profile_type_code" TEXT,
    "distributor_id" TEXT NOT NULL,
    "trader_id" TEXT NOT NULL,
    "balance_group_id" TEXT,
    "network_charges_payer" "NetworkChargesPayer" NOT NULL DEFAULT 'customer',
    "network_tariff_id" TEXT,
    "sign_in_date" DATE NOT NULL,
    "sign_out_date" DATE,
    "time_zone" TEXT NOT NULL DEFAULT 'Europe/Berlin',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "pod_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "billing_item" (
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "group" "BillingLineGroup" NOT NULL,
    "vat_rate" DECIMAL(5,2) NOT NULL,
    "unit" TEXT NOT NULL,
    "ledger_account" TEXT NOT NULL,
    "analytic_codes" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "billing_item_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "billing_item_price" (
    "item_code" TEXT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "valid_from" DATE NOT NULL,
    "valid_to" DATE,
    "unit_price" DECIMAL(18,8) NOT NULL,

    CONSTRAINT "billing_item_price_pkey" PRIMARY KEY ("item_code","currency","valid_from")
);

-- CreateTable
CREATE TABLE "monthly_parameter" (
    "month" DATE NOT NULL,
    "code" TEXT NOT NULL,
    "value" DECIMAL(18,8) NOT NULL,
    "unit" TEXT NOT NULL DEFAULT '',

    CONSTRAINT "monthly_parameter_pkey" PRIMARY KEY ("month","code")
);

-- CreateTable
CREATE TABLE "invoice_series" (
    "id" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "next_number" BIGINT NOT NULL DEFAULT 1,

    CONSTRAINT "invoice_series_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "invoice" (
    "id" UUID NOT NULL,
    "status" "InvoiceStatus" NOT NULL DEFAULT 'draft',
    "kind" "InvoiceKind" NOT NULL,
    "series_id" TEXT NOT NULL,
    "sequence" BIGINT,
    "number" TEXT,
    "contract_id" TEXT NOT NULL,
    "pod_id" TEXT,
    "bill_run_id" UUID,
    "original_invoice_id" UUID,
    "currency" CHAR(3) NOT NULL,
    "minor_unit_digits" INTEGER NOT NULL,
    "period_start" DATE NOT NULL,
    "period_end" DATE NOT NULL,
    "time_zone" TEXT NOT NULL,
    "net_minor" BIGINT NOT NULL,
    "vat_minor" BIGINT NOT NULL,
    "total_minor" BIGINT NOT NULL,
    "amount_due_minor" BIGINT NOT NULL,
    "vat_summary" JSONB NOT NULL,
    "advances_deducted" JSONB NOT NULL,
    "buyer" JSONB NOT NULL,
    "payment_terms_days" INTEGER NOT NULL,
    "issue_date" DATE,
    "due_date" DATE,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "issued_at" TIMESTAMPTZ(3),
    "voided_at" TIMESTAMPTZ(3),
    "void_reason" TEXT,

    CONSTRAINT "invoice_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "invoice_line" (
    "invoice_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "group" "BillingLineGroup" NOT NULL,
    "code" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "quantity" DECIMAL(28,12) NOT NULL,
    "unit" TEXT NOT NULL,
    "unit_price" DECIMAL(28,12) NOT NULL,
    "amount_minor" BIGINT NOT NULL,
    "precise_amount" DECIMAL(28,12) NOT NULL,
    "vat_rate" DECIMAL(5,2) NOT NULL,
    "period_start" TIMESTAMPTZ(3) NOT NULL,
    "period_end" TIMESTAMPTZ(3) NOT NULL,
    "breakdown" JSONB,

    CONSTRAINT "invoice_line_pkey" PRIMARY KEY ("invoice_id","position")
);

-- CreateTable
CREATE TABLE "bill_run" (
    "id" UUID NOT NULL,
    "period_start" DATE NOT NULL,
    "period_end" DATE NOT NULL,
    "status" "BillRunStatus" NOT NULL DEFAULT 'running',
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "bill_run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "bill_run_item" (
    "bill_run_id" UUID NOT NULL,
    "pod_id" TEXT NOT NULL,
    "status" "BillRunItemStatus" NOT NULL DEFAULT 'pending',
    "invoice_id" UUID,
    "intervals" INTEGER,
    "expected_intervals" INTEGER,
    "error" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "bill_run_item_pkey" PRIMARY KEY ("bill_run_id","pod_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "distributor_code_key" ON "distributor"("code");

-- CreateIndex
CREATE UNIQUE INDEX "trader_code_key" ON "trader"("code");

-- CreateIndex
CREATE INDEX "trader_retailer_id_idx" ON "trader"("retailer_id");

-- CreateIndex
CREATE UNIQUE INDEX "balance_group_code_key" ON "balance_group"("code");

-- CreateIndex
CREATE UNIQUE INDEX "network_tariff_distributor_id_code_valid_from_key" ON "network_tariff"("distributor_id", "code", "valid_from");

-- CreateIndex
CREATE UNIQUE INDEX "product_code_key" ON "product"("code");

-- CreateIndex
CREATE UNIQUE INDEX "contract_number_key" ON "contract"("number");

-- CreateIndex
CREATE INDEX "contract_customer_id_idx" ON "contract"("customer_id");

-- CreateIndex
CREATE UNIQUE INDEX "pod_identifier_key" ON "pod"("identifier");

-- CreateIndex
CREATE UNIQUE INDEX "pod_site_id_key" ON "pod"("site_id");

-- CreateIndex
CREATE INDEX "pod_contract_id_idx" ON "pod"("contract_id");

-- CreateIndex
CREATE INDEX "pod_distributor_id_idx" ON "pod"("distributor_id");

-- CreateIndex
CREATE UNIQUE INDEX "invoice_number_key" ON "invoice"("number");

-- CreateIndex
CREATE INDEX "invoice_contract_id_idx" ON "invoice"("contract_id");

-- CreateIndex
CREATE INDEX "invoice_pod_id_period_start_idx" ON "invoice"("pod_id", "period_start");

-- CreateIndex
CREATE INDEX "invoice_original_invoice_id_idx" ON "invoice"("original_invoice_id");

-- CreateIndex
CREATE UNIQUE INDEX "invoice_series_id_sequence_key" ON "invoice"("series_id", "sequence");

-- CreateIndex
CREATE UNIQUE INDEX "invoice_bill_run_id_pod_id_kind_key" ON "invoice"("bill_run_id", "pod_id", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "bill_run_period_start_key" ON "bill_run"("period_start");

-- CreateIndex
CREATE UNIQUE INDEX "bill_run_item_invoice_id_key" ON "bill_run_item"("invoice_id");

-- CreateIndex
CREATE INDEX "bill_run_item_bill_run_id_status_idx" ON "bill_run_item"("bill_run_id", "status");

-- AddForeignKey
ALTER TABLE "trader" ADD CONSTRAINT "trader_retailer_id_fkey" FOREIGN KEY ("retailer_id") REFERENCES "retailer"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "network_tariff" ADD CONSTRAINT "network_tariff_distributor_id_fkey" FOREIGN KEY ("distributor_id") REFERENCES "distributor"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "contract" ADD CONSTRAINT "contract_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "contract" ADD CONSTRAINT "contract_trader_id_fkey" FOREIGN KEY ("trader_id") REFERENCES "trader"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "contract" ADD CONSTRAINT "contract_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "product"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pod" ADD CONSTRAINT "pod_site_id_fkey" FOREIGN KEY ("site_id") REFERENCES "site"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pod" ADD CONSTRAINT "pod_contract_id_fkey" FOREIGN KEY ("contract_id") REFERENCES "contract"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pod" ADD CONSTRAINT "pod_profile_type_code_fkey" FOREIGN KEY ("profile_type_code") REFERENCES "profile_type"("code") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pod" ADD CONSTRAINT "pod_distributor_id_fkey" FOREIGN KEY ("distributor_id") REFERENCES "distributor"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pod" ADD CONSTRAINT "pod_trader_id_fkey" FOREIGN KEY ("trader_id") REFERENCES "trader"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pod" ADD CONSTRAINT "pod_balance_group_id_fkey" FOREIGN KEY ("balance_group_id") REFERENCES "balance_group"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pod" ADD CONSTRAINT "pod_network_tariff_id_fkey" FOREIGN KEY ("network_tariff_id") REFERENCES "network_tariff"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "billing_item_price" ADD CONSTRAINT "billing_item_price_item_code_fkey" FOREIGN KEY ("item_code") REFERENCES "billing_item"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "invoice" ADD CONSTRAINT "invoice_series_id_fkey" FOREIGN KEY ("series_id") REFERENCES "invoice_series"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "invoice" ADD CONSTRAINT "invoice_contract_id_fkey" FOREIGN KEY ("contract_id") REFERENCES "contract"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "invoice" ADD CONSTRAINT "invoice_pod_id_fkey" FOREIGN KEY ("pod_id") REFERENCES "pod"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "invoice" ADD CONSTRAINT "invoice_bill_run_id_fkey" FOREIGN KEY ("bill_run_id") REFERENCES "bill_run"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "invoice" ADD CONSTRAINT "invoice_original_invoice_id_fkey" FOREIGN KEY ("original_invoice_id") REFERENCES "invoice"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "invoice_line" ADD CONSTRAINT "invoice_line_invoice_id_fkey" FOREIGN KEY ("invoice_id") REFERENCES "invoice"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bill_run_item" ADD CONSTRAINT "bill_run_item_bill_run_id_fkey" FOREIGN KEY ("bill_run_id") REFERENCES "bill_run"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bill_run_item" ADD CONSTRAINT "bill_run_item_pod_id_fkey" FOREIGN KEY ("pod_id") REFERENCES "pod"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bill_run_item" ADD CONSTRAINT "bill_run_item_invoice_id_fkey" FOREIGN KEY ("invoice_id") REFERENCES "invoice"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- Invariants Prisma cannot express. They are trigger functions, not CHECK constraints: a CHECK
-- constraint crashes the JS schema engine of Prisma 6.19 when it introspects (`migrate diff`/`dev`).
-- Row triggers fire in name order: "invoice_immutable" runs before "invoice_validate".
CREATE FUNCTION "billing_invoice_check"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."status" <> 'draft' AND (NEW."number" IS NULL OR NEW."sequence" IS NULL
      OR NEW."issued_at" IS NULL OR NEW."issue_date" IS NULL OR NEW."due_date" IS NULL) THEN
    RAISE EXCEPTION 'invoice %: an issued or voided invoice needs number, sequence, issued_at, issue_date, due_date', NEW."id"
      USING ERRCODE = 'check_violation';
  END IF;
  IF (NEW."status" = 'voided') <> (NEW."voided_at" IS NOT NULL) THEN
    RAISE EXCEPTION 'invoice %: voided_at is set exactly when the invoice is voided', NEW."id"
      USING ERRCODE = 'check_violation';
  END IF;
  IF NEW."total_minor" <> NEW."net_minor" + NEW."vat_minor" THEN
    RAISE EXCEPTION 'invoice %: total_minor must equal net_minor + vat_minor', NEW."id"
      USING ERRCODE = 'check_violation';
  END IF;
  IF NEW."kind" IN ('credit_note', 'difference') AND NEW."original_invoice_id" IS NULL THEN
    RAISE EXCEPTION 'invoice %: a % must reference the original invoice', NEW."id", NEW."kind"
      USING ERRCODE = 'check_violation';
  END IF;
  IF NEW."period_end" <= NEW."period_start" THEN
    RAISE EXCEPTION 'invoice %: period_end must be after period_start', NEW."id"
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER "invoice_validate"
  BEFORE INSERT OR UPDATE ON "invoice"
  FOR EACH ROW EXECUTE FUNCTION "billing_invoice_check"();

CREATE FUNCTION "billing_pod_check"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."monthly_forecast_kwh" IS NOT NULL AND cardinality(NEW."monthly_forecast_kwh") NOT IN (0, 12) THEN
    RAISE EXCEPTION 'pod %: monthly_forecast_kwh needs 12 values (January first)', NEW."identifier"
      USING ERRCODE = 'check_violation';
  END IF;
  IF NEW."sign_out_date" IS NOT NULL AND NEW."sign_out_date" <= NEW."sign_in_date" THEN
    RAISE EXCEPTION 'pod %: sign_out_date must be after sign_in_date', NEW."identifier"
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER "pod_validate"
  BEFORE INSERT OR UPDATE ON "pod"
  FOR EACH ROW EXECUTE FUNCTION "billing_pod_check"();

-- An issued invoice can never be changed (EU VAT Directive Art. 233: integrity of content): the
-- only change after issue is the transition issued -> voided, which may set voided_at and void_reason
-- and nothing else. A voided invoice is final. Only drafts may be deleted.
CREATE FUNCTION "billing_invoice_immutable"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD."status" <> 'draft' THEN
      RAISE EXCEPTION 'invoice % is % and cannot be deleted', OLD."number", OLD."status"
        USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN OLD;
  END IF;
  IF OLD."status" = 'draft' THEN
    RETURN NEW;
  END IF;
  IF OLD."status" = 'issued' AND NEW."status" = 'voided'
     AND (to_jsonb(NEW) - 'status' - 'voided_at' - 'void_reason')
       = (to_jsonb(OLD) - 'status' - 'voided_at' - 'void_reason') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'invoice % is % and cannot be changed (only issued -> voided is allowed)', OLD."number", OLD."status"
    USING ERRCODE = 'integrity_constraint_violation';
END
$$;

CREATE TRIGGER "invoice_immutable"
  BEFORE UPDATE OR DELETE ON "invoice"
  FOR EACH ROW EXECUTE FUNCTION "billing_invoice_immutable"();

-- Lines may be written only while their invoice is a draft (a line of a deleted draft goes with it).
CREATE FUNCTION "billing_invoice_line_immutable"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  invoice_status "InvoiceStatus";
  invoice_number TEXT;
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT "status", "number" INTO invoice_status, invoice_number FROM "invoice" WHERE "id" = NEW."invoice_id";
  ELSE
    SELECT "status", "number" INTO invoice_status, invoice_number FROM "invoice" WHERE "id" = OLD."invoice_id";
  END IF;
  IF invoice_status IS NOT NULL AND invoice_status <> 'draft' THEN
    RAISE EXCEPTION 'invoice % is % and its lines cannot be changed', invoice_number, invoice_status
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF TG_OP = 'UPDATE' AND NEW."invoice_id" <> OLD."invoice_id" THEN
    SELECT "status", "number" INTO invoice_status, invoice_number FROM "invoice" WHERE "id" = NEW."invoice_id";
    IF invoice_status IS NOT NULL AND invoice_status <> 'draft' THEN
      RAISE EXCEPTION 'invoice % is % and its lines cannot be changed', invoice_number, invoice_status
        USING ERRCODE = 'integrity_constraint_violation';
    END IF;
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER "invoice_line_immutable"
  BEFORE INSERT OR UPDATE OR DELETE ON "invoice_line"
  FOR EACH ROW EXECUTE FUNCTION "billing_invoice_line_immutable"();

-- TRUNCATE bypasses row triggers: refuse it on both tables.
CREATE FUNCTION "billing_refuse_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'TRUNCATE of % is not allowed (issued invoices are immutable)', TG_TABLE_NAME
    USING ERRCODE = 'integrity_constraint_violation';
END
$$;

CREATE TRIGGER "invoice_no_truncate" BEFORE TRUNCATE ON "invoice"
  FOR EACH STATEMENT EXECUTE FUNCTION "billing_refuse_truncate"();
CREATE TRIGGER "invoice_line_no_truncate" BEFORE TRUNCATE ON "invoice_line"
  FOR EACH STATEMENT EXECUTE FUNCTION "billing_refuse_truncate"();

-- The series the demo and the bill runs use.
INSERT INTO "invoice_series" ("id", "prefix") VALUES ('INV', 'INV-'), ('CN', 'CN-'), ('ADV', 'ADV-');
