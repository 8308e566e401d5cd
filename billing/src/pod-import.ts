// POD sync import: a CSV file (format in docs/billing-runs.md) creates and updates PODs. Every row is
// validated first; if any row is rejected nothing is applied and every error is reported. Otherwise all
// rows are applied in one transaction.
import { isValidTimeZone } from "@c4e/domain";
import { parse } from "csv-parse/sync";
import type pg from "pg";
import { type Queryable, withTransaction } from "@c4e/prisma";

export const POD_CSV_COLUMNS = [
  "identifier",
  "name",
  "address",
  "site_id",
  "contract_number",
  "metering",
  "annual_reference_kwh",
  "monthly_forecast_kwh",
  "profile_type",
  "distributor_code",
  "trader_code",
  "balance_group_code",
  "network_charges_payer",
  "network_tariff_code",
  "sign_in_date",
  "sign_out_date",
  "time_zone",
] as const;

const REQUIRED = [
  "identifier",
  "name",
  "address",
  "metering",
  "annual_reference_kwh",
  "distributor_code",
  "trader_code",
  "network_charges_payer",
  "sign_in_date",
  "time_zone",
] as const;

type Column = (typeof POD_CSV_COLUMNS)[number];
type CsvRow = Record<Column, string>;

/** The POD as stored (column names of the `pod` table, values as text). */
type PodValues = {
  identifier: string;
  name: string;
  address: string;
  site_id: string | null;
  contract_id: string | null;
  metering: string;
  monthly_forecast_kwh: string[];
  annual_reference_kwh: string;
  profile_type_code: string | null;
  distributor_id: string;
  trader_id: string;
  balance_group_id: string | null;
  network_charges_payer: string;
  network_tariff_id: string | null;
  sign_in_date: string;
  sign_out_date: string | null;
  time_zone: string;
};

export type PodImportReport = {
  /** true when the rows were written (no row rejected and not a dry run) */
  applied: boolean;
  rows: number;
  created: { line: number; identifier: string }[];
  changed: { line: number; identifier: string; fields: string[] }[];
  unchanged: { line: number; identifier: string }[];
  rejected: { line: number; identifier: string; reasons: string[] }[];
};

const DECIMAL = /^\d+(\.\d{1,3})?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function validDate(text: string): boolean {
  if (!DATE.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

/** Parses, validates and (unless anything is rejected or `dryRun`) applies a POD CSV file. */
export async function importPods(
  pool: pg.Pool,
  csv: string,
  { dryRun = false } = {},
): Promise<PodImportReport> {
  let records: string[][];
  const report: PodImportReport = {
    applied: false,
    rows: 0,
    created: [],
    changed: [],
    unchanged: [],
    rejected: [],
  };
  try {
    records = parse(csv, { skip_empty_lines: true, trim: true, relax_column_count: true }) as string[][];
  } catch (err) {
    report.rejected.push({ line: 0, identifier: "", reasons: [`not a CSV file: ${(err as Error).message}`] });
    return report;
  }
  const [header, ...body] = records;
  const headerErrors = checkHeader(header ?? []);
  if (headerErrors.length > 0) {
    report.rejected.push({ line: 1, identifier: "", reasons: headerErrors });
    return report;
  }
  const columns = header as Column[];
  report.rows = body.length;
  return withTransaction(pool, async (client) => {
    const refs = await loadReferences(client);
    const seen = new Map<string, number>();
    const sitesClaimed = new Map<string, string>();
    const planned: { line: number; values: PodValues; existing?: PodValues }[] = [];
    body.forEach((cells, i) => {
      const line = i + 2;
      const reasons: string[] = [];
      if (cells.length !== columns.length) {
        reasons.push(`has ${cells.length} fields, the header has ${columns.length}`);
      }
      const row = Object.fromEntries(columns.map((c, k) => [c, cells[k] ?? ""])) as CsvRow;
      const identifier = row.identifier;
      const values = validateRow(row, refs, reasons);
      if (identifier) {
        const earlier = seen.get(identifier);
        if (earlier !== undefined) reasons.push(`identifier ${identifier} already on line ${earlier}`);
        else seen.set(identifier, line);
      }
      if (values?.site_id) {
        const other = refs.podBySite.get(values.site_id);
        if (other !== undefined && other !== identifier) {
          reasons.push(`site_id ${values.site_id} already belongs to POD ${other}`);
        }
        const claimedBy = sitesClaimed.get(values.site_id);
        if (claimedBy !== undefined && claimedBy !== identifier) {
          reasons.push(`site_id ${values.site_id} is also given to ${claimedBy} in this file`);
        }
        sitesClaimed.set(values.site_id, identifier);
      }
      if (reasons.length > 0 || values === undefined) {
        report.rejected.push({ line, identifier, reasons });
        return;
      }
      planned.push({ line, values, existing: refs.pods.get(identifier) });
    });
    for (const p of planned) {
      if (!p.existing) {
        report.created.push({ line: p.line, identifier: p.values.identifier });
        continue;
      }
      const fields = changedFields(p.existing, p.values);
      if (fields.length === 0) report.unchanged.push({ line: p.line, identifier: p.values.identifier });
      else report.changed.push({ line: p.line, identifier: p.values.identifier, fields });
    }
    if (report.rejected.length > 0 || dryRun) return report;
    // Free the sites that move between PODs first (site_id is unique).
    const moving = planned.filter((p) => p.existing && p.existing.site_id !== p.values.site_id);
    if (moving.length > 0) {
      await client.query(`UPDATE pod SET site_id = NULL WHERE identifier = ANY($1::text[])`, [
        moving.map((p) => p.values.identifier),
      ]);
    }
    for (const p of planned) {
      if (p.existing && changedFields(p.existing, p.values).length === 0) continue;
      await upsertPod(client, p.values);
    }
    report.applied = true;
    return report;
  });
}

function checkHeader(header: string[]): string[] {
  const errors: string[] = [];
  const unknown = header.filter((h) => !(POD_CSV_COLUMNS as readonly string[]).includes(h));
  if (unknown.length > 0) errors.push(`unknown column(s): ${unknown.join(", ")}`);
  const missing = POD_CSV_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) errors.push(`missing column(s): ${missing.join(", ")}`);
  const dup = header.filter((h, i) => header.indexOf(h) !== i);
  if (dup.length > 0) errors.push(`duplicate column(s): ${dup.join(", ")}`);
  return errors;
}

type References = {
  distributors: Map<string, string>;
  traders: Map<string, string>;
  balanceGroups: Map<string, string>;
  profileTypes: Set<string>;
  /** distributor id + "/" + code → latest tariff version id */
  networkTariffs: Map<string, string>;
  contracts: Map<string, string>;
  sites: Set<string>;
  pods: Map<string, PodValues>;
  podBySite: Map<string, string>;
};

async function loadReferences(db: Queryable): Promise<References> {
  const pairs = async (sql: string) =>
    new Map((await db.query<{ k: string; v: string }>(sql)).rows.map((r) => [r.k, r.v]));
  const pods = await db.query<PodValues>(
    `SELECT identifier, name, address, site_id, contract_id, metering::text,
       coalesce(monthly_forecast_kwh::text[], '{}') AS monthly_forecast_kwh, annual_reference_kwh::text,
       profile_type_code, distributor_id, trader_id, balance_group_id, network_charges_payer::text,
       network_tariff_id, sign_in_date::text, sign_out_date::text, time_zone
     FROM pod`,
  );
  return {
    distributors: await pairs(`SELECT code AS k, id AS v FROM distributor`),
    traders: await pairs(`SELECT code AS k, id AS v FROM trader`),
    balanceGroups: await pairs(`SELECT code AS k, id AS v FROM balance_group`),
    profileTypes: new Set(
      (await db.query<{ code: string }>(`SELECT code FROM profile_type`)).rows.map((r) => r.code),
    ),
    networkTariffs: await pairs(
      `SELECT DISTINCT ON (distributor_id, code) distributor_id || '/' || code AS k, id AS v
       FROM network_tariff ORDER BY distributor_id, code, valid_from DESC`,
    ),
    contracts: await pairs(`SELECT number AS k, id AS v FROM contract`),
    sites: new Set((await db.query<{ id: string }>(`SELECT id FROM site`)).rows.map((r) => r.id)),
    pods: new Map(pods.rows.map((p) => [p.identifier, p])),
    podBySite: new Map(pods.rows.filter((p) => p.site_id).map((p) => [p.site_id as string, p.identifier])),
  };
}

function validateRow(row: CsvRow, refs: References, reasons: string[]): PodValues | undefined {
  for (const c of REQUIRED) if (!row[c]) reasons.push(`${c} is required`);
  if (row.identifier && !/^[A-Za-z0-9._-]{3,64}$/.test(row.identifier)) {
    reasons.push(
      `identifier must be 3–64 characters A–Z, a–z, 0–9, . _ - (got ${JSON.stringify(row.identifier)})`,
    );
  }
  if (row.metering && !["slp", "amr"].includes(row.metering)) {
    reasons.push(`metering must be slp or amr (got ${JSON.stringify(row.metering)})`);
  }
  if (row.annual_reference_kwh && !DECIMAL.test(row.annual_reference_kwh)) {
    reasons.push(
      `annual_reference_kwh must be a non-negative number with up to 3 decimals (got ${JSON.stringify(row.annual_reference_kwh)})`,
    );
  }
  let forecast: string[] = [];
  if (row.monthly_forecast_kwh) {
    forecast = row.monthly_forecast_kwh.split("|").map((s) => s.trim());
    if (forecast.length !== 12 || forecast.some((f) => !DECIMAL.test(f))) {
      reasons.push(`monthly_forecast_kwh must be 12 numbers separated by | (January first)`);
    }
  }
  if (row.metering === "slp" && !row.profile_type) reasons.push(`profile_type is required for an SLP POD`);
  if (row.profile_type && !refs.profileTypes.has(row.profile_type)) {
    reasons.push(`unknown profile_type ${row.profile_type}`);
  }
  const distributorId = refs.distributors.get(row.distributor_code);
  if (row.distributor_code && !distributorId)
    reasons.push(`unknown distributor_code ${row.distributor_code}`);
  const traderId = refs.traders.get(row.trader_code);
  if (row.trader_code && !traderId) reasons.push(`unknown trader_code ${row.trader_code}`);
  const balanceGroupId = row.balance_group_code ? refs.balanceGroups.get(row.balance_group_code) : null;
  if (row.balance_group_code && !balanceGroupId)
    reasons.push(`unknown balance_group_code ${row.balance_group_code}`);
  if (row.network_charges_payer && !["customer", "trader"].includes(row.network_charges_payer)) {
    reasons.push(
      `network_charges_payer must be customer or trader (got ${JSON.stringify(row.network_charges_payer)})`,
    );
  }
  let networkTariffId: string | null = null;
  if (row.network_tariff_code && distributorId) {
    networkTariffId = refs.networkTariffs.get(`${distributorId}/${row.network_tariff_code}`) ?? null;
    if (!networkTariffId) {
      reasons.push(
        `unknown network_tariff_code ${row.network_tariff_code} of distributor ${row.distributor_code}`,
      );
    }
  }
  const contractId = row.contract_number ? refs.contracts.get(row.contract_number) : null;
  if (row.contract_number && !contractId) reasons.push(`unknown contract_number ${row.contract_number}`);
  if (row.site_id && !refs.sites.has(row.site_id)) reasons.push(`unknown site_id ${row.site_id}`);
  if (row.sign_in_date && !validDate(row.sign_in_date)) {
    reasons.push(`sign_in_date must be a date YYYY-MM-DD (got ${JSON.stringify(row.sign_in_date)})`);
  }
  if (row.sign_out_date && !validDate(row.sign_out_date)) {
    reasons.push(`sign_out_date must be a date YYYY-MM-DD (got ${JSON.stringify(row.sign_out_date)})`);
  }
  if (validDate(row.sign_in_date) && validDate(row.sign_out_date) && row.sign_out_date <= row.sign_in_date) {
    reasons.push(`sign_out_date ${row.sign_out_date} must be after sign_in_date ${row.sign_in_date}`);
  }
  if (row.time_zone && !isValidTimeZone(row.time_zone)) reasons.push(`unknown time_zone ${row.time_zone}`);
  if (reasons.length > 0) return undefined;
  return {
    identifier: row.identifier,
    name: row.name,
    address: row.address,
    site_id: row.site_id || null,
    contract_id: contractId ?? null,
    metering: row.metering,
    monthly_forecast_kwh: forecast,
    annual_reference_kwh: row.annual_reference_kwh,
    profile_type_code: row.profile_type || null,
    distributor_id: distributorId as string,
    trader_id: traderId as string,
    balance_group_id: balanceGroupId ?? null,
    network_charges_payer: row.network_charges_payer,
    network_tariff_id: networkTariffId,
    sign_in_date: row.sign_in_date,
    sign_out_date: row.sign_out_date || null,
    time_zone: row.time_zone,
  };
}

const num = (s: string) => Number(s);

function changedFields(a: PodValues, b: PodValues): string[] {
  const out: string[] = [];
  for (const key of Object.keys(b) as (keyof PodValues)[]) {
    const x = a[key];
    const y = b[key];
    if (key === "annual_reference_kwh") {
      if (num(x as string) !== num(y as string)) out.push(key);
    } else if (key === "monthly_forecast_kwh") {
      const xs = (x as string[]).map(num);
      const ys = (y as string[]).map(num);
      if (xs.length !== ys.length || xs.some((v, i) => v !== ys[i])) out.push(key);
    } else if (x !== y) {
      out.push(key);
    }
  }
  return out;
}

async function upsertPod(db: Queryable, v: PodValues): Promise<void> {
  await db.query(
    `INSERT INTO pod (id, identifier, name, address, site_id, contract_id, metering, monthly_forecast_kwh,
       annual_reference_kwh, profile_type_code, distributor_id, trader_id, balance_group_id,
       network_charges_payer, network_tariff_id, sign_in_date, sign_out_date, time_zone)
     VALUES ($1, $1, $2, $3, $4, $5, $6::"MeteringKind", $7::numeric[], $8, $9, $10, $11, $12,
       $13::"NetworkChargesPayer", $14, $15, $16, $17)
     ON CONFLICT (identifier) DO UPDATE SET name = EXCLUDED.name, address = EXCLUDED.address,
       site_id = EXCLUDED.site_id, contract_id = EXCLUDED.contract_id, metering = EXCLUDED.metering,
       monthly_forecast_kwh = EXCLUDED.monthly_forecast_kwh, annual_reference_kwh = EXCLUDED.annual_reference_kwh,
       profile_type_code = EXCLUDED.profile_type_code, distributor_id = EXCLUDED.distributor_id,
       trader_id = EXCLUDED.trader_id, balance_group_id = EXCLUDED.balance_group_id,
       network_charges_payer = EXCLUDED.network_charges_payer, network_tariff_id = EXCLUDED.network_tariff_id,
       sign_in_date = EXCLUDED.sign_in_date, sign_out_date = EXCLUDED.sign_out_date,
       time_zone = EXCLUDED.time_zone, updated_at = now()`,
    [
      v.identifier,
      v.name,
      v.address,
      v.site_id,
      v.contract_id,
      v.metering,
      v.monthly_forecast_kwh,
      v.annual_reference_kwh,
      v.profile_type_code,
      v.distributor_id,
      v.trader_id,
      v.balance_group_id,
      v.network_charges_payer,
      v.network_tariff_id,
      v.sign_in_date,
      v.sign_out_date,
      v.time_zone,
    ],
  );
}
