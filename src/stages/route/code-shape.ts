/**
 * Source code by its content: which language it is, from lines only that language writes (scored
 * by how many lines show them), and — for code in a language not listed here — whether it has the
 * shape of code at all: lines that end in `{`, `;` or `do`, close blocks, call and assign.
 *
 * @since 0.2.0
 */
import type { LanguageName } from "../code/languages.ts"

/** Lines written only (or mostly) in one language. */
const SIGNS: ReadonlyArray<readonly [LanguageName, RegExp]> = [
  ["python", /^\s*(?:def \w+\(|async def \w|class \w+[(:]|import \w|from [\w.]+ import|elif .*:$|if __name__|@[\w.]+(?:\(.*\))?$|except\b.*:$|with .* as \w+:$|(?:self|cls)\.\w)/],
  ["javascript", /^\s*(?:(?:export )?(?:const|let|var|function\*?|class) [\w$]|import .* from ['"]|module\.exports|(?:const|let|var) .*= require\(['"]|\}\);?$|.*=> \{$)/],
  ["go", /^\s*(?:package \w+$|func (?:\(\w+ \*?[\w.]+\) )?\w+\(|import \($|\w+(?:, \w+)* := |type \w+ (?:struct|interface) \{|if err != nil|defer \w)/],
  ["rust", /^\s*(?:(?:pub(?:\([\w:]+\))? )?(?:fn|struct|enum|trait|impl|mod|use) |let (?:mut )?\w+|#\[(?:derive|cfg|test)|impl<|match .* \{$|-> (?:Result|Option|Self|&)|\w+!\()/],
  ["java", /^\s*(?:(?:public|private|protected) (?:static )?(?:final )?(?:abstract )?[\w<>\[\], ]+ \w+\s*[({=;]|package [\w.]+;$|import (?:static )?[\w.]+\*?;$|@Override$|throws \w+)/],
  ["csharp", /^\s*(?:using (?:static )?System[\w.]*;$|using [\w.]+;$|namespace [\w.]+\s*[{;]?$|(?:public|private|protected|internal) (?:static |async |override |virtual |sealed |readonly |partial )*[\w<>\[\],?]+ \w+\(|.*\{ get; (?:private |protected )?set; \}|\[[A-Z]\w+(?:\(.*\))?\]$|#region|#endregion)/],
  ["cpp", /^\s*(?:#include <[\w/]+>|template ?<|namespace \w+ \{|class \w+ (?:final )?[:{]|(?:public|private|protected):$|.*\bstd::|.*\w::\w+\(|.*\bnullptr\b)/],
  ["c", /^\s*(?:#include [<"][\w/.]+\.h[>"]|#define \w|#if(?:n?def)? \w|typedef |struct \w+ ?\{|static \w[\w\s*]*\(|(?:int|void|char|size_t|unsigned|long|double|float|bool) \**\w+\(.*\)\s*\{?$|.*\bmalloc\(|.*\bsizeof\(|.*\w->\w)/],
  ["ruby", /^\s*(?:def (?:self\.)?[\w?!]+|class \w+(?: < [\w:]+)?$|module \w+$|require(?:_relative)? ['"]|attr_(?:accessor|reader|writer) :|elsif |unless |.*\.each do(?: \|.*\|)?$|.* do \|[\w, ]+\|$|puts |raise \w|@\w+ = )/],
  ["php", /^\s*(?:<\?php|\$\w+\s*=|.*\$this->|(?:public |private |protected |static )*function \w+\(|namespace [\w\\]+;$|use [\w\\]+;$|echo )/],
  ["kotlin", /^\s*(?:(?:(?:private|public|internal|protected|override|suspend|inline|open|abstract) )*fun (?:<.*> )?[\w.]+\(|(?:private |internal |override )*va[lr] \w+(?:: [\w<>?]+)? ?=|data class|companion object|object \w+|package [\w.]+$|import [\w.]+$|when \(|.*\?\.let \{)/],
  ["swift", /^\s*(?:(?:(?:public|private|internal|fileprivate|open|static|override|@objc|mutating) )*func \w+|import (?:Foundation|UIKit|SwiftUI|Combine)$|guard let|if let \w|struct \w+(?:: [\w, ]+)? \{|extension \w+|(?:public |private )?(?:let|var) \w+: [\w<>?\[\]]+|@(?:objc|IBOutlet|MainActor|Published))/],
  ["scala", /^\s*(?:(?:override |private |protected |final )*def \w+.*[=:]|(?:case )?class \w+\(|(?:case )?object \w+|trait \w+|import scala\.|.*\bextends \w+ with |implicit |val \w+(?:: [\w\[\]]+)? =)/],
  // Elixir, and the DSLs written in it (Ash, Phoenix, Ecto, config): `sqlite do`, `attribute :name, :string`.
  ["elixir", /^\s*(?:defmodule |defp? [\w?!]+.* do$|defp? [\w?!]+.*, do:|defstruct|defmacro |@(?:moduledoc|doc|spec|type|impl) |\|> |use \w|alias \w|case .* do$|.*fn .* ->|%\{|[a-z_]+ do$|[a-z_]+ :\w+(?:, |$)|config :\w+|import \w+$|assert |test "[^"]*"(?:, %\{.*\})? do$|describe "[^"]*" do$)/],
  ["ocaml", /^\s*(?:let (?:rec )?[a-z_][\w']* [a-z_(][^=]*=|let .* in$|.* in$|and [a-z_][\w']* .*=|type (?:'\w+ )?[a-z_]\w* =|module \w+ (?::|=)|match .* with$|\| [A-Z]\w*.*->|open [A-Z]\w*$|val [a-z_]\w* :|.*;;$|\(\*)/],
  ["perl", /^\s*(?:use (?:strict|warnings|vars|constant|Carp|Exporter)\b|my [$@%]\w+|our [$@%]\w+|sub \w+ ?\{?$|package [\w:]+;$|.*\$\w+ =~|__END__$|=head\d|=cut$|local \$)/],
  ["erlang", /^(?:-(?:module|export|import|include|include_lib|define|record|spec|type|behaviou?r|callback)\(|[a-z]\w*\(.*\)\s*(?:when .*)?->$|\s+.*\bend\.$)/],
  ["bash", /^\s*(?:#!\/(?:usr\/)?bin\/(?:env )?(?:ba|z|k)?sh\b|if \[\[? |then$|fi$|for \w+ in .*; do$|do$|done$|esac$|case .* in$|elif \[|echo |export \w+=|local \w+|\w+\(\) \{$|function \w+ \{$|set -[euxo])/],
  ["lua", /^\s*(?:local \w+(?:, ?\w+)* = |local function \w|function [\w.:]+ ?\(|elseif .* then$|.* then$|require ?\(?['"]|.*~=|--\[\[|for \w+(?:, ?\w+)* in i?pairs)/]
]

/** Shebang lines name their language. */
const SHEBANG: ReadonlyArray<readonly [RegExp, LanguageName]> = [
  [/^#!.*\b(?:ba|z|k|da)?sh\b/, "bash"],
  [/^#!.*\bpython/, "python"],
  [/^#!.*\bnode\b/, "javascript"],
  [/^#!.*\bruby\b/, "ruby"],
  [/^#!.*\bperl\b/, "perl"],
  [/^#!.*\blua\b/, "lua"],
  [/^#!.*\b(?:elixir|iex)\b/, "elixir"],
  [/^#!.*\bphp\b/, "php"]
]

// Syntax only TypeScript has, to tell it from JavaScript.
const TYPESCRIPT_ONLY = /^\s*(?:(?:export )?(?:interface|type|enum|declare) \w|import type )|\w\??: (?:string|number|boolean|unknown|void|Promise<|Array<|Record<|readonly )|\) ?: \w+(?:<[^>]*>)? ?(?:\{|=>)|\bas const\b/
// What C++ has and C has not.
const CPP_ONLY = /\bstd::|\btemplate ?<|^\s*namespace \w|^\s*class \w|^\s*(?:public|private|protected):|\bnullptr\b|#include <(?!.*\.h>)[\w/]+>|\w::\w/

// Comment lines say nothing about the language and can fill a file's first hundreds of lines.
const COMMENT = /^\s*(?:\/\/|\/\*|\*|#(?!include|define|if|endif|pragma|\[|!|region|endregion)|--(?!\[)|<!--|%)/

const share = (lines: ReadonlyArray<string>, test: (line: string) => boolean) =>
  lines.length === 0 ? 0 : lines.filter(test).length / lines.length

/** The language of source lines (non-blank), when one stands out. */
export const codeLanguage = (allLines: ReadonlyArray<string>): LanguageName | undefined => {
  for (const [pattern, language] of SHEBANG) if (pattern.test(allLines[0] ?? "")) return language
  if (/^\s*<\?php/.test(allLines[0] ?? "")) return "php"
  const lines = allLines.filter((l) => !COMMENT.test(l))
  let best: LanguageName | undefined
  let bestShare = 0
  for (const [lang, pattern] of SIGNS) {
    const s = share(lines, (l) => pattern.test(l))
    if (s > bestShare) [best, bestShare] = [lang, s]
  }
  if (bestShare < 0.08) return undefined
  if (best === "javascript" && share(lines, (l) => TYPESCRIPT_ONLY.test(l)) >= 0.01) return "typescript"
  if (best === "c" || best === "cpp") return lines.some((l) => CPP_ONLY.test(l)) ? "cpp" : "c"
  return best
}

/** A line with the syntax of code: it opens or closes a block, ends a statement, calls or assigns. */
const CODE_LINE =
  /[{;]\s*(?:\/\/.*|#.*)?$|^\s*[}\])]|\b(?:do|then|begin|end)\s*$|^\s*(?:end|fi|done|esac|return|import|export|include|def|fn|fun|func|function|let|const|var|val|if|elif|else|for|while|switch|case|match|try|catch|except|class|struct|module|package|public|private|static)\b|[\w\])]\s*(?:[!=<>+\-*/%]?=|=>|->|<-|:=|\|>|::)\s*\S|\w\(.*\)\s*$/

/**
 * Whether lines have the shape of code in some language: most lines have code syntax, and few
 * read as sentences (prose with a parenthesis or a `:` is not code).
 */
export const hasCodeShape = (lines: ReadonlyArray<string>, sentences: number): boolean =>
  lines.length >= 3 && share(lines, (l) => CODE_LINE.test(l)) >= 0.45 && sentences < 0.3
