/**
 * Routing as data: which requests are model calls (and in which wire format), which upstream any
 * other request belongs to, and the upstream URL a request goes to.
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { DEFAULT_UPSTREAMS, modelCallOf, pathOnly, targetOf, upstreamOf } from "./routes.ts"

describe("modelCallOf", () => {
  const calls: Array<[string, string, string, boolean]> = [
    // path, provider, upstream, streamPath
    ["/v1/chat/completions", "openai-chat", "openai", false],
    ["/v1/chat/completions?api-version=2024-10-21", "openai-chat", "openai", false],
    ["/v1/responses", "openai-responses", "openai", false],
    ["/v1/responses?stream=true", "openai-responses", "openai", false],
    ["/v1/messages", "anthropic", "anthropic", false],
    ["/v1/messages?beta=true", "anthropic", "anthropic", false],
    ["/v1beta/models/gemini-2.5-flash:generateContent", "gemini", "gemini", false],
    ["/v1beta/models/gemini-2.5-flash:generateContent?key=AIza-test", "gemini", "gemini", false],
    ["/v1/models/gemini-2.5-pro:generateContent", "gemini", "gemini", false],
    ["/v1alpha/models/gemini-3-pro-preview:generateContent", "gemini", "gemini", false],
    ["/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", "gemini", "gemini", true],
    ["/v1beta/models/gemini-2.5-flash:streamGenerateContent", "gemini", "gemini", true],
    ["/v1/models/gemini-2.5-flash:streamGenerateContent?alt=sse&key=AIza-test", "gemini", "gemini", true]
  ]

  it.each(calls)("POST %s is a %s call to %s", (path, provider, upstream, streamPath) => {
    expect(modelCallOf("POST", path)).toEqual({ provider, upstream, streamPath })
  })

  it.each(calls.map(([path]) => path))("any other method on %s is not a model call", (path) => {
    for (const method of ["GET", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "post"]) expect(modelCallOf(method, path)).toBeUndefined()
  })

  it.each([
    "/v1/models",
    "/v1/models/gpt-4o",
    "/v1/messages/count_tokens",
    "/v1/messages/count_tokens?beta=true",
    "/v1/messages/batches",
    "/v1/responses/resp_123",
    "/v1/responses/resp_123/input_items",
    "/v1/chat/completions/chatcmpl-1",
    "/v1/embeddings",
    "/v1/files",
    "/v1beta/models/gemini-2.5-flash:countTokens",
    "/v1beta/models/gemini-2.5-flash:embedContent",
    "/v1beta/models",
    "/v2/chat/completions",
    "/chat/completions",
    "/messages",
    "/openai/v1/chat/completions",
    "/v1/chat/completions/",
    "/",
    ""
  ])("POST %s is not a model call", (path) => {
    expect(modelCallOf("POST", path)).toBeUndefined()
  })

  it("reads only the path: a query string never makes or unmakes a call", () => {
    fc.assert(
      fc.property(fc.constantFrom(...calls.map(([p]) => pathOnly(p))), fc.string(), (path, query) => {
        const clean = query.replace(/[#]/g, "")
        expect(modelCallOf("POST", `${path}?${clean}`)).toEqual(modelCallOf("POST", path))
      })
    )
  })
})

describe("pathOnly", () => {
  it("cuts the query string, and only that", () => {
    expect(pathOnly("/v1/messages?beta=true")).toBe("/v1/messages")
    expect(pathOnly("/v1/messages")).toBe("/v1/messages")
    expect(pathOnly("/a?b?c")).toBe("/a")
    expect(pathOnly("?x")).toBe("")
  })
})

describe("upstreamOf", () => {
  const bearer = { authorization: "Bearer sk-test" }

  it("a model call goes to its own upstream, whatever its headers say", () => {
    expect(upstreamOf("POST", "/v1/chat/completions", { "x-api-key": "sk-ant", "anthropic-version": "2023-06-01" })).toBe("openai")
    expect(upstreamOf("POST", "/v1/responses", { "x-goog-api-key": "AIza" })).toBe("openai")
    expect(upstreamOf("POST", "/v1/messages?beta=true", bearer)).toBe("anthropic")
    expect(upstreamOf("POST", "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", bearer)).toBe("gemini")
  })

  it("Anthropic: its paths, x-api-key, or anthropic-version (SDK 1.x sends a Bearer token with it)", () => {
    expect(upstreamOf("POST", "/v1/messages/count_tokens?beta=true", bearer)).toBe("anthropic")
    expect(upstreamOf("POST", "/v1/messages/batches", {})).toBe("anthropic")
    expect(upstreamOf("GET", "/v1/messages/batches/msgbatch_1/results", {})).toBe("anthropic")
    expect(upstreamOf("GET", "/v1/models", { "x-api-key": "sk-ant-test" })).toBe("anthropic")
    expect(upstreamOf("GET", "/v1/models?limit=20", { ...bearer, "anthropic-version": "2023-06-01" })).toBe("anthropic")
    expect(upstreamOf("POST", "/v1/files", { ...bearer, "anthropic-version": "2023-06-01", "anthropic-beta": "files-api-2025-04-14" })).toBe("anthropic")
  })

  it("Gemini: its versioned and upload paths, x-goog-api-key, or ?key=", () => {
    expect(upstreamOf("GET", "/v1beta/models", {})).toBe("gemini")
    expect(upstreamOf("GET", "/v1alpha/models/gemini-2.5-flash", {})).toBe("gemini")
    expect(upstreamOf("POST", "/v1beta/models/gemini-2.5-flash:countTokens", {})).toBe("gemini")
    expect(upstreamOf("POST", "/upload/v1beta/files?uploadType=resumable", {})).toBe("gemini")
    expect(upstreamOf("GET", "/v1/models", { "x-goog-api-key": "AIza-test" })).toBe("gemini")
    expect(upstreamOf("GET", "/v1/models?key=AIza-test", {})).toBe("gemini")
    expect(upstreamOf("GET", "/v1/models?pageSize=5&key=AIza-test", {})).toBe("gemini")
  })

  it("anything else is OpenAI's", () => {
    expect(upstreamOf("GET", "/v1/models", bearer)).toBe("openai")
    expect(upstreamOf("GET", "/v1/models", {})).toBe("openai")
    expect(upstreamOf("POST", "/v1/embeddings", bearer)).toBe("openai")
    expect(upstreamOf("GET", "/v1/responses/resp_123", bearer)).toBe("openai")
    expect(upstreamOf("POST", "/v1/files", bearer)).toBe("openai")
    // A query parameter merely ending in "key" is not Gemini's key.
    expect(upstreamOf("GET", "/v1/models?api_key=x&monkey=1", bearer)).toBe("openai")
    // GET on a model-call path is not a model call, but the path still names Anthropic.
    expect(upstreamOf("GET", "/v1/chat/completions", bearer)).toBe("openai")
    expect(upstreamOf("GET", "/v1/messages", bearer)).toBe("anthropic")
  })
})

describe("targetOf", () => {
  it("joins a base that ends with the version the path starts with (OpenAI's) without doubling it", () => {
    expect(targetOf(DEFAULT_UPSTREAMS.openai, "/v1/chat/completions").href).toBe("https://api.openai.com/v1/chat/completions")
    expect(targetOf("https://api.openai.com/v1", "/v1/responses?include=x").href).toBe("https://api.openai.com/v1/responses?include=x")
    expect(targetOf("https://api.openai.com/v1", "/v1/models").href).toBe("https://api.openai.com/v1/models")
  })

  it("joins a base without a version as it is", () => {
    expect(targetOf(DEFAULT_UPSTREAMS.anthropic, "/v1/messages?beta=true").href).toBe("https://api.anthropic.com/v1/messages?beta=true")
    expect(targetOf(DEFAULT_UPSTREAMS.gemini, "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse").href).toBe(
      "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
    )
  })

  it("drops the base's trailing slashes", () => {
    expect(targetOf("https://api.anthropic.com/", "/v1/messages").href).toBe("https://api.anthropic.com/v1/messages")
    expect(targetOf("https://api.openai.com/v1/", "/v1/chat/completions").href).toBe("https://api.openai.com/v1/chat/completions")
    expect(targetOf("http://127.0.0.1:8080//", "/v1/messages").href).toBe("http://127.0.0.1:8080/v1/messages")
  })

  it("keeps a base's path prefix", () => {
    expect(targetOf("http://localhost:4000/v1", "/v1/chat/completions").href).toBe("http://localhost:4000/v1/chat/completions")
    expect(targetOf("http://localhost:4000/openai", "/v1/chat/completions").href).toBe("http://localhost:4000/openai/v1/chat/completions")
    expect(targetOf("http://localhost:4000/proxy/v1", "/v1/responses").href).toBe("http://localhost:4000/proxy/v1/responses")
    expect(targetOf("https://gw.example/gemini/v1beta", "/v1beta/models/m:generateContent").href).toBe(
      "https://gw.example/gemini/v1beta/models/m:generateContent"
    )
  })

  it("does not strip a different version, nor a version that is only a prefix of the path's", () => {
    expect(targetOf("https://api.openai.com/v1", "/v1beta/models").href).toBe("https://api.openai.com/v1/v1beta/models")
    expect(targetOf("https://gw.example/v2", "/v1/chat/completions").href).toBe("https://gw.example/v2/v1/chat/completions")
  })

  it("a base without a version gets the client's path and query verbatim", () => {
    const segment = fc.stringMatching(/^[a-z0-9_.:-]{1,12}$/)
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), fc.option(fc.stringMatching(/^[a-z0-9=&_-]{0,20}$/), { nil: undefined }), (parts, query) => {
        const url = `/${parts.join("/")}${query === undefined ? "" : `?${query}`}`
        const target = targetOf("http://127.0.0.1:9999", url)
        expect(target.pathname + target.search).toBe(new URL(`http://x${url}`).pathname + new URL(`http://x${url}`).search)
      })
    )
  })
})
