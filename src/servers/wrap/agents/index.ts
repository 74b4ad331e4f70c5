/** The agents `headroom wrap` knows, by the name the user types. */
import type { Agent } from "../agent.ts"
import { aider } from "./aider.ts"
import { claude } from "./claude.ts"
import { codex } from "./codex.ts"
import { copilot } from "./copilot.ts"
import { cursor } from "./cursor.ts"
import { gemini } from "./gemini.ts"

export const AGENTS: ReadonlyArray<Agent> = [claude, codex, gemini, copilot, aider, cursor]

export const agentNamed = (name: string): Agent | undefined => AGENTS.find((a) => a.name === name)
