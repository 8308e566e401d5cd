"use client";

import { useState } from "react";
import type { Address } from "viem";
import { useConfig } from "wagmi";
import type { CouponEntry, PerkEntry, UsedCouponEntry } from "@/lib/api-types.ts";
import { formatDate, formatDateTime, formatInteger, formatTokenAmount, shortHex } from "@/lib/format.ts";
import { t } from "@/messages/en.ts";
import { useChainConfig } from "./chain-config-context.ts";
import { DataCard } from "./data-card.tsx";
import { type RedeemStep, redeemPerk, walletErrorMessage } from "./wallet-tx.ts";

/** The perk catalogue with a redeem button per open perk (permit + redeemWithPermit from the wallet). */
export function PerksCard({
  perks,
  enabled,
  loading,
  account,
  timeZone,
  onRedeemed,
}: {
  perks: PerkEntry[] | undefined;
  enabled: boolean;
  loading: boolean;
  /** the signed-in wallet: it signs and pays */
  account: Address;
  timeZone: string;
  onRedeemed: () => void;
}) {
  const wagmiConfig = useConfig();
  const chain = useChainConfig();
  const [busy, setBusy] = useState<{ perkId: string; step: RedeemStep } | null>(null);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);

  async function redeem(perk: PerkEntry) {
    if (busy) return;
    setStatus(null);
    try {
      await redeemPerk({
        wagmiConfig,
        chain,
        account,
        perkId: BigInt(perk.perkId),
        price: BigInt(perk.price),
        onStep: (step) => setBusy({ perkId: perk.perkId, step }),
      });
      setStatus({ ok: true, text: t("perks.redeemed", { name: perk.name }) });
      onRedeemed();
    } catch (e) {
      setStatus({ ok: false, text: walletErrorMessage(e) });
    } finally {
      setBusy(null);
    }
  }

  return (
    <DataCard
      titleId="perks-title"
      testId="perks"
      title={t("perks.title")}
      hint={t("perks.hint")}
      loading={loading}
      data={perks}
      disabled={enabled ? undefined : t("perks.disabled")}
      empty={{ text: t("perks.empty"), testId: "perks-empty" }}
      footer={
        <p
          className={status?.ok === false ? "error" : "muted"}
          role={status?.ok === false ? "alert" : "status"}
          aria-live="polite"
          data-testid="redeem-status"
        >
          {status?.text ?? (busy ? t(`perks.step.${busy.step}`) : "")}
        </p>
      }
    >
      {(perks) => (
        <div className="table-scroll">
          <table className="rewards">
            <caption className="visually-hidden">{t("perks.caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("perks.name")}</th>
                <th scope="col">{t("perks.partner")}</th>
                <th scope="col" className="num">
                  {t("perks.price")}
                </th>
                <th scope="col" className="num">
                  {t("perks.left")}
                </th>
                <th scope="col">{t("perks.validUntil")}</th>
                <th scope="col">{t("perks.status")}</th>
              </tr>
            </thead>
            <tbody>
              {perks.map((p) => (
                <tr key={p.perkId} data-testid="perk-row" data-perk-id={p.perkId}>
                  <td data-label={t("perks.name")}>{p.name}</td>
                  <td className="mono" data-label={t("perks.partner")} title={p.partner}>
                    {shortHex(p.partner)}
                  </td>
                  <td className="num" data-label={t("perks.price")}>
                    {formatTokenAmount(p.price)} {t("balance.unit")}
                  </td>
                  <td className="num" data-label={t("perks.left")}>
                    {formatInteger(BigInt(p.supply) - BigInt(p.redeemed))}
                  </td>
                  <td data-label={t("perks.validUntil")}>{formatDate(p.validUntil, timeZone)}</td>
                  <td data-label={t("perks.status")}>
                    {p.status === "open" ? (
                      <button
                        type="button"
                        disabled={busy !== null}
                        data-testid={`redeem-perk-${p.perkId}`}
                        aria-label={t("perks.redeemLabel", {
                          name: p.name,
                          price: formatTokenAmount(p.price),
                        })}
                        onClick={() => void redeem(p)}
                      >
                        {busy?.perkId === p.perkId ? t(`perks.step.${busy.step}`) : t("perks.redeem")}
                      </button>
                    ) : (
                      t(`perks.status.${p.status}`)
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </DataCard>
  );
}

/** Energy coupons the customer's wallets hold, and the ones a partner marked as used. */
export function CouponsCard({
  coupons,
  used,
  enabled,
  loading,
  timeZone,
}: {
  coupons: CouponEntry[] | undefined;
  used: UsedCouponEntry[] | undefined;
  enabled: boolean;
  loading: boolean;
  timeZone: string;
}) {
  return (
    <DataCard
      titleId="coupons-title"
      testId="coupons"
      title={t("coupons.title")}
      hint={t("coupons.hint")}
      loading={loading}
      data={coupons}
      disabled={enabled ? undefined : t("perks.disabled")}
    >
      {(coupons) => (
        <>
          {coupons.length === 0 ? (
            <p className="empty" data-testid="coupons-empty">
              {t("coupons.empty")}
            </p>
          ) : (
            <div className="table-scroll">
              <table className="rewards">
                <caption className="visually-hidden">{t("coupons.caption")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("coupons.id")}</th>
                    <th scope="col">{t("coupons.perk")}</th>
                    <th scope="col">{t("coupons.holder")}</th>
                    <th scope="col" className="num">
                      {t("coupons.count")}
                    </th>
                    <th scope="col">{t("coupons.validUntil")}</th>
                  </tr>
                </thead>
                <tbody>
                  {coupons.map((c) => (
                    <tr key={`${c.holder}-${c.perkId}`} data-testid="coupon-row" data-perk-id={c.perkId}>
                      <td className="mono" data-label={t("coupons.id")}>
                        {c.perkId}
                      </td>
                      <td data-label={t("coupons.perk")}>{c.name}</td>
                      <td className="mono" data-label={t("coupons.holder")} title={c.holder}>
                        {c.holder}
                      </td>
                      <td className="num" data-label={t("coupons.count")} data-testid="coupon-count">
                        {formatInteger(c.balance)}
                      </td>
                      <td data-label={t("coupons.validUntil")}>{formatDate(c.validUntil, timeZone)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <h3>{t("coupons.used")}</h3>
          {!used || used.length === 0 ? (
            <p className="empty">{t("coupons.usedEmpty")}</p>
          ) : (
            <div className="table-scroll">
              <table className="rewards">
                <caption className="visually-hidden">{t("coupons.usedCaption")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("coupons.usedAt")}</th>
                    <th scope="col">{t("coupons.perk")}</th>
                    <th scope="col">{t("coupons.holder")}</th>
                    <th scope="col">{t("coupons.ref")}</th>
                  </tr>
                </thead>
                <tbody>
                  {used.map((u) => (
                    <tr key={`${u.txHash}-${u.holder}-${u.perkId}`} data-testid="used-coupon-row">
                      <td data-label={t("coupons.usedAt")}>{formatDateTime(u.blockTime, timeZone)}</td>
                      <td data-label={t("coupons.perk")}>{u.name}</td>
                      <td className="mono" data-label={t("coupons.holder")} title={u.holder}>
                        {shortHex(u.holder)}
                      </td>
                      <td className="mono" data-label={t("coupons.ref")} title={u.ref}>
                        {shortHex(u.ref, 10, 6)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </DataCard>
  );
}
