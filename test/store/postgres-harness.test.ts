/** The test server itself: it starts, answers SQL over TCP with a password, stops and starts again. */
import { describe, expect, it } from "vitest";
import net from "node:net";
import { sharedPostgres } from "../helpers/postgres.js";

const pg = sharedPostgres({ init: false });

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const c = net.connect(port, "127.0.0.1");
    c.once("connect", () => (c.destroy(), resolve(true)));
    c.once("error", () => resolve(false));
  });

describe("the private PostgreSQL server", () => {
  it("listens on 127.0.0.1, runs SQL, and stops and starts on the same port", async (t) => {
    const server = pg.need(t);
    expect(await server.psql("select 40 + 2")).toBe("42");
    expect(await server.psql("show listen_addresses")).toBe("127.0.0.1");
    expect(await listening(server.port)).toBe(true);
    await server.stop();
    expect(await listening(server.port)).toBe(false);
    await server.start();
    expect(await listening(server.port)).toBe(true);
    expect(await server.psql("select 1")).toBe("1");
  });
});
