/**
 * `/api/v1/docs`: the reference rendered on the server from the same OpenAPI document served at
 * `/api/v1/openapi.json` (no script, no third-party assets).
 * @module
 */
import { raw } from 'hono/html'
import type { JSX } from 'hono/jsx/jsx-runtime'
import { escapeHtml } from '../../web/render.js'

type Schema = {
  type?: string | string[]
  description?: string
  properties?: Record<string, Schema>
  required?: string[]
  $ref?: string
  enum?: unknown[]
}
type Operation = {
  summary?: string
  description?: string
  security?: unknown[]
  requestBody?: { content?: Record<string, { schema?: Schema }> }
  responses?: Record<string, { description?: string }>
}
type Doc = {
  info: { title: string; description?: string; version: string }
  paths?: Record<string, Record<string, Operation> | undefined>
  components?: { schemas?: Record<string, Schema> }
}

function resolve(doc: Doc, schema: Schema | undefined): Schema | undefined {
  const ref = schema?.$ref?.split('/').at(-1)
  return ref ? doc.components?.schemas?.[ref] : schema
}

function Fields(props: { doc: Doc; schema: Schema | undefined }): JSX.Element | null {
  const schema = resolve(props.doc, props.schema)
  const fields = Object.entries(schema?.properties ?? {})
  if (fields.length === 0) return null
  return (
    <table>
      <tbody>
        {fields.map(([name, field]) => {
          const f = resolve(props.doc, field)
          return (
            <tr>
              <td>
                <code>{name}</code>
                {schema?.required?.includes(name) ? ' (required)' : ''}
              </td>
              <td>{[String(f?.type ?? 'object'), f?.description ?? ''].filter(Boolean).join(' — ')}</td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}

export function ReferencePage(props: { doc: unknown }): JSX.Element {
  const doc = props.doc as Doc
  return (
    <html lang="en">
      {/* Markup, not JSX: see web/render.ts on <head>, <title> and <style>. */}
      {raw(
        `<head><meta charset="utf-8"/><title>${escapeHtml(`${doc.info.title} reference`)}</title><style>` +
          'body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}code{background:#f3f3f3;padding:0 .2em}td{vertical-align:top;padding:.2rem .6rem;border-top:1px solid #eee}section{margin:2rem 0}' +
          '</style></head>',
      )}
      <body>
        <h1>
          {doc.info.title} <small>v{doc.info.version}</small>
        </h1>
        <p>{doc.info.description}</p>
        <p>
          Machine-readable: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1).
        </p>
        {Object.entries(doc.paths ?? {}).flatMap(([path, operations]) =>
          Object.entries(operations ?? {}).map(([method, op]) => (
            <section data-operation={`${method.toUpperCase()} ${path}`}>
              <h2>
                <code>
                  {method.toUpperCase()} {path}
                </code>
              </h2>
              <p>{op.summary}</p>
              <Fields doc={doc} schema={op.requestBody?.content?.['application/json']?.schema} />
              <ul>
                {Object.entries(op.responses ?? {}).map(([status, r]) => (
                  <li>
                    <code>{status}</code> {r.description}
                  </li>
                ))}
              </ul>
            </section>
          )),
        )}
      </body>
    </html>
  )
}
