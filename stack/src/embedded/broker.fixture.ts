// A process that holds the embedded broker with persistence, as `npm start` does (broker.test.ts kills
// it with SIGKILL). Usage: tsx broker.fixture.ts <port> <dataDir>; prints "broker <pid>" when ready.
import { startEmbeddedBroker } from "./broker.ts";

const [port, dataDir] = process.argv.slice(2);
const broker = await startEmbeddedBroker({ port: Number(port), dataDir });
console.log(`broker ${broker.pid}`);
setInterval(() => {}, 1000);
