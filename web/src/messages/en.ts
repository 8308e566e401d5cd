/**
 * Every user-facing text of the web app (English). Placeholders are `{name}`; numbers, energy,
 * amounts and dates are formatted with Intl (see lib/format.ts) before they are passed in.
 */
export const LOCALE = "en";

export const messages = {
  "app.title": "C4E",
  "app.description": "Your solar production, consumption and C4E rewards",
  "app.tagline": "Clean energy, rewarded",
  "app.skipToContent": "Skip to content",
  "app.loading": "Loading…",

  "signIn.title": "Sign in",
  "signIn.intro":
    "Prove that you own your wallet by signing a short message. Signing is free: it sends no transaction.",
  "signIn.chooseWallet": "Choose a wallet",
  "signIn.devWallet.legend": "Development wallet (local test chain)",
  "signIn.devWallet.hint":
    "Demo accounts of the local Hardhat chain. Their keys are public: for trying the app only.",
  "signIn.devWallet.account": "Demo prosumer {index}",
  "signIn.injected.legend": "Browser wallet",
  "signIn.injected.button": "Sign in with browser wallet",
  "signIn.injected.missing": "No browser wallet found. Install a wallet extension, or use a demo account.",
  "signIn.button": "Sign in",
  "signIn.step.connecting": "Connecting wallet…",
  "signIn.step.nonce": "Preparing the sign-in message…",
  "signIn.step.signing": "Please sign the message in your wallet…",
  "signIn.step.verifying": "Checking the signature…",
  "signIn.error.rejected": "The signature was cancelled.",
  "signIn.error.generic": "Sign-in failed: {reason}",
  "signIn.error.refused": "The server refused the sign-in ({reason}). Please try again.",
  "signIn.error.network": "The server could not be reached. Please try again.",
  "signIn.wrongOrigin": "Sign-in only works on this app's own address. Please open:",
  "siwe.statement": "Sign in to C4E. This request costs nothing and sends no transaction.",

  "header.signedInAs": "Signed in as {address}",
  "header.role.prosumer": "Prosumer",
  "header.role.guest": "Guest",
  "header.signOut": "Sign out",
  "header.signingOut": "Signing out…",

  "guest.title": "No C4E account for this wallet",
  "guest.body":
    "The wallet {address} is not linked to a C4E customer account. Sign in with the wallet registered with your energy supplier, or ask them to link this one.",

  "dashboard.greeting": "Hello, {name}",
  "dashboard.updated": "Updated {time}",
  "dashboard.error": "Could not load your data. Retrying automatically…",
  "dashboard.sessionEnded": "Your session has ended. Please sign in again.",

  "today.title": "Today",
  "today.site": "{site} · {date} · times in {timeZone}",
  "today.noSites": "No metering site is registered for your account yet.",
  "today.empty": "No readings yet today.",
  "today.chartLabel": "Production and consumption per hour today at {site}, in kWh",
  "today.production": "Production",
  "today.consumption": "Consumption",
  "today.export": "Fed into the grid",
  "today.import": "Drawn from the grid",
  "today.hour": "Hour",
  "today.kwh": "{value} kWh",

  "balance.title": "C4E balance",
  "balance.unit": "C4E",
  "balance.hint": "Tokens held by your wallets, as recorded from the chain.",

  "rewards.title": "Reward history",
  "rewards.empty":
    "No rewards minted yet. Rewards are minted per settlement period for the energy you feed in.",
  "rewards.caption": "Minted reward batches, newest first",
  "rewards.period": "Period",
  "rewards.exported": "Fed in",
  "rewards.amount": "Reward",
  "rewards.tx": "Transaction",
  "rewards.block": "Block",

  "prosumer.pageTitle": "C4E · My energy",
} as const;

export type MessageKey = keyof typeof messages;
export type MessageParams = Record<string, string | number>;

/**
 * Looks up a message and fills its `{placeholders}`.
 * @example t("header.signedInAs", { address: "0x3C44…93BC" })
 */
export function t(key: MessageKey, params?: MessageParams): string {
  const text: string = messages[key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (match, name: string) => {
    const value = params[name];
    return value === undefined ? match : String(value);
  });
}
