-- Perks, energy coupons and green certificates (issue 4): the new contract addresses of a deployment and
-- the mirror tables of the indexer (prisma/schema/chain-perks.prisma), plus balance views over the ERC-1155
-- transfer logs. Hand-written to match the models exactly.

-- AlterTable
ALTER TABLE "chain_deployment" ADD COLUMN     "green_certificates" TEXT,
ADD COLUMN     "perks" TEXT;

-- CreateTable
CREATE TABLE "perk_created" (
    "chain_id" INTEGER NOT NULL,
    "block_number" BIGINT NOT NULL,
    "block_hash" TEXT NOT NULL,
    "tx_hash" TEXT NOT NULL,
    "log_index" INTEGER NOT NULL,
    "contract" TEXT NOT NULL,
    "perk_id" DECIMAL(78,0) NOT NULL,
    "partner" TEXT NOT NULL,
    "price" DECIMAL(78,0) NOT NULL,
    "supply" DECIMAL(78,0) NOT NULL,
    "valid_from" BIGINT NOT NULL,
    "valid_until" BIGINT NOT NULL,
    "burn_tokens" BOOLEAN NOT NULL,
    "name" TEXT NOT NULL,
    "block_time" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "perk_created_pkey" PRIMARY KEY ("chain_id","tx_hash","log_index")
);

-- CreateTable
CREATE TABLE "perk_ended" (
    "chain_id" INTEGER NOT NULL,
    "block_number" BIGINT NOT NULL,
    "block_hash" TEXT NOT NULL,
    "tx_hash" TEXT NOT NULL,
    "log_index" INTEGER NOT NULL,
    "contract" TEXT NOT NULL,
    "perk_id" DECIMAL(78,0) NOT NULL,
    "valid_until" BIGINT NOT NULL,
    "block_time" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "perk_ended_pkey" PRIMARY KEY ("chain_id","tx_hash","log_index")
);

-- CreateTable
CREATE TABLE "perk_redeemed" (
    "chain_id" INTEGER NOT NULL,
    "block_number" BIGINT NOT NULL,
    "block_hash" TEXT NOT NULL,
    "tx_hash" TEXT NOT NULL,
    "log_index" INTEGER NOT NULL,
    "contract" TEXT NOT NULL,
    "perk_id" DECIMAL(78,0) NOT NULL,
    "account" TEXT NOT NULL,
    "partner" TEXT NOT NULL,
    "price" DECIMAL(78,0) NOT NULL,
    "burned" BOOLEAN NOT NULL,
    "block_time" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "perk_redeemed_pkey" PRIMARY KEY ("chain_id","tx_hash","log_index")
);

-- CreateTable
CREATE TABLE "coupon_consumed" (
    "chain_id" INTEGER NOT NULL,
    "block_number" BIGINT NOT NULL,
    "block_hash" TEXT NOT NULL,
    "tx_hash" TEXT NOT NULL,
    "log_index" INTEGER NOT NULL,
    "contract" TEXT NOT NULL,
    "perk_id" DECIMAL(78,0) NOT NULL,
    "holder" TEXT NOT NULL,
    "partner" TEXT NOT NULL,
    "ref" TEXT NOT NULL,
    "block_time" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "coupon_consumed_pkey" PRIMARY KEY ("chain_id","tx_hash","log_index")
);

-- CreateTable
CREATE TABLE "coupon_transfer" (
    "chain_id" INTEGER NOT NULL,
    "block_number" BIGINT NOT NULL,
    "block_hash" TEXT NOT NULL,
    "tx_hash" TEXT NOT NULL,
    "log_index" INTEGER NOT NULL,
    "contract" TEXT NOT NULL,
    "operator" TEXT NOT NULL,
    "from_address" TEXT NOT NULL,
    "to_address" TEXT NOT NULL,
    "ids" DECIMAL(78,0)[],
    "amounts" DECIMAL(78,0)[],
    "block_time" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "coupon_transfer_pkey" PRIMARY KEY ("chain_id","tx_hash","log_index")
);

-- CreateTable
CREATE TABLE "certificates_issued" (
    "chain_id" INTEGER NOT NULL,
    "block_number" BIGINT NOT NULL,
    "block_hash" TEXT NOT NULL,
    "tx_hash" TEXT NOT NULL,
    "log_index" INTEGER NOT NULL,
    "contract" TEXT NOT NULL,
    "certificate_id" DECIMAL(78,0) NOT NULL,
    "batch_id" TEXT NOT NULL,
    "holders" INTEGER NOT NULL,
    "total_wh" DECIMAL(78,0) NOT NULL,
    "block_time" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "certificates_issued_pkey" PRIMARY KEY ("chain_id","tx_hash","log_index")
);

-- CreateTable
CREATE TABLE "certificates_claimed" (
    "chain_id" INTEGER NOT NULL,
    "block_number" BIGINT NOT NULL,
    "block_hash" TEXT NOT NULL,
    "tx_hash" TEXT NOT NULL,
    "log_index" INTEGER NOT NULL,
    "contract" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "certificate_id" DECIMAL(78,0) NOT NULL,
    "batch_id" TEXT NOT NULL,
    "energy_wh" DECIMAL(78,0) NOT NULL,
    "beneficiary" TEXT NOT NULL,
    "block_time" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "certificates_claimed_pkey" PRIMARY KEY ("chain_id","tx_hash","log_index")
);

-- CreateTable
CREATE TABLE "certificate_transfer" (
    "chain_id" INTEGER NOT NULL,
    "block_number" BIGINT NOT NULL,
    "block_hash" TEXT NOT NULL,
    "tx_hash" TEXT NOT NULL,
    "log_index" INTEGER NOT NULL,
    "contract" TEXT NOT NULL,
    "operator" TEXT NOT NULL,
    "from_address" TEXT NOT NULL,
    "to_address" TEXT NOT NULL,
    "ids" DECIMAL(78,0)[],
    "amounts" DECIMAL(78,0)[],
    "block_time" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "certificate_transfer_pkey" PRIMARY KEY ("chain_id","tx_hash","log_index")
);

-- CreateIndex
CREATE INDEX "perk_created_chain_id_contract_perk_id_idx" ON "perk_created"("chain_id", "contract", "perk_id");

-- CreateIndex
CREATE INDEX "perk_created_chain_id_block_number_idx" ON "perk_created"("chain_id", "block_number");

-- CreateIndex
CREATE INDEX "perk_ended_chain_id_contract_perk_id_idx" ON "perk_ended"("chain_id", "contract", "perk_id");

-- CreateIndex
CREATE INDEX "perk_ended_chain_id_block_number_idx" ON "perk_ended"("chain_id", "block_number");

-- CreateIndex
CREATE INDEX "perk_redeemed_chain_id_account_idx" ON "perk_redeemed"("chain_id", "account");

-- CreateIndex
CREATE INDEX "perk_redeemed_chain_id_contract_perk_id_idx" ON "perk_redeemed"("chain_id", "contract", "perk_id");

-- CreateIndex
CREATE INDEX "perk_redeemed_chain_id_block_number_idx" ON "perk_redeemed"("chain_id", "block_number");

-- CreateIndex
CREATE INDEX "coupon_consumed_chain_id_holder_idx" ON "coupon_consumed"("chain_id", "holder");

-- CreateIndex
CREATE INDEX "coupon_consumed_chain_id_contract_perk_id_idx" ON "coupon_consumed"("chain_id", "contract", "perk_id");

-- CreateIndex
CREATE INDEX "coupon_consumed_chain_id_block_number_idx" ON "coupon_consumed"("chain_id", "block_number");

-- CreateIndex
CREATE INDEX "coupon_transfer_chain_id_to_address_idx" ON "coupon_transfer"("chain_id", "to_address");

-- CreateIndex
CREATE INDEX "coupon_transfer_chain_id_from_address_idx" ON "coupon_transfer"("chain_id", "from_address");

-- CreateIndex
CREATE INDEX "coupon_transfer_chain_id_block_number_idx" ON "coupon_transfer"("chain_id", "block_number");

-- CreateIndex
CREATE INDEX "certificates_issued_chain_id_batch_id_idx" ON "certificates_issued"("chain_id", "batch_id");

-- CreateIndex
CREATE INDEX "certificates_issued_chain_id_block_number_idx" ON "certificates_issued"("chain_id", "block_number");

-- CreateIndex
CREATE INDEX "certificates_claimed_chain_id_holder_idx" ON "certificates_claimed"("chain_id", "holder");

-- CreateIndex
CREATE INDEX "certificates_claimed_chain_id_block_number_idx" ON "certificates_claimed"("chain_id", "block_number");

-- CreateIndex
CREATE INDEX "certificate_transfer_chain_id_to_address_idx" ON "certificate_transfer"("chain_id", "to_address");

-- CreateIndex
CREATE INDEX "certificate_transfer_chain_id_from_address_idx" ON "certificate_transfer"("chain_id", "from_address");

-- CreateIndex
CREATE INDEX "certificate_transfer_chain_id_block_number_idx" ON "certificate_transfer"("chain_id", "block_number");


-- Coupon balances per (chain, contract, holder, perk id) from the mirrored ERC-1155 transfers (mints on
-- redemption, transfers, burns on consumption). The zero address is not a holder.
CREATE VIEW "coupon_balance" AS
SELECT "chain_id", "contract", "address", "perk_id", SUM("delta")::numeric(78, 0) AS "balance"
FROM (
  SELECT t."chain_id", t."contract", t."to_address" AS "address", u."id" AS "perk_id", u."amount" AS "delta"
  FROM "coupon_transfer" AS t, unnest(t."ids", t."amounts") AS u("id", "amount")
  UNION ALL
  SELECT t."chain_id", t."contract", t."from_address" AS "address", u."id" AS "perk_id", -u."amount" AS "delta"
  FROM "coupon_transfer" AS t, unnest(t."ids", t."amounts") AS u("id", "amount")
) AS c
WHERE "address" <> '0x0000000000000000000000000000000000000000'
GROUP BY "chain_id", "contract", "address", "perk_id";

-- Certificate balances (unclaimed Wh) per (chain, contract, holder, certificate id).
CREATE VIEW "certificate_balance" AS
SELECT "chain_id", "contract", "address", "certificate_id", SUM("delta")::numeric(78, 0) AS "balance"
FROM (
  SELECT t."chain_id", t."contract", t."to_address" AS "address", u."id" AS "certificate_id", u."amount" AS "delta"
  FROM "certificate_transfer" AS t, unnest(t."ids", t."amounts") AS u("id", "amount")
  UNION ALL
  SELECT t."chain_id", t."contract", t."from_address" AS "address", u."id" AS "certificate_id", -u."amount" AS "delta"
  FROM "certificate_transfer" AS t, unnest(t."ids", t."amounts") AS u("id", "amount")
) AS c
WHERE "address" <> '0x0000000000000000000000000000000000000000'
GROUP BY "chain_id", "contract", "address", "certificate_id";
