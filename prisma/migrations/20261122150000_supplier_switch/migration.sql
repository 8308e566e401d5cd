-- Supplier switch (issue 5): switch requests, their append-only event trail and distributor messages.
-- Hand-written to match prisma/schema/switch.prisma (checked by `prisma migrate diff --exit-code`), plus a
-- trigger that keeps switch_event append-only (the audit trail of a signed contract is evidence).
-- CreateEnum
CREATE TYPE "SwitchStatus" AS ENUM ('draft', 'signed', 'validated', 'requested', 'confirmed', 'active', 'rejected', 'withdrawn');

-- CreateEnum
CREATE TYPE "DistributorMessageStatus" AS ENUM ('sent', 'acknowledged', 'failed');

-- CreateTable
CREATE TABLE "switch_request" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "reference" TEXT NOT NULL,
    "retailer_id" TEXT NOT NULL,
    "product_id" TEXT NOT NULL,
    "product_version" INTEGER NOT NULL,
    "pod_identifier" TEXT NOT NULL,
    "pod_kind" TEXT NOT NULL,
    "supply_address" TEXT NOT NULL,
    "current_supplier" TEXT NOT NULL,
    "meter_number" TEXT NOT NULL,
    "meter_reading_kwh" DECIMAL(14,3) NOT NULL,
    "meter_reading_date" DATE NOT NULL,
    "annual_consumption_kwh" INTEGER NOT NULL,
    "desired_start" DATE NOT NULL,
    "full_name" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "contract_document" TEXT NOT NULL,
    "contract_hash" TEXT NOT NULL,
    "signer_address" TEXT,
    "signature" TEXT,
    "chain_id" INTEGER,
    "signed_at" TIMESTAMPTZ(3),
    "signer_ip" TEXT,
    "user_agent" TEXT,
    "withdrawal_deadline" TIMESTAMPTZ(3),
    "status" "SwitchStatus" NOT NULL DEFAULT 'draft',
    "distributor_id" TEXT,
    "effective_date" DATE,
    "reject_reason" TEXT,
    "lead_id" UUID,
    "customer_id" TEXT,
    "contract_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "switch_request_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "switch_event" (
    "id" BIGSERIAL NOT NULL,
    "request_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "detail" JSONB NOT NULL DEFAULT '{}',
    "ip" TEXT,

    CONSTRAINT "switch_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "distributor_message" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "request_id" UUID NOT NULL,
    "distributor_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "status" "DistributorMessageStatus" NOT NULL DEFAULT 'sent',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "distributor_message_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "switch_request_reference_key" ON "switch_request"("reference");

-- CreateIndex
CREATE INDEX "switch_request_retailer_id_status_idx" ON "switch_request"("retailer_id", "status");

-- CreateIndex
CREATE INDEX "switch_request_pod_identifier_idx" ON "switch_request"("pod_identifier");

-- CreateIndex
CREATE INDEX "switch_request_signer_address_idx" ON "switch_request"("signer_address");

-- CreateIndex
CREATE INDEX "switch_event_request_id_at_idx" ON "switch_event"("request_id", "at");

-- CreateIndex
CREATE UNIQUE INDEX "distributor_message_request_id_kind_key" ON "distributor_message"("request_id", "kind");

-- AddForeignKey
ALTER TABLE "switch_request" ADD CONSTRAINT "switch_request_retailer_id_fkey" FOREIGN KEY ("retailer_id") REFERENCES "retailer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "switch_request" ADD CONSTRAINT "switch_request_product_id_product_version_fkey" FOREIGN KEY ("product_id", "product_version") REFERENCES "product_version"("product_id", "version") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "switch_request" ADD CONSTRAINT "switch_request_distributor_id_fkey" FOREIGN KEY ("distributor_id") REFERENCES "distributor"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "switch_request" ADD CONSTRAINT "switch_request_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customer"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "switch_request" ADD CONSTRAINT "switch_request_contract_id_fkey" FOREIGN KEY ("contract_id") REFERENCES "contract"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "switch_event" ADD CONSTRAINT "switch_event_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "switch_request"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "distributor_message" ADD CONSTRAINT "distributor_message_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "switch_request"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "distributor_message" ADD CONSTRAINT "distributor_message_distributor_id_fkey" FOREIGN KEY ("distributor_id") REFERENCES "distributor"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- The event trail is evidence (who signed which hash, when, from where): rows are never changed or deleted.
CREATE FUNCTION switch_event_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'switch_event rows are append-only' USING ERRCODE = 'check_violation';
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER switch_event_append_only BEFORE UPDATE OR DELETE ON "switch_event"
  FOR EACH ROW EXECUTE FUNCTION switch_event_append_only();
