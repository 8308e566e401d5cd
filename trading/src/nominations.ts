// Nominations (schedules) per balance group, counterparty and hour from the book of a period, as a
// CSV file for the transmission operator (layout: domain `nominationsCsv`). A contract without a
// balance group is nominated under "unassigned", so it shows up instead of being left out.
import { type NominationRow, nominations, nominationsCsv } from "@c4e/domain/trading";
import type { Queryable } from "@c4e/prisma";
import { loadBook } from "./book.ts";
import type { TradingContext } from "./errors.ts";

export async function nominationsFor(
  db: Queryable,
  ctx: TradingContext,
  p: { from: string; to: string; timeZone: string },
): Promise<{ rows: NominationRow[]; csv: string }> {
  const book = await loadBook(db, ctx, p);
  const rows = nominations(
    book.entries.map((e) => ({
      balanceGroup: e.contract.balanceGroup ?? "unassigned",
      counterpartyId: e.contract.counterpartyId,
      side: e.contract.side,
      shape: e.shape,
    })),
  );
  return { rows, csv: nominationsCsv(rows) };
}
