-- Invoices a retailer can send (issue 12): the supplier's legal and bank details, contact, dispute
-- body and switching information on the trader; the customer number and billing address on the contract.
ALTER TABLE "trader" ADD COLUMN "address" TEXT,
ADD COLUMN "vat_id" TEXT,
ADD COLUMN "tax_id" TEXT,
ADD COLUMN "iban" TEXT,
ADD COLUMN "bic" TEXT,
ADD COLUMN "bank_name" TEXT,
ADD COLUMN "contact_phone" TEXT,
ADD COLUMN "contact_email" TEXT,
ADD COLUMN "contact_web" TEXT,
ADD COLUMN "dispute_body" TEXT,
ADD COLUMN "switching_info" TEXT;

ALTER TABLE "contract" ADD COLUMN "customer_number" TEXT,
ADD COLUMN "billing_address" TEXT;
