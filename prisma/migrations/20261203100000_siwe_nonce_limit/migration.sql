-- Sign-In with Ethereum nonces limited per client address (docs/web.md, "Sign-In with Ethereum"): the
-- address each nonce was issued to, counted over a sliding window, and the purge of expired nonces by
-- issue time (an index instead of a scan of siwe_nonce on every request).

-- CreateTable
CREATE TABLE "siwe_nonce_request" (
    "nonce" TEXT NOT NULL,
    "client_ip" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "siwe_nonce_request_pkey" PRIMARY KEY ("nonce")
);

-- CreateIndex
CREATE INDEX "siwe_nonce_request_client_ip_created_at_idx" ON "siwe_nonce_request"("client_ip", "created_at");

-- CreateIndex
CREATE INDEX "siwe_nonce_request_created_at_idx" ON "siwe_nonce_request"("created_at");

-- Nonces issued before this migration: an unknown client, so that the purge (by issue time) finds them
INSERT INTO "siwe_nonce_request" ("nonce", "client_ip", "created_at")
SELECT "nonce", NULL, "created_at" FROM "siwe_nonce";
