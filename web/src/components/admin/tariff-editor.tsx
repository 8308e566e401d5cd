"use client";

import type { FixedCharge, PriceValue, Tariff, TouSeason, TouSlot } from "@c4e/domain";
import { type ReactNode, useState } from "react";
import { saveDraftAction } from "@/app/(admin)/admin/products/actions.ts";
import { t } from "@/messages/en.ts";
import type { ActionResult } from "@/server/core/action-result.ts";
import { type FieldControl, FormField } from "./form-field.tsx";
import { Field, fieldError, formError, useAction } from "./forms.tsx";

type PathError = { path: string; message: string };
type Kind = "single" | "tou" | "tiered" | "dynamic";
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const kindOf = (x: Tariff): Kind => (x.tou ? "tou" : x.tiered ? "tiered" : x.dynamic ? "dynamic" : "single");

/** Default terms of each energy pricing kind, when the admin switches to it. */
function withKind(x: Tariff, kind: Kind): Tariff {
  const { single: _s, tou: _t, tiered: _ti, dynamic: _d, ...rest } = x;
  switch (kind) {
    case "single":
      return { ...rest, single: { price: "0.30" } };
    case "tou":
      return {
        ...rest,
        tou: {
          bands: [
            { code: "peak", name: "Peak", price: "0.34" },
            { code: "offpeak", name: "Off-peak", price: "0.24" },
          ],
          seasons: [
            {
              name: "all year",
              from: "01-01",
              to: "12-31",
              dayTypes: {
                weekday: [
                  { from: "00:00", to: "08:00", band: "offpeak" },
                  { from: "08:00", to: "20:00", band: "peak" },
                  { from: "20:00", to: "24:00", band: "offpeak" },
                ],
                weekend: [{ from: "00:00", to: "24:00", band: "offpeak" }],
              },
            },
          ],
        },
      };
    case "tiered":
      return {
        ...rest,
        tiered: {
          tiers: [
            { upToKwh: "100", price: "0.25" },
            { upToKwh: null, price: "0.32" },
          ],
        },
      };
    case "dynamic":
      return {
        ...rest,
        // net metering needs a fixed energy price
        ...(rest.export?.kind === "net_metering" ? { export: undefined } : {}),
        dynamic: { resolutionMinutes: 60, margin: "0.02" },
      };
  }
}

/** Drops undefined members so the JSON holds only what the tariff has. */
const clean = (x: Tariff): Tariff => JSON.parse(JSON.stringify(x)) as Tariff;

/** An error at this path or inside it (`single.price[1].from` is inside `single.price`). */
const isAt = (error: PathError, path: string) =>
  error.path === path || error.path.startsWith(`${path}.`) || error.path.startsWith(`${path}[`);

const fieldId = (path: string) => `tariff-${path.replace(/[^a-zA-Z0-9]+/g, "-")}`;

/** The validator's errors at exactly this path, below its input. */
function PathErrors({ errors, path }: { errors: PathError[]; path: string }) {
  const own = errors.filter((e) => isAt(e, path));
  if (own.length === 0) return null;
  return (
    <p
      className="error field-error"
      id={`${fieldId(path)}-error`}
      role="alert"
      data-testid={`tariff-error-${path}`}
    >
      {own.map((e) => e.message).join("; ")}
    </p>
  );
}

/** A FormField for the tariff at `path`: the validator's errors at that path are its error. */
function PathField({
  path,
  label,
  errors,
  className,
  children,
}: {
  path: string;
  label: string;
  errors: PathError[];
  className: string;
  children: (control: FieldControl) => ReactNode;
}) {
  const own = errors.filter((e) => isAt(e, path));
  return (
    <FormField
      id={fieldId(path)}
      label={label}
      error={own.length > 0 ? own.map((e) => e.message).join("; ") : undefined}
      errorTestId={`tariff-error-${path}`}
      className={className}
    >
      {children}
    </FormField>
  );
}

function TextInput({
  path,
  label,
  value,
  onChange,
  errors,
  inputMode,
  width,
}: {
  path: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  errors: PathError[];
  inputMode?: "decimal" | "text";
  width?: "short";
}) {
  return (
    <PathField
      path={path}
      label={label}
      errors={errors}
      className={`field${width === "short" ? " field-short" : ""}`}
    >
      {(control) => (
        <input
          {...control}
          type="text"
          inputMode={inputMode ?? "text"}
          autoComplete="off"
          value={value}
          onChange={(e) => onChange(e.target.value)}
          data-testid={control.id}
        />
      )}
    </PathField>
  );
}

/** A price: a decimal input, or (a schedule) a note pointing to the JSON editor. */
function PriceInput(props: {
  path: string;
  label: string;
  value: PriceValue;
  onChange: (v: string) => void;
  errors: PathError[];
}) {
  if (typeof props.value !== "string")
    return (
      <div className="field">
        <span className="label">{props.label}</span>
        <p className="hint">{t("admin.products.tariff.schedule", { count: props.value.length })}</p>
        <PathErrors errors={props.errors} path={props.path} />
      </div>
    );
  return <TextInput {...props} value={props.value} inputMode="decimal" width="short" />;
}

function Select<V extends string>({
  path,
  label,
  value,
  options,
  onChange,
  errors,
}: {
  path: string;
  label: string;
  value: V;
  options: { value: V; label: string }[];
  onChange: (v: V) => void;
  errors: PathError[];
}) {
  return (
    <PathField path={path} label={label} errors={errors} className="field field-short">
      {(control) => (
        <select
          {...control}
          value={value}
          onChange={(e) => onChange(e.target.value as V)}
          data-testid={control.id}
        >
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </PathField>
  );
}

/** The 15- or 60-minute resolution of a dynamic price or a demand charge. */
function ResolutionSelect({
  path,
  value,
  onChange,
  errors,
}: {
  path: string;
  value: 15 | 60;
  onChange: (minutes: 15 | 60) => void;
  errors: PathError[];
}) {
  return (
    <Select<"15" | "60">
      path={path}
      label={t("admin.products.tariff.resolution")}
      value={value === 15 ? "15" : "60"}
      options={[
        { value: "15", label: t("admin.products.tariff.resolution.15") },
        { value: "60", label: t("admin.products.tariff.resolution.60") },
      ]}
      onChange={(v) => onChange(v === "15" ? 15 : 60)}
      errors={errors}
    />
  );
}

function Group({ legend, children }: { legend: string; children: ReactNode }) {
  return (
    <fieldset className="tariff-group">
      <legend>{legend}</legend>
      {children}
    </fieldset>
  );
}

function RemoveButton({ onClick, label }: { onClick: () => void; label: string }) {
  return (
    <button type="button" className="link-button" onClick={onClick} aria-label={label}>
      {t("admin.products.tariff.remove")}
    </button>
  );
}

function replaceAt<T>(list: readonly T[], i: number, item: T): T[] {
  return list.map((x, j) => (j === i ? item : x));
}

/** Slots of one day type of one season. */
function SlotList({
  path,
  legend,
  slots,
  bands,
  onChange,
  errors,
}: {
  path: string;
  legend: string;
  slots: TouSlot[];
  bands: string[];
  onChange: (s: TouSlot[]) => void;
  errors: PathError[];
}) {
  return (
    <Group legend={legend}>
      <PathErrors errors={errors.filter((e) => e.path === path)} path={path} />
      {slots.map((s, i) => (
        <div className="form-row" key={i}>
          <TextInput
            path={`${path}[${i}].from`}
            label={t("admin.products.tariff.slot.from")}
            value={s.from}
            onChange={(v) => onChange(replaceAt(slots, i, { ...s, from: v }))}
            errors={errors}
            width="short"
          />
          <TextInput
            path={`${path}[${i}].to`}
            label={t("admin.products.tariff.slot.to")}
            value={s.to}
            onChange={(v) => onChange(replaceAt(slots, i, { ...s, to: v }))}
            errors={errors}
            width="short"
          />
          <Select
            path={`${path}[${i}].band`}
            label={t("admin.products.tariff.slot.band")}
            value={s.band}
            options={[...new Set([...bands, s.band])].map((b) => ({ value: b, label: b }))}
            onChange={(v) => onChange(replaceAt(slots, i, { ...s, band: v }))}
            errors={errors}
          />
          <RemoveButton
            label={`${t("admin.products.tariff.remove")} ${s.from}`}
            onClick={() => onChange(slots.filter((_, j) => j !== i))}
          />
        </div>
      ))}
      <button
        type="button"
        onClick={() =>
          onChange([...slots, { from: slots.at(-1)?.to ?? "00:00", to: "24:00", band: bands[0] ?? "" }])
        }
      >
        {t("admin.products.tariff.slot.add")}
      </button>
    </Group>
  );
}

/** The energy pricing of the chosen kind. */
function EnergyFields({
  tariff,
  set,
  errors,
}: {
  tariff: Tariff;
  set: (x: Tariff) => void;
  errors: PathError[];
}) {
  const c = tariff.currency;
  const kind = kindOf(tariff);
  return (
    <Group legend={t("admin.products.tariff.energy")}>
      <Select<Kind>
        path="kind"
        label={t("admin.products.tariff.kind")}
        value={kind}
        options={(["single", "tou", "tiered", "dynamic"] as const).map((k) => ({
          value: k,
          label: t(`admin.products.tariff.kind.${k}`),
        }))}
        onChange={(k) => set(withKind(tariff, k))}
        errors={[]}
      />
      {tariff.single && (
        <PriceInput
          path="single.price"
          label={t("admin.products.tariff.pricePerKwh", { currency: c })}
          value={tariff.single.price}
          onChange={(v) => set({ ...tariff, single: { price: v } })}
          errors={errors}
        />
      )}
      {tariff.tou &&
        (() => {
          const tou = tariff.tou;
          const setTou = (next: Partial<Mutable<typeof tou>>) => set({ ...tariff, tou: { ...tou, ...next } });
          const setSeason = (i: number, s: TouSeason) => setTou({ seasons: replaceAt(tou.seasons, i, s) });
          return (
            <>
              <Group legend={t("admin.products.tariff.bands")}>
                <PathErrors errors={errors.filter((e) => e.path === "tou.bands")} path="tou.bands" />
                {tou.bands.map((b, i) => (
                  <div className="form-row" key={i}>
                    <TextInput
                      path={`tou.bands[${i}].code`}
                      label={t("admin.products.tariff.band.code")}
                      value={b.code}
                      onChange={(v) => setTou({ bands: replaceAt(tou.bands, i, { ...b, code: v }) })}
                      errors={errors}
                      width="short"
                    />
                    <TextInput
                      path={`tou.bands[${i}].name`}
                      label={t("admin.products.tariff.band.name")}
                      value={b.name}
                      onChange={(v) => setTou({ bands: replaceAt(tou.bands, i, { ...b, name: v }) })}
                      errors={errors}
                    />
                    <PriceInput
                      path={`tou.bands[${i}].price`}
                      label={t("admin.products.tariff.pricePerKwh", { currency: c })}
                      value={b.price}
                      onChange={(v) => setTou({ bands: replaceAt(tou.bands, i, { ...b, price: v }) })}
                      errors={errors}
                    />
                    <RemoveButton
                      label={`${t("admin.products.tariff.remove")} ${b.code}`}
                      onClick={() => setTou({ bands: tou.bands.filter((_, j) => j !== i) })}
                    />
                  </div>
                ))}
                <button
                  type="button"
                  onClick={() =>
                    setTou({
                      bands: [...tou.bands, { code: `band${tou.bands.length + 1}`, name: "", price: "0.00" }],
                    })
                  }
                >
                  {t("admin.products.tariff.band.add")}
                </button>
              </Group>
              <Group legend={t("admin.products.tariff.seasons")}>
                <PathErrors errors={errors.filter((e) => e.path === "tou.seasons")} path="tou.seasons" />
                {tou.seasons.map((s, i) => (
                  <div className="tariff-season" key={i}>
                    <div className="form-row">
                      <TextInput
                        path={`tou.seasons[${i}].name`}
                        label={t("admin.products.tariff.season.name")}
                        value={s.name}
                        onChange={(v) => setSeason(i, { ...s, name: v })}
                        errors={errors}
                      />
                      <TextInput
                        path={`tou.seasons[${i}].from`}
                        label={t("admin.products.tariff.season.from")}
                        value={s.from}
                        onChange={(v) => setSeason(i, { ...s, from: v })}
                        errors={errors}
                        width="short"
                      />
                      <TextInput
                        path={`tou.seasons[${i}].to`}
                        label={t("admin.products.tariff.season.to")}
                        value={s.to}
                        onChange={(v) => setSeason(i, { ...s, to: v })}
                        errors={errors}
                        width="short"
                      />
                      <RemoveButton
                        label={`${t("admin.products.tariff.remove")} ${s.name}`}
                        onClick={() => setTou({ seasons: tou.seasons.filter((_, j) => j !== i) })}
                      />
                    </div>
                    {(["weekday", "weekend"] as const).map((d) => (
                      <SlotList
                        key={d}
                        path={`tou.seasons[${i}].dayTypes.${d}`}
                        legend={t(`admin.products.tariff.dayType.${d}`)}
                        slots={s.dayTypes[d]}
                        bands={tou.bands.map((b) => b.code)}
                        onChange={(slots) => setSeason(i, { ...s, dayTypes: { ...s.dayTypes, [d]: slots } })}
                        errors={errors}
                      />
                    ))}
                  </div>
                ))}
                <button
                  type="button"
                  onClick={() => {
                    const first = withKind(tariff, "tou").tou?.seasons[0];
                    if (first)
                      setTou({
                        seasons: [...tou.seasons, { ...first, name: `season ${tou.seasons.length + 1}` }],
                      });
                  }}
                >
                  {t("admin.products.tariff.season.add")}
                </button>
              </Group>
            </>
          );
        })()}
      {tariff.tiered &&
        (() => {
          const tiers = tariff.tiered.tiers;
          const setTiers = (next: typeof tiers) => set({ ...tariff, tiered: { tiers: next } });
          return (
            <Group legend={t("admin.products.tariff.tiers")}>
              <PathErrors errors={errors.filter((e) => e.path === "tiered.tiers")} path="tiered.tiers" />
              {tiers.map((x, i) => (
                <div className="form-row" key={i}>
                  <TextInput
                    path={`tiered.tiers[${i}].upToKwh`}
                    label={t("admin.products.tariff.tier.upTo")}
                    value={x.upToKwh ?? ""}
                    onChange={(v) =>
                      setTiers(replaceAt(tiers, i, { ...x, upToKwh: v.trim() === "" ? null : v }))
                    }
                    errors={errors}
                    inputMode="decimal"
                    width="short"
                  />
                  <PriceInput
                    path={`tiered.tiers[${i}].price`}
                    label={t("admin.products.tariff.pricePerKwh", { currency: c })}
                    value={x.price}
                    onChange={(v) => setTiers(replaceAt(tiers, i, { ...x, price: v }))}
                    errors={errors}
                  />
                  <RemoveButton
                    label={`${t("admin.products.tariff.remove")} ${i + 1}`}
                    onClick={() => setTiers(tiers.filter((_, j) => j !== i))}
                  />
                </div>
              ))}
              <button type="button" onClick={() => setTiers([...tiers, { upToKwh: null, price: "0.00" }])}>
                {t("admin.products.tariff.tier.add")}
              </button>
            </Group>
          );
        })()}
      {tariff.dynamic && (
        <div className="form-row">
          <ResolutionSelect
            path="dynamic.resolutionMinutes"
            value={tariff.dynamic.resolutionMinutes}
            onChange={(minutes) =>
              tariff.dynamic && set({ ...tariff, dynamic: { ...tariff.dynamic, resolutionMinutes: minutes } })
            }
            errors={errors}
          />
          <PriceInput
            path="dynamic.margin"
            label={t("admin.products.tariff.margin", { currency: c })}
            value={tariff.dynamic.margin}
            onChange={(v) => tariff.dynamic && set({ ...tariff, dynamic: { ...tariff.dynamic, margin: v } })}
            errors={errors}
          />
        </div>
      )}
    </Group>
  );
}

/** Fixed charges, capacity, demand and export compensation. */
function ChargeFields({
  tariff,
  set,
  errors,
}: {
  tariff: Tariff;
  set: (x: Tariff) => void;
  errors: PathError[];
}) {
  const c = tariff.currency;
  const fixed = tariff.fixedCharges ?? [];
  const setFixed = (next: FixedCharge[]) => set({ ...tariff, fixedCharges: next.length ? next : undefined });
  const exportKind = tariff.export?.kind ?? "none";
  return (
    <>
      <Group legend={t("admin.products.tariff.fixed")}>
        {fixed.map((f, i) => (
          <div className="form-row" key={i}>
            <TextInput
              path={`fixedCharges[${i}].code`}
              label={t("admin.products.tariff.fixed.code")}
              value={f.code}
              onChange={(v) => setFixed(replaceAt(fixed, i, { ...f, code: v }))}
              errors={errors}
              width="short"
            />
            <TextInput
              path={`fixedCharges[${i}].description`}
              label={t("admin.products.tariff.fixed.description")}
              value={f.description}
              onChange={(v) => setFixed(replaceAt(fixed, i, { ...f, description: v }))}
              errors={errors}
            />
            <Select<"day" | "month">
              path={`fixedCharges[${i}].per`}
              label={t("admin.products.tariff.fixed.per")}
              value={f.per}
              options={[
                { value: "month", label: t("admin.products.tariff.fixed.per.month") },
                { value: "day", label: t("admin.products.tariff.fixed.per.day") },
              ]}
              onChange={(v) => setFixed(replaceAt(fixed, i, { ...f, per: v }))}
              errors={errors}
            />
            <PriceInput
              path={`fixedCharges[${i}].price`}
              label={t("admin.products.tariff.price", { currency: c })}
              value={f.price}
              onChange={(v) => setFixed(replaceAt(fixed, i, { ...f, price: v }))}
              errors={errors}
            />
            <RemoveButton
              label={`${t("admin.products.tariff.remove")} ${f.code}`}
              onClick={() => setFixed(fixed.filter((_, j) => j !== i))}
            />
          </div>
        ))}
        <button
          type="button"
          onClick={() =>
            setFixed([
              ...fixed,
              { code: `fee${fixed.length + 1}`, description: "Base charge", per: "month", price: "0.00" },
            ])
          }
        >
          {t("admin.products.tariff.fixed.add")}
        </button>
      </Group>
      <Group legend={t("admin.products.tariff.capacity")}>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={tariff.capacity !== undefined}
            onChange={(e) =>
              set({
                ...tariff,
                capacity: e.target.checked ? { contractedKw: "10", price: "0.00" } : undefined,
              })
            }
            data-testid="tariff-capacity-enable"
          />{" "}
          {t("admin.products.tariff.enable")}
        </label>
        {tariff.capacity && (
          <div className="form-row">
            <TextInput
              path="capacity.contractedKw"
              label={t("admin.products.tariff.capacity.kw")}
              value={tariff.capacity.contractedKw}
              onChange={(v) =>
                tariff.capacity && set({ ...tariff, capacity: { ...tariff.capacity, contractedKw: v } })
              }
              errors={errors}
              inputMode="decimal"
              width="short"
            />
            <PriceInput
              path="capacity.price"
              label={t("admin.products.tariff.capacity.price", { currency: c })}
              value={tariff.capacity.price}
              onChange={(v) =>
                tariff.capacity && set({ ...tariff, capacity: { ...tariff.capacity, price: v } })
              }
              errors={errors}
            />
          </div>
        )}
      </Group>
      <Group legend={t("admin.products.tariff.demand")}>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={tariff.demand !== undefined}
            onChange={(e) =>
              set({
                ...tariff,
                demand: e.target.checked ? { resolutionMinutes: 15, price: "0.00" } : undefined,
              })
            }
            data-testid="tariff-demand-enable"
          />{" "}
          {t("admin.products.tariff.enable")}
        </label>
        {tariff.demand && (
          <div className="form-row">
            <ResolutionSelect
              path="demand.resolutionMinutes"
              value={tariff.demand.resolutionMinutes}
              onChange={(minutes) =>
                tariff.demand && set({ ...tariff, demand: { ...tariff.demand, resolutionMinutes: minutes } })
              }
              errors={errors}
            />
            <PriceInput
              path="demand.price"
              label={t("admin.products.tariff.demand.price", { currency: c })}
              value={tariff.demand.price}
              onChange={(v) => tariff.demand && set({ ...tariff, demand: { ...tariff.demand, price: v } })}
              errors={errors}
            />
          </div>
        )}
      </Group>
      <Group legend={t("admin.products.tariff.export")}>
        <Select<"none" | "net_metering" | "feed_in">
          path="export.kind"
          label={t("admin.products.tariff.export")}
          value={exportKind}
          options={(["none", "net_metering", "feed_in"] as const).map((k) => ({
            value: k,
            label: t(`admin.products.tariff.export.${k}`),
          }))}
          onChange={(k) =>
            set({
              ...tariff,
              export:
                k === "none" ? undefined : k === "net_metering" ? { kind: k } : { kind: k, price: "0.08" },
            })
          }
          errors={errors}
        />
        {tariff.export?.kind === "feed_in" && (
          <PriceInput
            path="export.price"
            label={t("admin.products.tariff.export.price", { currency: c })}
            value={tariff.export.price}
            onChange={(v) => set({ ...tariff, export: { kind: "feed_in", price: v } })}
            errors={errors}
          />
        )}
      </Group>
    </>
  );
}

/**
 * The draft of a product: name, description and the tariff built from the billing engine's
 * components, or edited as JSON (the full model). The server validates it with parseTariff and the
 * errors come back per field path, shown at their inputs (and all of them in the JSON editor).
 */
export function DraftEditor({
  productId,
  version,
  name,
  description,
  tariff: initial,
}: {
  productId: string;
  version: number;
  name: string;
  description: string;
  tariff: Tariff;
}) {
  const [result, action, pending, values] = useAction(saveDraftAction);
  const [tariff, setTariff] = useState<Tariff>(initial);
  const [json, setJson] = useState(() => JSON.stringify(initial, null, 2));
  const [jsonError, setJsonError] = useState<string | null>(null);
  const set = (next: Tariff) => {
    const cleaned = clean(next);
    setTariff(cleaned);
    setJson(JSON.stringify(cleaned, null, 2));
  };
  const errors: PathError[] = result && !result.ok ? (result.pathErrors ?? []) : [];
  const error = formError(result as ActionResult<unknown> | null);
  return (
    <form action={action} className="stack-form tariff-editor" data-testid="draft-form" noValidate>
      <input type="hidden" name="productId" value={productId} />
      <input type="hidden" name="tariff" value={JSON.stringify(tariff)} />
      <Field name="name" label={t("admin.products.name")} error={fieldError(result, "name")}>
        {(p) => <input {...p} type="text" maxLength={120} required defaultValue={values.name ?? name} />}
      </Field>
      <Field
        name="description"
        label={t("admin.products.description")}
        error={fieldError(result, "description")}
      >
        {(p) => (
          <textarea {...p} rows={3} maxLength={2000} defaultValue={values.description ?? description} />
        )}
      </Field>
      <EnergyFields tariff={tariff} set={set} errors={errors} />
      <ChargeFields tariff={tariff} set={set} errors={errors} />
      <details className="tariff-json" open={errors.length > 0 ? true : undefined}>
        <summary>{t("admin.products.tariff.advanced")}</summary>
        <p className="hint">{t("admin.products.tariff.advancedHint")}</p>
        <label htmlFor="tariff-json" className="visually-hidden">
          {t("admin.products.tariff.advanced")}
        </label>
        <textarea
          id="tariff-json"
          rows={16}
          spellCheck={false}
          value={json}
          onChange={(e) => setJson(e.target.value)}
          aria-invalid={Boolean(jsonError)}
          data-testid="tariff-json"
        />
        <button
          type="button"
          onClick={() => {
            try {
              const parsed = JSON.parse(json) as Tariff;
              setJsonError(null);
              setTariff(parsed);
            } catch (e) {
              setJsonError(t("admin.products.tariff.jsonError", { message: (e as Error).message }));
            }
          }}
          data-testid="tariff-json-apply"
        >
          {t("admin.products.tariff.apply")}
        </button>
        {jsonError && (
          <p className="error" role="alert">
            {jsonError}
          </p>
        )}
      </details>
      {errors.length > 0 && (
        <div className="error" role="alert" data-testid="tariff-errors">
          <p>{t("admin.products.error.tariff")}</p>
          <ul>
            {errors.map((e, i) => (
              <li key={i}>
                {t("admin.products.tariff.errorAt", {
                  path: e.path || t("admin.products.tariff.root"),
                  message: e.message,
                })}
              </li>
            ))}
          </ul>
        </div>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={pending} data-testid="draft-save">
          {t("admin.products.draft.save")}
        </button>
        <p className="status" role="status" aria-live="polite" data-testid="draft-status">
          {result?.ok ? t("admin.products.draft.saved") : ""}
        </p>
      </div>
      {fieldError(result, "form") && (
        <p className="error" role="alert">
          {t(fieldError(result, "form") ?? "admin.products.error.noDraft")}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <input type="hidden" name="version" value={version} />
    </form>
  );
}
