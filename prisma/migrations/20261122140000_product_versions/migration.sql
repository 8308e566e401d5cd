-- Web app (issue 5): products belong to a retailer and are versioned; contracts keep the version they
-- were signed on; retailers have a time zone for their staff's pages. Hand-written to match
-- prisma/schema/{billing,platform}.prisma (checked by `prisma migrate diff --exit-code`), plus a
-- backfill of existing rows and a trigger that keeps published versions immutable.

-- CreateEnum
CREATE TYPE "ProductVersionStatus" AS ENUM ('draft', 'published');

-- AlterTable
ALTER TABLE "retailer" ADD COLUMN     "time_zone" TEXT NOT NULL DEFAULT 'Europe/Berlin';

-- AlterTable: the owner of an existing product is the retailer of a customer under contract on it,
-- else the first retailer.
ALTER TABLE "product" ADD COLUMN     "archived_at" TIMESTAMPTZ(3),
ADD COLUMN     "description" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "retailer_id" TEXT;
UPDATE "product" p SET "retailer_id" = (
  SELECT cu."retailer_id" FROM "contract" c JOIN "customer" cu ON cu."id" = c."customer_id"
   WHERE c."product_id" = p."id" ORDER BY c."id" LIMIT 1);
UPDATE "product" SET "retailer_id" = (SELECT "id" FROM "retailer" ORDER BY "id" LIMIT 1)
 WHERE "retailer_id" IS NULL;
ALTER TABLE "product" ALTER COLUMN "retailer_id" SET NOT NULL;

-- CreateTable
CREATE TABLE "product_version" (
    "product_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "tariff" JSONB NOT NULL,
    "status" "ProductVersionStatus" NOT NULL DEFAULT 'draft',
    "published_at" TIMESTAMPTZ(3),
    "created_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "product_version_pkey" PRIMARY KEY ("product_id","version")
);

-- Backfill: every existing product's terms become its published version 1.
INSERT INTO "product_version" ("product_id", "version", "name", "description", "tariff", "status", "published_at", "created_at")
SELECT "id", 1, "name", "description", "tariff", 'published', "created_at", "created_at" FROM "product";

-- AlterTable
ALTER TABLE "contract" ADD COLUMN     "product_version" INTEGER;
UPDATE "contract" SET "product_version" = 1 WHERE "product_id" IS NOT NULL;

-- CreateIndex
CREATE INDEX "product_retailer_id_idx" ON "product"("retailer_id");

-- AddForeignKey
ALTER TABLE "product" ADD CONSTRAINT "product_retailer_id_fkey" FOREIGN KEY ("retailer_id") REFERENCES "retailer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "product_version" ADD CONSTRAINT "product_version_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "product"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "contract" ADD CONSTRAINT "contract_product_id_product_version_fkey" FOREIGN KEY ("product_id", "product_version") REFERENCES "product_version"("product_id", "version") ON DELETE SET NULL ON UPDATE CASCADE;

-- A published version is what contracts were signed on: it cannot change or disappear, and it cannot
-- go back to draft.
CREATE FUNCTION product_version_immutable() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.status = 'published' THEN
      RAISE EXCEPTION 'product % version % is published and cannot be deleted', OLD.product_id, OLD.version
        USING ERRCODE = 'check_violation';
    END IF;
    RETURN OLD;
  END IF;
  IF OLD.status = 'published' THEN
    RAISE EXCEPTION 'product % version % is published and cannot be changed', OLD.product_id, OLD.version
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER product_version_immutable BEFORE UPDATE OR DELETE ON "product_version"
  FOR EACH ROW EXECUTE FUNCTION product_version_immutable();
