import type { DevAccountKind } from "./dev-accounts.ts";
import type { Role } from "@/server/core/session.ts";
// Shapes of the JSON the API routes return, shared by the route handlers and the client components
// (type-only: nothing server-side reaches the browser bundle).
export type { AdminRewardBatch, AdminRewards } from "@/server/admin/rewards.ts";
export type {
  PeriodBucket,
  PeriodEnergy,
  PeriodSeries,
  PeriodTotals,
  SitePeriod,
} from "@/server/prosumer/energy-period.ts";
export type { EnergyBucket, ProsumerSummary, RewardEntry, SiteToday } from "@/server/prosumer/summary.ts";
export type { ProvenLeaf, RewardProof } from "@/server/prosumer/reward-proof.ts";
export type { Role } from "@/server/core/session.ts";
export type { TransferEntry } from "@/server/prosumer/transfers.ts";
export type {
  CustomerBilling,
  CustomerContractEntry,
  CustomerInvoiceEntry,
} from "@/server/prosumer/invoices.ts";
export type { ConsumptionEntry, PartnerView, RedemptionEntry } from "@/server/partner/perks.ts";
export type {
  CertificateClaimEntry,
  CertificateEntry,
  CouponEntry,
  PerkEntry,
  UsedCouponEntry,
  WalletView,
} from "@/server/prosumer/wallet.ts";

/** What the browser knows about the deployment (no secrets: the RPC is reached via /api/rpc). */
export type PublicChainConfig = {
  chainId: number;
  /** Path of the JSON-RPC proxy, resolved against the page's origin in the browser. */
  rpcPath: string;
  tokenAddress: `0x${string}`;
  /** C4EPerks and GreenCertificates; null when the platform does not configure them */
  perksAddress: `0x${string}` | null;
  greenCertificatesAddress: `0x${string}` | null;
  devWallet: boolean;
  devAccounts: { index: number; address: `0x${string}`; kind: DevAccountKind }[];
};

/** The signed-in session as the browser sees it (GET /api/auth/session, POST /api/auth/verify). */
export type SessionView = {
  address: `0x${string}`;
  chainId: number;
  role: Role;
  expiresAt: string;
};
