-- Ingest: a redelivered copy of a stored message is counted on its row, not stored as rejected input.
-- AlterTable
ALTER TABLE "ingest_message" ADD COLUMN     "body_sha256" BYTEA,
ADD COLUMN     "last_redelivered_at" TIMESTAMPTZ(3),
ADD COLUMN     "redeliveries" INTEGER NOT NULL DEFAULT 0;
