import { DataTable } from "@/components/admin/data-table.tsx";
import { AdminShell } from "@/components/admin/admin-shell.tsx";
import { formatInteger, formatKwh, formatPeriod, formatTokenAmount, shortHex } from "@/lib/format.ts";
import { t } from "@/messages/en.ts";
import { adminPageAccess } from "@/server/admin/page.ts";
import { getAdminRewards } from "@/server/admin/rewards.ts";
import { getServerContext } from "@/server/core/context.ts";

export const dynamic = "force-dynamic";

const STATUS_KEYS = {
  minted: "admin.rewards.status.minted",
  submitted: "admin.rewards.status.submitted",
  pending: "admin.rewards.status.pending",
  held: "admin.rewards.status.held",
} as const;

/** Rewards: the policy in force, totals for the retailer's customers, and the batches with mint status. */
export default async function RewardsPage() {
  const access = await adminPageAccess("admin.read");
  return (
    <AdminShell access={access} section="rewards" path="/admin/rewards">
      {async ({ scope, timeZone }) => {
        const { config, db } = getServerContext();
        const data = await getAdminRewards(db, scope, { chainId: config.chainId });
        const tiles = [
          { label: t("admin.rewards.batches"), value: formatInteger(data.totals.batches) },
          { label: t("admin.rewards.minted"), value: formatInteger(data.totals.mintedBatches) },
          { label: t("admin.rewards.pending"), value: formatInteger(data.totals.pendingBatches) },
          {
            label: t("admin.rewards.export"),
            value: t("today.kwh", { value: formatKwh(Number(data.totals.exportWh)) }),
          },
          {
            label: t("admin.rewards.mintedAmount"),
            value: `${formatTokenAmount(data.totals.mintedAmount)} ${t("balance.unit")}`,
          },
        ];
        return (
          <>
            <div className="page-title">
              <h1>{t("admin.rewards.title")}</h1>
            </div>
            <div className="grid">
              <section className="card" aria-labelledby="policy" data-testid="reward-policy">
                <h2 id="policy">{t("admin.rewards.policy")}</h2>
                <p>
                  {t("admin.rewards.policyRule", {
                    version: data.policy.version,
                    perKwh: formatTokenAmount(data.policy.baseUnitsPerKwh),
                  })}
                </p>
              </section>
              <section className="card" aria-labelledby="totals">
                <h2 id="totals">{t("admin.rewards.totals")}</h2>
                <dl className="totals totals-5" data-testid="reward-totals">
                  {tiles.map((x) => (
                    <div className="total" key={x.label}>
                      <dt>{x.label}</dt>
                      <dd>{x.value}</dd>
                    </div>
                  ))}
                </dl>
              </section>
              <section className="card wide" aria-labelledby="batches">
                <h2 id="batches">{t("admin.rewards.batches")}</h2>
                <DataTable
                  caption={t("admin.rewards.caption")}
                  testId="admin-batches"
                  rows={data.batches}
                  rowKey={(b) => b.batchId}
                  rowAttributes={() => ({ "data-testid": "admin-batch-row" })}
                  empty={t("admin.rewards.empty")}
                  columns={[
                    {
                      header: t("admin.rewards.period"),
                      className: "period-cell",
                      cell: (b) => formatPeriod(b.periodStart, b.periodEnd, timeZone),
                    },
                    {
                      header: t("admin.rewards.status"),
                      cell: (b) => (
                        <>
                          <span
                            className={`badge ${b.mintedOnChain ? "" : "badge-guest"}`}
                            title={b.holdReason ?? undefined}
                          >
                            {b.mintedOnChain && b.blockNumber
                              ? t("admin.rewards.status.mirrored", { block: formatInteger(b.blockNumber) })
                              : t(
                                  STATUS_KEYS[b.status as keyof typeof STATUS_KEYS] ??
                                    "admin.rewards.status.pending",
                                )}
                          </span>
                          {b.part > 0 ? (
                            <span className="hint"> {t("admin.rewards.part", { part: b.part + 1 })}</span>
                          ) : null}
                          {b.holdReason ? (
                            <p className="hint" data-testid="admin-batch-hold-reason">
                              {b.holdReason}
                            </p>
                          ) : null}
                          {b.certificatesHeld > 0 ? (
                            <p className="hint">
                              {t("admin.rewards.certificatesHeld", { count: b.certificatesHeld })}
                            </p>
                          ) : null}
                        </>
                      ),
                    },
                    {
                      header: t("admin.rewards.recipients"),
                      align: "number",
                      cell: (b) => formatInteger(b.recipients),
                    },
                    {
                      header: t("admin.rewards.export"),
                      align: "number",
                      cell: (b) => t("today.kwh", { value: formatKwh(Number(b.exportWh)) }),
                    },
                    {
                      header: t("admin.rewards.amount"),
                      align: "number",
                      cell: (b) => `${formatTokenAmount(b.amount)} ${t("balance.unit")}`,
                    },
                    {
                      header: t("admin.rewards.tx"),
                      className: "mono",
                      title: (b) => b.txHash ?? "",
                      cell: (b) => (b.txHash ? shortHex(b.txHash) : "—"),
                    },
                    {
                      header: t("admin.rewards.root"),
                      className: "mono",
                      title: (b) => b.readingsRoot,
                      cell: (b) => shortHex(b.readingsRoot),
                    },
                  ]}
                />
              </section>
            </div>
          </>
        );
      }}
    </AdminShell>
  );
}
