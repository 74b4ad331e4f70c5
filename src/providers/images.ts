/**
 * Images inline in the four wire formats: an Anthropic `image` block with a base64 source, an
 * OpenAI Chat `image_url` part or a Responses `input_image` item with a `data:` URL, a Gemini
 * part with `inlineData`. Reading one out, writing a smaller one back (every other field of the
 * block as it was), and a text block in the same format for the note that goes after it.
 * Images given by URL or file id are left alone: their bytes are not in the request.
 *
 * @since 0.4.0
 */
import type { ImageProvider } from "../stages/image/cost.ts"
import { isObject, type Provider } from "./conversation.ts"

export interface InlineImage {
  readonly mediaType: string
  /** The image's bytes in base64, as the wire carries them. */
  readonly data: string
  /** OpenAI's `detail: "low"`: a flat price. */
  readonly low: boolean
}

const DATA_URL = /^data:(image\/[\w.+-]+);base64,/

const fromDataUrl = (url: unknown, detail: unknown): InlineImage | undefined => {
  if (typeof url !== "string") return undefined
  const m = DATA_URL.exec(url)
  return m ? { mediaType: m[1]!, data: url.slice(m[0].length), low: detail === "low" } : undefined
}

/** The inline image a block is, or undefined. */
export const imageIn = (provider: Provider, block: unknown): InlineImage | undefined => {
  if (!isObject(block)) return undefined
  switch (provider) {
    case "anthropic": {
      const source = block.source
      if (block.type !== "image" || !isObject(source) || source.type !== "base64") return undefined
      return typeof source.media_type === "string" && typeof source.data === "string" ? { mediaType: source.media_type, data: source.data, low: false } : undefined
    }
    case "openai-chat":
      return block.type === "image_url" && isObject(block.image_url) ? fromDataUrl(block.image_url.url, block.image_url.detail) : undefined
    case "openai-responses":
      return block.type === "input_image" ? fromDataUrl(block.image_url, block.detail) : undefined
    case "gemini": {
      const inline = block.inlineData
      if (!isObject(inline) || typeof inline.mimeType !== "string" || !inline.mimeType.startsWith("image/")) return undefined
      return typeof inline.data === "string" ? { mediaType: inline.mimeType, data: inline.data, low: false } : undefined
    }
  }
}

/** The block with another image in it: every other field as it was. */
export const withImage = (provider: Provider, block: Record<string, any>, mediaType: string, data: string): Record<string, any> => {
  switch (provider) {
    case "anthropic":
      return { ...block, source: { ...block.source, media_type: mediaType, data } }
    case "openai-chat":
      return { ...block, image_url: { ...block.image_url, url: `data:${mediaType};base64,${data}` } }
    case "openai-responses":
      return { ...block, image_url: `data:${mediaType};base64,${data}` }
    case "gemini":
      return { ...block, inlineData: { ...block.inlineData, mimeType: mediaType, data } }
  }
}

/** A text block of the format, for what a person or an agent should know about the image before it. */
export const noteBlock = (provider: Provider, text: string): Record<string, unknown> => {
  switch (provider) {
    case "anthropic":
    case "openai-chat":
      return { type: "text", text }
    case "openai-responses":
      return { type: "input_text", text }
    case "gemini":
      return { text }
  }
}

/** Whose image token formula a wire format is billed by. */
export const IMAGE_PROVIDER: Record<Provider, ImageProvider> = { anthropic: "anthropic", "openai-chat": "openai", "openai-responses": "openai", gemini: "gemini" }
