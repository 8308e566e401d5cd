-- Balances per wallet derived from the mirrored transfers (the mint address 0x0 is not a holder).
CREATE VIEW "token_balance" AS
SELECT "chain_id", "token", "address", SUM("delta")::numeric(78, 0) AS "balance"
FROM (
  SELECT "chain_id", "token", "to_address" AS "address", "value" AS "delta" FROM "token_transfer"
  UNION ALL
  SELECT "chain_id", "token", "from_address" AS "address", -"value" AS "delta" FROM "token_transfer"
) AS t
WHERE "address" <> '0x0000000000000000000000000000000000000000'
GROUP BY "chain_id", "token", "address";
