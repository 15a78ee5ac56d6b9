/**
 * Where resources declare themselves: API routes, includable fields, scheduled actions and hosted
 * pages. Resource modules call these at import time; `resources/index.ts` imports them all.
 * @module
 */
import type { Context, Hono } from 'hono'
import type Stripe from 'stripe'
import type { Action, Ctx, Handler, Includable, RouteDef } from './context.js'

const routes: RouteDef[] = []
const includables = new Map<string, Map<string, Includable>>()
const actions = new Map<string, Action>()
const finalizers: Finalizer[] = []

/** Runs after every unit of work with the events it emitted, and may emit more (into the same burst). */
export type Finalizer = (ctx: Ctx, events: readonly Stripe.Event[]) => void

export type PageHandler = (c: Context, ctx: Ctx) => Response | Promise<Response>
export type PageDef = { method: 'get' | 'post'; path: string; handler: PageHandler }
const pages: PageDef[] = []

export function route(method: RouteDef['method'], path: string, handler: Handler): void {
  routes.push({ method, path, handler })
}

export function includable(objectType: string, field: string, fn: Includable): void {
  const forType = includables.get(objectType) ?? new Map<string, Includable>()
  includables.set(objectType, forType)
  forType.set(field, fn)
}

export function registerAction(name: string, fn: Action): void {
  actions.set(name, fn)
}

/** A hosted page (Checkout, Portal, 3DS) served on the emulator's port without an API key. */
export function page(method: PageDef['method'], path: string, handler: PageHandler): void {
  pages.push({ method, path, handler })
}

export function afterWork(fn: Finalizer): void {
  finalizers.push(fn)
}

export function allFinalizers(): readonly Finalizer[] {
  return finalizers
}

export function allRoutes(): readonly RouteDef[] {
  return routes
}

export function allPages(): readonly PageDef[] {
  return pages
}

export function findIncludable(objectType: string, field: string): Includable | undefined {
  return includables.get(objectType)?.get(field)
}

export function findAction(name: string): Action | undefined {
  return actions.get(name)
}

export type { Hono }
