import { ponder } from "ponder:registry";
import { tokenTransfer } from "ponder:schema";

ponder.on("C4EToken:Transfer", async ({ event, context }) => {
  await context.db.insert(tokenTransfer).values({
    id: event.id,
    blockNumber: event.block.number,
    blockHash: event.block.hash,
    txHash: event.transaction.hash,
    logIndex: event.log.logIndex,
    from: event.args.from,
    to: event.args.to,
    value: event.args.value,
    blockTime: event.block.timestamp,
  });
});
