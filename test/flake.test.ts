/** flake.nix cannot be built here (nothing can fetch nixpkgs), but it must parse. */
import { spawnSync } from "node:child_process"
import { join } from "node:path"
import { expect, it } from "vitest"
import { ROOT, systemTool } from "./helpers.ts"

const nix = systemTool("nix-instantiate", "apt-get install nix-bin")

it.skipIf(nix.skip)(nix.title("flake.nix parses with nix-instantiate"), () => {
  const run = spawnSync("nix-instantiate", ["--parse", join(ROOT, "flake.nix")], { encoding: "utf8" })
  expect(run.error, "nix-instantiate is missing: apt-get install nix-bin").toBeUndefined()
  expect(run.stderr).toBe("")
  expect(run.status).toBe(0)
  expect(run.stdout).toContain("buildNpmPackage")
})
