/** The YAML library for kubeconfig files, as a module of its own: kubeconfig.ts loads it only when there is a file to read. */
export { parse, stringify } from "yaml";
