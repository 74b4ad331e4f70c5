/**
 * Every compressing stage, once. `compress` hands each content type to the stage that handles it,
 * the CLI makes a command of each, and `headroom/effect` exports the list. A new stage is a file
 * with its descriptor (stage.ts) and a line here.
 *
 * @since 0.2.0
 */
import type { ContentType } from "../core/content.ts"
import { codeStage } from "./code.ts"
import { crushStage } from "./crush.ts"
import { diffStage } from "./diff.ts"
import { htmlStage } from "./html.ts"
import { imageStage } from "./image.ts"
import { kompressStage } from "./kompress.ts"
import { logsStage } from "./logs.ts"
import { searchStage } from "./search.ts"
import type { AnyStage } from "./stage.ts"

export const STAGES: ReadonlyArray<AnyStage> = [crushStage, logsStage, searchStage, diffStage, codeStage, htmlStage, kompressStage, imageStage]

/** The stage `compress` hands a content type to; undefined where it passes through (text route is unsure of, binary). */
export const stageFor = (type: ContentType): AnyStage | undefined => STAGES.find((s) => s.handles(type))
