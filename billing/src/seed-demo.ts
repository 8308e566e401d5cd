// Billing master data for the demo: one DSO, the demo retailer as trader, a balance group, profile
// types, a network tariff, a TOU + demand product, billing items with prices, monthly parameters, and
// a contract + AMR POD for each demo prosumer's site. Idempotent: a second run changes nothing.
import type { Tariff } from "@c4e/domain";
import type pg from "pg";
import { withTransaction } from "@c4e/prisma";

export const DEMO_DISTRIBUTOR = { id: "dso-demo", code: "9900000000001", name: "Stromnetz Demo GmbH" };
export const DEMO_TRADER = { id: "trader-demo", code: "9900000000002", name: "C4E Demo Energy" };
/**
 * What the demo supplier's invoices say about it (EU VAT Directive Art. 226, Directive (EU) 2019/944
 * Annex I). Made-up ids; the IBAN is the well-known example account DE89 3704 0044 0532 0130 00.
 */
export const DEMO_SELLER_DETAILS = {
  address: "Energieweg 1, 10115 Berlin, Germany",
  vatId: "DE999999999",
  taxId: "37/123/45678",
  iban: "DE89370400440532013000",
  bic: "COBADEFFXXX",
  bankName: "Commerzbank",
  contactPhone: "+49 30 1234567-0",
  contactEmail: "service@c4e-demo.example",
  contactWeb: "https://c4e-demo.example/service",
  disputeBody:
    "If we cannot resolve your complaint within 4 weeks, you may apply to Schlichtungsstelle Energie e.V., Friedrichstrasse 133, 10117 Berlin, www.schlichtungsstelle-energie.de (free of charge for consumers).",
  switchingInfo:
    "You may change supplier free of charge; the new supplier arranges the switch, which takes at most 24 hours on a working day. Your contract can be terminated with one month's notice.",
};
export const DEMO_RETAILER_ID = "retailer-demo";
export const DEMO_CUSTOMERS = ["cust-alice", "cust-bob", "cust-carol"];
export const DEMO_PRODUCT_ID = "prod-demo-tou";
export const DEMO_NETWORK_TARIFF_ID = "nt-demo-h0-2026";

/** Time of use (valley, off-peak, peak) with a 15-minute demand charge and a feed-in price. */
export const DEMO_TOU_DEMAND_TARIFF: Tariff = {
  name: "C4E Demo TOU + demand",
  currency: "EUR",
  tou: {
    bands: [
      { code: "peak", name: "Peak", price: "0.3400" },
      { code: "offpeak", name: "Off-peak", price: "0.2400" },
      { code: "valley", name: "Night valley", price: "0.1900" },
    ],
    seasons: [
      {
        name: "all year",
        from: "01-01",
        to: "12-31",
        dayTypes: {
          weekday: [
            { from: "00:00", to: "06:00", band: "valley" },
            { from: "06:00", to: "08:00", band: "offpeak" },
            { from: "08:00", to: "20:00", band: "peak" },
            { from: "20:00", to: "22:00", band: "offpeak" },
            { from: "22:00", to: "24:00", band: "valley" },
          ],
          weekend: [
            { from: "00:00", to: "06:00", band: "valley" },
            { from: "06:00", to: "22:00", band: "offpeak" },
            { from: "22:00", to: "24:00", band: "valley" },
          ],
        },
      },
    ],
  },
  fixedCharges: [{ code: "base", description: "Base charge", per: "month", price: "9.90" }],
  demand: { resolutionMinutes: 15, price: "4.20" },
  export: { kind: "feed_in", price: "0.0820" },
};

/** The DSO's network charges (the domain's NetworkCharge list). */
export const DEMO_NETWORK_CHARGES = {
  charges: [
    { code: "network_energy", description: "Network usage", per: "kWh", price: "0.0850" },
    { code: "metering", description: "Metering point operation", per: "month", price: "2.50" },
  ],
};

/** Billing items: group, VAT rate, unit, ledger account and analytic codes per line code. */
export const DEMO_BILLING_ITEMS: {
  code: string;
  name: string;
  group: string;
  vatRate: string;
  unit: string;
  ledgerAccount: string;
  analytic: Record<string, string>;
  price?: string;
}[] = [
  {
    code: "energy",
    name: "Energy",
    group: "energy",
    vatRate: "19",
    unit: "kWh",
    ledgerAccount: "4000",
    analytic: { cost_centre: "supply" },
  },
  {
    code: "demand",
    name: "Demand charge",
    group: "energy",
    vatRate: "19",
    unit: "kW",
    ledgerAccount: "4010",
    analytic: { cost_centre: "supply" },
  },
  {
    code: "base",
    name: "Base charge",
    group: "fee",
    vatRate: "19",
    unit: "month",
    ledgerAccount: "4100",
    analytic: { cost_centre: "supply" },
    price: "9.90",
  },
  {
    code: "network_energy",
    name: "Network usage",
    group: "network",
    vatRate: "19",
    unit: "kWh",
    ledgerAccount: "4200",
    analytic: { cost_centre: "network" },
    price: "0.0850",
  },
  {
    code: "metering",
    name: "Metering point operation",
    group: "network",
    vatRate: "19",
    unit: "month",
    ledgerAccount: "4210",
    analytic: { cost_centre: "network" },
    price: "2.50",
  },
  {
    code: "levy",
    name: "Renewable levy",
    group: "levy",
    vatRate: "19",
    unit: "kWh",
    ledgerAccount: "4300",
    analytic: { cost_centre: "levies" },
  },
  {
    code: "feed_in",
    name: "Feed-in compensation",
    group: "credit",
    vatRate: "19",
    unit: "kWh",
    ledgerAccount: "4900",
    analytic: { cost_centre: "prosumer" },
    price: "0.0820",
  },
];

/** Monthly parameters: renewable levy unit price (EUR/kWh) and ratio, public-lighting hours. */
export const DEMO_MONTHLY_PARAMETERS = {
  levy_unit_price: "0.0250",
  levy_ratio: "1",
  public_lighting_hours: "350",
};

/**
 * Seeds the billing master data for the demo fleet (run after the fleet's seed: the PODs link to the
 * demo prosumers' sites). Months 2025-01 … 2027-12 get the monthly parameters.
 */
export async function seedBillingDemo(pool: pg.Pool): Promise<{ pods: number }> {
  return withTransaction(pool, async (c) => {
    const retailer = await c.query(`SELECT 1 FROM retailer WHERE id = $1`, [DEMO_RETAILER_ID]);
    await c.query(
      `INSERT INTO distributor (id, code, name) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET code = EXCLUDED.code, name = EXCLUDED.name`,
      [DEMO_DISTRIBUTOR.id, DEMO_DISTRIBUTOR.code, DEMO_DISTRIBUTOR.name],
    );
    const d = DEMO_SELLER_DETAILS;
    await c.query(
      `INSERT INTO trader (id, code, name, retailer_id, address, vat_id, tax_id, iban, bic, bank_name,
         contact_phone, contact_email, contact_web, dispute_body, switching_info)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, retailer_id = EXCLUDED.retailer_id,
         address = EXCLUDED.address, vat_id = EXCLUDED.vat_id, tax_id = EXCLUDED.tax_id, iban = EXCLUDED.iban,
         bic = EXCLUDED.bic, bank_name = EXCLUDED.bank_name, contact_phone = EXCLUDED.contact_phone,
         contact_email = EXCLUDED.contact_email, contact_web = EXCLUDED.contact_web,
         dispute_body = EXCLUDED.dispute_body, switching_info = EXCLUDED.switching_info`,
      [
        DEMO_TRADER.id,
        DEMO_TRADER.code,
        DEMO_TRADER.name,
        retailer.rowCount ? DEMO_RETAILER_ID : null,
        d.address,
        d.vatId,
        d.taxId,
        d.iban,
        d.bic,
        d.bankName,
        d.contactPhone,
        d.contactEmail,
        d.contactWeb,
        d.disputeBody,
        d.switchingInfo,
      ],
    );
    await c.query(
      `INSERT INTO balance_group (id, code, name, balance_responsible_party)
       VALUES ('bg-demo', '11XDEMO-BG-----1', 'C4E Demo balance group', 'C4E Demo Energy')
       ON CONFLICT (id) DO NOTHING`,
    );
    await c.query(
      `INSERT INTO profile_type (code, name, description) VALUES
         ('H25', 'BDEW H25 household', 'Standard load profile for households (2025)'),
         ('G25', 'BDEW G25 business', 'Standard load profile for businesses (2025)')
       ON CONFLICT (code) DO NOTHING`,
    );
    await c.query(
      `INSERT INTO network_tariff (id, distributor_id, code, name, currency, valid_from, tariff)
       VALUES ($1, $2, 'H0-LV', 'Household low voltage', 'EUR', '2025-01-01', $3)
       ON CONFLICT (id) DO UPDATE SET tariff = EXCLUDED.tariff`,
      [DEMO_NETWORK_TARIFF_ID, DEMO_DISTRIBUTOR.id, JSON.stringify(DEMO_NETWORK_CHARGES)],
    );
    // Products belong to a retailer: without the demo retailer (billing tests seed no fleet) it is made.
    await c.query(
      `INSERT INTO retailer (id, name) VALUES ($1, 'C4E Demo Energy') ON CONFLICT (id) DO NOTHING`,
      [DEMO_RETAILER_ID],
    );
    await c.query(
      `INSERT INTO product (id, code, retailer_id, name, currency, tariff) VALUES ($1, 'DEMO-TOU', $2, $3, 'EUR', $4)
       ON CONFLICT (id) DO NOTHING`,
      [
        DEMO_PRODUCT_ID,
        DEMO_RETAILER_ID,
        DEMO_TOU_DEMAND_TARIFF.name,
        JSON.stringify(DEMO_TOU_DEMAND_TARIFF),
      ],
    );
    // Version 1, published: the terms the demo contracts were signed on (a published version never changes).
    await c.query(
      `INSERT INTO product_version (product_id, version, name, tariff, status, published_at)
       VALUES ($1, 1, $2, $3, 'published', now()) ON CONFLICT DO NOTHING`,
      [DEMO_PRODUCT_ID, DEMO_TOU_DEMAND_TARIFF.name, JSON.stringify(DEMO_TOU_DEMAND_TARIFF)],
    );
    for (const item of DEMO_BILLING_ITEMS) {
      await c.query(
        `INSERT INTO billing_item (code, name, "group", vat_rate, unit, ledger_account, analytic_codes)
         VALUES ($1, $2, $3::"BillingLineGroup", $4, $5, $6, $7)
         ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, ledger_account = EXCLUDED.ledger_account,
           analytic_codes = EXCLUDED.analytic_codes`,
        [
          item.code,
          item.name,
          item.group,
          item.vatRate,
          item.unit,
          item.ledgerAccount,
          JSON.stringify(item.analytic),
        ],
      );
      if (item.price !== undefined) {
        await c.query(
          `INSERT INTO billing_item_price (item_code, currency, valid_from, unit_price)
           VALUES ($1, 'EUR', '2025-01-01', $2) ON CONFLICT DO NOTHING`,
          [item.code, item.price],
        );
      }
    }
    await c.query(
      `INSERT INTO monthly_parameter (month, code, value, unit)
       SELECT m::date, p.code, p.value, p.unit
       FROM generate_series('2025-01-01'::date, '2027-12-01'::date, interval '1 month') AS m,
            (VALUES ('levy_unit_price', $1::numeric, 'EUR/kWh'), ('levy_ratio', $2::numeric, ''),
                    ('public_lighting_hours', $3::numeric, 'h')) AS p(code, value, unit)
       ON CONFLICT (month, code) DO NOTHING`,
      [
        DEMO_MONTHLY_PARAMETERS.levy_unit_price,
        DEMO_MONTHLY_PARAMETERS.levy_ratio,
        DEMO_MONTHLY_PARAMETERS.public_lighting_hours,
      ],
    );
    const sites = await c.query<{
      id: string;
      customer_id: string;
      name: string;
      address: string;
      pod_id: string;
      time_zone: string;
      annual_kwh: number | null;
    }>(
      `SELECT id, customer_id, name, address, pod_id, time_zone, annual_kwh FROM site
       WHERE customer_id = ANY($1::text[]) ORDER BY id`,
      [DEMO_CUSTOMERS],
    );
    const seenCustomers = new Set<string>();
    for (const site of sites.rows) {
      const contractId = `ctr-${site.customer_id.replace(/^cust-/, "")}`;
      if (!seenCustomers.has(site.customer_id)) {
        seenCustomers.add(site.customer_id);
        // The customer number the invoices print (never the internal id) and the billing address.
        await c.query(
          `INSERT INTO contract (id, number, customer_id, trader_id, valid_from, currency, payment_terms_days,
             advance_mode, product_id, product_version, price_includes_levy, contracted_capacity_kw,
             customer_number, billing_address)
           VALUES ($1, $2, $3, $4, '2025-01-01', 'EUR', 14, 'none', $5, 1, false, 15, $6, $7)
           ON CONFLICT (id) DO UPDATE SET
             customer_number = COALESCE(contract.customer_number, EXCLUDED.customer_number),
             billing_address = COALESCE(contract.billing_address, EXCLUDED.billing_address)`,
          [
            contractId,
            `C-${contractId.toUpperCase()}`,
            site.customer_id,
            DEMO_TRADER.id,
            DEMO_PRODUCT_ID,
            demoCustomerNumber(site.customer_id),
            site.address,
          ],
        );
      }
      const annual = site.annual_kwh ?? 3500;
      const forecast = monthlyForecast(annual);
      await c.query(
        `INSERT INTO pod (id, identifier, name, address, site_id, contract_id, metering, monthly_forecast_kwh,
           annual_reference_kwh, profile_type_code, distributor_id, trader_id, balance_group_id,
           network_charges_payer, network_tariff_id, sign_in_date, time_zone)
         VALUES ($1, $1, $2, $3, $4, $5, 'amr', $6::numeric[], $7, 'H25', $8, $9, 'bg-demo', 'customer', $10,
           '2025-01-01', $11)
         ON CONFLICT (id) DO NOTHING`,
        [
          site.pod_id,
          site.name,
          site.address,
          site.id,
          contractId,
          forecast,
          annual,
          DEMO_DISTRIBUTOR.id,
          DEMO_TRADER.id,
          DEMO_NETWORK_TARIFF_ID,
          site.time_zone,
        ],
      );
    }
    return { pods: sites.rows.length };
  });
}

/** The demo customers' numbers: "100001" for the first demo customer, and so on. */
export function demoCustomerNumber(customerId: string): string {
  return String(100001 + Math.max(0, DEMO_CUSTOMERS.indexOf(customerId)));
}

/** Twelve monthly kWh (January first) from an annual figure, winter-heavy like a household profile. */
export function monthlyForecast(annualKwh: number): string[] {
  const weights = [10, 9, 9, 8, 7, 7, 7, 7, 8, 9, 9, 10];
  const sum = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => ((annualKwh * w) / sum).toFixed(3));
}
