-- CreateTable
CREATE TABLE "chain_finality" (
    "chain_id" INTEGER NOT NULL,
    "confirmed_number" BIGINT NOT NULL,
    "confirmations" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "chain_finality_pkey" PRIMARY KEY ("chain_id")
);
