-- AlterEnum
ALTER TYPE "RewardBatchStatus" ADD VALUE 'held';

-- DropIndex
DROP INDEX "reward_batch_period_start_policy_version_key";

-- AlterTable
ALTER TABLE "reading" ADD COLUMN     "reward_eligible" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "reward_allocation" ADD COLUMN     "certificates_held" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "reward_batch" ADD COLUMN     "confirmed_at" TIMESTAMPTZ(3),
ADD COLUMN     "hold_reason" TEXT,
ADD COLUMN     "minted_block" BIGINT,
ADD COLUMN     "minted_block_hash" TEXT,
ADD COLUMN     "part" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "meter_reward_baseline" (
    "meter_id" TEXT NOT NULL,
    "baseline_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "meter_reward_baseline_pkey" PRIMARY KEY ("meter_id")
);

-- CreateIndex
CREATE INDEX "rejected_input_received_at_idx" ON "rejected_input"("received_at");

-- CreateIndex
CREATE UNIQUE INDEX "reward_batch_period_start_policy_version_part_key" ON "reward_batch"("period_start", "policy_version", "part");


-- Backfill (docs/reward-policy.md, "Baselines"): every meter with readings gets its earliest reading as
-- its baseline; an export delta is rewardable when its previous reading lies at or after the baseline
-- and at most 60 minutes (the default REWARD_MAX_GAP_MINUTES) before it. Rewarded rows keep their batch.
INSERT INTO "meter_reward_baseline" ("meter_id", "baseline_at")
SELECT "meter_id", min("at") FROM "reading" GROUP BY "meter_id";

UPDATE "reading" r SET "reward_eligible" = true
  FROM (
    SELECT "meter_id", "at", lag("at") OVER (PARTITION BY "meter_id" ORDER BY "at") AS "previous_at"
      FROM "reading" WHERE "register" = 'export'
  ) p
 WHERE r."meter_id" = p."meter_id" AND r."at" = p."at" AND r."register" = 'export'
   AND p."previous_at" IS NOT NULL AND r."at" - p."previous_at" <= interval '60 minutes';
