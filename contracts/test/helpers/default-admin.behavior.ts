import { time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import type { BaseContract, BaseContractMethod, Signer } from "ethers";
import { ethers } from "hardhat";
import { ADMIN_DELAY } from "./fixtures";

/** The AccessControlDefaultAdminRules functions every C4E contract has. */
type DefaultAdminRules = {
  connect(runner: Signer): DefaultAdminRules;
} & BaseContract & {
    DEFAULT_ADMIN_ROLE: BaseContractMethod;
    defaultAdmin: BaseContractMethod;
    defaultAdminDelay: BaseContractMethod;
    hasRole: BaseContractMethod;
    grantRole: BaseContractMethod;
    beginDefaultAdminTransfer: BaseContractMethod;
    acceptDefaultAdminTransfer: BaseContractMethod;
  };

/**
 * Shared behaviour (OpenZeppelin AccessControlDefaultAdminRules, two-day delay): `admin` is the one default
 * admin; `grantRole(DEFAULT_ADMIN_ROLE, …)` reverts; the role moves to `successor` only by
 * `beginDefaultAdminTransfer` (admin) + the delay + `acceptDefaultAdminTransfer` (successor).
 */
export async function expectDefaultAdminRules(
  contract: BaseContract,
  admin: Signer,
  successor: Signer,
): Promise<void> {
  const c = contract as DefaultAdminRules;
  const role: string = await c.DEFAULT_ADMIN_ROLE();
  const adminAddress = await admin.getAddress();
  const successorAddress = await successor.getAddress();
  expect(await c.defaultAdmin()).to.equal(adminAddress);
  expect(await c.defaultAdminDelay()).to.equal(ADMIN_DELAY);

  // no shortcut: granting the role directly reverts, even for the admin
  await expect(c.connect(admin).grantRole(role, successorAddress)).to.be.revertedWithCustomError(
    c,
    "AccessControlEnforcedDefaultAdminRules",
  );
  // only the admin begins a transfer
  await expect(c.connect(successor).beginDefaultAdminTransfer(successorAddress))
    .to.be.revertedWithCustomError(c, "AccessControlUnauthorizedAccount")
    .withArgs(successorAddress, role);

  const begin = await c.connect(admin).beginDefaultAdminTransfer(successorAddress);
  const schedule = BigInt((await ethers.provider.getBlock("latest"))?.timestamp ?? 0) + ADMIN_DELAY;
  await expect(begin).to.emit(c, "DefaultAdminTransferScheduled").withArgs(successorAddress, schedule);

  // before the delay has passed the successor cannot accept; nobody else ever can
  await expect(c.connect(successor).acceptDefaultAdminTransfer())
    .to.be.revertedWithCustomError(c, "AccessControlEnforcedDefaultAdminDelay")
    .withArgs(schedule);
  await expect(c.connect(admin).acceptDefaultAdminTransfer())
    .to.be.revertedWithCustomError(c, "AccessControlInvalidDefaultAdmin")
    .withArgs(adminAddress);
  expect(await c.hasRole(role, successorAddress)).to.equal(false);

  await time.increaseTo(schedule + 1n);
  await expect(c.connect(successor).acceptDefaultAdminTransfer())
    .to.emit(c, "RoleGranted")
    .withArgs(role, successorAddress, successorAddress);
  expect(await c.defaultAdmin()).to.equal(successorAddress);
  expect(await c.hasRole(role, adminAddress)).to.equal(false);
  expect(await c.hasRole(role, successorAddress)).to.equal(true);
}
