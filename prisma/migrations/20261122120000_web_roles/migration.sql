-- Web app (issue 5): staff roles, audit trail, CRM basics. Hand-written to match
-- prisma/schema/web.prisma exactly (checked by `prisma migrate diff --exit-code`).

-- CreateEnum
CREATE TYPE "WebRole" AS ENUM ('retailer_admin', 'retailer_agent', 'partner', 'property_manager');

-- CreateEnum
CREATE TYPE "CrmStage" AS ENUM ('new', 'qualified', 'offer_sent', 'signed', 'switching', 'active', 'lost');

-- CreateEnum
CREATE TYPE "CrmActivityKind" AS ENUM ('note', 'call', 'email', 'meeting', 'stage_change');

-- CreateTable
CREATE TABLE "web_user" (
    "address" TEXT NOT NULL,
    "retailer_id" TEXT NOT NULL,
    "role" "WebRole" NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" TEXT,
    "disabled_at" TIMESTAMPTZ(3),

    CONSTRAINT "web_user_pkey" PRIMARY KEY ("address")
);

-- CreateTable
CREATE TABLE "audit_log" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "retailer_id" TEXT,
    "action" TEXT NOT NULL,
    "target_type" TEXT NOT NULL,
    "target_id" TEXT NOT NULL,
    "detail" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "crm_lead" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "retailer_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT,
    "phone" TEXT,
    "kind" "CustomerKind" NOT NULL DEFAULT 'retail',
    "stage" "CrmStage" NOT NULL DEFAULT 'new',
    "customer_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "crm_lead_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "crm_activity" (
    "id" BIGSERIAL NOT NULL,
    "lead_id" UUID NOT NULL,
    "retailer_id" TEXT NOT NULL,
    "kind" "CrmActivityKind" NOT NULL,
    "body" TEXT NOT NULL,
    "author" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "crm_activity_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "web_user_retailer_id_idx" ON "web_user"("retailer_id");

-- CreateIndex
CREATE INDEX "audit_log_retailer_id_at_idx" ON "audit_log"("retailer_id", "at");

-- CreateIndex
CREATE INDEX "crm_lead_retailer_id_stage_idx" ON "crm_lead"("retailer_id", "stage");

-- CreateIndex
CREATE INDEX "crm_activity_lead_id_created_at_idx" ON "crm_activity"("lead_id", "created_at");

-- AddForeignKey
ALTER TABLE "crm_activity" ADD CONSTRAINT "crm_activity_lead_id_fkey" FOREIGN KEY ("lead_id") REFERENCES "crm_lead"("id") ON DELETE CASCADE ON UPDATE CASCADE;
