import { createConnection, createServer, type Server, type Socket } from "node:net";

export interface TcpProxyOptions {
  /** Where connections are forwarded to. */
  targetHost: string;
  targetPort: number;
  /** Loopback address the proxy listens on (default 127.0.0.1). */
  host?: string;
}

/**
 * A TCP forwarder on a free loopback port, to take a server "down" and back "up" for one
 * client without touching the server: `stop()` closes the listener and destroys every open
 * socket pair, which is what the client sees when the server shuts down (its connections
 * drop, new ones are refused); `start()` listens again on the same port.
 */
export class TcpProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private boundPort = 0;
  private frozen = false;

  private constructor(private readonly options: TcpProxyOptions) {}

  /** A started proxy on a free port. */
  static async open(options: TcpProxyOptions): Promise<TcpProxy> {
    const proxy = new TcpProxy(options);
    await proxy.start();
    return proxy;
  }

  get host(): string {
    return this.options.host ?? "127.0.0.1";
  }

  /** The port the proxy listens on (the same after every restart). */
  get port(): number {
    return this.boundPort;
  }

  get running(): boolean {
    return this.server !== null;
  }

  /** How many client and server sockets are open now. */
  get openSockets(): number {
    return this.sockets.size;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => this.forward(client));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ host: this.host, port: this.boundPort }, () => {
        server.off("error", reject);
        resolve();
      });
    });
    const address = server.address();
    if (address === null || typeof address === "string") {
      throw new Error("The proxy listens on no TCP port.");
    }
    this.boundPort = address.port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
  }

  /**
   * The server stops answering without closing anything, as behind a network partition or a
   * hung host: open connections stay open and carry nothing more, new ones are accepted and
   * never answered. `thaw()` ends that: the frozen connections are dropped, new ones forwarded.
   */
  freeze(): void {
    this.frozen = true;
    for (const socket of this.sockets) {
      socket.unpipe();
      socket.pause();
    }
  }

  thaw(): void {
    this.frozen = false;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  private forward(client: Socket): void {
    if (this.frozen) {
      this.track(client);
      client.pause();
      client.on("error", () => client.destroy());
      return;
    }
    const upstream = createConnection({
      host: this.options.targetHost,
      port: this.options.targetPort,
    });
    this.track(client);
    this.track(upstream);
    // Either side ending or failing ends the pair, as a dropped connection would.
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", close).on("close", close);
    upstream.on("error", close).on("close", close);
    client.pipe(upstream);
    upstream.pipe(client);
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on("close", () => this.sockets.delete(socket));
  }
}
