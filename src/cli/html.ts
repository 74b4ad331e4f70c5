/**
 * `headroom html`: an HTML page on stdin, its main content as readable text on stdout.
 *
 * @since 0.1.0
 */
import { htmlBytes } from "../stages/html.ts"
import { compressionCommand } from "./compression-command.ts"

export const htmlCommand = compressionCommand({
  name: "html",
  short: "an HTML page's main content as readable text; scripts, styles and navigation left out",
  description:
    "Extract the main content of an HTML page from stdin (<main>, else role=main, else the largest <article>, " +
    "else <body>) as readable text: headings, paragraphs, lists, links with their targets, tables and code " +
    "blocks; scripts, styles, navigation, sidebars, headers, footers and forms are left out and counted. The " +
    "prose is shortened as kompress does (--query words always kept); headings and code stay as they are.",
  examples: [
    { command: "curl -s https://doc.rust-lang.org/std/collections/struct.HashMap.html | headroom html", description: "a documentation page, read" },
    { command: "headroom html --stats < page.html > page.md", description: "and the savings" }
  ],
  run: (input, { query }) => htmlBytes(input, { query })
})
