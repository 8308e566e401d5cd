-- CreateEnum
CREATE TYPE "CustomerKind" AS ENUM ('retail', 'b2b');

-- CreateEnum
CREATE TYPE "RewardBatchStatus" AS ENUM ('pending', 'submitted', 'minted');

-- CreateTable
CREATE TABLE "retailer" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "retailer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "customer" (
    "id" TEXT NOT NULL,
    "retailer_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT,
    "kind" "CustomerKind" NOT NULL DEFAULT 'retail',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "customer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "wallet" (
    "address" TEXT NOT NULL,
    "customer_id" TEXT NOT NULL,
    "primary" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "wallet_pkey" PRIMARY KEY ("address")
);

-- CreateTable
CREATE TABLE "site" (
    "id" TEXT NOT NULL,
    "customer_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "pod_id" TEXT NOT NULL,
    "time_zone" TEXT NOT NULL DEFAULT 'Europe/Berlin',
    "latitude" DECIMAL(8,5),
    "longitude" DECIMAL(8,5),
    "pv_peak_w" INTEGER,
    "annual_kwh" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "site_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "gateway" (
    "id" TEXT NOT NULL,
    "retailer_id" TEXT NOT NULL,
    "public_key" TEXT NOT NULL,
    "key_algorithm" TEXT NOT NULL DEFAULT 'ed25519',
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "gateway_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "meter" (
    "id" TEXT NOT NULL,
    "site_id" TEXT NOT NULL,
    "gateway_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'grid',
    "rated_power_w" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "meter_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reading" (
    "meter_id" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "register" TEXT NOT NULL,
    "value_wh" BIGINT NOT NULL,
    "delta_wh" BIGINT,
    "gateway_id" TEXT NOT NULL,
    "message_id" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL,
    "reward_batch_id" TEXT,

    CONSTRAINT "reading_pkey" PRIMARY KEY ("meter_id","at","register")
);

-- CreateTable
CREATE TABLE "reading_interval" (
    "meter_id" TEXT NOT NULL,
    "register" TEXT NOT NULL,
    "start_at" TIMESTAMPTZ(3) NOT NULL,
    "end_at" TIMESTAMPTZ(3) NOT NULL,
    "energy_wh" BIGINT NOT NULL,

    CONSTRAINT "reading_interval_pkey" PRIMARY KEY ("meter_id","register","start_at")
);

-- CreateTable
CREATE TABLE "ingest_message" (
    "gateway_id" TEXT NOT NULL,
    "message_id" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL,
    "sent_at" TIMESTAMPTZ(3) NOT NULL,
    "accepted" INTEGER NOT NULL,
    "duplicates" INTEGER NOT NULL,
    "rejected" INTEGER NOT NULL,

    CONSTRAINT "ingest_message_pkey" PRIMARY KEY ("gateway_id","message_id")
);

-- CreateTable
CREATE TABLE "rejected_input" (
    "id" BIGSERIAL NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL,
    "topic" TEXT NOT NULL,
    "gateway_id" TEXT,
    "message_id" TEXT,
    "meter_id" TEXT,
    "reading_at" TIMESTAMPTZ(3),
    "reason" TEXT NOT NULL,
    "detail" TEXT NOT NULL,
    "payload" TEXT NOT NULL,

    CONSTRAINT "rejected_input_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reward_batch" (
    "id" TEXT NOT NULL,
    "period_start" TIMESTAMPTZ(3) NOT NULL,
    "period_end" TIMESTAMPTZ(3) NOT NULL,
    "policy_version" TEXT NOT NULL,
    "readings_root" TEXT NOT NULL,
    "export_wh" BIGINT NOT NULL,
    "total_amount" DECIMAL(78,0) NOT NULL,
    "status" "RewardBatchStatus" NOT NULL DEFAULT 'pending',
    "chain_id" INTEGER,
    "tx_hash" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "minted_at" TIMESTAMPTZ(3),

    CONSTRAINT "reward_batch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reward_allocation" (
    "batch_id" TEXT NOT NULL,
    "wallet" TEXT NOT NULL,
    "customer_id" TEXT NOT NULL,
    "export_wh" BIGINT NOT NULL,
    "amount" DECIMAL(78,0) NOT NULL,

    CONSTRAINT "reward_allocation_pkey" PRIMARY KEY ("batch_id","wallet")
);

-- CreateTable
CREATE TABLE "reward_leaf" (
    "batch_id" TEXT NOT NULL,
    "gateway_id" TEXT NOT NULL,
    "meter_id" TEXT NOT NULL,
    "export_wh" BIGINT NOT NULL,
    "recipient" TEXT NOT NULL,

    CONSTRAINT "reward_leaf_pkey" PRIMARY KEY ("batch_id","meter_id")
);

-- CreateTable
CREATE TABLE "chain_deployment" (
    "chain_id" INTEGER NOT NULL,
    "token" TEXT NOT NULL,
    "reward_minter" TEXT NOT NULL,
    "block_number" BIGINT NOT NULL,
    "block_hash" TEXT NOT NULL,
    "deployed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "chain_deployment_pkey" PRIMARY KEY ("chain_id")
);

-- CreateTable
CREATE TABLE "chain_block" (
    "chain_id" INTEGER NOT NULL,
    "number" BIGINT NOT NULL,
    "hash" TEXT NOT NULL,
    "parent_hash" TEXT NOT NULL,

    CONSTRAINT "chain_block_pkey" PRIMARY KEY ("chain_id","number")
);

-- CreateTable
CREATE TABLE "chain_checkpoint" (
    "chain_id" INTEGER NOT NULL,
    "block_number" BIGINT NOT NULL,
    "block_hash" TEXT NOT NULL,
    "head_number" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "chain_checkpoint_pkey" PRIMARY KEY ("chain_id")
);

-- CreateTable
CREATE TABLE "token_transfer" (
    "chain_id" INTEGER NOT NULL,
    "block_number" BIGINT NOT NULL,
    "block_hash" TEXT NOT NULL,
    "tx_hash" TEXT NOT NULL,
    "log_index" INTEGER NOT NULL,
    "token" TEXT NOT NULL,
    "from_address" TEXT NOT NULL,
    "to_address" TEXT NOT NULL,
    "value" DECIMAL(78,0) NOT NULL,
    "block_time" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "token_transfer_pkey" PRIMARY KEY ("chain_id","tx_hash","log_index")
);

-- CreateTable
CREATE TABLE "reward_batch_minted" (
    "chain_id" INTEGER NOT NULL,
    "block_number" BIGINT NOT NULL,
    "block_hash" TEXT NOT NULL,
    "tx_hash" TEXT NOT NULL,
    "log_index" INTEGER NOT NULL,
    "batch_id" TEXT NOT NULL,
    "readings_root" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "total" DECIMAL(78,0) NOT NULL,
    "block_time" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "reward_batch_minted_pkey" PRIMARY KEY ("chain_id","tx_hash","log_index")
);

-- CreateTable
CREATE TABLE "service_heartbeat" (
    "service" TEXT NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "last_message_at" TIMESTAMPTZ(3),
    "detail" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "service_heartbeat_pkey" PRIMARY KEY ("service")
);

-- CreateTable
CREATE TABLE "siwe_nonce" (
    "nonce" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),

    CONSTRAINT "siwe_nonce_pkey" PRIMARY KEY ("nonce")
);

-- CreateTable
CREATE TABLE "session" (
    "token_hash" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "chain_id" INTEGER NOT NULL,
    "customer_id" TEXT,
    "role" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "session_pkey" PRIMARY KEY ("token_hash")
);

-- CreateIndex
CREATE INDEX "customer_retailer_id_idx" ON "customer"("retailer_id");

-- CreateIndex
CREATE INDEX "wallet_customer_id_idx" ON "wallet"("customer_id");

-- CreateIndex
CREATE UNIQUE INDEX "site_pod_id_key" ON "site"("pod_id");

-- CreateIndex
CREATE INDEX "site_customer_id_idx" ON "site"("customer_id");

-- CreateIndex
CREATE INDEX "meter_gateway_id_idx" ON "meter"("gateway_id");

-- CreateIndex
CREATE INDEX "meter_site_id_idx" ON "meter"("site_id");

-- CreateIndex
CREATE INDEX "reading_at_idx" ON "reading"("at");

-- CreateIndex
CREATE INDEX "reading_reward_batch_id_idx" ON "reading"("reward_batch_id");

-- CreateIndex
CREATE INDEX "rejected_input_gateway_id_received_at_idx" ON "rejected_input"("gateway_id", "received_at");

-- CreateIndex
CREATE INDEX "rejected_input_reason_idx" ON "rejected_input"("reason");

-- CreateIndex
CREATE INDEX "reward_batch_status_idx" ON "reward_batch"("status");

-- CreateIndex
CREATE UNIQUE INDEX "reward_batch_period_start_policy_version_key" ON "reward_batch"("period_start", "policy_version");

-- CreateIndex
CREATE INDEX "reward_allocation_wallet_idx" ON "reward_allocation"("wallet");

-- CreateIndex
CREATE INDEX "token_transfer_chain_id_to_address_idx" ON "token_transfer"("chain_id", "to_address");

-- CreateIndex
CREATE INDEX "token_transfer_chain_id_from_address_idx" ON "token_transfer"("chain_id", "from_address");

-- CreateIndex
CREATE INDEX "token_transfer_chain_id_block_number_idx" ON "token_transfer"("chain_id", "block_number");

-- CreateIndex
CREATE INDEX "reward_batch_minted_chain_id_batch_id_idx" ON "reward_batch_minted"("chain_id", "batch_id");

-- CreateIndex
CREATE INDEX "reward_batch_minted_chain_id_block_number_idx" ON "reward_batch_minted"("chain_id", "block_number");

-- CreateIndex
CREATE INDEX "session_address_idx" ON "session"("address");

-- AddForeignKey
ALTER TABLE "customer" ADD CONSTRAINT "customer_retailer_id_fkey" FOREIGN KEY ("retailer_id") REFERENCES "retailer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "wallet" ADD CONSTRAINT "wallet_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "site" ADD CONSTRAINT "site_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "gateway" ADD CONSTRAINT "gateway_retailer_id_fkey" FOREIGN KEY ("retailer_id") REFERENCES "retailer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meter" ADD CONSTRAINT "meter_site_id_fkey" FOREIGN KEY ("site_id") REFERENCES "site"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meter" ADD CONSTRAINT "meter_gateway_id_fkey" FOREIGN KEY ("gateway_id") REFERENCES "gateway"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reward_allocation" ADD CONSTRAINT "reward_allocation_batch_id_fkey" FOREIGN KEY ("batch_id") REFERENCES "reward_batch"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reward_leaf" ADD CONSTRAINT "reward_leaf_batch_id_fkey" FOREIGN KEY ("batch_id") REFERENCES "reward_batch"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
