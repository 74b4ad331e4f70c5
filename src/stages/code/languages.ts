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
  /** Function-like node types, each with the type of the node in its `body` field. */
  readonly functions: ReadonlyArray<readonly [fn: string, body: string]>
  /** Node types of comments. */
  readonly comments: ReadonlyArray<string>
  /** `brace`: bodies are `{ … }` blocks; `indent`: Python blocks. */
  readonly style: "brace" | "indent"
  /** How a line comment starts, for markers that replace comment runs. */
  readonly lineComment: string
  /** Node types whose `body` may open with a docstring (Python classes). */
  readonly docstrings?: ReadonlyArray<string>
  /** Node types of data literals (arrays, lists) whose long middles may go like a comment's. */
  readonly literals: ReadonlyArray<string>
}

const JS_FUNCTIONS = ["function_declaration", "function_expression", "generator_function_declaration", "generator_function", "arrow_function", "method_definition"]
  .map((fn) => [fn, "statement_block"] as const)

export const LANGUAGES: Record<LanguageName, LanguageSpec> = {
  python: {
    grammar: ["tree-sitter-python", "tree-sitter-python.wasm"],
    functions: [["function_definition", "block"]],
    comments: ["comment"],
    style: "indent",
    lineComment: "#",
    docstrings: ["class_definition"],
    literals: ["list", "tuple", "set"]
  },
  javascript: {
    grammar: ["tree-sitter-javascript", "tree-sitter-javascript.wasm"],
    functions: JS_FUNCTIONS,
    comments: ["comment"],
    style: "brace",
    lineComment: "//",
    literals: ["array"]
  },
  typescript: {
    grammar: ["tree-sitter-typescript", "tree-sitter-typescript.wasm"],
    functions: JS_FUNCTIONS,
    comments: ["comment"],
    style: "brace",
    lineComment: "//",
    literals: ["array"]
  },
  tsx: {
    grammar: ["tree-sitter-typescript", "tree-sitter-tsx.wasm"],
    functions: JS_FUNCTIONS,
    comments: ["comment"],
    style: "brace",
    lineComment: "//",
    literals: ["array"]
  },
  go: {
    grammar: ["tree-sitter-go", "tree-sitter-go.wasm"],
    functions: [["function_declaration", "block"], ["method_declaration", "block"], ["func_literal", "block"]],
    comments: ["comment"],
    style: "brace",
    lineComment: "//",
    literals: ["literal_value"]
  },
  rust: {
    grammar: ["tree-sitter-rust", "tree-sitter-rust.wasm"],
    functions: [["function_item", "block"], ["closure_expression", "block"]],
    comments: ["line_comment", "block_comment"],
    style: "brace",
    lineComment: "//",
    literals: ["array_expression"]
  },
  java: {
    grammar: ["tree-sitter-java", "tree-sitter-java.wasm"],
    functions: [["method_declaration", "block"], ["constructor_declaration", "constructor_body"], ["lambda_expression", "block"]],
    comments: ["line_comment", "block_comment"],
    style: "brace",
    lineComment: "//",
    literals: ["array_initializer"]
  },
  cpp: {
    grammar: ["tree-sitter-cpp", "tree-sitter-cpp.wasm"],
    functions: [["function_definition", "compound_statement"], ["lambda_expression", "compound_statement"]],
    comments: ["comment"],
    style: "brace",
    lineComment: "//",
    literals: ["initializer_list"]
  }
}

/** The language of a `code:<lang>` content type, when the stage knows it. */
export const languageOf = (lang: string): LanguageName | undefined => Object.hasOwn(LANGUAGES, lang) ? lang as LanguageName : undefined
