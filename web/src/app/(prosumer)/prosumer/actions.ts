"use server";

import { type ActionResult, runAction } from "@/server/core/action-result.ts";
import { getSession } from "@/server/core/auth.ts";
import { authorizeCustomer } from "@/server/core/authz.ts";
import { getServerContext } from "@/server/core/context.ts";
import { reportMeterReading } from "@/server/prosumer/meter-readings.ts";

// Server actions of the prosumer page: the session's customer scope (authz.ts) limits every write to
// the customer's own records; input is parsed with zod in the server function.

const fields = (form: FormData) =>
  Object.fromEntries([...form.entries()].filter((e): e is [string, string] => typeof e[1] === "string"));

/** Reports a meter reading for one of the customer's PODs (another customer's POD is not_found). */
export async function reportMeterReadingAction(
  _previous: ActionResult<{ podId: string; date: string; kwh: string }> | null,
  form: FormData,
): Promise<ActionResult<{ podId: string; date: string; kwh: string }>> {
  return runAction(async () => {
    const scope = authorizeCustomer(await getSession(), "meter_reading.write");
    return reportMeterReading(getServerContext().db, scope, fields(form));
  });
}
