import "@nomicfoundation/hardhat-chai-matchers";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";
import fc from "fast-check";
import { deployC4EFixture, ONE, PERIOD, PERIOD_SECONDS } from "./helpers/fixtures";

/** Randomised sequences driving the in-process chain; kept small so the suite stays fast. */
const RUNS = 25;
const WH = 10n ** 15n; // policy v1: 1 C4E per kWh = 10^15 base units per Wh
const PERKS = [
  { id: 1n, price: 2n * ONE, supply: 3n, burn: false },
  { id: 2n, price: ONE, supply: 5n, burn: true },
] as const;

async function invariantFixture() {
  const ctx = await deployC4EFixture();
  const { perks, partner } = ctx;
  await perks.grantRole(await perks.PARTNER_ROLE(), partner.address);
  const now = BigInt(await time.latest());
  for (const p of PERKS) {
    await perks
      .connect(partner)
      .createPerk(`perk ${p.id}`, p.price, p.supply, now, now + 365n * 86_400n, p.burn);
  }
  return ctx;
}

const holder = fc.integer({ min: 0, max: 2 });
const action = fc.oneof(
  fc.record({
    kind: fc.constant("reward" as const),
    batch: fc.integer({ min: 0, max: 4 }),
    recipients: fc.array(holder, { minLength: 1, maxLength: 4 }),
    wh: fc.array(fc.integer({ min: 1, max: 5_000 }), { minLength: 4, maxLength: 4 }),
    certificates: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant("transfer" as const),
    from: holder,
    to: holder,
    halfC4E: fc.integer({ min: 0, max: 8 }),
  }),
  fc.record({ kind: fc.constant("burn" as const), from: holder, halfC4E: fc.integer({ min: 1, max: 8 }) }),
  fc.record({
    kind: fc.constant("redeem" as const),
    who: holder,
    perk: fc.integer({ min: 0, max: 1 }),
    approve: fc.boolean(),
  }),
  fc.record({ kind: fc.constant("consume" as const), who: holder, perk: fc.integer({ min: 0, max: 1 }) }),
  fc.record({
    kind: fc.constant("claim" as const),
    who: holder,
    batch: fc.integer({ min: 0, max: 4 }),
    wh: fc.integer({ min: 1, max: 6_000 }),
  }),
);

describe("invariants (fast-check sequences on the in-process chain)", () => {
  it(`hold for ${RUNS} random sequences of rewards, transfers, burns, redemptions, consumptions and claims`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 12 }), async (actions) => {
        const { token, minter, certificates, perks, oracle, partner, alice, bob, carol } =
          await loadFixture(invariantFixture);
        const holders = [alice, bob, carol];
        const at = (i: number) => {
          const h = holders[i];
          if (h === undefined) throw new Error(`no holder ${i}`);
          return h;
        };
        const perksAddress = await perks.getAddress();
        const batchId = (i: number) => ethers.id(`batch-${i}`);
        // batches 0 and 1 are parts of one period, the others have a period each (the cap is far above)
        const periodOf = (i: number) => PERIOD + BigInt(Math.max(0, i - 1)) * PERIOD_SECONDS;

        // The model: what the contracts must show afterwards.
        const balance = [0n, 0n, 0n];
        let partnerBalance = 0n;
        let minted = 0n;
        let burned = 0n;
        const usedBatches = new Set<number>();
        const issuedWh = new Map<number, bigint>();
        const certs = new Map<string, bigint>(); // `${holder}:${batch}` -> units
        const claimedWh = new Map<number, bigint>();
        const redeemed = [0n, 0n];
        const coupons = new Map<string, bigint>(); // `${holder}:${perk}` -> coupons
        const consumed = [0n, 0n];

        /** Runs `tx`; it must succeed exactly when the model says so. */
        async function expectOutcome(shouldSucceed: boolean, tx: () => Promise<unknown>, what: string) {
          if (shouldSucceed) await expect(tx(), what).not.to.be.reverted;
          else await expect(tx(), what).to.be.reverted;
        }

        for (const a of actions) {
          switch (a.kind) {
            case "reward": {
              const recipients = a.recipients.map((i) => at(i).address);
              const wh = a.recipients.map((_, i) => BigInt(a.wh[i] as number));
              const amounts = wh.map((w) => w * WH);
              const fresh = !usedBatches.has(a.batch);
              await expectOutcome(
                fresh,
                () =>
                  a.certificates
                    ? minter
                        .connect(oracle)
                        .mintBatchWithCertificates(
                          batchId(a.batch),
                          periodOf(a.batch),
                          ethers.id("root"),
                          recipients,
                          amounts,
                          wh,
                        )
                    : minter
                        .connect(oracle)
                        .mintBatch(
                          batchId(a.batch),
                          periodOf(a.batch),
                          ethers.id("root"),
                          recipients,
                          amounts,
                        ),
                `reward batch ${a.batch}`,
              );
              if (!fresh) break;
              usedBatches.add(a.batch);
              a.recipients.forEach((h, i) => {
                balance[h] = (balance[h] as bigint) + (amounts[i] as bigint);
                minted += amounts[i] as bigint;
                if (a.certificates) {
                  const key = `${h}:${a.batch}`;
                  certs.set(key, (certs.get(key) ?? 0n) + (wh[i] as bigint));
                  issuedWh.set(a.batch, (issuedWh.get(a.batch) ?? 0n) + (wh[i] as bigint));
                }
              });
              break;
            }
            case "transfer": {
              const value = (BigInt(a.halfC4E) * ONE) / 2n;
              const ok = (balance[a.from] as bigint) >= value;
              await expectOutcome(
                ok,
                () => token.connect(at(a.from)).transfer(at(a.to).address, value),
                "transfer",
              );
              if (ok) {
                balance[a.from] = (balance[a.from] as bigint) - value;
                balance[a.to] = (balance[a.to] as bigint) + value;
              }
              break;
            }
            case "burn": {
              const value = (BigInt(a.halfC4E) * ONE) / 2n;
              const ok = (balance[a.from] as bigint) >= value;
              await expectOutcome(ok, () => token.connect(at(a.from)).burn(value), "burn");
              if (ok) {
                balance[a.from] = (balance[a.from] as bigint) - value;
                burned += value;
              }
              break;
            }
            case "redeem": {
              const perk = PERKS[a.perk] as (typeof PERKS)[number];
              const who = at(a.who);
              await token.connect(who).approve(perksAddress, a.approve ? perk.price : 0n);
              const ok =
                a.approve &&
                (balance[a.who] as bigint) >= perk.price &&
                (redeemed[a.perk] as bigint) < perk.supply;
              await expectOutcome(ok, () => perks.connect(who).redeem(perk.id), `redeem perk ${perk.id}`);
              if (ok) {
                balance[a.who] = (balance[a.who] as bigint) - perk.price;
                if (perk.burn) burned += perk.price;
                else partnerBalance += perk.price;
                redeemed[a.perk] = (redeemed[a.perk] as bigint) + 1n;
                const key = `${a.who}:${a.perk}`;
                coupons.set(key, (coupons.get(key) ?? 0n) + 1n);
              }
              break;
            }
            case "consume": {
              const perk = PERKS[a.perk] as (typeof PERKS)[number];
              const key = `${a.who}:${a.perk}`;
              const ok = (coupons.get(key) ?? 0n) > 0n;
              await expectOutcome(
                ok,
                () => perks.connect(partner).consumeCoupon(at(a.who).address, perk.id, ethers.ZeroHash),
                "consume",
              );
              if (ok) {
                coupons.set(key, (coupons.get(key) ?? 0n) - 1n);
                consumed[a.perk] = (consumed[a.perk] as bigint) + 1n;
              }
              break;
            }
            case "claim": {
              const key = `${a.who}:${a.batch}`;
              const wh = BigInt(a.wh);
              const ok = (certs.get(key) ?? 0n) >= wh;
              await expectOutcome(
                ok,
                () => certificates.connect(at(a.who)).claim(BigInt(batchId(a.batch)), wh, "beneficiary"),
                "claim",
              );
              if (ok) {
                certs.set(key, (certs.get(key) ?? 0n) - wh);
                claimedWh.set(a.batch, (claimedWh.get(a.batch) ?? 0n) + wh);
              }
              break;
            }
          }
        }

        // Total supply = minted − burned = the sum of all balances.
        expect(await token.totalSupply()).to.equal(minted - burned);
        for (const [i, h] of holders.entries()) expect(await token.balanceOf(h.address)).to.equal(balance[i]);
        expect(await token.balanceOf(partner.address)).to.equal(partnerBalance);
        expect(balance.reduce((s, b) => s + b, partnerBalance)).to.equal(minted - burned);

        // The per-period sums add up to everything minted.
        let periodSum = 0n;
        for (const p of new Set([0, 1, 2, 3, 4].map(periodOf))) periodSum += await minter.periodMinted(p);
        expect(periodSum).to.equal(minted);

        // No batch id minted twice: one RewardBatchMinted per used id, none for the others.
        for (let b = 0; b <= 4; b++) {
          const events = (await minter.queryFilter("RewardBatchMinted")).filter(
            (e) => "args" in e && e.args.batchId === batchId(b),
          );
          expect(events.length, `batch ${b}`).to.equal(usedBatches.has(b) ? 1 : 0);
          expect(await minter.isBatchMinted(batchId(b))).to.equal(usedBatches.has(b));
        }

        // Certificates issued = verified Wh; held + claimed = issued.
        for (let b = 0; b <= 4; b++) {
          const id = BigInt(batchId(b));
          const issued = issuedWh.get(b) ?? 0n;
          expect(await certificates.issuedEnergyWh(id)).to.equal(issued);
          let held = 0n;
          for (const h of holders) {
            held += (await certificates.balanceOf(h.address, id)) as bigint;
            held += (await certificates.pendingCertificates(h.address, id)) as bigint; // none: EOAs only
          }
          expect(held + ((await certificates.claimedEnergyWh(id)) as bigint)).to.equal(issued);
          expect(await certificates.claimedEnergyWh(id)).to.equal(claimedWh.get(b) ?? 0n);
        }

        // Coupons issued = redemptions; held + consumed = redemptions.
        for (const [i, p] of PERKS.entries()) {
          expect((await perks.perk(p.id)).redeemed).to.equal(redeemed[i]);
          const mints = (await perks.queryFilter("TransferSingle")).filter(
            (e) => "args" in e && e.args.from === ethers.ZeroAddress && e.args.id === p.id,
          );
          const redemptions = (await perks.queryFilter("PerkRedeemed")).filter(
            (e) => "args" in e && e.args.perkId === p.id,
          );
          expect(mints.length).to.equal(redemptions.length);
          expect(BigInt(redemptions.length)).to.equal(redeemed[i]);
          let held = 0n;
          for (const h of holders) held += (await perks.balanceOf(h.address, p.id)) as bigint;
          expect(held + (consumed[i] as bigint)).to.equal(redeemed[i]);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
