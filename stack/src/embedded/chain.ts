import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { spawnOwned } from "./owned-child.ts";
import { assertPortFree } from "./ports.ts";

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

export type LocalChainHandle = {
  url: string;
  chainId: number;
  /** pid of the `hardhat node` process (it dies with this process: see owned-child.ts) */
  pid: number;
  stop: () => Promise<void>;
};

/**
 * Starts `hardhat node` on 127.0.0.1:port and resolves when it accepts JSON-RPC. Chain id 31337 (the
 * development chain) unless `chainId` says otherwise (tests of the production mode).
 */
export async function startLocalChain({
  port,
  chainId = 31337,
  log = () => {},
}: {
  port: number;
  chainId?: number;
  log?: (line: string) => void;
}): Promise<LocalChainHandle> {
  await assertPortFree(port, "Hardhat chain", "RPC_URL");
  const bin = join(REPO_ROOT, "node_modules", ".bin", "hardhat");
  // owned: the chain dies with this process, also when it is killed (a crashed test worker)
  const otherChain =
    chainId === 31337
      ? []
      : ["--config", join(dirname(fileURLToPath(import.meta.url)), "hardhat-chain-id.config.cjs")];
  const owned = spawnOwned(bin, [...otherChain, "node", "--hostname", "127.0.0.1", "--port", String(port)], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      HARDHAT_DISABLE_TELEMETRY_PROMPT: "true",
      C4E_HARDHAT_CHAIN_ID: String(chainId),
    },
  });
  const child = owned.process;
  const url = `http://127.0.0.1:${port}`;
  await new Promise<void>((resolve, reject) => {
    let output = "";
    const timer = setTimeout(
      () => reject(new Error(`hardhat node did not start within 60 s:\n${output}`)),
      60_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Started HTTP and WebSocket JSON-RPC server")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (c: Buffer) => {
      output += c.toString();
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`hardhat node exited with code ${code}:\n${output}`));
    });
  });
  child.stdout?.removeAllListeners("data");
  child.stdout?.on("data", (c: Buffer) => {
    const text = c.toString().trim();
    if (text) log(text);
  });
  return {
    url,
    chainId,
    pid: await owned.pid,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      });
    },
  };
}
