-- Self-consumption communities (issue 16): prisma/schema/community.prisma, docs/communities.md.
-- Written only by property (prisma/src/ownership.ts).

-- CreateEnum
CREATE TYPE "CommunityMeterRole" AS ENUM ('grid', 'plant', 'battery', 'apartment', 'common', 'heat_pump', 'ev_charger');

-- CreateEnum
CREATE TYPE "CommunityBillingCycle" AS ENUM ('monthly', 'quarterly', 'half_yearly', 'yearly');

-- CreateEnum
CREATE TYPE "CommunityRunStatus" AS ENUM ('preview', 'issued');

-- CreateTable
CREATE TABLE "community" (
    "id" TEXT NOT NULL,
    "retailer_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "time_zone" TEXT NOT NULL,
    "billing_cycle" "CommunityBillingCycle" NOT NULL,
    "standard_price_per_kwh" DECIMAL(12,5) NOT NULL,
    "solar_price" JSONB NOT NULL,
    "cap_rule" JSONB NOT NULL,
    "grid_tariff" JSONB NOT NULL,
    "fees" JSONB NOT NULL DEFAULT '[]',
    "vat_rate" DECIMAL(6,3) NOT NULL,
    "common_basis" TEXT NOT NULL DEFAULT 'area',
    "owner_name" TEXT NOT NULL,
    "owner_address" TEXT NOT NULL,
    "owner_customer_id" TEXT NOT NULL,
    "owner_contract_id" TEXT NOT NULL,
    "invoice_series_id" TEXT NOT NULL,
    "language" TEXT NOT NULL DEFAULT 'de',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "community_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "community_unit" (
    "id" TEXT NOT NULL,
    "community_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "area_m2" DECIMAL(10,2) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "community_unit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "community_meter" (
    "meter_id" TEXT NOT NULL,
    "community_id" TEXT NOT NULL,
    "role" "CommunityMeterRole" NOT NULL,
    "unit_id" TEXT,
    "plant_owner" TEXT,
    "source" TEXT NOT NULL DEFAULT 'gateway',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "community_meter_pkey" PRIMARY KEY ("meter_id")
);

-- CreateTable
CREATE TABLE "community_tenancy" (
    "id" TEXT NOT NULL,
    "community_id" TEXT NOT NULL,
    "unit_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT,
    "language" TEXT NOT NULL DEFAULT 'de',
    "customer_id" TEXT NOT NULL,
    "contract_id" TEXT NOT NULL,
    "move_in" DATE NOT NULL,
    "move_out" DATE,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "community_tenancy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "community_run" (
    "id" UUID NOT NULL,
    "community_id" TEXT NOT NULL,
    "period_start" DATE NOT NULL,
    "period_end" DATE NOT NULL,
    "status" "CommunityRunStatus" NOT NULL DEFAULT 'preview',
    "summary" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "issued_at" TIMESTAMPTZ(3),

    CONSTRAINT "community_run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "community_run_item" (
    "run_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "unit_id" TEXT NOT NULL,
    "tenancy_id" TEXT,
    "segment_start" DATE NOT NULL,
    "segment_end" DATE NOT NULL,
    "invoice_id" UUID NOT NULL,
    "solar_wh" BIGINT NOT NULL,
    "grid_wh" BIGINT NOT NULL,
    "total_minor" BIGINT NOT NULL,
    "self_sufficiency_percent" DECIMAL(5,1),

    CONSTRAINT "community_run_item_pkey" PRIMARY KEY ("run_id","position")
);

-- CreateTable
CREATE TABLE "community_ev_interval" (
    "meter_id" TEXT NOT NULL,
    "start_at" TIMESTAMPTZ(3) NOT NULL,
    "energy_wh" BIGINT NOT NULL,
    "import_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "community_ev_interval_pkey" PRIMARY KEY ("meter_id","start_at")
);

-- CreateIndex
CREATE INDEX "community_retailer_id_idx" ON "community"("retailer_id");

-- CreateIndex
CREATE UNIQUE INDEX "community_unit_community_id_name_key" ON "community_unit"("community_id", "name");

-- CreateIndex
CREATE INDEX "community_meter_community_id_idx" ON "community_meter"("community_id");

-- CreateIndex
CREATE INDEX "community_tenancy_unit_id_idx" ON "community_tenancy"("unit_id");

-- CreateIndex
CREATE INDEX "community_tenancy_customer_id_idx" ON "community_tenancy"("customer_id");

-- CreateIndex
CREATE UNIQUE INDEX "community_run_community_id_period_start_period_end_key" ON "community_run"("community_id", "period_start", "period_end");

-- CreateIndex
CREATE INDEX "community_run_item_tenancy_id_idx" ON "community_run_item"("tenancy_id");

-- AddForeignKey
ALTER TABLE "community_unit" ADD CONSTRAINT "community_unit_community_id_fkey" FOREIGN KEY ("community_id") REFERENCES "community"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "community_meter" ADD CONSTRAINT "community_meter_community_id_fkey" FOREIGN KEY ("community_id") REFERENCES "community"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "community_meter" ADD CONSTRAINT "community_meter_unit_id_fkey" FOREIGN KEY ("unit_id") REFERENCES "community_unit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "community_tenancy" ADD CONSTRAINT "community_tenancy_community_id_fkey" FOREIGN KEY ("community_id") REFERENCES "community"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "community_tenancy" ADD CONSTRAINT "community_tenancy_unit_id_fkey" FOREIGN KEY ("unit_id") REFERENCES "community_unit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "community_run" ADD CONSTRAINT "community_run_community_id_fkey" FOREIGN KEY ("community_id") REFERENCES "community"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "community_run_item" ADD CONSTRAINT "community_run_item_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "community_run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "community_ev_interval" ADD CONSTRAINT "community_ev_interval_meter_id_fkey" FOREIGN KEY ("meter_id") REFERENCES "community_meter"("meter_id") ON DELETE RESTRICT ON UPDATE CASCADE;

