"use client";

import type { PriceValue, Tariff, TouSlot } from "@c4e/domain";
import type { ReactNode } from "react";
import { type FieldControl, FormField } from "@/components/admin/form-field.tsx";
import { t } from "@/messages/en.ts";

/** A validator error at a tariff field path (`tou.bands[0].price`). */
export type PathError = { path: string; message: string };

/** What every tariff section gets: the tariff, its setter and the validator's errors. */
export type TariffFieldsProps = {
  tariff: Tariff;
  set: (x: Tariff) => void;
  errors: PathError[];
};

/** An error at this path or inside it (`single.price[1].from` is inside `single.price`). */
const isAt = (error: PathError, path: string) =>
  error.path === path || error.path.startsWith(`${path}.`) || error.path.startsWith(`${path}[`);

const fieldId = (path: string) => `tariff-${path.replace(/[^a-zA-Z0-9]+/g, "-")}`;

/** The validator's errors at exactly this path, below its input. */
export function PathErrors({ errors, path }: { errors: PathError[]; path: string }) {
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
export function PathField({
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

export function TextInput({
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
export function PriceInput(props: {
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

export function Select<V extends string>({
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
export function ResolutionSelect({
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

export function Group({ legend, children }: { legend: string; children: ReactNode }) {
  return (
    <fieldset className="tariff-group">
      <legend>{legend}</legend>
      {children}
    </fieldset>
  );
}

export function RemoveButton({ onClick, label }: { onClick: () => void; label: string }) {
  return (
    <button type="button" className="link-button" onClick={onClick} aria-label={label}>
      {t("admin.products.tariff.remove")}
    </button>
  );
}

export function replaceAt<T>(list: readonly T[], i: number, item: T): T[] {
  return list.map((x, j) => (j === i ? item : x));
}

/** Slots of one day type of one season. */
export function SlotList({
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

/** Every validator error with its path, above the save button. */
export function TariffErrors({ errors }: { errors: PathError[] }) {
  if (errors.length === 0) return null;
  return (
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
  );
}
