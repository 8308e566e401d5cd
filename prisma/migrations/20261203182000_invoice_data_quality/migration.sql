-- An invoice billed from incomplete interval data carries the mark (expected, found, missing ranges).
ALTER TABLE "invoice" ADD COLUMN "data_quality" JSONB;
