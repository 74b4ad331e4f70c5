/**
 * sharp, required on first use rather than imported: its native library takes ~50 ms to load,
 * which every other command (the CLI is one bundle) would otherwise pay at start-up.
 *
 * @since 0.4.0
 */
import { createRequire } from "node:module"
import type sharpModule from "sharp"

const require_ = createRequire(import.meta.url)
let loaded: typeof sharpModule | undefined

export const loadSharp = (): typeof sharpModule => (loaded ??= require_("sharp") as typeof sharpModule)
