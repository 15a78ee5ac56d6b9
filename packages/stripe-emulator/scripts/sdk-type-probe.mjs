// The pinned `stripe` package's declarations, read by the TypeScript checker: a virtual file
// (never written to disk) declares `export type T<i> = <type text>` for each text, and the caller
// walks the resolved types. Shared by stripe-shapes.mjs and stripe-params.mjs.
import { resolve } from 'node:path'
import ts from 'typescript'

/** Resolves each of `typeTexts` (e.g. `Stripe.Customer`); returns the checker and `[index, type]` pairs in order. */
export function probeStripeTypes(name, typeTexts) {
  const probe = resolve(`__${name}_probe__.ts`)
  const text = ['import Stripe from "stripe"', ...typeTexts.map((t, i) => `export type T${i} = ${t}`)].join(
    '\n',
  )
  const options = {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    skipLibCheck: true,
  }
  const host = ts.createCompilerHost(options)
  const { readFile, fileExists, getSourceFile } = host
  host.readFile = (f) => (f === probe ? text : readFile.call(host, f))
  host.fileExists = (f) => f === probe || fileExists.call(host, f)
  host.getSourceFile = (f, lang) =>
    f === probe ? ts.createSourceFile(f, text, lang) : getSourceFile.call(host, f, lang)
  const program = ts.createProgram([probe], options, host)
  const checker = program.getTypeChecker()
  const types = []
  for (const node of program.getSourceFile(probe).statements) {
    if (!ts.isTypeAliasDeclaration(node)) continue
    types.push([Number(node.name.text.slice(1)), checker.getTypeAtLocation(node), node.name.text])
  }
  return { checker, types }
}
