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
                {data.batches.length === 0 ? (
                  <p className="empty">{t("admin.rewards.empty")}</p>
                ) : (
                  <div className="table-scroll">
                    <table className="rewards" data-testid="admin-batches">
                      <caption className="visually-hidden">{t("admin.rewards.caption")}</caption>
                      <thead>
                        <tr>
                          <th scope="col">{t("admin.rewards.period")}</th>
                          <th scope="col">{t("admin.rewards.status")}</th>
                          <th scope="col" className="num">
                            {t("admin.rewards.recipients")}
                          </th>
                          <th scope="col" className="num">
                            {t("admin.rewards.export")}
                          </th>
                          <th scope="col" className="num">
                            {t("admin.rewards.amount")}
                          </th>
                          <th scope="col">{t("admin.rewards.tx")}</th>
                          <th scope="col">{t("admin.rewards.root")}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {data.batches.map((b) => (
                          <tr key={b.batchId} data-testid="admin-batch-row">
                            <td className="period-cell" data-label={t("admin.rewards.period")}>
                              {formatPeriod(b.periodStart, b.periodEnd, timeZone)}
                            </td>
                            <td data-label={t("admin.rewards.status")}>
                              <span
                                className={`badge ${b.mintedOnChain ? "" : "badge-guest"}`}
                                title={b.holdReason ?? undefined}
                              >
                                {b.mintedOnChain && b.blockNumber
                                  ? t("admin.rewards.status.mirrored", {
                                      block: formatInteger(b.blockNumber),
                                    })
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
                            </td>
                            <td className="num" data-label={t("admin.rewards.recipients")}>
                              {formatInteger(b.recipients)}
                            </td>
                            <td className="num" data-label={t("admin.rewards.export")}>
                              {t("today.kwh", { value: formatKwh(Number(b.exportWh)) })}
                            </td>
                            <td className="num" data-label={t("admin.rewards.amount")}>
                              {formatTokenAmount(b.amount)} {t("balance.unit")}
                            </td>
                            <td className="mono" data-label={t("admin.rewards.tx")} title={b.txHash ?? ""}>
                              {b.txHash ? shortHex(b.txHash) : "—"}
                            </td>
                            <td className="mono" data-label={t("admin.rewards.root")} title={b.readingsRoot}>
                              {shortHex(b.readingsRoot)}
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                )}
              </section>
            </div>
          </>
        );
      }}
    </AdminShell>
  );
}
