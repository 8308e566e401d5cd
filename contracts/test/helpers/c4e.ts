// Hardhat runs tests as CommonJS through ts-node, but contracts/lib and contracts/generated are ES module packages
// ("type": "module"), which ts-node refuses to require(). tsx's scoped require() transpiles it to
// CommonJS for this one load without touching ts-node's hooks.
import { require as tsxRequire } from "tsx/cjs/api";
import type * as C4E from "@c4e/contracts";

let loaded: typeof C4E | undefined;

/** The generated package (what consumers import as `@c4e/contracts`). */
export function loadC4E(): typeof C4E {
  loaded ??= tsxRequire("@c4e/contracts", __filename) as typeof C4E;
  return loaded;
}
