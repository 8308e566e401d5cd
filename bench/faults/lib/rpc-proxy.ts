// A TCP proxy in front of a JSON-RPC node that can cut the chain off at the moment a transaction is
// sent (fault case 3). Modes of a cut, armed one at a time:
//   before-send: the eth_sendRawTransaction request is dropped, the connection closed (never sent);
//   after-send:  the request reaches the node (the transaction is mined), the answer is dropped and
//                the connection closed (the sender cannot know it was sent).
// After a cut the proxy refuses every connection for `downMs`, then forwards again.
import net from "node:net";

export type CutMode = "before-send" | "after-send";

export type RpcProxy = {
  url: string;
  /** the next eth_sendRawTransaction triggers this cut */
  arm: (mode: CutMode, downMs: number) => void;
  armed: () => CutMode | null;
  down: () => boolean;
  cuts: { mode: CutMode; atMs: number }[];
  close: () => Promise<void>;
};

export async function startRpcProxy(upstreamPort: number, port: number): Promise<RpcProxy> {
  const t0 = Date.now();
  let armed: { mode: CutMode; downMs: number } | null = null;
  let downUntil = 0;
  const cuts: { mode: CutMode; atMs: number }[] = [];
  const open = new Set<net.Socket>();
  const goDown = (downMs: number) => {
    downUntil = Date.now() + downMs;
    for (const s of open) s.destroy();
  };
  const server = net.createServer((client) => {
    if (Date.now() < downUntil) {
      client.destroy();
      return;
    }
    const upstream = net.connect(upstreamPort, "127.0.0.1");
    open.add(client);
    open.add(upstream);
    let dropAnswers = false;
    const close = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on("error", close);
    upstream.on("error", close);
    client.on("close", () => {
      if (!dropAnswers) close();
    });
    upstream.on("close", close);
    client.on("data", (chunk: Buffer) => {
      const cut = armed;
      if (cut && chunk.includes("eth_sendRawTransaction")) {
        armed = null;
        cuts.push({ mode: cut.mode, atMs: Date.now() - t0 });
        if (cut.mode === "before-send") {
          close();
          goDown(cut.downMs);
          return;
        }
        // after-send: the node gets the transaction; its answer goes nowhere
        dropAnswers = true;
        upstream.write(chunk);
        open.delete(upstream); // let the node answer into the void, then close
        upstream.once("data", () => upstream.destroy());
        client.destroy();
        open.delete(client);
        goDown(cut.downMs);
        return;
      }
      upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      if (!dropAnswers) client.write(chunk);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return {
    url: `http://127.0.0.1:${port}`,
    arm: (mode, downMs) => {
      armed = { mode, downMs };
    },
    armed: () => armed?.mode ?? null,
    down: () => Date.now() < downUntil,
    cuts,
    close: async () => {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
