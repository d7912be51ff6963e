import { largeIncident } from "../bench/fixtures.ts";
import { mkdirSync } from "node:fs";
mkdirSync("/tmp/rep", { recursive: true });
console.log(largeIncident("/tmp/rep", 100_000));
