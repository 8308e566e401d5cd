/** `tsx billing/src/bill-case-main.ts <case.json>`: prints the case's invoice JSON. */
import { runBillCase } from "./bill-case.ts";

const path = process.argv[2];
if (path === undefined) {
  console.error("usage: bill-case-main <case.json>");
  process.exit(2);
}
console.log(JSON.stringify(await runBillCase(path), null, 2));
