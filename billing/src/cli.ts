// `tsx billing/src/cli.ts <command> …` (npm run bill-run / bill-case): the billing commands of `c4e`.
import { BillRunError } from "./bill-run.ts";
import { runBillingCommand } from "./commands.ts";
import { BillingConfigError } from "./env.ts";

runBillingCommand(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof BillRunError || err instanceof BillingConfigError)
      console.error(`c4e: ${err.message}`);
    else console.error(`c4e failed: ${(err as Error).stack ?? String(err)}`);
    process.exit(1);
  },
);
