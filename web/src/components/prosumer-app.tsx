"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useState } from "react";
import { useConfig } from "wagmi";
import { disconnect } from "wagmi/actions";
import type {
  CustomerBilling,
  ProsumerSummary,
  RewardEntry,
  SessionView,
  TransferEntry,
  WalletView,
} from "@/lib/api-types.ts";
import { formatTime, shortHex, splitTokenAmount } from "@/lib/format.ts";
import { t } from "@/messages/en.ts";
import { ApiError, apiFetch } from "./api.ts";
import { CertificatesCard } from "./certificates-card.tsx";
import { useChainConfig } from "./chain-config-context.ts";
import { DataCard } from "./data-card.tsx";
import { EnergyCard } from "./energy-card.tsx";
import { ExportCard } from "./export-card.tsx";
import { InvoicesCard } from "./invoices-card.tsx";
import { CouponsCard, PerksCard } from "./perks-card.tsx";
import { RewardHistory } from "./reward-history.tsx";
import { SignInCard } from "./sign-in-card.tsx";
import { Transfers } from "./transfers.tsx";

const STAFF_ROLES: readonly SessionView["role"][] = ["retailer_admin", "retailer_agent"];

/** The prosumer page refreshes its data this often. */
const REFRESH_MS = 10_000;

function Header({
  session,
  onSignOut,
  signingOut,
}: {
  session: SessionView;
  onSignOut: () => void;
  signingOut: boolean;
}) {
  return (
    <header className="app-header">
      <div className="brand">{t("app.title")}</div>
      <nav aria-label={t("catalogue.link")}>
        <a href="/products" data-testid="nav-catalogue">
          {t("catalogue.link")}
        </a>
      </nav>
      <div className="account">
        <span className="address" title={session.address} data-testid="session-address">
          {t("header.signedInAs", { address: shortHex(session.address) })}
        </span>
        <span className={`badge badge-${session.role}`}>{t(`header.role.${session.role}`)}</span>
        <button type="button" onClick={onSignOut} disabled={signingOut} data-testid="sign-out">
          {signingOut ? t("header.signingOut") : t("header.signOut")}
        </button>
      </div>
    </header>
  );
}

/** The exact balance; the fraction is set smaller so that 18 decimals stay readable. */
function BalanceAmount({ amount }: { amount: string }) {
  const { whole, fraction } = splitTokenAmount(amount);
  return (
    <span className="balance-amount" data-testid="c4e-balance">
      {whole}
      {fraction && <span className="balance-fraction">{fraction}</span>}
    </span>
  );
}

function BalanceCard({ summary, loading }: { summary: ProsumerSummary | undefined; loading: boolean }) {
  return (
    <DataCard
      titleId="balance-title"
      className="card balance-card"
      title={t("balance.title")}
      loading={loading}
      data={summary}
      footer={<p className="hint">{t("balance.hint")}</p>}
    >
      {(summary) => (
        <p className="balance">
          <BalanceAmount amount={summary.balance.amount} />{" "}
          <span className="balance-unit">{t("balance.unit")}</span>
        </p>
      )}
    </DataCard>
  );
}

function Dashboard({ session, onUnauthenticated }: { session: SessionView; onUnauthenticated: () => void }) {
  const chain = useChainConfig();
  const queryClient = useQueryClient();
  const summary = useQuery({
    queryKey: ["prosumer", "summary"],
    queryFn: () => apiFetch<ProsumerSummary>("/api/prosumer/summary"),
    refetchInterval: REFRESH_MS,
  });
  const rewards = useQuery({
    queryKey: ["prosumer", "rewards"],
    queryFn: () => apiFetch<{ rewards: RewardEntry[] }>("/api/prosumer/rewards"),
    refetchInterval: REFRESH_MS,
  });
  const transfers = useQuery({
    queryKey: ["prosumer", "transfers"],
    queryFn: () => apiFetch<{ transfers: TransferEntry[] }>("/api/prosumer/transfers"),
    refetchInterval: REFRESH_MS,
  });

  const wallet = useQuery({
    queryKey: ["prosumer", "wallet"],
    queryFn: () => apiFetch<WalletView>("/api/prosumer/wallet"),
    refetchInterval: REFRESH_MS,
  });
  const billing = useQuery({
    queryKey: ["prosumer", "invoices"],
    queryFn: () => apiFetch<CustomerBilling>("/api/prosumer/invoices"),
    refetchInterval: 60_000,
  });
  // After a redemption or a claim the mirror follows within a few seconds: refresh more often briefly.
  const refreshSoon = useCallback(() => {
    for (const delay of [1_000, 2_500, 5_000])
      setTimeout(() => void queryClient.invalidateQueries({ queryKey: ["prosumer"] }), delay);
  }, [queryClient]);

  const unauthenticated = [summary.error, rewards.error, transfers.error, wallet.error].some(
    (e) => e instanceof ApiError && e.status === 401,
  );
  useEffect(() => {
    if (unauthenticated) onUnauthenticated();
  }, [unauthenticated, onUnauthenticated]);

  const data = summary.data;
  const timeZone = data?.sites[0]?.timeZone ?? "UTC";
  return (
    <main id="main" className="dashboard">
      <div className="page-title">
        <h1>{data ? t("dashboard.greeting", { name: data.customer.name }) : t("app.loading")}</h1>
        {data && (
          <p className="muted" aria-live="polite">
            {t("dashboard.updated", { time: formatTime(new Date(summary.dataUpdatedAt).toISOString()) })}
          </p>
        )}
      </div>
      {(summary.isError || rewards.isError) && (
        <p className="error" role="alert">
          {t("dashboard.error")}
        </p>
      )}
      <div className="grid">
        <BalanceCard summary={data} loading={summary.isPending} />
        <EnergyCard />
        <RewardHistory rewards={rewards.data?.rewards} loading={rewards.isPending} timeZone={timeZone} />
        <Transfers transfers={transfers.data?.transfers} loading={transfers.isPending} timeZone={timeZone} />
        <PerksCard
          perks={wallet.data?.perks}
          enabled={chain.perksAddress !== null}
          loading={wallet.isPending}
          account={session.address}
          timeZone={timeZone}
          onRedeemed={refreshSoon}
        />
        <CouponsCard
          coupons={wallet.data?.coupons}
          used={wallet.data?.usedCoupons}
          enabled={chain.perksAddress !== null}
          loading={wallet.isPending}
          timeZone={timeZone}
        />
        <CertificatesCard
          certificates={wallet.data?.certificates}
          claims={wallet.data?.claims}
          enabled={chain.greenCertificatesAddress !== null}
          loading={wallet.isPending}
          account={session.address}
          timeZone={timeZone}
          onClaimed={refreshSoon}
        />
        <InvoicesCard billing={billing.data} loading={billing.isPending} timeZone={timeZone} />
        <ExportCard />
      </div>
    </main>
  );
}

/** Staff, partners and property managers signed in on the prosumer page: where their work is. */
function RoleNotice({ session }: { session: SessionView }) {
  const staff = STAFF_ROLES.includes(session.role);
  return (
    <main id="main" className="dashboard">
      <section className="card guest" aria-labelledby="role-title" data-testid="role-notice">
        <h1 id="role-title">{t("role.notice.title", { role: t(`header.role.${session.role}`) })}</h1>
        {staff ? (
          <p>
            {t("role.notice.staff")} <a href="/admin">{t("header.toAdmin")}</a>
          </p>
        ) : session.role === "partner" ? (
          <p>
            {t("role.notice.partner")}{" "}
            <a href="/partner" data-testid="to-partner">
              {t("role.notice.toPartner")}
            </a>
          </p>
        ) : (
          <p>{t("role.notice.property_manager")}</p>
        )}
      </section>
    </main>
  );
}

function GuestNotice({ session }: { session: SessionView }) {
  return (
    <main id="main" className="dashboard">
      <section className="card guest" aria-labelledby="guest-title" data-testid="guest-notice">
        <h1 id="guest-title">{t("guest.title")}</h1>
        <p>{t("guest.body", { address: session.address })}</p>
      </section>
    </main>
  );
}

/** The prosumer page: sign-in card, guest notice, or the dashboard of the signed-in customer. */
export function ProsumerApp({
  initialSession,
  canonicalOrigin,
}: {
  initialSession: SessionView | null;
  /** Set when the page was opened on another host than WEB_ORIGIN (sign-in would be refused). */
  canonicalOrigin: string | null;
}) {
  const [session, setSession] = useState<SessionView | null>(initialSession);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [signingOut, setSigningOut] = useState(false);
  const queryClient = useQueryClient();
  const wagmiConfig = useConfig();

  const onUnauthenticated = useCallback(() => {
    queryClient.removeQueries({ queryKey: ["prosumer"] });
    setNotice(t("dashboard.sessionEnded"));
    setSession(null);
  }, [queryClient]);

  async function signOut() {
    setSigningOut(true);
    try {
      await apiFetch("/api/auth/logout", { method: "POST" }).catch(() => {});
      await disconnect(wagmiConfig).catch(() => {});
    } finally {
      queryClient.removeQueries({ queryKey: ["prosumer"] });
      setNotice(undefined);
      setSession(null);
      setSigningOut(false);
    }
  }

  if (!session) {
    return (
      <>
        <header className="app-header">
          <div className="brand">{t("app.title")}</div>
          <div className="tagline muted">{t("app.tagline")}</div>
          <nav aria-label={t("catalogue.link")}>
            <a href="/products" data-testid="nav-catalogue">
              {t("catalogue.link")}
            </a>
          </nav>
        </header>
        <main id="main" className="sign-in-page">
          <SignInCard
            notice={notice}
            canonicalOrigin={canonicalOrigin}
            onSignedIn={(s) => {
              queryClient.removeQueries({ queryKey: ["prosumer"] });
              setNotice(undefined);
              if (STAFF_ROLES.includes(s.role)) window.location.assign("/admin");
              if (s.role === "partner") window.location.assign("/partner");
              setSession(s);
            }}
          />
        </main>
      </>
    );
  }

  return (
    <>
      <Header session={session} onSignOut={() => void signOut()} signingOut={signingOut} />
      {session.role === "prosumer" ? (
        <Dashboard session={session} onUnauthenticated={onUnauthenticated} />
      ) : session.role === "guest" ? (
        <GuestNotice session={session} />
      ) : (
        <RoleNotice session={session} />
      )}
    </>
  );
}
