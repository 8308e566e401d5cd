import net from "node:net";

/** A port that another process holds; reported in one line by the start command. */
export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    readonly service: string,
    readonly variable: string,
  ) {
    super(`port ${port} for the embedded ${service} is already in use: free it, or set ${variable}`);
    this.name = "PortInUseError";
  }
}

/** Resolves when 127.0.0.1:port can be bound, throws PortInUseError otherwise. */
export async function assertPortFree(port: number, service: string, variable: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.once("error", (err: NodeJS.ErrnoException) =>
      reject(
        err.code === "EADDRINUSE" || err.code === "EACCES"
          ? new PortInUseError(port, service, variable)
          : err,
      ),
    );
    server.listen(port, "127.0.0.1", () => server.close(() => resolve()));
  });
}

/** A port the OS considers free right now (for tests). */
export async function freePort(): Promise<number> {
  return await new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
