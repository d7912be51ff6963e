import { floodRunbook } from "../bench/fixtures.ts";
floodRunbook("/tmp/flood");
