import { startPostgres } from "../test/helpers/postgres.ts";
import { SharedStore } from "../src/incident/store/pg-store.ts";
const s = await startPostgres();
if ("skip" in s) { console.log("skip", s.skip); process.exit(1); }
await SharedStore.init(s.server.url);
console.log(s.server.url, s.server.dir);
process.on("SIGTERM", async () => { await s.server.destroy(); process.exit(0); });
setInterval(() => {}, 1000);
