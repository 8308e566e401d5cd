-- Supplier switch hardening (docs/supplier-switch.md): the metering kind the prospect declares, the
-- client address of each draft (drafts are limited per address and per POD over sliding windows,
-- counted from these rows), indexes for those counts and for the purge of stale drafts, and a trail
-- that lets a stale, never-signed draft go.

-- AlterTable: requests drafted before this migration had no choice; activation made them SLP PODs
ALTER TABLE "switch_request" ADD COLUMN "metering_kind" "MeteringKind" NOT NULL DEFAULT 'slp',
ADD COLUMN "client_ip" TEXT;

-- DropIndex: replaced by the index on (pod_identifier, created_at), which serves both
DROP INDEX "switch_request_pod_identifier_idx";

-- CreateIndex
CREATE INDEX "switch_request_pod_identifier_created_at_idx" ON "switch_request"("pod_identifier", "created_at");

-- CreateIndex
CREATE INDEX "switch_request_client_ip_created_at_idx" ON "switch_request"("client_ip", "created_at");

-- CreateIndex
CREATE INDEX "switch_request_status_created_at_idx" ON "switch_request"("status", "created_at");

-- The trail stays append-only for every request that was signed (it is evidence). The only delete
-- allowed is the purge of a request still in status draft: it was never agreed to, its trail holds
-- one "drafted" entry, and keeping a prospect's name and e-mail for an abandoned form has no purpose
-- (GDPR Art. 5(1)(e), storage limitation).
CREATE OR REPLACE FUNCTION switch_event_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' AND EXISTS (
    SELECT 1 FROM switch_request r WHERE r.id = OLD.request_id AND r.status = 'draft'
  ) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'switch_event rows are append-only' USING ERRCODE = 'check_violation';
END
$$ LANGUAGE plpgsql;
