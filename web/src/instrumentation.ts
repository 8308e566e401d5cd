/**
 * Runs once when the server starts: validate the configuration right away, so that a wrong value
 * shows up at start with a message naming the variable instead of on the first request.
 */
export async function register(): Promise<void> {
  const { getServerConfig } = await import("./env.ts");
  getServerConfig();
}
