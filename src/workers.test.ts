import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDeps, type TestDeps } from '../test/harness.js'
import { drainWorkers, startWorkers, type Worker } from './workers.js'

/** A worker over an in-memory queue: handles one item per run. */
function queueWorker(items: number[]): Worker & { done: number[] } {
  const done: number[] = []
  return {
    name: 'queue',
    intervalMs: 10,
    done,
    async runOnce() {
      const item = items.shift()
      if (item === undefined) return 0
      if (item < 0) throw new Error('bad item')
      done.push(item)
      return 1
    },
  }
}

describe('workers', () => {
  let t: TestDeps
  beforeAll(async () => {
    t = await createTestDeps('sqlite')
  })
  afterAll(() => t.close())

  it('drain runs until a round handles nothing', async () => {
    const worker = queueWorker([1, 2, 3])
    await drainWorkers(t.deps, { workers: [worker] })
    expect(worker.done).toEqual([1, 2, 3])
  })

  it('background loops keep going past a failing run and stop on request', async () => {
    const items = [1, -1, 2]
    const worker = queueWorker(items)
    const running = startWorkers(t.deps, [worker])
    await expect.poll(() => worker.done, { timeout: 2000 }).toEqual([1, 2])
    items.push(3)
    await expect.poll(() => worker.done, { timeout: 2000 }).toEqual([1, 2, 3])
    await running.stop()
    items.push(4)
    await new Promise((r) => setTimeout(r, 50))
    expect(worker.done).toEqual([1, 2, 3])
  })
})
