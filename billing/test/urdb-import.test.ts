// c4e-test: needs no machine services (npm run test:integration skips this file)
// URDB import over every tariff in billing/data/urdb/ (NREL OpenStudio-HPXML, see SOURCE.md): each valid
// file either maps to the asserted engine tariff or is refused with the expected field and reason;
// each invalid fixture is refused. Plus small synthetic rates for the mappings the files do not show.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type Tariff,
  type TouPricing,
  computeInvoice,
  importUrdbTariff,
  parseContractTerms,
  timeMinutes,
} from "@c4e/domain";
import { describe, expect, it, vi } from "vitest";
import { runBillingCommand } from "../src/commands.ts";
import { importUrdbFile } from "../src/urdb-import.ts";

const DIR = join(import.meta.dirname, "..", "data", "urdb");
const file = (sub: string, name: string) => join(DIR, sub, name);
const load = (sub: string, name: string): Record<string, unknown> =>
  (JSON.parse(readFileSync(file(sub, name), "utf8")) as { items: Record<string, unknown>[] }).items[0]!;

function imported(sub: string, name: string): Tariff {
  const r = importUrdbFile(file(sub, name));
  if (!r.ok) throw new Error(`${name} refused: ${JSON.stringify(r.errors)}`);
  return r.tariff;
}

/** The band of a TOU tariff on the 15th of `month` (1–12), at `hour`, for a day type. */
function bandAt(tou: TouPricing, month: number, dayType: "weekday" | "weekend", hour: number): string {
  const md = `${String(month).padStart(2, "0")}-15`;
  const season = tou.seasons.find((s) =>
    s.from <= s.to ? s.from <= md && md <= s.to : md >= s.from || md <= s.to,
  );
  if (season === undefined) throw new Error(`no season for ${md}`);
  const slot = season.dayTypes[dayType].find(
    (x) => timeMinutes(x.from)! <= hour * 60 && hour * 60 < timeMinutes(x.to)!,
  );
  if (slot === undefined) throw new Error(`no slot at ${hour}:00`);
  return slot.band;
}

/** Every refusal expected, per file: [URDB field path, part of the message]. */
const REFUSED: Record<string, [string, string][]> = {
  "valid/Detailed Rate.json": [["items[0].dgrules", "net metering is not supported yet"]],
  "valid/Sample Real-Time Pricing Rate.json": [
    ["items[0].realtimepricing", "real-time pricing (8760 hourly prices without dates or time zone)"],
  ],
  "invalid/Contains Demand Charges.json": [
    ["items[0].dgrules", '"Net Billing Instantaneous" needs a sell rate'],
    ["items[0].demandratestructure", "demand prices by time of day are not supported yet"],
  ],
  "invalid/Invalid Fixed Charge Units.json": [
    ["items[0].fixedchargeunits", '"$/year" on the fixed monthly charge is refused as an entry error'],
  ],
  "invalid/Invalid Min Charge Units.json": [
    ["items[0].minchargeunits", '"$/day" is not supported: minimum charges map per $/month or $/year only'],
    ["items[0].mincharge", "a minimum of 100 $/day cannot be billed"],
  ],
  "invalid/Missing Required Fields.json": [
    ["items[0].energyweekdayschedule", "required: 12 months × 24 hours"],
    ["items[0].energyweekendschedule", "required: 12 months × 24 hours"],
    ["items[0].dgrules", "net metering is not supported yet"],
  ],
};

const IMPORTED = [
  "valid/Sample Flat Rate.json",
  "valid/Sample Flat Rate Fixed Daily Charge.json",
  "valid/Sample Tiered Rate.json",
  "valid/Sample Time-of-Use Rate.json",
  "valid/Sample Tiered Time-of-Use Rate.json",
  "valid/Sample Flat Rate Min Monthly Charge.json",
  "valid/Sample Flat Rate Min Annual Charge.json",
];

describe("URDB import over billing/data/urdb", () => {
  const all = ["valid", "invalid"].flatMap((sub) =>
    readdirSync(join(DIR, sub))
      .filter((f) => f.endsWith(".json"))
      .map((f) => `${sub}/${f}`),
  );

  it("covers every copied file: each is either imported or refused here", () => {
    expect(all.sort()).toEqual([...IMPORTED, ...Object.keys(REFUSED)].sort());
    expect(all).toHaveLength(13);
  });

  it.each(Object.entries(REFUSED))("%s is refused naming the field and why", (name, expected) => {
    const [sub, f] = name.split("/") as [string, string];
    const r = importUrdbFile(file(sub, f));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.path)).toEqual(expected.map(([path]) => path));
    expected.forEach(([, message], i) => expect(r.errors[i]!.message).toContain(message));
  });

  it("Sample Flat Rate: one price, 8 $/month", () => {
    expect(imported("valid", "Sample Flat Rate.json")).toEqual({
      name: "Sample Flat Rate",
      currency: "USD",
      single: { price: "0.1195179675994109" },
      fixedCharges: [{ code: "fixed", description: "Fixed charge", per: "month", price: "8" }],
    });
  });

  it("Sample Flat Rate Min Monthly / Annual Charge: minimum charges per month and per year", () => {
    expect(imported("valid", "Sample Flat Rate Min Monthly Charge.json").minimumCharges).toEqual([
      { code: "minimum.month", description: "Minimum charge per month", per: "month", price: "15" },
    ]);
    const annual = imported("valid", "Sample Flat Rate Min Annual Charge.json");
    expect(annual.minimumCharges).toEqual([
      { code: "minimum.year", description: "Minimum charge per year", per: "year", price: "200" },
    ]);
    expect(annual.fixedCharges).toEqual([
      { code: "fixed", description: "Fixed charge", per: "month", price: "8" },
    ]);
  });

  it("Sample Flat Rate Fixed Daily Charge: 0.25 $/day", () => {
    const t = imported("valid", "Sample Flat Rate Fixed Daily Charge.json");
    expect(t.single).toEqual({ price: "0.1195179675994109" });
    expect(t.fixedCharges).toEqual([
      { code: "fixed", description: "Fixed charge", per: "day", price: "0.25" },
    ]);
  });

  it("Sample Tiered Rate: blocks at 150 and 300 kWh, with a note to bill monthly", () => {
    const r = importUrdbFile(file("valid", "Sample Tiered Rate.json"));
    expect(r.ok && r.tariff.tiered).toEqual({
      tiers: [
        { upToKwh: "150", price: "0.09" },
        { upToKwh: "300", price: "0.11" },
        { upToKwh: null, price: "0.13" },
      ],
    });
    expect(r.ok && r.notes.join()).toContain("bill this tariff monthly");
    expect(r.ok && r.tariff.fixedCharges?.[0]?.price).toBe("9");
  });

  it("Sample Time-of-Use Rate: bands and every month × hour × day type cell as in the URDB schedules", () => {
    const t = imported("valid", "Sample Time-of-Use Rate.json");
    const tou = t.tou!;
    expect(tou.bands).toEqual([
      { code: "p0", name: "Period 0", price: "0.07" },
      { code: "p1", name: "Period 1", price: "0.11" },
    ]);
    // Jun–Aug weekdays 11:00–20:00 on-peak; the rest of the year one season wrapping the year end
    expect(tou.seasons.map((s) => [s.name, s.from, s.to])).toEqual([
      ["Jun–Aug", "06-01", "08-31"],
      ["Sep–May", "09-01", "05-31"],
    ]);
    expect(bandAt(tou, 7, "weekday", 10)).toBe("p0");
    expect(bandAt(tou, 7, "weekday", 11)).toBe("p1");
    expect(bandAt(tou, 7, "weekday", 19)).toBe("p1");
    expect(bandAt(tou, 7, "weekday", 20)).toBe("p0");
    expect(bandAt(tou, 7, "weekend", 15)).toBe("p0");
    expect(bandAt(tou, 1, "weekday", 15)).toBe("p0");
    expect(bandAt(tou, 5, "weekday", 15)).toBe("p0");
    expect(bandAt(tou, 6, "weekday", 15)).toBe("p1");
    const rate = load("valid", "Sample Time-of-Use Rate.json");
    for (const [dayType, field] of [
      ["weekday", "energyweekdayschedule"],
      ["weekend", "energyweekendschedule"],
    ] as const) {
      const matrix = rate[field] as number[][];
      for (let m = 0; m < 12; m++) {
        for (let h = 0; h < 24; h++) expect(bandAt(tou, m + 1, dayType, h)).toBe(`p${matrix[m]![h]}`);
      }
    }
  });

  it("a real TOU rate (APS, demand and dgrules taken out): rate + adj per band, every cell as scheduled", () => {
    const rate = load("invalid", "Contains Demand Charges.json");
    const energyOnly = Object.fromEntries(
      Object.entries(rate).filter(([k]) => !k.startsWith("demand") && k !== "dgrules"),
    );
    const r = importUrdbTariff({ items: [energyOnly] });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const tou = r.tariff.tou!;
    expect(r.tariff.name).toBe("Arizona Public Service Co: Residential Service (Saver Choice Plus)");
    // 0.07798 + 0.018506, 0.11017 + 0.018506, 0.1316 + 0.018506
    expect(tou.bands.map((b) => b.price)).toEqual(["0.096486", "0.128676", "0.150106"]);
    for (const [dayType, field] of [
      ["weekday", "energyweekdayschedule"],
      ["weekend", "energyweekendschedule"],
    ] as const) {
      const matrix = rate[field] as number[][];
      for (let m = 0; m < 12; m++) {
        for (let h = 0; h < 24; h++) expect(bandAt(tou, m + 1, dayType, h)).toBe(`p${matrix[m]![h]}`);
      }
    }
  });

  it("Sample Tiered Time-of-Use Rate: tiered bands p0 (150) and p1 (150, 300) over the month's total", () => {
    const r = importUrdbFile(file("valid", "Sample Tiered Time-of-Use Rate.json"));
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.tariff.tou?.tierBasis).toBe("total");
    expect(r.tariff.tou?.bands).toEqual([
      { code: "p0", name: "Period 0", price: "0.06", tiers: [{ aboveKwh: "150", price: "0.08" }] },
      {
        code: "p1",
        name: "Period 1",
        price: "0.09",
        tiers: [
          { aboveKwh: "150", price: "0.11" },
          { aboveKwh: "300", price: "0.13" },
        ],
      },
    ]);
    expect(r.notes.join()).toContain('tierBasis is "total"');
  });

  it("the tiered TOU import bills July 2025 in Denver: each period's share of the total's blocks", () => {
    // 1 kWh every hour: p1 207 kWh (23 weekdays × 9 h), p0 537, total 744 → blocks 150 / 594 (p0),
    // 150 / 150 / 444 (p1). p0: 150 × 537/744 = 108.266129 at 0.06 = 6.50; rest 428.733871 at 0.08 = 34.30.
    // p1: 150 × 207/744 = 41.733871 at 0.09 = 3.76 and at 0.11 = 4.59; rest 123.532258 at 0.13 = 16.06.
    // 65.21 + 9 fixed = 74.21 $
    const tariff = imported("valid", "Sample Tiered Time-of-Use Rate.json");
    const intervals = Array.from({ length: 744 }, (_, i) => ({
      start: new Date(Date.UTC(2025, 6, 1, 6 + i)).toISOString(), // MDT = UTC−6
      importKwh: "1",
    }));
    const terms = parseContractTerms({ vatRate: "0", priceIncludesLevy: true, paymentTermsDays: 14 });
    if (!terms.ok) throw new Error(JSON.stringify(terms.errors));
    const invoice = computeInvoice({
      tariff,
      terms: terms.terms,
      period: { start: "2025-07-01", end: "2025-08-01" },
      timeZone: "America/Denver",
      consumption: { kind: "intervals", intervalMinutes: 60, intervals },
    });
    const byCode = Object.fromEntries(invoice.lines.map((l) => [l.code, [l.quantity, l.amountMinor]]));
    expect(byCode).toEqual({
      "energy.p0.tier1": ["108.266129", 650n],
      "energy.p0.tier2": ["428.733871", 3430n],
      "energy.p1.tier1": ["41.733871", 376n],
      "energy.p1.tier2": ["41.733871", 459n],
      "energy.p1.tier3": ["123.532258", 1606n],
      fixed: ["1", 900n],
    });
    expect(invoice.netMinor).toBe(7421n);
  });

  it("the TOU import bills July 2025 in Denver: 207 on-peak kWh at 0.11, 537 off-peak at 0.07, 9 $ fixed", () => {
    // 1 kWh every hour; July 2025 has 23 weekdays × 9 on-peak hours = 207 kWh; 744 − 207 = 537 kWh.
    // 207 × 0.11 = 22.77; 537 × 0.07 = 37.59; + 9 = 69.36 $
    const tariff = imported("valid", "Sample Time-of-Use Rate.json");
    const intervals = Array.from({ length: 744 }, (_, i) => ({
      start: new Date(Date.UTC(2025, 6, 1, 6 + i)).toISOString(), // MDT = UTC−6
      importKwh: "1",
    }));
    const terms = parseContractTerms({ vatRate: "0", priceIncludesLevy: true, paymentTermsDays: 14 });
    if (!terms.ok) throw new Error(JSON.stringify(terms.errors));
    const invoice = computeInvoice({
      tariff,
      terms: terms.terms,
      period: { start: "2025-07-01", end: "2025-08-01" },
      timeZone: "America/Denver",
      consumption: { kind: "intervals", intervalMinutes: 60, intervals },
    });
    const byCode = Object.fromEntries(invoice.lines.map((l) => [l.code, l.amountMinor]));
    expect(byCode).toEqual({ "energy.p0": 3759n, "energy.p1": 2277n, fixed: 900n });
    expect(invoice.netMinor).toBe(6936n);
    expect(invoice.currency).toBe("USD");
  });
});

const zeros = () => Array.from({ length: 12 }, () => Array<number>(24).fill(0));
const flat = (extra: Record<string, unknown>) => ({
  name: "Synthetic",
  energyratestructure: [[{ rate: 0.1, unit: "kWh" }]],
  energyweekdayschedule: zeros(),
  energyweekendschedule: zeros(),
  ...extra,
});
const errorsOf = (json: unknown) => {
  const r = importUrdbTariff(json);
  return r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.message}`);
};

describe("URDB import: mappings and refusals beyond the files", () => {
  it("accepts the bare rate object as well as { items: [rate] }, names it after the utility", () => {
    const r = importUrdbTariff({ ...flat({}), utility: "Example Co" });
    expect(r.ok && r.tariff.name).toBe("Example Co: Synthetic");
    expect(errorsOf({ items: [flat({}), flat({})] })).toEqual([
      "items: must hold exactly one rate (got 2 rates)",
    ]);
  });

  it("adds adj to rate; a negative total is refused", () => {
    const r = importUrdbTariff(
      flat({ energyratestructure: [[{ rate: 0.07798, adj: 0.018506, unit: "kWh" }]] }),
    );
    expect(r.ok && r.tariff.single).toEqual({ price: "0.096486" });
    expect(errorsOf(flat({ energyratestructure: [[{ rate: 0.01, adj: -0.02 }]] }))).toEqual([
      "energyratestructure[0][0]: rate + adj = -0.01 $/kWh: negative energy prices are not supported yet",
    ]);
  });

  it("one sell rate under instantaneous net billing → feed-in; net metering and sell without dgrules refused", () => {
    const sell = { energyratestructure: [[{ rate: 0.1, sell: 0.03 }]] };
    const r = importUrdbTariff(flat({ ...sell, dgrules: "Net Billing Instantaneous" }));
    expect(r.ok && r.tariff.export).toEqual({ kind: "feed_in", price: "0.03" });
    expect(errorsOf(flat(sell))[0]).toMatch(
      /^energyratestructure\[0\]\[0\]\.sell: a sell rate without dgrules/,
    );
    expect(errorsOf(flat({ dgrules: "Net Metering" }))[0]).toMatch(
      /^dgrules: net metering is not supported yet/,
    );
    expect(errorsOf(flat({ dgrules: "Buy All Sell All" }))[0]).toMatch(
      /^dgrules: "Buy All Sell All" is not supported/,
    );
  });

  it("one flat demand price with a 15- or 60-minute window → demand; without a window refused", () => {
    const demand = {
      flatdemandstructure: [[{ rate: 12.5 }]],
      flatdemandmonths: Array(12).fill(0),
      flatdemandunit: "kW",
    };
    const r = importUrdbTariff(flat({ ...demand, demandwindow: 15 }));
    expect(r.ok && r.tariff.demand).toEqual({ resolutionMinutes: 15, price: "12.5" });
    expect(errorsOf(flat(demand))).toEqual([
      "demandwindow: must be 15 or 60 minutes, the interval demand is averaged over (got undefined)",
    ]);
    const seasonal = {
      flatdemandstructure: [[{ rate: 5 }], [{ rate: 9 }]],
      flatdemandmonths: [0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0],
    };
    expect(errorsOf(flat({ ...seasonal, demandwindow: 15 }))[0]).toMatch(
      /^flatdemandstructure: demand prices that change by month are not supported yet/,
    );
  });

  it("seasonal TOU: seasons follow runs of months, wrapping the year end", () => {
    const weekday = zeros();
    for (const m of [0, 1, 11]) weekday[m] = Array<number>(24).fill(1); // Dec–Feb all period 1
    const r = importUrdbTariff(
      flat({
        energyratestructure: [[{ rate: 0.1 }], [{ rate: 0.2 }]],
        energyweekdayschedule: weekday,
        energyweekendschedule: weekday,
      }),
    );
    expect(r.ok && r.tariff.tou?.seasons.map((s) => [s.name, s.from, s.to])).toEqual([
      ["Mar–Nov", "03-01", "11-30"],
      ["Dec–Feb", "12-01", "02-29"],
    ]);
  });

  it("refuses unknown fields, bad units, bad schedules, > 8 periods, annual minimums", () => {
    expect(errorsOf(flat({ surprise: 1 }))).toEqual([
      "surprise: unknown URDB field: refused rather than ignored, it may change the bill",
    ]);
    expect(errorsOf(flat({ energyratestructure: [[{ rate: 0.1, unit: "kWh daily" }]] }))[0]).toMatch(
      /^energyratestructure\[0\]\[0\]\.unit: "kWh daily" is not supported yet/,
    );
    const bad = zeros();
    bad[3]![5] = 2;
    expect(errorsOf(flat({ energyweekdayschedule: bad }))).toEqual([
      "energyweekdayschedule[3][5]: must be a period index 0–0 of energyratestructure (got 2)",
    ]);
    const nine = Array.from({ length: 9 }, (_, i) => [{ rate: 0.1 + i / 100 }]);
    const hours = zeros().map(() => Array.from({ length: 24 }, (_, h) => h % 9));
    expect(
      errorsOf(
        flat({ energyratestructure: nine, energyweekdayschedule: hours, energyweekendschedule: hours }),
      ),
    ).toEqual(["energyratestructure: 9 periods in use: the engine's time of use has at most 8 bands"]);
    expect(errorsOf(flat({ mincharge: 120 }))).toEqual([
      "minchargeunits: required with mincharge ($/month or $/year)",
    ]);
    expect(errorsOf(flat({ mincharge: 120, minchargeunits: "$/year", annualmincharge: 120 }))).toEqual([
      "annualmincharge: a yearly minimum is already given by mincharge in $/year",
    ]);
    expect(errorsOf(flat({ annualmincharge: -5 }))).toEqual([
      "annualmincharge: must be a non-negative number (got -5)",
    ]);
  });
});

describe("c4e urdb-import", () => {
  it("writes the tariff with --out and exits 0; a refusal exits 1", async () => {
    const dir = mkdtempSync(join(tmpdir(), "urdb-"));
    const out = join(dir, "tariff.json");
    expect(
      await runBillingCommand(["urdb-import", file("valid", "Sample Flat Rate.json"), "--out", out]),
    ).toBe(0);
    expect(JSON.parse(readFileSync(out, "utf8"))).toMatchObject({
      currency: "USD",
      single: { price: "0.1195179675994109" },
    });
    const refused = file("invalid", "Invalid Fixed Charge Units.json");
    const stderr = vi.spyOn(console, "error").mockImplementation(() => undefined);
    expect(await runBillingCommand(["urdb-import", refused])).toBe(1);
    expect(stderr.mock.calls.map((c) => String(c[0]))).toEqual(
      expect.arrayContaining([
        expect.stringContaining('items[0].fixedchargeunits: "$/year" on the fixed monthly charge is refused'),
      ]),
    );
    writeFileSync(join(dir, "broken.json"), "{");
    expect(await runBillingCommand(["urdb-import", join(dir, "broken.json")])).toBe(1);
    stderr.mockRestore();
  });
});
