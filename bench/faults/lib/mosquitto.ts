// A Mosquitto of our own for fault cases: the shipped stack/mosquitto/c4e.conf with only the listener
// port, the persistence location and the auth file paths rewritten, a password per gateway and one
// for ingest, the shipped ACL verbatim. Owned: it stops with this process.
import { execFileSync } from "node:child_process";
import { chownSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import { join } from "node:path";
import { type OwnedChild, spawnOwned } from "@c4e/stack/embedded/owned-child";
import { waitFor } from "./common.ts";

export const MOSQUITTO = process.env.MOSQUITTO_BIN ?? "/usr/sbin/mosquitto";
const CONFIG_DIR = join(import.meta.dirname, "..", "..", "..", "stack", "mosquitto");

export const mosquittoMissing = (): string | null =>
  existsSync(MOSQUITTO)
    ? null
    : `no mosquitto binary at ${MOSQUITTO} (apt-get install mosquitto, or set MOSQUITTO_BIN)`;

export const passwordOf = (user: string) => `pw-${user}`;

export type Mosquitto = {
  /** with a user's credentials, or null for none (they come with the connect options) */
  url: (user: string | null) => string;
  start: () => Promise<void>;
  /** SIGTERM: mosquitto writes its persistence file and exits */
  stop: () => Promise<void>;
  log: () => string;
};

export function prepareMosquitto(dir: string, port: number, users: string[]): Mosquitto {
  mkdirSync(join(dir, "data"), { recursive: true });
  const shipped = readFileSync(join(CONFIG_DIR, "c4e.conf"), "utf8");
  const rewritten = shipped
    .replace(/^listener 1883$/m, `listener ${port} 127.0.0.1`)
    .replace(/^persistence_location .*$/m, `persistence_location ${join(dir, "data")}/`)
    .replace(/^password_file .*$/m, `password_file ${join(dir, "passwd")}`)
    .replace(/^acl_file .*$/m, `acl_file ${join(dir, "c4e.acl")}`);
  for (const needle of [
    `listener ${port}`,
    "persistence_location " + dir,
    "password_file " + dir,
    "acl_file " + dir,
  ])
    if (!rewritten.includes(needle)) throw new Error(`c4e.conf: could not rewrite ${needle.split(" ")[0]}`);
  writeFileSync(join(dir, "c4e.conf"), rewritten);
  copyFileSync(join(CONFIG_DIR, "c4e.acl"), join(dir, "c4e.acl"));
  writeFileSync(join(dir, "passwd"), users.map((u) => `${u}:${passwordOf(u)}\n`).join(""), { mode: 0o600 });
  execFileSync("mosquitto_passwd", ["-U", join(dir, "passwd")]);
  // as root, mosquitto drops to its own user: it must read its files and write its data
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync("id", ["-u", "mosquitto"]).toString());
    const gid = Number(execFileSync("id", ["-g", "mosquitto"]).toString());
    for (const p of ["", "data", "passwd", "c4e.acl", "c4e.conf"]) chownSync(join(dir, p), uid, gid);
  }
  let child: OwnedChild | null = null;
  let output = "";
  const accepts = () =>
    new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1");
      s.once("connect", () => {
        s.destroy();
        resolve(true);
      });
      s.once("error", () => resolve(false));
    });
  return {
    url: (user) =>
      user === null
        ? `mqtt://127.0.0.1:${port}`
        : `mqtt://${encodeURIComponent(user)}:${passwordOf(user)}@127.0.0.1:${port}`,
    log: () => output,
    start: async () => {
      await waitFor("the port to be free", async () => !(await accepts()), 10_000);
      const c = spawnOwned(MOSQUITTO, ["-c", join(dir, "c4e.conf")]);
      child = c;
      c.process.stderr?.on("data", (d: Buffer) => (output += d.toString()));
      c.process.stdout?.on("data", (d: Buffer) => (output += d.toString()));
      let exited = false;
      c.process.once("exit", () => (exited = true));
      await waitFor(
        "mosquitto to accept connections",
        async () => {
          if (exited) throw new Error(`mosquitto exited:\n${output}`);
          return await accepts();
        },
        10_000,
        50,
      );
    },
    stop: async () => {
      const c = child?.process;
      child = null;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        c.once("exit", () => resolve());
        c.kill("SIGTERM");
      });
    },
  };
}
