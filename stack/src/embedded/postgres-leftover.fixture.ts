// Starts the embedded PostgreSQL on a data directory and port, prints "ready", and waits to be killed
// (postgres-leftover.test.ts kills it with SIGKILL, leaving the server running like a crashed start).
// Usage: tsx postgres-leftover.fixture.ts <dataDir> <port>
import { startEmbeddedPostgres } from "./postgres.ts";

const [dataDir, port] = process.argv.slice(2);
if (!dataDir || !port) throw new Error("usage: postgres-leftover.fixture.ts <dataDir> <port>");
await startEmbeddedPostgres({ dataDir, port: Number(port), database: "leftover" });
console.log("ready");
setInterval(() => {}, 1000);
