"use client";

import { c4ePerksAbi, c4eTokenAbi, greenCertificatesAbi, permitTypedData } from "@c4e/contracts";
import { type Address, isAddressEqual, parseSignature, stringToHex, UserRejectedRequestError } from "viem";
import type { Config, Connector } from "wagmi";
import {
  connect,
  disconnect,
  getConnection,
  readContract,
  signTypedData,
  waitForTransactionReceipt,
  writeContract,
} from "wagmi/actions";
import type { PublicChainConfig } from "@/lib/api-types.ts";
import { t } from "@/messages/en.ts";

/** Permits signed for a redemption expire after this long. */
const PERMIT_TTL_SECONDS = 600n;

/** A wallet step that failed with a message for the user (already from the catalogue). */
export class WalletError extends Error {
  override name = "WalletError";
}

/** True when the user cancelled in the wallet (EIP-1193 4001, possibly wrapped). */
export function isUserRejection(error: unknown): boolean {
  let e: unknown = error;
  for (let i = 0; i < 5 && e; i++) {
    if (e instanceof UserRejectedRequestError) return true;
    const code = (e as { code?: unknown }).code;
    if (code === 4001) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** The message to show for a failed wallet step. */
export function walletErrorMessage(error: unknown): string {
  if (error instanceof WalletError) return error.message;
  if (isUserRejection(error)) return t("wallet.error.rejected");
  const e = error as { shortMessage?: string; message?: string };
  return t("wallet.error.failed", {
    reason: (e.shortMessage ?? e.message ?? String(error)).split("\n")[0] ?? "",
  });
}

/**
 * The connector of the signed-in account: the current connection when it is that account, else the
 * development wallet's connector of the account (reconnected after a page load), else the browser wallet.
 */
export async function connectorFor(
  wagmiConfig: Config,
  chain: PublicChainConfig,
  account: Address,
): Promise<Connector> {
  const current = getConnection(wagmiConfig);
  if (current.status === "connected" && current.address && current.connector) {
    if (isAddressEqual(current.address, account)) return current.connector;
    await disconnect(wagmiConfig).catch(() => {});
  }
  const dev = chain.devAccounts.find((a) => isAddressEqual(a.address, account));
  const connector = wagmiConfig.connectors.find((c) => c.id === (dev ? `dev-${dev.index}` : "injected"));
  if (!connector) throw new WalletError(t("wallet.error.noWallet"));
  const { accounts } = await connect(wagmiConfig, { connector, chainId: chain.chainId });
  if (!accounts.some((a) => isAddressEqual(a, account))) {
    await disconnect(wagmiConfig).catch(() => {});
    throw new WalletError(t("wallet.error.wrongAccount"));
  }
  return connector;
}

export type RedeemStep = "connecting" | "signing" | "sending" | "confirming";

/** What every transaction from the signed-in wallet needs. */
type TxParams = {
  wagmiConfig: Config;
  chain: PublicChainConfig;
  account: Address;
  onStep: (step: RedeemStep) => void;
};

/** Waits until a sent transaction is mined; a reverted one is an error. */
async function mined(
  wagmiConfig: Config,
  chain: PublicChainConfig,
  hash: `0x${string}`,
  onStep: (step: RedeemStep) => void,
): Promise<void> {
  onStep("confirming");
  const receipt = await waitForTransactionReceipt(wagmiConfig, { hash, chainId: chain.chainId });
  if (receipt.status !== "success") throw new WalletError(t("wallet.error.failed", { reason: "reverted" }));
}

/** The contract calls sent with `sendTx`. */
type ContractTx =
  | {
      abi: typeof c4ePerksAbi;
      functionName: "createPerk";
      args: readonly [string, bigint, bigint, bigint, bigint, boolean];
    }
  | { abi: typeof c4ePerksAbi; functionName: "endPerk"; args: readonly [bigint] }
  | { abi: typeof c4ePerksAbi; functionName: "grantRole"; args: readonly [`0x${string}`, Address] }
  | {
      abi: typeof c4ePerksAbi;
      functionName: "consumeCoupon";
      args: readonly [Address, bigint, `0x${string}`];
    }
  | { abi: typeof greenCertificatesAbi; functionName: "claim"; args: readonly [bigint, bigint, string] };

/** Sends one contract call from the signed-in wallet and waits until it is mined. */
async function sendTx(params: TxParams, address: Address, tx: ContractTx): Promise<void> {
  const { wagmiConfig, chain, account, onStep } = params;
  onStep("connecting");
  const connector = await connectorFor(wagmiConfig, chain, account);
  onStep("sending");
  const hash = await writeContract(wagmiConfig, {
    address,
    ...tx,
    account,
    connector,
    chainId: chain.chainId,
  } as Parameters<typeof writeContract>[1]);
  await mined(wagmiConfig, chain, hash, onStep);
}

/**
 * Redeems one coupon of a perk in one transaction: an EIP-2612 permit of the price for the perks
 * contract (typed data signed by the wallet), then `C4EPerks.redeemWithPermit`. Resolves once mined.
 */
export async function redeemPerk(params: {
  wagmiConfig: Config;
  chain: PublicChainConfig;
  account: Address;
  perkId: bigint;
  price: bigint;
  onStep: (step: RedeemStep) => void;
}): Promise<void> {
  const { wagmiConfig, chain, account, perkId, price, onStep } = params;
  const perks = chain.perksAddress;
  if (!perks) throw new WalletError(t("perks.disabled"));
  onStep("connecting");
  const connector = await connectorFor(wagmiConfig, chain, account);
  const token = { address: chain.tokenAddress, abi: c4eTokenAbi, chainId: chain.chainId } as const;
  const [balance, nonce] = await Promise.all([
    readContract(wagmiConfig, { ...token, functionName: "balanceOf", args: [account] }),
    readContract(wagmiConfig, { ...token, functionName: "nonces", args: [account] }),
  ]);
  if (balance < price) throw new WalletError(t("perks.insufficient"));
  const deadline = BigInt(Math.floor(Date.now() / 1000)) + PERMIT_TTL_SECONDS;
  onStep("signing");
  const signature = await signTypedData(wagmiConfig, {
    account,
    connector,
    ...permitTypedData({
      chainId: chain.chainId,
      token: chain.tokenAddress,
      owner: account,
      spender: perks,
      value: price,
      nonce,
      deadline,
    }),
  });
  const { r, s, v, yParity } = parseSignature(signature);
  onStep("sending");
  const hash = await writeContract(wagmiConfig, {
    address: perks,
    abi: c4ePerksAbi,
    functionName: "redeemWithPermit",
    args: [perkId, price, deadline, Number(v ?? BigInt(yParity + 27)), r, s],
    account,
    connector,
    chainId: chain.chainId,
  });
  await mined(wagmiConfig, chain, hash, onStep);
}

/** Claims (retires) `energyWh` certificate units of `certificateId` for a beneficiary. Resolves once mined. */
export async function claimCertificates(
  params: TxParams & { certificateId: bigint; energyWh: bigint; beneficiary: string },
): Promise<void> {
  const certificates = params.chain.greenCertificatesAddress;
  if (!certificates) throw new WalletError(t("certificates.disabled"));
  await sendTx(params, certificates, {
    abi: greenCertificatesAbi,
    functionName: "claim",
    args: [params.certificateId, params.energyWh, params.beneficiary],
  });
}

/** Sends one C4EPerks call from the signed-in wallet and waits until it is mined. */
async function perksCall(
  params: TxParams,
  call: ContractTx extends infer C ? (C extends { abi: typeof c4ePerksAbi } ? Omit<C, "abi"> : never) : never,
): Promise<void> {
  const perks = params.chain.perksAddress;
  if (!perks) throw new WalletError(t("perks.disabled"));
  await sendTx(params, perks, { abi: c4ePerksAbi, ...call } as ContractTx);
}

export type PerkTerms = {
  name: string;
  /** C4E base units */
  price: bigint;
  supply: bigint;
  /** unix seconds */
  validFrom: bigint;
  validUntil: bigint;
};

/**
 * Lists a perk from the partner's wallet (`C4EPerks.createPerk`; the price is paid to the partner).
 * With `replaces`, the old perk is ended afterwards: terms on chain cannot change, so an edit relists.
 */
export async function listPerk(params: TxParams & { terms: PerkTerms; replaces?: bigint }): Promise<void> {
  const { terms } = params;
  await perksCall(params, {
    functionName: "createPerk",
    args: [terms.name, terms.price, terms.supply, terms.validFrom, terms.validUntil, false],
  });
  if (params.replaces !== undefined) await endPerk({ ...params, perkId: params.replaces });
}

/** Ends a perk now (`C4EPerks.endPerk`); coupons already redeemed stay valid. */
export async function endPerk(params: TxParams & { perkId: bigint }): Promise<void> {
  await perksCall(params, { functionName: "endPerk", args: [params.perkId] });
}

/**
 * Marks one coupon of `holder` as used (`C4EPerks.consumeCoupon`) with the partner's reference (at
 * most 32 bytes of UTF-8). Refuses before sending when the holder has no coupon of the perk.
 */
export async function consumeCoupon(
  params: TxParams & { holder: Address; perkId: bigint; reference: string },
): Promise<void> {
  const perks = params.chain.perksAddress;
  if (!perks) throw new WalletError(t("perks.disabled"));
  const held = await readContract(params.wagmiConfig, {
    address: perks,
    abi: c4ePerksAbi,
    functionName: "balanceOf",
    args: [params.holder, params.perkId],
    chainId: params.chain.chainId,
  });
  if (held === 0n) throw new WalletError(t("partner.consume.noCoupon"));
  await perksCall(params, {
    functionName: "consumeCoupon",
    args: [params.holder, params.perkId, stringToHex(params.reference, { size: 32 })],
  });
}

/**
 * Grants `C4EPerks.PARTNER_ROLE` to a partner's address from the signed-in admin's wallet. Refuses
 * before sending when the wallet does not hold the role's admin role (the transaction would revert).
 * Resolves once mined.
 */
export async function grantPartnerRole(
  params: TxParams & { partner: Address; role: `0x${string}`; onChecking?: () => void },
): Promise<void> {
  const perks = params.chain.perksAddress;
  if (!perks) throw new WalletError(t("perks.disabled"));
  params.onChecking?.();
  const contract = { address: perks, abi: c4ePerksAbi, chainId: params.chain.chainId } as const;
  const adminRole = await readContract(params.wagmiConfig, {
    ...contract,
    functionName: "getRoleAdmin",
    args: [params.role],
  });
  const isAdmin = await readContract(params.wagmiConfig, {
    ...contract,
    functionName: "hasRole",
    args: [adminRole, params.account],
  });
  if (!isAdmin) throw new WalletError(t("admin.users.onChain.notAdmin"));
  await perksCall(params, { functionName: "grantRole", args: [params.role, params.partner] });
}
