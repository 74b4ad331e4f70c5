/**
 * What the code stage knows of each language: which grammar parses it, which nodes are
 * functions (whose bodies may be elided), which are comments, and how a body is elided so the
 * result still parses — a comment between the braces, or `...` in Python.
 *
 * @since 0.1.0
 */

export type LanguageName = "python" | "javascript" | "typescript" | "tsx" | "go" | "rust" | "java" | "cpp"

export interface LanguageSpec {
  /** The grammar package, and its .wasm file inside it. */
  readonly grammar: readonly [pkg: string, wasm: string]
  /** A tree-sitter query capturing `@fn` function-like nodes and their `@body`. */
  readonly functions: string
  /** Node types of comments. */
  readonly comments: ReadonlyArray<string>
  /** `brace`: bodies are `{ … }` blocks; `indent`: Python blocks. */
  readonly style: "brace" | "indent"
  /** How a line comment starts, for markers that replace comment runs. */
  readonly lineComment: string
  /** A query capturing `@block` nodes that may open with a docstring (Python classes). */
  readonly docstrings?: string
}

const JS_FUNCTIONS = `
(function_declaration body: (statement_block) @body) @fn
(function_expression body: (statement_block) @body) @fn
(generator_function_declaration body: (statement_block) @body) @fn
(generator_function body: (statement_block) @body) @fn
(arrow_function body: (statement_block) @body) @fn
(method_definition body: (statement_block) @body) @fn`

export const LANGUAGES: Record<LanguageName, LanguageSpec> = {
  python: {
    grammar: ["tree-sitter-python", "tree-sitter-python.wasm"],
    functions: "(function_definition body: (block) @body) @fn",
    comments: ["comment"],
    style: "indent",
    lineComment: "#",
    docstrings: "(class_definition body: (block) @block)"
  },
  javascript: {
    grammar: ["tree-sitter-javascript", "tree-sitter-javascript.wasm"],
    functions: JS_FUNCTIONS,
    comments: ["comment"],
    style: "brace",
    lineComment: "//"
  },
  typescript: {
    grammar: ["tree-sitter-typescript", "tree-sitter-typescript.wasm"],
    functions: JS_FUNCTIONS,
    comments: ["comment"],
    style: "brace",
    lineComment: "//"
  },
  tsx: {
    grammar: ["tree-sitter-typescript", "tree-sitter-tsx.wasm"],
    functions: JS_FUNCTIONS,
    comments: ["comment"],
    style: "brace",
    lineComment: "//"
  },
  go: {
    grammar: ["tree-sitter-go", "tree-sitter-go.wasm"],
    functions: `
(function_declaration body: (block) @body) @fn
(method_declaration body: (block) @body) @fn
(func_literal body: (block) @body) @fn`,
    comments: ["comment"],
    style: "brace",
    lineComment: "//"
  },
  rust: {
    grammar: ["tree-sitter-rust", "tree-sitter-rust.wasm"],
    functions: `
(function_item body: (block) @body) @fn
(closure_expression body: (block) @body) @fn`,
    comments: ["line_comment", "block_comment"],
    style: "brace",
    lineComment: "//"
  },
  java: {
    grammar: ["tree-sitter-java", "tree-sitter-java.wasm"],
    functions: `
(method_declaration body: (block) @body) @fn
(constructor_declaration body: (constructor_body) @body) @fn
(lambda_expression body: (block) @body) @fn`,
    comments: ["line_comment", "block_comment"],
    style: "brace",
    lineComment: "//"
  },
  cpp: {
    grammar: ["tree-sitter-cpp", "tree-sitter-cpp.wasm"],
    functions: `
(function_definition body: (compound_statement) @body) @fn
(lambda_expression body: (compound_statement) @body) @fn`,
    comments: ["comment"],
    style: "brace",
    lineComment: "//"
  }
}

/** The language of a `code:<lang>` content type, when the stage knows it. */
export const languageOf = (lang: string): LanguageName | undefined => lang in LANGUAGES ? lang as LanguageName : undefined
