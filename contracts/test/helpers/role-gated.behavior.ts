import { expect } from "chai";
import type { BaseContract, Signer } from "ethers";

export type RoleGatedCase = {
  /** Contract that declares the role (and so the AccessControlUnauthorizedAccount error). */
  contract: BaseContract;
  role: string;
  /** An account without the role. */
  outsider: Signer;
  /** The restricted call, sent by `as`. */
  call: (as: Signer) => Promise<unknown>;
};

/** Shared behaviour: outsiders get AccessControlUnauthorizedAccount(caller, role). */
export function shouldBeRestrictedToRole(roleName: string, setup: () => Promise<RoleGatedCase>): void {
  it(`reverts with AccessControlUnauthorizedAccount for an account without ${roleName}`, async () => {
    const { contract, role, outsider, call } = await setup();
    await expect(call(outsider))
      .to.be.revertedWithCustomError(contract, "AccessControlUnauthorizedAccount")
      .withArgs(await outsider.getAddress(), role);
  });
}
