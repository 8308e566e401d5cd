/**
 * Runs once when the server starts: validate the configuration right away, so that a wrong value
 * shows up at start with a message naming the variable instead of on the first request; tag every
 * request with its TCP peer's address (the per-client limits need it: server/client-address.ts); then
 * start the supplier-switch activation (Node.js server only, not in the edge runtime).
 */
export async function register(): Promise<void> {
  const { getServerConfig } = await import("./env.ts");
  const config = getServerConfig();
  // NEXT_RUNTIME is set by Next.js itself (not configuration): the database client needs Node.js.
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { tagPeerAddresses } = await import("@/server/core/client-address.ts");
    tagPeerAddresses();
    if (config.switchActivationMinutes > 0) {
      const { startSwitchActivation } = await import("@/server/switch/activation.ts");
      startSwitchActivation(config.switchActivationMinutes);
    }
  }
}
