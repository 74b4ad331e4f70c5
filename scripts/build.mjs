// Builds what `npm install` must leave behind:
//  - dist/headroom.cjs: the CLI as one minified file (every pipe stage pays start-up, and one
//    file loads much faster than hundreds of modules), with native/WASM packages left external;
//  - dist/headroom.cjs.cache: V8's code cache for it, made by running it once, so later runs skip
//    most compilation (bin/headroom uses it when the Node version matches, and ignores it if not);
//  - dist/lib: the library (JavaScript + type declarations), by tsc.
import { build } from "esbuild"
import { execFileSync } from "node:child_process"
import { readFileSync, rmSync } from "node:fs"

const root = new URL("..", import.meta.url).pathname
const { version } = JSON.parse(readFileSync(`${root}package.json`, "utf8"))

rmSync(`${root}dist`, { recursive: true, force: true })
await build({
  entryPoints: [`${root}src/cli/main.ts`],
  outfile: `${root}dist/headroom.cjs`,
  bundle: true,
  // HEADROOM_NO_MINIFY=1 keeps names, for profiles (`node --cpu-prof`) of the bundle.
  minify: !process.env.HEADROOM_NO_MINIFY,
  platform: "node",
  format: "cjs",
  target: "node20",
  // Native, WebAssembly and heavy packages stay in node_modules, loaded when first used.
  external: ["rave-level", "tiktoken", "web-tree-sitter", "@huggingface/transformers", "onnxruntime-node", "sharp", "@modelcontextprotocol/sdk", "jsonc-parser"],
  define: { HEADROOM_VERSION: JSON.stringify(version), "import.meta.url": "__headroomUrl" },
  banner: { js: "const __headroomUrl = require('node:url').pathToFileURL(__filename).href;" },
  legalComments: "none",
  logLevel: "warning"
})
// Warm the code cache with a real command, so the functions it compiles are in the cache.
execFileSync(process.execPath, [`${root}bin/headroom`, "route"], {
  input: '{"warm": [1, 2, 3]}',
  env: { ...process.env, HEADROOM_WRITE_CODE_CACHE: "1" },
  stdio: ["pipe", "ignore", "inherit"]
})
execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, "-p", `${root}tsconfig.build.json`], { stdio: "inherit" })
