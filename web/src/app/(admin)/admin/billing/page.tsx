import { AdminShell } from "@/components/admin/admin-shell.tsx";
import { BillingClient } from "@/components/admin/billing-client.tsx";
import { t } from "@/messages/en.ts";
import { listBillingJobs, listBillRuns, listRetailerInvoices } from "@/server/admin/billing.ts";
import { adminPageAccess } from "@/server/admin/page.ts";
import { isAllowed } from "@/server/core/authz.ts";
import { getServerContext } from "@/server/core/context.ts";

export const dynamic = "force-dynamic";

/** Billing: bill runs with live progress, the queue's jobs, the retailer's invoices, issue / void / credit note, PDFs, xlsx. */
export default async function BillingPage() {
  const access = await adminPageAccess("billing.read");
  return (
    <AdminShell access={access} section="billing" path="/admin/billing">
      {async ({ scope, session }) => {
        const { db } = getServerContext();
        const [runs, invoices, jobs] = await Promise.all([
          listBillRuns(db, scope),
          listRetailerInvoices(db, scope),
          listBillingJobs(db, scope),
        ]);
        return (
          <>
            <div className="page-title">
              <h1>{t("admin.billing.title")}</h1>
            </div>
            <BillingClient
              initial={{ runs, invoices, jobs }}
              canWrite={isAllowed(session.role, "billing.write")}
              canOverride={isAllowed(session.role, "billing.override")}
            />
          </>
        );
      }}
    </AdminShell>
  );
}
