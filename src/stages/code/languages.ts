/**
 * The languages the code stage knows. Every one has its file extensions and comment syntax;
 * those with a tree-sitter grammar (its WebAssembly build, shipped in an npm package) also say
 * which nodes are functions, where a function's body is, which nodes are comments, and how an
 * elided body is written so the file still parses. Languages without a grammar get the
 * language-agnostic outline (outline.ts).
 *
 * @since 0.1.0
 */
import type { Node } from "web-tree-sitter"

export type GrammarName =
  | "python" | "javascript" | "typescript" | "tsx" | "go" | "rust" | "java" | "cpp"
  | "c" | "csharp" | "ruby" | "php" | "kotlin" | "swift" | "scala" | "elixir" | "bash" | "lua"

/** Languages known by name and extension, compressed by the outline. */
export type OutlineName =
  | "erlang" | "haskell" | "ocaml" | "fsharp" | "clojure" | "perl" | "r" | "julia" | "dart" | "zig" | "nim"
  | "crystal" | "groovy" | "objc" | "powershell" | "sql" | "css" | "scss" | "vue" | "svelte" | "protobuf"
  | "terraform" | "makefile" | "dockerfile" | "yaml" | "toml" | "elm" | "solidity" | "vb" | "fortran" | "d"

export type LanguageName = GrammarName | OutlineName

/**
 * Where a function's body is: its `body` field, or a path of child node types (Kotlin's
 * `function_body` > `block`, Elixir's `do_block`). `inner` bodies keep their first and last rows
 * (`{` … `}`, `do` … `end`); `whole` bodies (Python, Ruby, Lua blocks) are all rows between the
 * header and any closing keyword.
 */
export interface FunctionKind {
  readonly node: string
  readonly body: "field" | ReadonlyArray<string>
  /** The node types a body may have; another type (an expression body, `= x`) is never elided. */
  readonly bodyTypes: ReadonlyArray<string>
  readonly rows: "inner" | "whole"
  /** For node types that are not always functions (Elixir's `call` is a function only after `def`). */
  readonly when?: (node: Node) => boolean
}

export interface GrammarSpec {
  /** The npm package, and its .wasm file inside it. */
  readonly grammar: readonly [pkg: string, wasm: string]
  readonly functions: ReadonlyArray<FunctionKind>
  /** Node types of comments. */
  readonly comments: ReadonlyArray<string>
  /** How a line comment starts, for markers that replace comment runs. */
  readonly lineComment: string
  /** What surrounds a marker that stands for a body, so the body still parses. */
  readonly bodyMarker: readonly [before: string, after: string]
  /** Node types whose `body` may open with a docstring (Python classes and functions). */
  readonly docstrings?: ReadonlyArray<string>
  /** Node types of data literals (arrays, lists) whose long middles may go like a comment's. */
  readonly literals: ReadonlyArray<string>
}

const inBraces = (node: string, bodyTypes: ReadonlyArray<string>): FunctionKind => ({ node, body: "field", bodyTypes, rows: "inner" })

const JS_FUNCTIONS = ["function_declaration", "function_expression", "generator_function_declaration", "generator_function", "arrow_function", "method_definition"]
  .map((fn) => inBraces(fn, ["statement_block"]))

const C_BLOCK = ["/* ", " */"] as const

const ELIXIR_DEFINITIONS = new Set(["def", "defp", "defmacro", "defmacrop", "defguard", "defguardp"])

export const GRAMMARS: Record<GrammarName, GrammarSpec> = {
  python: {
    grammar: ["tree-sitter-python", "tree-sitter-python.wasm"],
    functions: [{ node: "function_definition", body: "field", bodyTypes: ["block"], rows: "whole" }],
    comments: ["comment"],
    lineComment: "#",
    bodyMarker: ["...  # ", ""],
    docstrings: ["class_definition"],
    literals: ["list", "tuple", "set"]
  },
  javascript: {
    grammar: ["tree-sitter-javascript", "tree-sitter-javascript.wasm"],
    functions: JS_FUNCTIONS,
    comments: ["comment"],
    lineComment: "//",
    bodyMarker: C_BLOCK,
    literals: ["array"]
  },
  typescript: {
    grammar: ["tree-sitter-typescript", "tree-sitter-typescript.wasm"],
    functions: JS_FUNCTIONS,
    comments: ["comment"],
    lineComment: "//",
    bodyMarker: C_BLOCK,
    literals: ["array"]
  },
  tsx: {
    grammar: ["tree-sitter-typescript", "tree-sitter-tsx.wasm"],
    functions: JS_FUNCTIONS,
    comments: ["comment"],
    lineComment: "//",
    bodyMarker: C_BLOCK,
    literals: ["array"]
  },
  go: {
    grammar: ["tree-sitter-go", "tree-sitter-go.wasm"],
    functions: ["function_declaration", "method_declaration", "func_literal"].map((fn) => inBraces(fn, ["block"])),
    comments: ["comment"],
    lineComment: "//",
    bodyMarker: C_BLOCK,
    literals: ["literal_value"]
  },
  rust: {
    grammar: ["tree-sitter-rust", "tree-sitter-rust.wasm"],
    functions: [inBraces("function_item", ["block"]), inBraces("closure_expression", ["block"])],
    comments: ["line_comment", "block_comment"],
    lineComment: "//",
    bodyMarker: C_BLOCK,
    literals: ["array_expression"]
  },
  java: {
    grammar: ["tree-sitter-java", "tree-sitter-java.wasm"],
    functions: [inBraces("method_declaration", ["block"]), inBraces("constructor_declaration", ["constructor_body"]), inBraces("lambda_expression", ["block"])],
    comments: ["line_comment", "block_comment"],
    lineComment: "//",
    bodyMarker: C_BLOCK,
    literals: ["array_initializer"]
  },
  cpp: {
    grammar: ["tree-sitter-cpp", "tree-sitter-cpp.wasm"],
    functions: [inBraces("function_definition", ["compound_statement"]), inBraces("lambda_expression", ["compound_statement"])],
    comments: ["comment"],
    lineComment: "//",
    bodyMarker: C_BLOCK,
    literals: ["initializer_list"]
  },
  c: {
    grammar: ["tree-sitter-c", "tree-sitter-c.wasm"],
    functions: [inBraces("function_definition", ["compound_statement"])],
    comments: ["comment"],
    lineComment: "//",
    bodyMarker: C_BLOCK,
    literals: ["initializer_list"]
  },
  csharp: {
    grammar: ["tree-sitter-c-sharp", "tree-sitter-c_sharp.wasm"],
    functions: ["method_declaration", "constructor_declaration", "destructor_declaration", "operator_declaration", "conversion_operator_declaration", "accessor_declaration", "local_function_statement", "lambda_expression"]
      .map((fn) => inBraces(fn, ["block"])),
    comments: ["comment"],
    lineComment: "//",
    bodyMarker: C_BLOCK,
    literals: ["initializer_expression"]
  },
  ruby: {
    grammar: ["tree-sitter-ruby", "tree-sitter-ruby.wasm"],
    functions: [
      { node: "method", body: "field", bodyTypes: ["body_statement"], rows: "whole" },
      { node: "singleton_method", body: "field", bodyTypes: ["body_statement"], rows: "whole" }
    ],
    comments: ["comment"],
    lineComment: "#",
    bodyMarker: ["# ", ""],
    literals: ["array", "hash"]
  },
  php: {
    grammar: ["tree-sitter-php", "tree-sitter-php.wasm"],
    functions: ["function_definition", "method_declaration", "anonymous_function"].map((fn) => inBraces(fn, ["compound_statement"])),
    comments: ["comment"],
    lineComment: "//",
    bodyMarker: C_BLOCK,
    literals: ["array_creation_expression"]
  },
  kotlin: {
    grammar: ["@tree-sitter-grammars/tree-sitter-kotlin", "tree-sitter-kotlin.wasm"],
    functions: ["function_declaration", "secondary_constructor", "getter", "setter", "anonymous_function"]
      .map((node) => ({ node, body: ["function_body", "block"], bodyTypes: ["block"], rows: "inner" as const })),
    comments: ["line_comment", "block_comment"],
    lineComment: "//",
    bodyMarker: C_BLOCK,
    literals: []
  },
  swift: {
    grammar: ["@repomix/tree-sitter-wasms", "out/tree-sitter-swift.wasm"],
    functions: [
      ...["function_declaration", "init_declaration", "deinit_declaration"].map((fn) => inBraces(fn, ["function_body"])),
      // `var description: String { … }`
      { node: "property_declaration", body: ["computed_property"], bodyTypes: ["computed_property"], rows: "inner" }
    ],
    comments: ["comment", "multiline_comment"],
    lineComment: "//",
    bodyMarker: C_BLOCK,
    literals: ["array_literal", "dictionary_literal"]
  },
  scala: {
    grammar: ["tree-sitter-scala", "tree-sitter-scala.wasm"],
    functions: [inBraces("function_definition", ["block"])],
    comments: ["comment", "block_comment"],
    lineComment: "//",
    bodyMarker: C_BLOCK,
    literals: []
  },
  elixir: {
    grammar: ["tree-sitter-elixir", "tree-sitter-elixir.wasm"],
    functions: [{
      node: "call",
      body: ["do_block"],
      bodyTypes: ["do_block"],
      rows: "inner",
      when: (call) => ELIXIR_DEFINITIONS.has(call.childForFieldName("target")?.text ?? "")
    }],
    comments: ["comment"],
    lineComment: "#",
    bodyMarker: ["# ", ""],
    literals: ["list", "map"]
  },
  bash: {
    grammar: ["tree-sitter-bash", "tree-sitter-bash.wasm"],
    functions: [inBraces("function_definition", ["compound_statement"])],
    comments: ["comment"],
    lineComment: "#",
    // A shell function's body may not be empty: `:` is the no-op command.
    bodyMarker: [": # ", ""],
    literals: []
  },
  lua: {
    grammar: ["@tree-sitter-grammars/tree-sitter-lua", "tree-sitter-lua.wasm"],
    functions: ["function_declaration", "function_definition"].map((node) => ({ node, body: "field" as const, bodyTypes: ["block"], rows: "whole" as const })),
    comments: ["comment"],
    lineComment: "--",
    bodyMarker: ["-- ", ""],
    literals: ["table_constructor"]
  }
}

export interface LanguageInfo {
  /** File extensions, lower case, with the dot. */
  readonly extensions: ReadonlyArray<string>
  /** Whole file names (`Makefile`), when the name and not an extension says it. */
  readonly filenames?: ReadonlyArray<string>
  /** How a line comment starts, if the language has one. */
  readonly lineComment: string | undefined
}

export const LANGUAGES: Record<LanguageName, LanguageInfo> = {
  python: { extensions: [".py", ".pyi", ".pyw"], lineComment: "#" },
  javascript: { extensions: [".js", ".mjs", ".cjs", ".jsx"], lineComment: "//" },
  typescript: { extensions: [".ts", ".mts", ".cts"], lineComment: "//" },
  tsx: { extensions: [".tsx"], lineComment: "//" },
  go: { extensions: [".go"], lineComment: "//" },
  rust: { extensions: [".rs"], lineComment: "//" },
  java: { extensions: [".java"], lineComment: "//" },
  cpp: { extensions: [".cc", ".cpp", ".cxx", ".c++", ".hh", ".hpp", ".hxx", ".h++", ".ipp", ".inl", ".cu"], lineComment: "//" },
  c: { extensions: [".c", ".h"], lineComment: "//" },
  csharp: { extensions: [".cs", ".csx"], lineComment: "//" },
  ruby: { extensions: [".rb", ".rake", ".gemspec", ".ru"], filenames: ["Rakefile", "Gemfile", "Podfile", "Vagrantfile"], lineComment: "#" },
  php: { extensions: [".php", ".phtml"], lineComment: "//" },
  kotlin: { extensions: [".kt", ".kts"], lineComment: "//" },
  swift: { extensions: [".swift"], lineComment: "//" },
  scala: { extensions: [".scala", ".sc", ".sbt"], lineComment: "//" },
  elixir: { extensions: [".ex", ".exs"], lineComment: "#" },
  bash: { extensions: [".sh", ".bash", ".zsh", ".ksh"], filenames: [".bashrc", ".zshrc", ".profile", ".bash_profile"], lineComment: "#" },
  lua: { extensions: [".lua"], lineComment: "--" },
  erlang: { extensions: [".erl", ".hrl", ".escript"], lineComment: "%" },
  haskell: { extensions: [".hs", ".lhs"], lineComment: "--" },
  ocaml: { extensions: [".ml", ".mli"], lineComment: undefined },
  fsharp: { extensions: [".fs", ".fsi", ".fsx"], lineComment: "//" },
  clojure: { extensions: [".clj", ".cljs", ".cljc", ".edn"], lineComment: ";;" },
  perl: { extensions: [".pl", ".pm", ".t"], lineComment: "#" },
  r: { extensions: [".r"], lineComment: "#" },
  julia: { extensions: [".jl"], lineComment: "#" },
  dart: { extensions: [".dart"], lineComment: "//" },
  zig: { extensions: [".zig"], lineComment: "//" },
  nim: { extensions: [".nim"], lineComment: "#" },
  crystal: { extensions: [".cr"], lineComment: "#" },
  groovy: { extensions: [".groovy", ".gradle"], lineComment: "//" },
  objc: { extensions: [".m", ".mm"], lineComment: "//" },
  powershell: { extensions: [".ps1", ".psm1"], lineComment: "#" },
  sql: { extensions: [".sql"], lineComment: "--" },
  css: { extensions: [".css"], lineComment: undefined },
  scss: { extensions: [".scss", ".sass", ".less"], lineComment: "//" },
  vue: { extensions: [".vue"], lineComment: undefined },
  svelte: { extensions: [".svelte"], lineComment: undefined },
  protobuf: { extensions: [".proto"], lineComment: "//" },
  terraform: { extensions: [".tf", ".hcl"], lineComment: "#" },
  makefile: { extensions: [".mk", ".mak"], filenames: ["Makefile", "makefile", "GNUmakefile"], lineComment: "#" },
  dockerfile: { extensions: [".dockerfile"], filenames: ["Dockerfile", "Containerfile"], lineComment: "#" },
  yaml: { extensions: [".yml", ".yaml"], lineComment: "#" },
  toml: { extensions: [".toml"], lineComment: "#" },
  elm: { extensions: [".elm"], lineComment: "--" },
  solidity: { extensions: [".sol"], lineComment: "//" },
  vb: { extensions: [".vb", ".bas"], lineComment: "'" },
  fortran: { extensions: [".f90", ".f95", ".f03", ".f"], lineComment: "!" },
  d: { extensions: [".d"], lineComment: "//" }
}

/** The language of a name (`python`, or a `code:<lang>` type's tail), when the stage knows it. */
export const languageOf = (lang: string): LanguageName | undefined => Object.hasOwn(LANGUAGES, lang) ? lang as LanguageName : undefined

/** The grammar of a language, when there is one. */
export const grammarOf = (lang: string): GrammarName | undefined => Object.hasOwn(GRAMMARS, lang) ? lang as GrammarName : undefined

/** The language a file's name says, when it says one (`lib/x.ex` is Elixir). */
export const languageOfPath = (path: string): LanguageName | undefined => {
  const name = path.slice(path.lastIndexOf("/") + 1)
  const dot = name.lastIndexOf(".")
  const extension = dot > 0 ? name.slice(dot).toLowerCase() : undefined
  for (const [lang, info] of Object.entries(LANGUAGES) as Array<[LanguageName, LanguageInfo]>) {
    if (info.filenames?.includes(name) || (extension !== undefined && info.extensions.includes(extension))) return lang
  }
  return undefined
}
