import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { assertPortFree } from "./ports.ts";

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

export type LocalChainHandle = { url: string; chainId: number; stop: () => Promise<void> };

/** Starts `hardhat node` (chain id 31337) on 127.0.0.1:port and resolves when it accepts JSON-RPC. */
export async function startLocalChain({
  port,
  log = () => {},
}: {
  port: number;
  log?: (line: string) => void;
}): Promise<LocalChainHandle> {
  await assertPortFree(port, "Hardhat chain", "RPC_URL");
  const bin = join(REPO_ROOT, "node_modules", ".bin", "hardhat");
  const child: ChildProcess = spawn(bin, ["node", "--hostname", "127.0.0.1", "--port", String(port)], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, HARDHAT_DISABLE_TELEMETRY_PROMPT: "true" },
  });
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
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
    chainId: 31337,
    stop: async () => {
      process.removeListener("exit", killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      });
    },
  };
}
