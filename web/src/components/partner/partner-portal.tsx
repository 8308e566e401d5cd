"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useCallback, useState } from "react";
import { type Address, isAddress, parseUnits, stringToBytes } from "viem";
import { useConfig } from "wagmi";
import type { PartnerView, PerkEntry } from "@/lib/api-types.ts";
import { formatDate, formatDateTime, formatInteger, formatTokenAmount, shortHex } from "@/lib/format.ts";
import { type MessageKey, t } from "@/messages/en.ts";
import { DataTable } from "@/components/admin/data-table.tsx";
import { apiFetch } from "@/components/api.ts";
import { useChainConfig } from "@/components/chain-config-context.ts";
import { DataCard } from "@/components/data-card.tsx";
import {
  consumeCoupon,
  endPerk,
  listPerk,
  type PerkTerms,
  type RedeemStep,
  walletErrorMessage,
} from "@/components/wallet-tx.ts";

const REFRESH_MS = 10_000;
const STEP_KEY: Record<RedeemStep, MessageKey> = {
  connecting: "perks.step.connecting",
  signing: "perks.step.signing",
  sending: "perks.step.sending",
  confirming: "perks.step.confirming",
};

const isoDate = (iso: string) => iso.slice(0, 10);
/** A local calendar date (YYYY-MM-DD) at local midnight, as unix seconds. */
const unixOfDate = (date: string) => BigInt(Math.floor(new Date(`${date}T00:00:00`).getTime() / 1000));

type FieldErrors = Partial<Record<string, string>>;

function Field({
  id,
  label,
  error,
  children,
}: {
  id: string;
  label: string;
  error: string | undefined;
  children: React.ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {error && (
        <p id={`${id}-error`} className="error field-error" data-testid={`error-${id.replace(/^perk-/, "")}`}>
          {error}
        </p>
      )}
    </div>
  );
}

function PerkForm({
  account,
  editing,
  onDone,
  onCancel,
}: {
  account: Address;
  editing: PerkEntry | null;
  onDone: () => void;
  onCancel: () => void;
}) {
  const wagmiConfig = useConfig();
  const chain = useChainConfig();
  const today = new Date().toISOString().slice(0, 10);
  const inAYear = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);
  const [values, setValues] = useState(() => ({
    name: editing?.name ?? "",
    price: editing ? formatTokenAmount(editing.price).replaceAll(",", "") : "",
    supply: editing?.supply ?? "",
    validFrom: editing ? isoDate(editing.validFrom) : today,
    validUntil: editing ? isoDate(editing.validUntil) : inAYear,
  }));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [step, setStep] = useState<RedeemStep | null>(null);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);

  function parse(): PerkTerms | null {
    const e: FieldErrors = {};
    const name = values.name.trim();
    if (!name || name.length > 100) e.name = t("partner.form.error.name");
    let price = -1n;
    if (/^\d+(\.\d{1,18})?$/.test(values.price.trim())) price = parseUnits(values.price.trim(), 18);
    else e.price = t("partner.form.error.price");
    const supply = /^\d+$/.test(values.supply.trim()) ? BigInt(values.supply.trim()) : 0n;
    if (supply < 1n) e.supply = t("partner.form.error.supply");
    const from = /^\d{4}-\d{2}-\d{2}$/.test(values.validFrom) ? unixOfDate(values.validFrom) : null;
    const until = /^\d{4}-\d{2}-\d{2}$/.test(values.validUntil) ? unixOfDate(values.validUntil) : null;
    if (from === null || until === null || !(from < until) || until * 1000n <= BigInt(Date.now()))
      e.validUntil = t("partner.form.error.window");
    setErrors(e);
    if (Object.keys(e).length > 0 || from === null || until === null) return null;
    return { name, price, supply, validFrom: from, validUntil: until };
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (step) return;
    setStatus(null);
    const terms = parse();
    if (!terms) return;
    try {
      await listPerk({
        wagmiConfig,
        chain,
        account,
        terms,
        onStep: setStep,
        ...(editing ? { replaces: BigInt(editing.perkId) } : {}),
      });
      setStatus({ ok: true, text: t("partner.form.done") });
      onDone();
    } catch (e) {
      setStatus({ ok: false, text: walletErrorMessage(e) });
    } finally {
      setStep(null);
    }
  }

  const set = (key: keyof typeof values) => (e: React.ChangeEvent<HTMLInputElement>) =>
    setValues((v) => ({ ...v, [key]: e.target.value }));
  const invalid = (key: string) =>
    errors[key] ? { "aria-invalid": true as const, "aria-describedby": `perk-${key}-error` } : {};

  return (
    <section className="card" aria-labelledby="perk-form-title" data-testid="perk-form">
      <h2 id="perk-form-title">
        {editing ? t("partner.form.editTitle", { name: editing.name }) : t("partner.form.createTitle")}
      </h2>
      {editing && <p className="hint">{t("partner.form.editHint")}</p>}
      <form className="stack-form" onSubmit={(e) => void submit(e)} noValidate>
        <Field id="perk-name" label={t("partner.form.name")} error={errors.name}>
          <input
            id="perk-name"
            value={values.name}
            maxLength={100}
            onChange={set("name")}
            {...invalid("name")}
          />
        </Field>
        <div className="form-row">
          <Field id="perk-price" label={t("partner.form.price")} error={errors.price}>
            <input
              id="perk-price"
              inputMode="decimal"
              value={values.price}
              onChange={set("price")}
              {...invalid("price")}
            />
          </Field>
          <Field id="perk-supply" label={t("partner.form.supply")} error={errors.supply}>
            <input
              id="perk-supply"
              inputMode="numeric"
              value={values.supply}
              onChange={set("supply")}
              {...invalid("supply")}
            />
          </Field>
        </div>
        <div className="form-row">
          <Field id="perk-validFrom" label={t("partner.form.validFrom")} error={undefined}>
            <input id="perk-validFrom" type="date" value={values.validFrom} onChange={set("validFrom")} />
          </Field>
          <Field id="perk-validUntil" label={t("partner.form.validUntil")} error={errors.validUntil}>
            <input
              id="perk-validUntil"
              type="date"
              value={values.validUntil}
              onChange={set("validUntil")}
              {...invalid("validUntil")}
            />
          </Field>
        </div>
        <div className="actions">
          <button type="submit" disabled={step !== null} data-testid="perk-submit">
            {step ? t(STEP_KEY[step]) : editing ? t("partner.form.save") : t("partner.form.create")}
          </button>
          {editing && (
            <button type="button" onClick={onCancel} disabled={step !== null}>
              {t("partner.form.cancel")}
            </button>
          )}
        </div>
        <p
          className={status?.ok === false ? "error" : "muted"}
          role={status?.ok === false ? "alert" : "status"}
          data-testid="perk-form-status"
        >
          {status?.text ?? ""}
        </p>
      </form>
    </section>
  );
}

function ConsumeForm({
  account,
  perks,
  onDone,
}: {
  account: Address;
  perks: PerkEntry[];
  onDone: () => void;
}) {
  const wagmiConfig = useConfig();
  const chain = useChainConfig();
  const [perkId, setPerkId] = useState("");
  const [holder, setHolder] = useState("");
  const [reference, setReference] = useState("");
  const [errors, setErrors] = useState<FieldErrors>({});
  const [step, setStep] = useState<RedeemStep | null>(null);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (step) return;
    setStatus(null);
    const e: FieldErrors = {};
    if (!perks.some((p) => p.perkId === perkId.trim())) e.perk = t("partner.consume.error.perk");
    if (!isAddress(holder.trim(), { strict: false })) e.holder = t("partner.consume.error.holder");
    if (stringToBytes(reference).length > 32) e.reference = t("partner.consume.error.reference");
    setErrors(e);
    if (Object.keys(e).length > 0) return;
    try {
      await consumeCoupon({
        wagmiConfig,
        chain,
        account,
        holder: holder.trim() as Address,
        perkId: BigInt(perkId.trim()),
        reference,
        onStep: setStep,
      });
      setStatus({
        ok: true,
        text: t("partner.consume.done", { perk: perkId.trim(), holder: shortHex(holder.trim()) }),
      });
      setHolder("");
      setReference("");
      onDone();
    } catch (err) {
      setStatus({ ok: false, text: walletErrorMessage(err) });
    } finally {
      setStep(null);
    }
  }

  const invalid = (key: string) =>
    errors[key] ? { "aria-invalid": true as const, "aria-describedby": `consume-${key}-error` } : {};
  const error = (key: string) =>
    errors[key] && (
      <p id={`consume-${key}-error`} className="error field-error" data-testid={`error-consume-${key}`}>
        {errors[key]}
      </p>
    );

  return (
    <section className="card" aria-labelledby="consume-title" data-testid="consume-form">
      <h2 id="consume-title">{t("partner.consume.title")}</h2>
      <p className="hint">{t("partner.consume.hint")}</p>
      <form className="stack-form" onSubmit={(e) => void submit(e)} noValidate>
        <div className="form-row">
          <div className="field">
            <label htmlFor="consume-perk">{t("partner.consume.perk")}</label>
            <input
              id="consume-perk"
              inputMode="numeric"
              list="consume-perk-options"
              value={perkId}
              onChange={(e) => setPerkId(e.target.value)}
              {...invalid("perk")}
            />
            <datalist id="consume-perk-options">
              {perks.map((p) => (
                <option key={p.perkId} value={p.perkId}>
                  {p.name}
                </option>
              ))}
            </datalist>
            {error("perk")}
          </div>
          <div className="field">
            <label htmlFor="consume-holder">{t("partner.consume.holder")}</label>
            <input
              id="consume-holder"
              className="mono"
              value={holder}
              spellCheck={false}
              onChange={(e) => setHolder(e.target.value)}
              {...invalid("holder")}
            />
            {error("holder")}
          </div>
        </div>
        <div className="field">
          <label htmlFor="consume-reference">{t("partner.consume.reference")}</label>
          <input
            id="consume-reference"
            value={reference}
            onChange={(e) => setReference(e.target.value)}
            {...invalid("reference")}
          />
          {error("reference")}
        </div>
        <div className="actions">
          <button type="submit" disabled={step !== null} data-testid="consume-submit">
            {step ? t(STEP_KEY[step]) : t("partner.consume.submit")}
          </button>
        </div>
        <p
          className={status?.ok === false ? "error" : "muted"}
          role={status?.ok === false ? "alert" : "status"}
          data-testid="consume-status"
        >
          {status?.text ?? ""}
        </p>
      </form>
    </section>
  );
}

/** The partner portal: own perks (create, edit by relisting, end), coupons to consume, redemptions. */
export function PartnerPortal({ account, enabled }: { account: Address; enabled: boolean }) {
  const wagmiConfig = useConfig();
  const chain = useChainConfig();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<PerkEntry | null>(null);
  const [ending, setEnding] = useState<string | null>(null);
  const [endStatus, setEndStatus] = useState<string | null>(null);
  const view = useQuery({
    queryKey: ["partner", "perks"],
    queryFn: () => apiFetch<PartnerView>("/api/partner/perks"),
    refetchInterval: REFRESH_MS,
    enabled,
  });
  // The mirror follows a transaction within a few seconds: refresh more often briefly.
  const refreshSoon = useCallback(() => {
    for (const delay of [1_000, 2_500, 5_000])
      setTimeout(() => void queryClient.invalidateQueries({ queryKey: ["partner"] }), delay);
  }, [queryClient]);

  if (!enabled) {
    return (
      <section className="card">
        <p className="empty">{t("partner.disabled")}</p>
      </section>
    );
  }
  const data = view.data;
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  async function end(perk: PerkEntry) {
    if (ending) return;
    setEndStatus(null);
    setEnding(perk.perkId);
    try {
      await endPerk({ wagmiConfig, chain, account, perkId: BigInt(perk.perkId), onStep: () => {} });
      refreshSoon();
    } catch (e) {
      setEndStatus(walletErrorMessage(e));
    } finally {
      setEnding(null);
    }
  }

  return (
    <div className="grid">
      <DataCard
        titleId="my-perks"
        testId="partner-perks"
        title={t("partner.perks.title")}
        loading={view.isPending}
        data={data?.perks}
        empty={{ text: t("partner.perks.empty") }}
        footer={
          endStatus && (
            <p className="error" role="alert">
              {endStatus}
            </p>
          )
        }
      >
        {(perks) => (
          <DataTable
            caption={t("partner.perks.caption")}
            rows={perks}
            rowKey={(p) => p.perkId}
            rowAttributes={(p) => ({ "data-testid": "partner-perk-row", "data-perk-id": String(p.perkId) })}
            empty={t("partner.perks.empty")}
            columns={[
              { header: t("coupons.id"), className: "mono", cell: (p) => p.perkId },
              { header: t("perks.name"), cell: (p) => p.name },
              {
                header: t("perks.price"),
                align: "number",
                cell: (p) => `${formatTokenAmount(p.price)} ${t("balance.unit")}`,
              },
              {
                header: t("partner.perks.redeemed"),
                align: "number",
                cell: (p) => `${formatInteger(p.redeemed)} / ${formatInteger(p.supply)}`,
              },
              { header: t("perks.validUntil"), cell: (p) => formatDate(p.validUntil, timeZone) },
              { header: t("perks.status"), cell: (p) => t(`perks.status.${p.status}`) },
              {
                header: t("partner.perks.edit"),
                hideHeader: true,
                cell: (p) =>
                  p.status !== "ended" && (
                    <span className="actions">
                      <button
                        type="button"
                        className="small"
                        aria-label={t("partner.perks.editLabel", { name: p.name })}
                        onClick={() => setEditing(p)}
                      >
                        {t("partner.perks.edit")}
                      </button>
                      <button
                        type="button"
                        className="small"
                        disabled={ending !== null}
                        aria-label={t("partner.perks.endLabel", { name: p.name })}
                        onClick={() => void end(p)}
                      >
                        {ending === p.perkId ? t("perks.step.confirming") : t("partner.perks.end")}
                      </button>
                    </span>
                  ),
              },
            ]}
          />
        )}
      </DataCard>
      <PerkForm
        key={editing?.perkId ?? "new"}
        account={account}
        editing={editing}
        onDone={() => {
          setEditing(null);
          refreshSoon();
        }}
        onCancel={() => setEditing(null)}
      />
      <ConsumeForm account={account} perks={data?.perks ?? []} onDone={refreshSoon} />
      <section className="card" aria-labelledby="redemptions" data-testid="partner-redemptions">
        <h2 id="redemptions">{t("partner.redemptions.title")}</h2>
        <DataTable
          caption={t("partner.redemptions.caption")}
          rows={data?.redemptions ?? []}
          rowKey={(r) => `${r.txHash}-${r.perkId}`}
          rowAttributes={() => ({ "data-testid": "redemption-row" })}
          empty={t("partner.redemptions.empty")}
          columns={[
            { header: t("partner.redemptions.when"), cell: (r) => formatDateTime(r.blockTime, timeZone) },
            { header: t("perks.name"), cell: (r) => r.name },
            {
              header: t("partner.redemptions.customer"),
              className: "mono",
              title: (r) => r.account,
              cell: (r) => shortHex(r.account),
            },
            {
              header: t("partner.redemptions.paid"),
              align: "number",
              cell: (r) => `${formatTokenAmount(r.price)} ${t("balance.unit")}`,
            },
          ]}
        />
      </section>
      <section className="card" aria-labelledby="consumptions" data-testid="partner-consumptions">
        <h2 id="consumptions">{t("partner.consumptions.title")}</h2>
        <DataTable
          caption={t("partner.consumptions.caption")}
          rows={data?.consumptions ?? []}
          rowKey={(c) => `${c.txHash}-${c.holder}-${c.perkId}`}
          rowAttributes={() => ({ "data-testid": "consumption-row" })}
          empty={t("partner.consumptions.empty")}
          columns={[
            { header: t("coupons.usedAt"), cell: (c) => formatDateTime(c.blockTime, timeZone) },
            { header: t("perks.name"), cell: (c) => c.name },
            {
              header: t("coupons.holder"),
              className: "mono",
              title: (c) => c.holder,
              cell: (c) => shortHex(c.holder),
            },
            {
              header: t("coupons.ref"),
              className: "mono",
              title: (c) => c.ref,
              cell: (c) => shortHex(c.ref, 10, 6),
            },
          ]}
        />
      </section>
    </div>
  );
}
